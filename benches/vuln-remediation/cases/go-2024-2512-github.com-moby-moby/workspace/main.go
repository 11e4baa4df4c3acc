// Command go-2024-2512-github.com-moby-moby uses github.com/moby/moby/builder/dockerfile, so its go.mod needs the module github.com/moby/moby.
package main

import (
	_ "github.com/moby/moby/builder/dockerfile"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
