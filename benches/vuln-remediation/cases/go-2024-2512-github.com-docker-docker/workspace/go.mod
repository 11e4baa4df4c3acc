module example.com/go-2024-2512-github.com-docker-docker

go 1.22

require (
	github.com/docker/docker v25.0.0+incompatible
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
