module example.com/go-2021-0065-k8s.io-client-go

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	k8s.io/client-go v0.16.11
)
