module example.com/go-2024-2900-go.opentelemetry.io-collector-config-confighttp

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
	go.opentelemetry.io/collector/config/confighttp v0.101.0
)
