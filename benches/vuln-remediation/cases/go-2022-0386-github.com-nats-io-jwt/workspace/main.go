// Command go-2022-0386-github.com-nats-io-jwt uses github.com/nats-io/jwt, so its go.mod needs the module github.com/nats-io/jwt.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/nats-io/jwt"
	_ "github.com/spf13/pflag"
)

func main() {}
