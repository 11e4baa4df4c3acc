// Command go-2023-1792-github.com-rs-cors uses github.com/rs/cors, so its go.mod needs the module github.com/rs/cors.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/rs/cors"
	_ "github.com/spf13/pflag"
)

func main() {}
