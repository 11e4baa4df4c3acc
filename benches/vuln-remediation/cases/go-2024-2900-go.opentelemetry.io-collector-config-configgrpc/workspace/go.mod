module example.com/go-2024-2900-go.opentelemetry.io-collector-config-configgrpc

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	go.opentelemetry.io/collector/config/configgrpc v0.102.0
)
