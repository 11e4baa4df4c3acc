// Command go-2026-6094-github.com-google-cel-go uses github.com/google/cel-go/ext, so its go.mod needs the module github.com/google/cel-go.
package main

import (
	_ "github.com/google/cel-go/ext"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
