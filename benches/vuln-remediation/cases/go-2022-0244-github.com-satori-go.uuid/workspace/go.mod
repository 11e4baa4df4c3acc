module example.com/go-2022-0244-github.com-satori-go.uuid

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/satori/go.uuid v1.2.1-0.20180103161547-0ef6afb2f6cd
)
