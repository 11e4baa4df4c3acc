module example.com/go-2022-0945-gopkg.in-square-go-jose.v1

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	gopkg.in/square/go-jose.v1 v1.0.0
)
