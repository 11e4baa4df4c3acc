module example.com/go-2023-2153-google.golang.org-grpc

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
	google.golang.org/grpc v1.58.2
)
