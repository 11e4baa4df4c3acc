// Command go-2022-1053-github.com-supranational-blst uses github.com/supranational/blst/bindings/go, so its go.mod needs the module github.com/supranational/blst.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
	_ "github.com/supranational/blst/bindings/go"
)

func main() {}
