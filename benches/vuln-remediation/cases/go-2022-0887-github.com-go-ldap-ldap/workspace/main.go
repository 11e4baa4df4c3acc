// Command go-2022-0887-github.com-go-ldap-ldap uses github.com/go-ldap/ldap, so its go.mod needs the module github.com/go-ldap/ldap.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/go-ldap/ldap"
	_ "github.com/spf13/pflag"
)

func main() {}
