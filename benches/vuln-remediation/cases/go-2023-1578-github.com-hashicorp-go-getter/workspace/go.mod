module example.com/go-2023-1578-github.com-hashicorp-go-getter

go 1.22

require (
	github.com/hashicorp/go-getter v1.5.7
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
