module example.com/go-2021-0109-github.com-ory-fosite

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/ory/fosite v0.33.0
)
