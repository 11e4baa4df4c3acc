module example.com/go-2022-1059-golang.org-x-text

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/spf13/pflag v1.0.9
	golang.org/x/text v0.3.7
)
