module example.com/go-2022-0957-github.com-tidwall-gjson

go 1.22

require (
	github.com/docker/go-units v0.5.0
	github.com/google/go-cmp v0.7.0
	github.com/tidwall/gjson v1.6.4
)
