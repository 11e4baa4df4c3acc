// Command go-2022-1059-golang.org-x-text uses golang.org/x/text/language, so its go.mod needs the module golang.org/x/text.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/spf13/pflag"
	_ "golang.org/x/text/language"
)

func main() {}
