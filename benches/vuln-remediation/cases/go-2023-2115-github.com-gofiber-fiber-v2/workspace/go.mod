module example.com/go-2023-2115-github.com-gofiber-fiber-v2

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/gofiber/fiber/v2 v2.45.0
)
