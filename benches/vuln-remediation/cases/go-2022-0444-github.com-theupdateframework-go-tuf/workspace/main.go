// Command go-2022-0444-github.com-theupdateframework-go-tuf uses github.com/theupdateframework/go-tuf/client, so its go.mod needs the module github.com/theupdateframework/go-tuf.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
	_ "github.com/theupdateframework/go-tuf/client"
)

func main() {}
