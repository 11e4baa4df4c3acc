module example.com/go-2023-1988-golang.org-x-net

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	golang.org/x/net v0.12.0
)
