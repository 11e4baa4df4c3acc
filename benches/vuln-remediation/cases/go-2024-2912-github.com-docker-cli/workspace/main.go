// Command go-2024-2912-github.com-docker-cli uses github.com/docker/cli/cli/command, so its go.mod needs the module github.com/docker/cli.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/cli/cli/command"
	_ "github.com/spf13/pflag"
)

func main() {}
