// Command go-2021-0077-go.etcd.io-etcd uses go.etcd.io/etcd/auth, so its go.mod needs the module go.etcd.io/etcd.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "go.etcd.io/etcd/auth"
)

func main() {}
