module example.com/go-2023-1765-github.com-cloudflare-circl

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/cloudflare/circl v1.1.0
	github.com/docker/go-units v0.5.0
)
