// Command go-2021-0112-go.mongodb.org-mongo-driver uses go.mongodb.org/mongo-driver/x/bsonx/bsoncore, so its go.mod needs the module go.mongodb.org/mongo-driver.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "go.mongodb.org/mongo-driver/x/bsonx/bsoncore"
)

func main() {}
