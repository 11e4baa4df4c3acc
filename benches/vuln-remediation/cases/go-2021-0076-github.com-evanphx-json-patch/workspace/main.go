// Command go-2021-0076-github.com-evanphx-json-patch uses github.com/evanphx/json-patch, so its go.mod needs the module github.com/evanphx/json-patch.
package main

import (
	_ "github.com/evanphx/json-patch"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
