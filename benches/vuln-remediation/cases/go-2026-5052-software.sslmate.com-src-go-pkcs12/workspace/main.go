// Command go-2026-5052-software.sslmate.com-src-go-pkcs12 uses software.sslmate.com/src/go-pkcs12, so its go.mod needs the module software.sslmate.com/src/go-pkcs12.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/spf13/pflag"
	_ "software.sslmate.com/src/go-pkcs12"
)

func main() {}
