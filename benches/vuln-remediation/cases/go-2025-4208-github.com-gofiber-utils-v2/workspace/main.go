// Command go-2025-4208-github.com-gofiber-utils-v2 uses github.com/gofiber/utils/v2, so its go.mod needs the module github.com/gofiber/utils/v2.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/gofiber/utils/v2"
)

func main() {}
