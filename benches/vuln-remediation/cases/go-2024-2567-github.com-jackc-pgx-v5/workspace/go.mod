module example.com/go-2024-2567-github.com-jackc-pgx-v5

go 1.22

require (
	github.com/jackc/pgx/v5 v5.5.1
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
