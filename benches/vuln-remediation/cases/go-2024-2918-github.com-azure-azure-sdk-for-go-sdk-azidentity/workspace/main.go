// Command go-2024-2918-github.com-azure-azure-sdk-for-go-sdk-azidentity uses github.com/Azure/azure-sdk-for-go/sdk/azidentity, so its go.mod needs the module github.com/Azure/azure-sdk-for-go/sdk/azidentity.
package main

import (
	_ "github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
