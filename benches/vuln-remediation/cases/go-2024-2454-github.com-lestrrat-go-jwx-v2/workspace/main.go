// Command go-2024-2454-github.com-lestrrat-go-jwx-v2 uses github.com/lestrrat-go/jwx/v2/jws, so its go.mod needs the module github.com/lestrrat-go/jwx/v2.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/lestrrat-go/jwx/v2/jws"
)

func main() {}
