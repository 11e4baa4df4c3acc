// Command go-2022-0391-github.com-aws-aws-sdk-go uses github.com/aws/aws-sdk-go/service/s3/s3crypto, so its go.mod needs the module github.com/aws/aws-sdk-go.
package main

import (
	_ "github.com/aws/aws-sdk-go/service/s3/s3crypto"
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
)

func main() {}
