module example.com/go-2024-2748-k8s.io-kubernetes

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	k8s.io/kubernetes v1.13.0
)
