// Command go-2022-0799-github.com-mholt-archiver uses github.com/mholt/archiver, so its go.mod needs the module github.com/mholt/archiver.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/mholt/archiver"
)

func main() {}
