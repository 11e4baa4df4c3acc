module example.com/go-2025-3607-github.com-gorilla-csrf

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/gorilla/csrf v1.6.2
)
