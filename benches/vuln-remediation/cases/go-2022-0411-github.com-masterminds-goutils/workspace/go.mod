module example.com/go-2022-0411-github.com-masterminds-goutils

go 1.22

require (
	github.com/Masterminds/goutils v1.1.0
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
