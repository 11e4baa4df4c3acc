module example.com/go-2022-0762-github.com-microcosm-cc-bluemonday

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/microcosm-cc/bluemonday v1.0.4
	github.com/spf13/pflag v1.0.9
)
