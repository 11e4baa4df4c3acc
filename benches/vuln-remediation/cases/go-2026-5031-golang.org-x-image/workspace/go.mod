module example.com/go-2026-5031-golang.org-x-image

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
	golang.org/x/image v0.40.0
)
