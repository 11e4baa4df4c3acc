// Command go-2023-1515-github.com-rancher-wrangler uses github.com/rancher/wrangler/pkg/git, so its go.mod needs the module github.com/rancher/wrangler.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/rancher/wrangler/pkg/git"
	_ "github.com/spf13/pflag"
)

func main() {}
