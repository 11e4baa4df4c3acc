// Command go-2024-2748-k8s.io-kubernetes uses k8s.io/kubernetes, so its go.mod needs the module k8s.io/kubernetes.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "k8s.io/kubernetes"
)

func main() {}
