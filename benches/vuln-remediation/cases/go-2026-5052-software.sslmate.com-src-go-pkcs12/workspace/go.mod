module example.com/go-2026-5052-software.sslmate.com-src-go-pkcs12

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/spf13/pflag v1.0.9
	software.sslmate.com/src/go-pkcs12 v0.7.0
)
