module example.com/go-2023-1574-github.com-containerd-containerd

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/containerd/containerd v1.6.8
	github.com/spf13/pflag v1.0.9
)
