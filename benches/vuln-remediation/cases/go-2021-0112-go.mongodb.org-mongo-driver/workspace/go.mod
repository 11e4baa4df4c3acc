module example.com/go-2021-0112-go.mongodb.org-mongo-driver

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/docker/go-units v0.5.0
	go.mongodb.org/mongo-driver v1.4.6
)
