module example.com/go-2024-2512-github.com-moby-moby

go 1.22

require (
	github.com/moby/moby v25.0.0+incompatible
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
