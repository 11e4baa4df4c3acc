// Command go-2023-1578-github.com-hashicorp-go-getter uses github.com/hashicorp/go-getter, so its go.mod needs the module github.com/hashicorp/go-getter.
package main

import (
	_ "github.com/hashicorp/go-getter"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
