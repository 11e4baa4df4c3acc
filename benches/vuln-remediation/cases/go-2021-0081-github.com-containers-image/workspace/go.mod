module example.com/go-2021-0081-github.com-containers-image

go 1.22

require (
	github.com/containers/image v2.0.1+incompatible
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
