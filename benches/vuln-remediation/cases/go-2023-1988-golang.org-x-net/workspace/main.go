// Command go-2023-1988-golang.org-x-net uses golang.org/x/net/html, so its go.mod needs the module golang.org/x/net.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "golang.org/x/net/html"
)

func main() {}
