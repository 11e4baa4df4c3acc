module example.com/go-2023-1534-github.com-pion-dtls-v2

go 1.22

require (
	github.com/pion/dtls/v2 v2.2.3
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
