// Package snapshot freezes the wire shapes of codegenie. It produces the
// documents the golden snapshots contain (the stub task class's report,
// sealed as record 1, and its audit record). It compares fresh output with
// the committed snapshots and fails with one message that names the next
// step.
package snapshot

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/google/go-cmp/cmp"
)

// Paths of the snapshots, relative to the repository root.
const (
	ReportPath      = "tests/snapshots/bench_run_report.v1.json"
	AuditRecordPath = "tests/snapshots/eval_run_audit_record.v1.json"
)

// RegenCommand regenerates both snapshots. AmendmentTemplate is the ADR
// amendment template a shape change needs.
const (
	RegenCommand      = "go run ./scripts/regen_eval_snapshot"
	AmendmentTemplate = "templates/adr-amendment.md"
)

// DriftError reports that fresh output no longer matches a snapshot.
type DriftError struct {
	Path string // the snapshot file, relative to the repository root
	Diff string // -snapshot +fresh, by line
}

func (e *DriftError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "snapshot %s does not match the fresh output (-snapshot +fresh):\n%s\n", e.Path, e.Diff)
	fmt.Fprintf(&b, "The wire shape changed: downstream readers of this document would see a different shape.\n")
	fmt.Fprintf(&b, "If the change is intentional, regenerate the snapshots with\n\n    %s\n\n", RegenCommand)
	fmt.Fprintf(&b, "and file an ADR amendment from %s that explains the change.", AmendmentTemplate)
	return b.String()
}

// Compare returns a *DriftError when got differs from the snapshot at
// root/path, and an error naming the file when the snapshot cannot be read.
func Compare(root, path string, got []byte) error {
	want, err := os.ReadFile(root + "/" + path)
	if err != nil {
		return fmt.Errorf("read snapshot %s: %w; create it with %s", path, err, RegenCommand)
	}
	if bytes.Equal(want, got) {
		return nil
	}
	diff := cmp.Diff(strings.SplitAfter(string(want), "\n"), strings.SplitAfter(string(got), "\n"))
	if diff == "" {
		diff = "(the files differ in bytes that do not show as a line change)"
	}
	return &DriftError{Path: path, Diff: diff}
}
