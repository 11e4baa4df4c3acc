module example.com/go-2022-0233-github.com-pires-go-proxyproto

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/pires/go-proxyproto v0.6.0
)
