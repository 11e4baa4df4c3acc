// Command go-2024-2900-go.opentelemetry.io-collector-config-confighttp uses go.opentelemetry.io/collector/config/confighttp, so its go.mod needs the module go.opentelemetry.io/collector/config/confighttp.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
	_ "go.opentelemetry.io/collector/config/confighttp"
)

func main() {}
