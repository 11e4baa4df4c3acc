// Command go-2022-0386-github.com-nats-io-jwt-v2 uses github.com/nats-io/jwt/v2, so its go.mod needs the module github.com/nats-io/jwt/v2.
package main

import (
	_ "github.com/nats-io/jwt/v2"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
