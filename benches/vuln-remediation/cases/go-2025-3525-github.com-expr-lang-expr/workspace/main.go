// Command go-2025-3525-github.com-expr-lang-expr uses github.com/expr-lang/expr/parser, so its go.mod needs the module github.com/expr-lang/expr.
package main

import (
	_ "github.com/expr-lang/expr/parser"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
