package runner

import (
	"encoding/hex"
	"fmt"
	"hash"
	"os"
	"path/filepath"

	"github.com/zeebo/blake3"

	"github.com/codegenie/codegenie/report"
)

// artifactFile receives one output stream of an attempt and hashes it as it
// is written. store moves it into the content-addressed artifact store.
type artifactFile struct {
	name string
	f    *os.File
	h    hash.Hash
	n    int64
}

func newArtifactFile(dir, name string) (*artifactFile, error) {
	f, err := os.CreateTemp(dir, name+"-*")
	if err != nil {
		return nil, fmt.Errorf("create %s capture file: %w", name, err)
	}
	return &artifactFile{name: name, f: f, h: blake3.New()}, nil
}

func (a *artifactFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	a.h.Write(p[:n])
	a.n += int64(n)
	return n, err
}

// store moves the file to StateDir/artifacts/<first two hex digits>/<digest>
// unless an identical artifact is stored already, and returns its report
// entry with a path relative to the state directory.
func (a *artifactFile) store(stateDir string, epoch int, dropped int64) (report.Artifact, error) {
	// NOTE: artifacts are not synced to disk: a crash may lose one, which
	// the digest in the sealed record then shows. Syncing each would cost
	// more per case than starting the SUT.
	if err := a.f.Close(); err != nil {
		return report.Artifact{}, err
	}
	if err := os.Chmod(a.f.Name(), 0o644); err != nil {
		return report.Artifact{}, err
	}
	digest := hex.EncodeToString(a.h.Sum(nil))
	rel := filepath.ToSlash(filepath.Join("artifacts", digest[:2], digest))
	dst := filepath.Join(stateDir, rel)
	if _, err := os.Stat(dst); err != nil {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return report.Artifact{}, err
		}
		// A rename across file systems fails; copy then.
		if err := os.Rename(a.f.Name(), dst); err != nil {
			if err := copyInto(a.f.Name(), dst); err != nil {
				return report.Artifact{}, err
			}
		}
	}
	return report.Artifact{Name: a.name, Epoch: epoch, Path: rel, Digest: digest, Bytes: a.n, DroppedBytes: dropped}, nil
}

func (a *artifactFile) discard() {
	a.f.Close()
	os.Remove(a.f.Name())
}

func copyInto(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func (r *Runner) artifactDir() string { return filepath.Join(r.StateDir, "artifacts") }
