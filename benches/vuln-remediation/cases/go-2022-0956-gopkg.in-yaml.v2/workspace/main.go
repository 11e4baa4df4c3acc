// Command go-2022-0956-gopkg.in-yaml.v2 uses gopkg.in/yaml.v2, so its go.mod needs the module gopkg.in/yaml.v2.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/spf13/pflag"
	_ "gopkg.in/yaml.v2"
)

func main() {}
