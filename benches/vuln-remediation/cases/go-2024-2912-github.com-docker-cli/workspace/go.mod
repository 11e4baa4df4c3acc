module example.com/go-2024-2912-github.com-docker-cli

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/cli v20.10.8+incompatible
	github.com/spf13/pflag v1.0.9
)
