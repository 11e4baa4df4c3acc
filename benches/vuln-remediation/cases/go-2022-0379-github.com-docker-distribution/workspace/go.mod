module example.com/go-2022-0379-github.com-docker-distribution

go 1.22

require (
	github.com/docker/distribution v2.7.1+incompatible
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
)
