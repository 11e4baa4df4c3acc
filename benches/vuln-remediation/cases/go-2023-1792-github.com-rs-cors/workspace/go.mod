module example.com/go-2023-1792-github.com-rs-cors

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/rs/cors v1.4.0
	github.com/spf13/pflag v1.0.9
)
