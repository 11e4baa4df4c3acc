package runner

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/zeebo/blake3"

	"github.com/codegenie/codegenie/report"
)

// artifactBuffer keeps one output stream of an attempt in memory. The SUT
// runner passes on at most OutputCap bytes, so the buffer stays that small
// however much the SUT writes. store moves it into the content-addressed
// artifact store.
type artifactBuffer struct {
	name string
	buf  bytes.Buffer
}

func newArtifactBuffer(name string) *artifactBuffer { return &artifactBuffer{name: name} }

func (a *artifactBuffer) Write(p []byte) (int, error) { return a.buf.Write(p) }

// store writes the output to StateDir/artifacts/<first two hex digits>/<digest>
// unless an identical artifact is stored already, and returns its report
// entry with a path relative to the state directory.
//
// NOTE: artifacts are not synced to disk: a crash may lose one, which the
// digest in the sealed record then shows. Syncing each would cost more per
// case than starting the SUT.
func (a *artifactBuffer) store(stateDir string, epoch int, dropped int64) (report.Artifact, error) {
	sum := blake3.Sum256(a.buf.Bytes())
	digest := hex.EncodeToString(sum[:])
	rel := filepath.ToSlash(filepath.Join("artifacts", digest[:2], digest))
	dst := filepath.Join(stateDir, rel)
	if _, err := os.Stat(dst); err != nil {
		if err := writeArtifact(dst, a.buf.Bytes()); err != nil {
			return report.Artifact{}, fmt.Errorf("store %s: %w", a.name, err)
		}
	}
	return report.Artifact{Name: a.name, Epoch: epoch, Path: rel, Digest: digest, Bytes: int64(a.buf.Len()), DroppedBytes: dropped}, nil
}

// writeArtifact writes data to a temporary name beside dst and renames it,
// so a reader never sees a partial artifact and two attempts with the same
// output cannot interleave.
func writeArtifact(dst string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(dst), ".artifact-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), dst)
}

func (r *Runner) artifactDir() string { return filepath.Join(r.StateDir, "artifacts") }
