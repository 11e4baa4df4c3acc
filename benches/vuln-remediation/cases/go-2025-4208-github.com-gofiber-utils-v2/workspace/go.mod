module example.com/go-2025-4208-github.com-gofiber-utils-v2

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/gofiber/utils/v2 v2.0.0-rc.1
)
