module example.com/go-2023-2331-go.opentelemetry.io-contrib-instrumentation-google.golang.org-grpc-otelgrpc

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc v0.43.0
)
