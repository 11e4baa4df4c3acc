// Command go-2026-5774-github.com-go-chi-chi-v5 uses github.com/go-chi/chi/v5/middleware, so its go.mod needs the module github.com/go-chi/chi/v5.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/go-chi/chi/v5/middleware"
)

func main() {}
