// Command go-2025-3488-golang.org-x-oauth2 uses golang.org/x/oauth2/jws, so its go.mod needs the module golang.org/x/oauth2.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "golang.org/x/oauth2/jws"
)

func main() {}
