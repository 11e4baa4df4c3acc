// Command go-2025-3640-github.com-vbatts-tar-split uses github.com/vbatts/tar-split/tar/asm, so its go.mod needs the module github.com/vbatts/tar-split.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "github.com/vbatts/tar-split/tar/asm"
)

func main() {}
