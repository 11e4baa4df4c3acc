// Command go-2023-2328-github.com-go-resty-resty-v2 uses github.com/go-resty/resty/v2, so its go.mod needs the module github.com/go-resty/resty/v2.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/go-resty/resty/v2"
	_ "github.com/google/go-cmp/cmp"
)

func main() {}
