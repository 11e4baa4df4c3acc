module example.com/go-2023-1861-github.com-cosmos-cosmos-sdk

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/cosmos/cosmos-sdk v0.45.16
	github.com/docker/go-units v0.5.0
)
