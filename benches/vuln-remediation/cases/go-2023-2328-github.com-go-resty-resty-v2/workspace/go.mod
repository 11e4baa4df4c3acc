module example.com/go-2023-2328-github.com-go-resty-resty-v2

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/go-resty/resty/v2 v2.10.0
	github.com/google/go-cmp v0.7.0
)
