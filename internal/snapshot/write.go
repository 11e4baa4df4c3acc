package snapshot

import (
	"bytes"
	"os"
	"path/filepath"
)

// Tamper returns the report with one member renamed: the kind of silent
// shape change the snapshot test exists to catch.
func Tamper(report []byte) []byte {
	return bytes.Replace(report, []byte(`"mean_score"`), []byte(`"mean_score_tampered"`), 1)
}

// Write writes both snapshots under root, the report tampered when tamper
// is set, and returns the paths it wrote. Each file is replaced atomically.
func Write(root string, docs Documents, tamper bool) ([]string, error) {
	rep := docs.Report
	if tamper {
		rep = Tamper(rep)
	}
	files := []struct {
		path string
		data []byte
	}{{ReportPath, rep}, {AuditRecordPath, docs.AuditRecord}}
	var written []string
	for _, f := range files {
		if err := writeFile(filepath.Join(root, f.path), f.data); err != nil {
			return written, err
		}
		written = append(written, f.path)
	}
	return written, nil
}

// writeFile replaces path atomically: a temporary file in the same
// directory, synced, then renamed over it.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".snapshot-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
