module example.com/go-2026-5348-github.com-go-pkgz-auth

go 1.22

require (
	github.com/go-pkgz/auth v1.18.0
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
