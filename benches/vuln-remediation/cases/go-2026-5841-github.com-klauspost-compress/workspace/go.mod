module example.com/go-2026-5841-github.com-klauspost-compress

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/klauspost/compress v1.18.6
	github.com/pkg/errors v0.9.1
)
