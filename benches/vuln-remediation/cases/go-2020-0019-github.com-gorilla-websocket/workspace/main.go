// Command go-2020-0019-github.com-gorilla-websocket uses github.com/gorilla/websocket, so its go.mod needs the module github.com/gorilla/websocket.
package main

import (
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/gorilla/websocket"
	_ "github.com/pkg/errors"
)

func main() {}
