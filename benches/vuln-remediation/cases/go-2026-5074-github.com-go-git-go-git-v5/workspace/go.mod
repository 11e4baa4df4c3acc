module example.com/go-2026-5074-github.com-go-git-go-git-v5

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/go-git/go-git/v5 v5.17.2
	github.com/spf13/pflag v1.0.9
)
