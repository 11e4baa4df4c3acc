// Command go-2024-2947-github.com-hashicorp-go-retryablehttp uses github.com/hashicorp/go-retryablehttp, so its go.mod needs the module github.com/hashicorp/go-retryablehttp.
package main

import (
	_ "github.com/hashicorp/go-retryablehttp"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
