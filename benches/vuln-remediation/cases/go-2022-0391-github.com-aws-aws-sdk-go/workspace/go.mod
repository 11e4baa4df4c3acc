module example.com/go-2022-0391-github.com-aws-aws-sdk-go

go 1.22

require (
	github.com/aws/aws-sdk-go v1.33.0
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
)
