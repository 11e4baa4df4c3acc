module example.com/go-2022-0887-github.com-go-ldap-ldap

go 1.22

require (
	github.com/agext/levenshtein v1.2.3
	github.com/go-ldap/ldap v2.4.0+incompatible
	github.com/spf13/pflag v1.0.9
)
