module example.com/go-2025-3372-github.com-golang-glog

go 1.22

require (
	github.com/golang/glog v1.2.3
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
