// Command go-2023-1578-github.com-hashicorp-go-getter-v2 uses github.com/hashicorp/go-getter/v2, so its go.mod needs the module github.com/hashicorp/go-getter/v2.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/hashicorp/go-getter/v2"
	_ "github.com/pkg/errors"
)

func main() {}
