// Command go-2022-0942-github.com-graphql-go-graphql uses github.com/graphql-go/graphql/language/parser, so its go.mod needs the module github.com/graphql-go/graphql.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/graphql-go/graphql/language/parser"
	_ "github.com/spf13/pflag"
)

func main() {}
