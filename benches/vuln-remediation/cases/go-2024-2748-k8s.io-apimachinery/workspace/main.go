// Command go-2024-2748-k8s.io-apimachinery uses k8s.io/apimachinery/pkg/util/net, so its go.mod needs the module k8s.io/apimachinery.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/spf13/pflag"
	_ "k8s.io/apimachinery/pkg/util/net"
)

func main() {}
