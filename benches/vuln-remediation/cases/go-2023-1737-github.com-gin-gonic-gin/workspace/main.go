// Command go-2023-1737-github.com-gin-gonic-gin uses github.com/gin-gonic/gin, so its go.mod needs the module github.com/gin-gonic/gin.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/gin-gonic/gin"
	_ "github.com/google/go-cmp/cmp"
)

func main() {}
