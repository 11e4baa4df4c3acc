// Command go-2024-2567-github.com-jackc-pgx-v5 uses github.com/jackc/pgx/v5/pgconn, so its go.mod needs the module github.com/jackc/pgx/v5.
package main

import (
	_ "github.com/jackc/pgx/v5/pgconn"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
