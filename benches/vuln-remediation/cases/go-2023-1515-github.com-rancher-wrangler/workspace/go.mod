module example.com/go-2023-1515-github.com-rancher-wrangler

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/rancher/wrangler v1.0.0
	github.com/spf13/pflag v1.0.9
)
