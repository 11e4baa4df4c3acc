module example.com/go-2026-5348-github.com-go-pkgz-auth-v2

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/go-pkgz/auth/v2 v2.0.0
	github.com/google/go-cmp v0.7.0
)
