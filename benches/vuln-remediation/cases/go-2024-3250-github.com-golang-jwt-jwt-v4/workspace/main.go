// Command go-2024-3250-github.com-golang-jwt-jwt-v4 uses github.com/golang-jwt/jwt/v4, so its go.mod needs the module github.com/golang-jwt/jwt/v4.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/docker/go-units"
	_ "github.com/golang-jwt/jwt/v4"
)

func main() {}
