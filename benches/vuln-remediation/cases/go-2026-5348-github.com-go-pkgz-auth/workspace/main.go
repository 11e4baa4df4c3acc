// Command go-2026-5348-github.com-go-pkgz-auth uses github.com/go-pkgz/auth, so its go.mod needs the module github.com/go-pkgz/auth.
package main

import (
	_ "github.com/go-pkgz/auth"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
