// Command go-2023-1534-github.com-pion-dtls-v2 uses github.com/pion/dtls/v2/pkg/protocol/handshake, so its go.mod needs the module github.com/pion/dtls/v2.
package main

import (
	_ "github.com/pion/dtls/v2/pkg/protocol/handshake"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
