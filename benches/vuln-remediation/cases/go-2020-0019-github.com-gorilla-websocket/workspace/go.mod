module example.com/go-2020-0019-github.com-gorilla-websocket

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/websocket v1.4.0
	github.com/pkg/errors v0.9.1
)
