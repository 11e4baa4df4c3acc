// Command go-2023-1765-github.com-cloudflare-circl uses github.com/cloudflare/circl/blindsign/blindrsa, so its go.mod needs the module github.com/cloudflare/circl.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/cloudflare/circl/blindsign/blindrsa"
	_ "github.com/docker/go-units"
)

func main() {}
