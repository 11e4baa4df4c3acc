module example.com/go-2025-3488-golang.org-x-oauth2

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	golang.org/x/oauth2 v0.26.0
)
