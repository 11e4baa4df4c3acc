// Command go-2021-0109-github.com-ory-fosite uses github.com/ory/fosite/handler/oauth2, so its go.mod needs the module github.com/ory/fosite.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/ory/fosite/handler/oauth2"
)

func main() {}
