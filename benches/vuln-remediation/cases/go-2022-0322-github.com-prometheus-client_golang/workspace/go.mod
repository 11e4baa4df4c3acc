module example.com/go-2022-0322-github.com-prometheus-client_golang

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/prometheus/client_golang v1.11.0
	github.com/spf13/pflag v1.0.9
)
