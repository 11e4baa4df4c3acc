// Command go-2022-0762-github.com-microcosm-cc-bluemonday uses github.com/microcosm-cc/bluemonday, so its go.mod needs the module github.com/microcosm-cc/bluemonday.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/microcosm-cc/bluemonday"
	_ "github.com/spf13/pflag"
)

func main() {}
