module example.com/go-2023-1602-github.com-russellhaering-gosaml2

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	github.com/russellhaering/gosaml2 v0.8.0
)
