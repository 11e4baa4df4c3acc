package runner

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/sut"
)

// benchTaskClass writes a task class of n cases with one cheap check, for
// benchmarks that measure the harness rather than the rubric.
func benchTaskClass(tb testing.TB, dir string, n int) *bench.TaskClass {
	tb.Helper()
	dir = filepath.Join(dir, "bench-class")
	os.MkdirAll(filepath.Join(dir, "cases"), 0o755)
	task := `schema_version: codegenie.eval.task_class/v1
name: bench-class
sut:
  name: true
  argv: ["/bin/true"]
timeout: 60s
rubric:
  checks:
    - id: workspace-kept
      kind: file_exists
      params: {path: input.txt}
`
	os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(task), 0o644)
	for i := 0; i < n; i++ {
		c := filepath.Join(dir, "cases", fmt.Sprintf("c%05d", i))
		os.MkdirAll(filepath.Join(c, "workspace"), 0o755)
		os.WriteFile(filepath.Join(c, "case.yaml"), []byte("schema_version: codegenie.eval.case/v1\ntask: nothing\n"), 0o644)
		os.WriteFile(filepath.Join(c, "workspace", "input.txt"), []byte("x\n"), 0o644)
	}
	tc, err := bench.Load(dir, rubric.NewRegistry())
	if err != nil {
		tb.Fatal(err)
	}
	return tc
}

// BenchmarkBareExec is the reference: fork and exec /bin/true, wait.
func BenchmarkBareExec(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("/bin/true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHarnessPerCase runs 200 cases of /bin/true through the runner
// with the launcher (resource limits) and reports the time per case.
func BenchmarkHarnessPerCase(b *testing.B) {
	benchmarkPerCase(b, true)
}

// BenchmarkHarnessPerCaseNoLauncher is the same without the launcher, which
// shows what applying resource limits costs.
func BenchmarkHarnessPerCaseNoLauncher(b *testing.B) {
	benchmarkPerCase(b, false)
}

func benchmarkPerCase(b *testing.B, withLauncher bool) {
	const cases = 200
	tc := benchTaskClass(b, b.TempDir(), cases)
	iso := sut.Isolation(sut.Subprocess{})
	if withLauncher {
		iso = launcher(b)
	}
	r := &Runner{TaskClass: tc, Isolation: iso, StateDir: b.TempDir(), Jobs: 1,
		Limits: sut.Limits{CPUSeconds: 600, OpenFiles: 1024, FileBytes: 1 << 30}}
	start := time.Now()
	runs := 0
	for b.Loop() {
		rep, err := r.Run(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if *rep.MeanScore != 1 {
			b.Fatalf("mean_score = %v, want 1", *rep.MeanScore)
		}
		runs++
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/float64(runs*cases)/1000, "ms/case")
}

// BenchmarkParallelSleep runs 200 cases of a SUT that sleeps 100 ms at
// -j 20 and reports the efficiency against the ideal 1 s.
func BenchmarkParallelSleep(b *testing.B) {
	const cases, jobs = 200, 20
	tc := benchTaskClass(b, b.TempDir(), cases)
	r := &Runner{TaskClass: tc, SUT: sut.Spec{Name: "sleep", Argv: []string{"/bin/sleep", "0.1"}},
		Isolation: launcher(b), StateDir: b.TempDir(), Jobs: jobs, ScratchDir: os.Getenv("BENCH_SCRATCH")}
	ideal := time.Duration(cases/jobs) * 100 * time.Millisecond
	var total time.Duration
	runs := 0
	for b.Loop() {
		start := time.Now()
		if _, err := r.Run(b.Context()); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		runs++
	}
	b.ReportMetric(100*float64(ideal)/float64(total/time.Duration(runs)), "%efficiency")
}

// BenchmarkPeakMemory10k runs 10,000 cases of /bin/true in a child process
// (this test binary, see TestPeakMemoryChild) and reports the child's peak
// resident set size.
func BenchmarkPeakMemory10k(b *testing.B) {
	dir := b.TempDir()
	benchTaskClass(b, dir, 10000)
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPeakMemoryChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CODEGENIE_PEAK_MEMORY_DIR="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		b.ReportMetric(float64(ru.Maxrss)/1024, "MiB-peak-rss")
	}
}

// TestPeakMemoryChild is the child of BenchmarkPeakMemory10k; it does
// nothing unless that benchmark started it.
func TestPeakMemoryChild(t *testing.T) {
	dir := os.Getenv("CODEGENIE_PEAK_MEMORY_DIR")
	if dir == "" {
		t.Skip("runs only as the child of BenchmarkPeakMemory10k")
	}
	tc, err := bench.Load(filepath.Join(dir, "bench-class"), rubric.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	jobs, _ := strconv.Atoi(os.Getenv("CODEGENIE_PEAK_MEMORY_JOBS"))
	r := &Runner{TaskClass: tc, Isolation: launcher(t), StateDir: t.TempDir(), Jobs: max(jobs, 2)}
	rep, err := r.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.NPlanned != 10000 || !rep.Complete {
		t.Fatalf("n_planned = %d, complete = %v", rep.NPlanned, rep.Complete)
	}
}
