package rubric

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrFileTooLarge is wrapped by ReadFile and ReadRootFile when a file is
// larger than the limit the caller gave.
var ErrFileTooLarge = errors.New("file too large")

// ReadFile reads rel inside dir through os.Root, so that a symbolic link
// the SUT planted cannot make a check read outside the workspace. found is
// false when the file is missing, escapes dir or is not a regular file:
// all the SUT's doing, so no error. A file of more than limit bytes gives
// found true and an error wrapping ErrFileTooLarge; at most limit+1 bytes
// are read.
func ReadFile(dir, rel string, limit int64) (data []byte, found bool, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, false, fmt.Errorf("open workspace %q: %w", dir, err)
	}
	defer root.Close()
	return ReadRootFile(root, rel, limit)
}

// ReadRootFile is ReadFile on a root the caller opened, for checks that
// read many files of one workspace.
func ReadRootFile(root *os.Root, rel string, limit int64) (data []byte, found bool, err error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, false, nil
	}
	data, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, true, fmt.Errorf("read %q: %w", rel, err)
	}
	if int64(len(data)) > limit {
		return nil, true, fmt.Errorf("%w: %q is larger than %d bytes", ErrFileTooLarge, rel, limit)
	}
	return data, true, nil
}
