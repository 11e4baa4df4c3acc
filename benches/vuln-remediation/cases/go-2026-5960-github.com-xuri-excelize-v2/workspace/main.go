// Command go-2026-5960-github.com-xuri-excelize-v2 uses github.com/xuri/excelize/v2, so its go.mod needs the module github.com/xuri/excelize/v2.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "github.com/xuri/excelize/v2"
)

func main() {}
