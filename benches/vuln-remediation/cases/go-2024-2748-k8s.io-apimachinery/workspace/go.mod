module example.com/go-2024-2748-k8s.io-apimachinery

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/spf13/pflag v1.0.9
	k8s.io/apimachinery v0.17.5
)
