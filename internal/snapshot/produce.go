package snapshot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/cli"
	"github.com/codegenie/codegenie/internal/runner"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

// StubTaskClass is the task class the snapshots are made from.
const StubTaskClass = "tests/fixtures/bench/stub-task-class"

// FrozenTime is the clock of the snapshot run.
var FrozenTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// Documents are the two snapshot documents, in their canonical text form.
type Documents struct {
	Report      []byte
	AuditRecord []byte
}

// Produce runs the stub task class from the repository at root with frozen
// time, seals the report as record 1 of a new chain in a temporary state
// directory, and returns the sealed report and its audit record. launcher
// is the command line that re-executes a binary which calls
// sut.MaybeLaunch with cli.Builtins().
func Produce(ctx context.Context, root string, launcher []string) (Documents, error) {
	tc, err := bench.Load(filepath.Join(root, StubTaskClass), cli.Registry())
	if err != nil {
		return Documents{}, err
	}
	state, err := os.MkdirTemp("", "codegenie-snapshot-")
	if err != nil {
		return Documents{}, err
	}
	defer os.RemoveAll(state)

	r := &runner.Runner{
		TaskClass: tc,
		Builtins:  cli.Builtins(),
		Isolation: sut.Subprocess{Launcher: launcher},
		StateDir:  state,
		Now:       func() time.Time { return FrozenTime },
		Frozen:    true,
	}
	sealed, err := runner.RunEval(ctx, r)
	if err != nil {
		return Documents{}, err
	}
	if n := sealed.Report.RecordNumber; n == nil || *n != 1 {
		return Documents{}, fmt.Errorf("snapshot run sealed as record %v, want 1", n)
	}
	rec, err := audit.RecordOf(sealed.Bytes, "runs/00000001.json")
	if err != nil {
		return Documents{}, err
	}
	recJSON, err := report.Encode(rec)
	if err != nil {
		return Documents{}, err
	}
	return Documents{Report: sealed.Bytes, AuditRecord: recJSON}, nil
}
