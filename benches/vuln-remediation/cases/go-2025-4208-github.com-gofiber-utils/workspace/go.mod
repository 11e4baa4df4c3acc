module example.com/go-2025-4208-github.com-gofiber-utils

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/gofiber/utils v1.1.0
	github.com/spf13/pflag v1.0.9
)
