module example.com/go-2022-0799-github.com-mholt-archiver

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/mholt/archiver v2.0.0+incompatible
)
