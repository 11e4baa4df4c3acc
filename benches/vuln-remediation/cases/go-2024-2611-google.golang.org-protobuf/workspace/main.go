// Command go-2024-2611-google.golang.org-protobuf uses google.golang.org/protobuf/encoding/protojson, so its go.mod needs the module google.golang.org/protobuf.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
	_ "google.golang.org/protobuf/encoding/protojson"
)

func main() {}
