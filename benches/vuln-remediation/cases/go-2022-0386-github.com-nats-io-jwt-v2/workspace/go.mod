module example.com/go-2022-0386-github.com-nats-io-jwt-v2

go 1.22

require (
	github.com/nats-io/jwt/v2 v2.0.0
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
