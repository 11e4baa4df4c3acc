// Command go-2023-2137-github.com-ydb-platform-ydb-go-sdk-v3 uses github.com/ydb-platform/ydb-go-sdk/v3, so its go.mod needs the module github.com/ydb-platform/ydb-go-sdk/v3.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
	_ "github.com/ydb-platform/ydb-go-sdk/v3"
)

func main() {}
