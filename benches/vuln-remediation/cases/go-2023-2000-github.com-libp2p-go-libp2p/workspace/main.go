// Command go-2023-2000-github.com-libp2p-go-libp2p uses github.com/libp2p/go-libp2p/core/crypto, so its go.mod needs the module github.com/libp2p/go-libp2p.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/libp2p/go-libp2p/core/crypto"
	_ "github.com/pkg/errors"
)

func main() {}
