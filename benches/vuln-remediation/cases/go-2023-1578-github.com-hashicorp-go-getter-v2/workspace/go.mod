module example.com/go-2023-1578-github.com-hashicorp-go-getter-v2

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/hashicorp/go-getter/v2 v2.0.0
	github.com/pkg/errors v0.9.1
)
