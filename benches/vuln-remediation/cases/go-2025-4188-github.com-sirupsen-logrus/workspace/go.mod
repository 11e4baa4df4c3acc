module example.com/go-2025-4188-github.com-sirupsen-logrus

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/sirupsen/logrus v1.9.2
)
