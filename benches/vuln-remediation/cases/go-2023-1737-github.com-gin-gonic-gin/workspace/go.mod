module example.com/go-2023-1737-github.com-gin-gonic-gin

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/gin-gonic/gin v1.9.0
	github.com/google/go-cmp v0.7.0
)
