package hostile

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/runner"
	"github.com/codegenie/codegenie/report"
)

// TestIsolationClassesScoreAlike runs the stub task class under both
// isolation classes: the encoded reports must differ only in
// isolation_class.
func TestIsolationClassesScoreAlike(t *testing.T) {
	requireBwrap(t)
	taskDir, err := filepath.Abs(filepath.Join("..", "fixtures", "bench", "stub-task-class"))
	if err != nil {
		t.Fatal(err)
	}

	encoded := map[string][]byte{}
	for _, class := range []string{"subprocess", "bwrap"} {
		tc, err := bench.Load(taskDir, rubric.NewRegistry())
		if err != nil {
			t.Fatal(err)
		}
		stateDir := t.TempDir()
		r := &runner.Runner{
			TaskClass: tc,
			Builtins:  fakes(),
			Isolation: isolation(t, class, stateDir, filepath.Dir(taskDir)),
			StateDir:  stateDir,
			Now:       func() time.Time { return time.Unix(0, 0).UTC() },
			Frozen:    true,
		}
		rep, err := r.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if rep.IsolationClass != class {
			t.Errorf("isolation_class = %q, want %q", rep.IsolationClass, class)
		}
		if rep.MeanScore == nil || *rep.MeanScore != 0.75 {
			t.Errorf("%s: mean_score = %v, want 0.75", class, deref(rep.MeanScore))
		}
		rep.IsolationClass = ""
		if encoded[class], err = report.Encode(rep); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(encoded["subprocess"], encoded["bwrap"]) {
		t.Errorf("reports differ beyond isolation_class (-subprocess +bwrap):\n%s",
			cmp.Diff(string(encoded["subprocess"]), string(encoded["bwrap"])))
	}
}
