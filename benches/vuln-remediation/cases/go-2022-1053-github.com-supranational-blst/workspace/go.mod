module example.com/go-2022-1053-github.com-supranational-blst

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
	github.com/supranational/blst v0.3.0
)
