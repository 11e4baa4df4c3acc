// Command go-2025-3607-github.com-gorilla-csrf uses github.com/gorilla/csrf, so its go.mod needs the module github.com/gorilla/csrf.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/gorilla/csrf"
)

func main() {}
