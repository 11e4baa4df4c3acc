// Command go-2026-5281-go.opentelemetry.io-otel-schema uses go.opentelemetry.io/otel/schema, so its go.mod needs the module go.opentelemetry.io/otel/schema.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "go.opentelemetry.io/otel/schema"
)

func main() {}
