// Command go-2023-2380-github.com-ecies-go-v2 uses github.com/ecies/go/v2, so its go.mod needs the module github.com/ecies/go/v2.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/ecies/go/v2"
)

func main() {}
