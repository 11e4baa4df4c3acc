module example.com/go-2023-2000-github.com-libp2p-go-libp2p

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/libp2p/go-libp2p v0.26.3
	github.com/pkg/errors v0.9.1
)
