module example.com/go-2024-2947-github.com-hashicorp-go-retryablehttp

go 1.22

require (
	github.com/hashicorp/go-retryablehttp v0.7.5
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
