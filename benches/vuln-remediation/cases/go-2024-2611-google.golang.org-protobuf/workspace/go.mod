module example.com/go-2024-2611-google.golang.org-protobuf

go 1.22

require (
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
	google.golang.org/protobuf v1.32.0
)
