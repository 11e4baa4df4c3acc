package bench

import (
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/zeebo/blake3"
)

// TreeDigest returns the BLAKE3-256 hex digest of the sorted lines
// "<hex digest of file>  <path>\n" over every file under dir, paths relative
// to dir with "/". A symbolic link counts as a file whose content is
// "symlink:" followed by its target, so the digest never follows a link out
// of the tree. Empty directories do not count.
func TreeDigest(dir string) (string, error) {
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.ContainsAny(rel, "\n\r") {
			return fmt.Errorf("file name %q contains a line break, which the digest format cannot represent", rel)
		}
		var sum string
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			sum = hexBLAKE3([]byte("symlink:" + target))
		case d.Type().IsRegular():
			sum, err = fileDigest(path)
			if err != nil {
				return err
			}
		default:
			return fmt.Errorf("unsupported file type %s at %q", d.Type(), rel)
		}
		lines = append(lines, sum+"  "+rel+"\n")
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("digest %q: %w", dir, err)
	}
	sort.Strings(lines)
	h := blake3.New()
	for _, l := range lines {
		io.WriteString(h, l)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := blake3.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hexBLAKE3(b []byte) string {
	sum := blake3.Sum256(b)
	return hex.EncodeToString(sum[:])
}
