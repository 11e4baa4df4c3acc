module example.com/go-2021-0076-github.com-evanphx-json-patch

go 1.22

require (
	github.com/evanphx/json-patch v3.0.0+incompatible
	github.com/pkg/errors v0.9.1
	github.com/spf13/pflag v1.0.9
)
