// Command go-2022-0233-github.com-pires-go-proxyproto uses github.com/pires/go-proxyproto, so its go.mod needs the module github.com/pires/go-proxyproto.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pires/go-proxyproto"
)

func main() {}
