module example.com/go-2026-5774-github.com-go-chi-chi-v5

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/go-chi/chi/v5 v5.2.5
)
