module example.com/go-2025-4017-github.com-quic-go-quic-go

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/quic-go/quic-go v0.54.0
)
