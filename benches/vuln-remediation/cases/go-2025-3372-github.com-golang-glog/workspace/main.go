// Command go-2025-3372-github.com-golang-glog uses github.com/golang/glog, so its go.mod needs the module github.com/golang/glog.
package main

import (
	_ "github.com/golang/glog"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
