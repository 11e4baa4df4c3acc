// Command go-2022-0322-github.com-prometheus-client_golang uses github.com/prometheus/client_golang/prometheus/promhttp, so its go.mod needs the module github.com/prometheus/client_golang.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/spf13/pflag"
)

func main() {}
