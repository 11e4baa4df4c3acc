// Command go-2023-2115-github.com-gofiber-fiber-v2 uses github.com/gofiber/fiber/v2/middleware/csrf, so its go.mod needs the module github.com/gofiber/fiber/v2.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/gofiber/fiber/v2/middleware/csrf"
)

func main() {}
