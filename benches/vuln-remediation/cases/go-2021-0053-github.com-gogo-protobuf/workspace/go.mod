module example.com/go-2021-0053-github.com-gogo-protobuf

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/gogo/protobuf v1.3.1
	github.com/spf13/pflag v1.0.9
)
