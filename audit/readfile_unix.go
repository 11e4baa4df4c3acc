//go:build unix

package audit

import (
	"fmt"
	"io/fs"
	"syscall"
)

// readRecordFile reads a whole record file into buf, which it grows as
// needed, and returns the bytes. It reads at most MaxRecordSize+1 bytes and
// does not follow a symbolic link.
//
// It calls open, fstat, read and close directly: os.Open adds an fstat and an
// fcntl per file, which cost about a third of Verify's time per file.
func readRecordFile(path string, buf []byte) ([]byte, error) {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
	})
	if err != nil {
		return buf[:0], &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)

	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return buf[:0], &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return buf[:0], fmt.Errorf("read %s: not a regular file", path)
	}
	size := int64(st.Size)
	if size > MaxRecordSize {
		return buf[:0], fmt.Errorf("read %s: %w: %d bytes, more than the maximum of %d", path, errFileTooLarge, size, MaxRecordSize)
	}

	// One byte beyond the size lets a single read see the end of the file.
	if need := int(size) + 1; cap(buf) < need {
		buf = make([]byte, 0, need+need/4)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := ignoringEINTR(func() (int, error) {
			return syscall.Read(fd, buf[len(buf):cap(buf)])
		})
		if err != nil {
			return buf[:0], &fs.PathError{Op: "read", Path: path, Err: err}
		}
		full := len(buf)+n == cap(buf)
		buf = buf[:len(buf)+n]
		if len(buf) > MaxRecordSize {
			return buf[:0], fmt.Errorf("read %s: %w: it grew beyond the maximum of %d bytes while being read", path, errFileTooLarge, MaxRecordSize)
		}
		// A read that returns nothing is the end of the file, and so is a
		// short read that reaches the size fstat reported, which saves a read.
		if n == 0 || (!full && int64(len(buf)) == size) {
			return buf, nil
		}
	}
}

func ignoringEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
