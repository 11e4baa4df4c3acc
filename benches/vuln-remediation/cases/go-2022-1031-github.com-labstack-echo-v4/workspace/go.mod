module example.com/go-2022-1031-github.com-labstack-echo-v4

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/labstack/echo/v4 v4.8.0
)
