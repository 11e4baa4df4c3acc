// Command go-2021-0053-github.com-gogo-protobuf uses github.com/gogo/protobuf/plugin/unmarshal, so its go.mod needs the module github.com/gogo/protobuf.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/gogo/protobuf/plugin/unmarshal"
	_ "github.com/spf13/pflag"
)

func main() {}
