module example.com/go-2025-3640-github.com-vbatts-tar-split

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	github.com/vbatts/tar-split v0.10.1
)
