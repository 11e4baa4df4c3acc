// Command go-2024-2454-github.com-lestrrat-go-jwx uses github.com/lestrrat-go/jwx/jws, so its go.mod needs the module github.com/lestrrat-go/jwx.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/lestrrat-go/jwx/jws"
)

func main() {}
