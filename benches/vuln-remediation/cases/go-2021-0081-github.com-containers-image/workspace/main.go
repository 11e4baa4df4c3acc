// Command go-2021-0081-github.com-containers-image uses github.com/containers/image/docker, so its go.mod needs the module github.com/containers/image.
package main

import (
	_ "github.com/containers/image/docker"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
