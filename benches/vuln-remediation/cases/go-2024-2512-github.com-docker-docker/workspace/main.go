// Command go-2024-2512-github.com-docker-docker uses github.com/docker/docker/builder/dockerfile, so its go.mod needs the module github.com/docker/docker.
package main

import (
	_ "github.com/docker/docker/builder/dockerfile"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
