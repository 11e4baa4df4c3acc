// Command go-2026-5320-github.com-yuin-goldmark uses github.com/yuin/goldmark/renderer/html, so its go.mod needs the module github.com/yuin/goldmark.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/yuin/goldmark/renderer/html"
)

func main() {}
