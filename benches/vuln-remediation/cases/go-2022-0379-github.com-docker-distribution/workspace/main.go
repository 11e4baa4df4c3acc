// Command go-2022-0379-github.com-docker-distribution uses github.com/docker/distribution, so its go.mod needs the module github.com/docker/distribution.
package main

import (
	_ "github.com/docker/distribution"
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
)

func main() {}
