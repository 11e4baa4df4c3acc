// Command go-2026-5841-github.com-klauspost-compress uses github.com/klauspost/compress/s2, so its go.mod needs the module github.com/klauspost/compress.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/klauspost/compress/s2"
	_ "github.com/pkg/errors"
)

func main() {}
