package runner

import (
	"context"
	"fmt"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/report"
)

// Sealed is a report sealed as a record of the audit chain.
type Sealed struct {
	Report *report.BenchRunReport
	// Bytes are the record file's exact bytes.
	Bytes []byte
	// Path is the record file's path.
	Path string
}

// Seal appends rep to the audit chain in stateDir and returns the sealed
// report, whose chain members are filled in. Sealing does not honour
// cancellation of ctx once it holds the lock: an interrupted run must still
// leave its record.
func Seal(ctx context.Context, stateDir string, rep *report.BenchRunReport) (*Sealed, error) {
	payload, err := report.Encode(rep)
	if err != nil {
		return nil, err
	}
	s, err := audit.Seal(context.WithoutCancel(ctx), stateDir, payload)
	if err != nil {
		return nil, fmt.Errorf("seal run %s: %w", rep.RunID, err)
	}
	sealed, err := report.Decode(s.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read back sealed record %s: %w", s.Path, err)
	}
	return &Sealed{Report: sealed, Bytes: s.Bytes, Path: s.Path}, nil
}

// RunEval runs r and seals its report, interrupted or not. The error is
// non-nil when the run could not start or the record could not be sealed.
func RunEval(ctx context.Context, r *Runner) (*Sealed, error) {
	rep, err := r.Run(ctx)
	if err != nil {
		return nil, err
	}
	return Seal(ctx, r.StateDir, rep)
}
