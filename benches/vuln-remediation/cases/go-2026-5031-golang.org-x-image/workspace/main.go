// Command go-2026-5031-golang.org-x-image uses golang.org/x/image/bmp, so its go.mod needs the module golang.org/x/image.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
	_ "golang.org/x/image/bmp"
)

func main() {}
