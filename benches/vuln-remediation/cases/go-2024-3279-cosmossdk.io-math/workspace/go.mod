module example.com/go-2024-3279-cosmossdk.io-math

go 1.22

require (
	cosmossdk.io/math v1.3.0
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
)
