package distroless

import (
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/sut"
)

// The pinned scores of the distroless-migrate baseline. docs/benchmarks.md
// records them; change both together.
const (
	wantBundledPasses = 30 // of 33 bundled cases
	wantRealPasses    = 15 // of 27 cases from the real Dockerfiles
)

// baselineResult is the outcome of the baseline migrator on one task class.
type baselineResult struct {
	cases, passes int
	modes         map[string]int // failure mode id to the number of cases it occurred in
	blocks        []string       // "case: mode" for every block-severity mode
	failed        []string       // "case: modes" for every case scored 0
}

// runBaseline runs the distroless-migrate builtin on a copy of every
// case's workspace, as the harness would, and scores the result with the
// task class's rubric.
func runBaseline(t *testing.T, tc *bench.TaskClass) baselineResult {
	t.Helper()
	migrate := Builtins()[0].Run
	res := baselineResult{modes: map[string]int{}}
	for _, c := range tc.Cases {
		ws := filepath.Join(t.TempDir(), "workspace")
		copyDir(t, c.Workspace(), ws)
		t.Run(c.ID, func(t *testing.T) {
			t.Chdir(ws)
			task := sut.Task{SchemaVersion: sut.TaskSchemaVersion, CaseID: c.ID, TaskClass: tc.Name, Epoch: 1, Task: c.Task, Metadata: c.Metadata}
			if err := migrate(t.Context(), task, io.Discard, io.Discard); err != nil {
				t.Errorf("distroless-migrate error = %v", err)
			}
		})
		env := &rubric.Env{Workspace: ws, Original: c.Workspace(), CaseDir: c.Dir, TaskDir: tc.Dir, Expectations: c.Expectations}
		out, err := tc.Rubric.Score(t.Context(), env)
		if err != nil {
			t.Fatalf("case %s: Score() error = %v", c.ID, err)
		}
		res.cases++
		if out.Score == 1 {
			res.passes++
		}
		var ids []string
		for _, fm := range out.FailureModes {
			res.modes[fm.ID]++
			ids = append(ids, fm.ID)
			if fm.Severity == rubric.SeverityBlock {
				res.blocks = append(res.blocks, c.ID+": "+fm.ID)
			}
		}
		if out.Score != 1 {
			res.failed = append(res.failed, c.ID+": "+strings.Join(ids, ", "))
		}
	}
	return res
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// lowerBound95 is the one-sided 95% Clopper-Pearson lower bound of a
// binomial proportion with k successes in m trials: 0 when k is 0,
// 0.05^(1/m) when k is m, else the 0.05 quantile of Beta(k, m-k+1).
func lowerBound95(k, m int) float64 {
	switch {
	case k == 0:
		return 0
	case k == m:
		return math.Pow(0.05, 1/float64(m))
	}
	return distuv.Beta{Alpha: float64(k), Beta: float64(m - k + 1)}.Quantile(0.05)
}

func TestLowerBound95(t *testing.T) {
	tests := []struct {
		k, m int
		want float64
	}{
		{0, 10, 0},
		{10, 10, 0.7411344491069477},
		{20, 20, 0.8608916593317348},
		{1, 2, 0.025320565519103666},
	}
	for _, tt := range tests {
		if got := lowerBound95(tt.k, tt.m); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("lowerBound95(%d, %d) = %.12f, want %.12f", tt.k, tt.m, got, tt.want)
		}
	}
}

// formatBaseline renders a result as the Markdown of docs/benchmarks.md.
func formatBaseline(name string, r baselineResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d cases, %d pass, mean %.4f, lower_bound_95 %.4f (clopper_pearson)\n\n",
		name, r.cases, r.passes, float64(r.passes)/float64(r.cases), lowerBound95(r.passes, r.cases))
	ids := make([]string, 0, len(r.modes))
	for id := range r.modes {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if r.modes[ids[i]] != r.modes[ids[j]] {
			return r.modes[ids[i]] > r.modes[ids[j]]
		}
		return ids[i] < ids[j]
	})
	b.WriteString("| failure mode | severity | effect | cases |\n| --- | --- | --- | --- |\n")
	for _, id := range ids {
		info := modeInfo(id)
		effect := "recorded"
		if info.Fails {
			effect = "fails"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d |\n", id, info.Severity, effect, r.modes[id])
	}
	if len(r.failed) > 0 {
		b.WriteString("\nCases scored 0:\n\n")
		for _, f := range r.failed {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	return b.String()
}

// TestBaselineScores runs the baseline migrator on the bundled cases and
// on cases imported from the real Dockerfiles, pins the number of passes
// and prints the table of docs/benchmarks.md:
//
//	go test ./internal/distroless -run TestBaselineScores -v
func TestBaselineScores(t *testing.T) {
	bundled := runBaseline(t, loadTaskClass(t, bundledTaskDir))
	t.Logf("\n%s", formatBaseline("bundled (benches/distroless)", bundled))
	if bundled.passes != wantBundledPasses {
		t.Errorf("baseline passes %d of %d bundled cases, want %d (update docs/benchmarks.md with the new table)", bundled.passes, bundled.cases, wantBundledPasses)
	}
	for _, b := range bundled.blocks {
		t.Errorf("baseline tripped a block-severity mode on a bundled case: %s", b)
	}

	from := realData(t)
	out := filepath.Join(t.TempDir(), "distroless")
	if _, err := Import(from, out); err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	real := runBaseline(t, loadTaskClass(t, out))
	t.Logf("\n%s", formatBaseline("real (39 public Dockerfiles, 27 cases)", real))
	if real.passes != wantRealPasses {
		t.Errorf("baseline passes %d of %d real cases, want %d (update docs/benchmarks.md with the new table)", real.passes, real.cases, wantRealPasses)
	}
	for _, b := range real.blocks {
		t.Errorf("baseline tripped a block-severity mode on a real case: %s", b)
	}
}
