// Command go-2022-0957-github.com-tidwall-gjson uses github.com/tidwall/gjson, so its go.mod needs the module github.com/tidwall/gjson.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/tidwall/gjson"
)

func main() {}
