module example.com/go-2023-2137-github.com-ydb-platform-ydb-go-sdk-v3

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
	github.com/ydb-platform/ydb-go-sdk/v3 v3.48.6
)
