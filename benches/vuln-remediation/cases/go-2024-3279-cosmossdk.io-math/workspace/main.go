// Command go-2024-3279-cosmossdk.io-math uses cosmossdk.io/math, so its go.mod needs the module cosmossdk.io/math.
package main

import (
	_ "cosmossdk.io/math"
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
)

func main() {}
