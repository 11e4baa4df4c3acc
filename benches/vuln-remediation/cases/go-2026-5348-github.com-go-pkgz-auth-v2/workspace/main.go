// Command go-2026-5348-github.com-go-pkgz-auth-v2 uses github.com/go-pkgz/auth/v2, so its go.mod needs the module github.com/go-pkgz/auth/v2.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/go-pkgz/auth/v2"
	_ "github.com/google/go-cmp/cmp"
)

func main() {}
