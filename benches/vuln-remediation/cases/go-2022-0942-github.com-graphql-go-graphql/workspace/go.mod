module example.com/go-2022-0942-github.com-graphql-go-graphql

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/graphql-go/graphql v0.8.0
	github.com/spf13/pflag v1.0.9
)
