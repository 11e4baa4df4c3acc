// Command go-2021-0101-github.com-apache-thrift uses github.com/apache/thrift/lib/go/thrift, so its go.mod needs the module github.com/apache/thrift.
package main

import (
	_ "github.com/apache/thrift/lib/go/thrift"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
