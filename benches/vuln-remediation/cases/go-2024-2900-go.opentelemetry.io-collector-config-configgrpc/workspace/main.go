// Command go-2024-2900-go.opentelemetry.io-collector-config-configgrpc uses go.opentelemetry.io/collector/config/configgrpc, so its go.mod needs the module go.opentelemetry.io/collector/config/configgrpc.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "go.opentelemetry.io/collector/config/configgrpc"
)

func main() {}
