module example.com/go-2024-2454-github.com-lestrrat-go-jwx

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/lestrrat-go/jwx v1.1.0
)
