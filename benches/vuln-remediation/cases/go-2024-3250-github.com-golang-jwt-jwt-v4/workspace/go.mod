module example.com/go-2024-3250-github.com-golang-jwt-jwt-v4

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/golang-jwt/jwt/v4 v4.5.0
)
