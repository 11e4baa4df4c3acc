// Command go-2023-2331-go.opentelemetry.io-contrib-instrumentation-google.golang.org-grpc-otelgrpc uses go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc, so its go.mod needs the module go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
)

func main() {}
