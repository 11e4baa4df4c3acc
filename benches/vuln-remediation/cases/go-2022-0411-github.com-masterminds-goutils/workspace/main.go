// Command go-2022-0411-github.com-masterminds-goutils uses github.com/Masterminds/goutils, so its go.mod needs the module github.com/Masterminds/goutils.
package main

import (
	_ "github.com/Masterminds/goutils"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
