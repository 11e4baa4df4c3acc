// Command go-2025-4188-github.com-sirupsen-logrus uses github.com/sirupsen/logrus, so its go.mod needs the module github.com/sirupsen/logrus.
package main

import (
	_ "github.com/docker/go-units"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/sirupsen/logrus"
)

func main() {}
