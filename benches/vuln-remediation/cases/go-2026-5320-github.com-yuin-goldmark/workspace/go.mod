module example.com/go-2026-5320-github.com-yuin-goldmark

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	github.com/yuin/goldmark v1.7.16
)
