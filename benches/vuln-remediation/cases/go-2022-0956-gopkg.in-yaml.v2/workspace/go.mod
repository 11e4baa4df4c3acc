module example.com/go-2022-0956-gopkg.in-yaml.v2

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/spf13/pflag v1.0.9
	gopkg.in/yaml.v2 v2.2.3
)
