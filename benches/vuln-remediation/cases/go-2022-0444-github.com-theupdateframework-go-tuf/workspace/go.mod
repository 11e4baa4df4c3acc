module example.com/go-2022-0444-github.com-theupdateframework-go-tuf

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
	github.com/theupdateframework/go-tuf v0.2.0
)
