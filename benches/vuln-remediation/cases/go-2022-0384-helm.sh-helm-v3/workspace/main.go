// Command go-2022-0384-helm.sh-helm-v3 uses helm.sh/helm/v3/pkg/downloader, so its go.mod needs the module helm.sh/helm/v3.
package main

import (
	_ "github.com/agext/levenshtein"
	_ "github.com/spf13/pflag"
	_ "helm.sh/helm/v3/pkg/downloader"
)

func main() {}
