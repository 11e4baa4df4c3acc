// Command go-2022-0244-github.com-satori-go.uuid uses github.com/satori/go.uuid, so its go.mod needs the module github.com/satori/go.uuid.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/satori/go.uuid"
)

func main() {}
