// Command go-2021-0065-k8s.io-client-go uses k8s.io/client-go/transport, so its go.mod needs the module k8s.io/client-go.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "k8s.io/client-go/transport"
)

func main() {}
