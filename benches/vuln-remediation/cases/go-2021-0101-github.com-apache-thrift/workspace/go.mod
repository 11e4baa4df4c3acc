module example.com/go-2021-0101-github.com-apache-thrift

go 1.22

require (
	github.com/apache/thrift v0.12.0
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
