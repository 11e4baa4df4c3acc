// Command go-2023-2153-google.golang.org-grpc uses google.golang.org/grpc, so its go.mod needs the module google.golang.org/grpc.
package main

import (
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
	_ "google.golang.org/grpc"
)

func main() {}
