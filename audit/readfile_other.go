//go:build !unix

package audit

import (
	"fmt"
	"io"
	"os"
)

// readRecordFile reads a whole record file into buf, which it grows as
// needed, and returns the bytes. It reads at most MaxRecordSize+1 bytes.
func readRecordFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()

	info, err := f.Stat()
	if err != nil {
		return buf[:0], err
	}
	if !info.Mode().IsRegular() {
		return buf[:0], fmt.Errorf("read %s: not a regular file", path)
	}
	if info.Size() > MaxRecordSize {
		return buf[:0], fmt.Errorf("read %s: %w: %d bytes, more than the maximum of %d", path, errFileTooLarge, info.Size(), MaxRecordSize)
	}

	if need := int(info.Size()) + 1; cap(buf) < need {
		buf = make([]byte, 0, need+need/4)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxRecordSize {
			return buf[:0], fmt.Errorf("read %s: %w: it grew beyond the maximum of %d bytes while being read", path, errFileTooLarge, MaxRecordSize)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf[:0], fmt.Errorf("read %s: %w", path, err)
		}
	}
}
