// Command go-2023-1602-github.com-russellhaering-gosaml2 uses github.com/russellhaering/gosaml2, so its go.mod needs the module github.com/russellhaering/gosaml2.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "github.com/russellhaering/gosaml2"
)

func main() {}
