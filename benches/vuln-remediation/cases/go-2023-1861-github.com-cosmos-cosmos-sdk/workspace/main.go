// Command go-2023-1861-github.com-cosmos-cosmos-sdk uses github.com/cosmos/cosmos-sdk/x/auth/vesting/types, so its go.mod needs the module github.com/cosmos/cosmos-sdk.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/cosmos/cosmos-sdk/x/auth/vesting/types"
	_ "github.com/docker/go-units"
)

func main() {}
