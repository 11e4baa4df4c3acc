//go:build !unix

package audit

import "io/fs"

// currentUmask returns 0: there is no umask outside Unix.
func currentUmask() fs.FileMode { return 0 }
