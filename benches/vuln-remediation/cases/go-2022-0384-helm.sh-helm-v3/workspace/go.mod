module example.com/go-2022-0384-helm.sh-helm-v3

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/spf13/pflag v1.0.9
	helm.sh/helm/v3 v3.6.0
)
