//go:build unix

package audit

import (
	"io/fs"
	"syscall"
)

// currentUmask returns the process umask. Reading it means setting it, so it
// is set back at once; no test that creates files runs in parallel with this.
func currentUmask() fs.FileMode {
	umask := syscall.Umask(0)
	syscall.Umask(umask)
	return fs.FileMode(umask)
}
