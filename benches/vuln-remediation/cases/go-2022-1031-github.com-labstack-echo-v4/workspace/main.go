// Command go-2022-1031-github.com-labstack-echo-v4 uses github.com/labstack/echo/v4, so its go.mod needs the module github.com/labstack/echo/v4.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/labstack/echo/v4"
)

func main() {}
