module example.com/go-2026-5281-go.opentelemetry.io-otel-schema

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	go.opentelemetry.io/otel/schema v0.0.16
)
