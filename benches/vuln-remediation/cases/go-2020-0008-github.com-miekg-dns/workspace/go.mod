module example.com/go-2020-0008-github.com-miekg-dns

go 1.22

require (
	github.com/miekg/dns v1.1.22
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
