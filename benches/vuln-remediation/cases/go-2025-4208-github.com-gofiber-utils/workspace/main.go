// Command go-2025-4208-github.com-gofiber-utils uses github.com/gofiber/utils, so its go.mod needs the module github.com/gofiber/utils.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/gofiber/utils"
	_ "github.com/spf13/pflag"
)

func main() {}
