// Command go-2020-0008-github.com-miekg-dns uses github.com/miekg/dns, so its go.mod needs the module github.com/miekg/dns.
package main

import (
	_ "github.com/miekg/dns"
	_ "github.com/pkg/errors"
	_ "github.com/spf13/pflag"
)

func main() {}
