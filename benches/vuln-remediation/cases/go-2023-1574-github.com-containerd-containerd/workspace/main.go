// Command go-2023-1574-github.com-containerd-containerd uses github.com/containerd/containerd/oci, so its go.mod needs the module github.com/containerd/containerd.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/containerd/containerd/oci"
	_ "github.com/spf13/pflag"
)

func main() {}
