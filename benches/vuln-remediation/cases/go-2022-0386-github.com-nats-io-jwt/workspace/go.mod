module example.com/go-2022-0386-github.com-nats-io-jwt

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/nats-io/jwt v1.2.2
	github.com/spf13/pflag v1.0.9
)
