// Command go-2025-4017-github.com-quic-go-quic-go uses github.com/quic-go/quic-go, so its go.mod needs the module github.com/quic-go/quic-go.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/quic-go/quic-go"
)

func main() {}
