// Command go-2022-0945-gopkg.in-square-go-jose.v1 uses gopkg.in/square/go-jose.v1, so its go.mod needs the module gopkg.in/square/go-jose.v1.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "gopkg.in/square/go-jose.v1"
)

func main() {}
