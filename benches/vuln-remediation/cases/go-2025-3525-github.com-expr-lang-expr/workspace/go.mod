module example.com/go-2025-3525-github.com-expr-lang-expr

go 1.22

require (
	github.com/expr-lang/expr v1.16.9
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
