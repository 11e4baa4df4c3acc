module example.com/go-2024-2918-github.com-azure-azure-sdk-for-go-sdk-azidentity

go 1.22

require (
	github.com/Azure/azure-sdk-for-go/sdk/azidentity v1.5.2
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
