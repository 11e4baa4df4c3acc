module example.com/go-2021-0077-go.etcd.io-etcd

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	go.etcd.io/etcd v0.5.0-alpha.5
)
