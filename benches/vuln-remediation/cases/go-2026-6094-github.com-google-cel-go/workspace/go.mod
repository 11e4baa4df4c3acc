module example.com/go-2026-6094-github.com-google-cel-go

go 1.22

require (
	github.com/google/cel-go v0.29.2
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
