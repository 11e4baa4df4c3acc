// Command go-2026-5074-github.com-go-git-go-git-v5 uses github.com/go-git/go-git/v5/plumbing/object, so its go.mod needs the module github.com/go-git/go-git/v5.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/go-git/go-git/v5/plumbing/object"
	_ "github.com/spf13/pflag"
)

func main() {}
