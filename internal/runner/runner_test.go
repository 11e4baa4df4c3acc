package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/stubsut"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

// fakes are builtin SUTs that misbehave on purpose. The test binary runs
// them as the launcher (the helper-process pattern of os/exec's tests).
func fakes() []sut.Builtin {
	b := stubsut.Builtins()
	add := func(name string, run func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error) {
		b = append(b, sut.Builtin{Name: name, Version: "test", Run: run})
	}
	writeAnswer := func(content string) error { return os.WriteFile("answer.txt", []byte(content), 0o644) }
	add("fake-pass", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		return writeAnswer("yes\n")
	})
	add("fake-fail", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		return writeAnswer("no\n")
	})
	add("fake-exit-3", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		writeAnswer("yes\n")
		os.Exit(3)
		return nil
	})
	add("fake-crash", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		writeAnswer("yes\n")
		panic("fake crash") // an unrecovered panic makes the Go runtime exit with status 2
	})
	add("fake-killed", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		writeAnswer("yes\n")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	})
	add("fake-hang", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		writeAnswer("yes\n")
		startSleeper()
		// Stop on SIGTERM, leaving the grandchild, which ignores SIGTERM, to
		// the harness's SIGKILL.
		<-ctx.Done()
		return ctx.Err()
	})
	add("fake-ignore-term", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		signal.Ignore(syscall.SIGTERM)
		startSleeper()
		select {}
	})
	add("fake-flood", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		writeAnswer("yes\n")
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for i := 0; i < 100; i++ {
			if _, err := stdout.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	})
	add("fake-sleeper", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		signal.Ignore(syscall.SIGTERM)
		os.WriteFile(filepath.Join(os.Getenv("FAKE_PID_DIR"), strconv.Itoa(os.Getpid())), nil, 0o644)
		select {}
	})
	return b
}

// startSleeper starts a grandchild in the SUT's process group that records
// its pid and sleeps, so tests can check the whole tree is gone.
func startSleeper() {
	cmd := exec.Command(os.Args[0], sut.LaunchCommand, "--", "builtin:fake-sleeper")
	cmd.Start()
	// Wait until the grandchild has recorded its pid.
	dir := os.Getenv("FAKE_PID_DIR")
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(filepath.Join(dir, strconv.Itoa(cmd.Process.Pid))); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMain(m *testing.M) {
	sut.MaybeLaunch(os.Args[1:], fakes())
	os.Exit(m.Run())
}

func launcher(t testing.TB) sut.Isolation {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return sut.Subprocess{Launcher: []string{exe, sut.LaunchCommand}}
}

// writeTaskClass writes a task class with n cases whose rubric expects
// answer.txt to be "yes\n".
func writeTaskClass(t *testing.T, n int) *bench.TaskClass {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fake-class")
	os.MkdirAll(filepath.Join(dir, "cases"), 0o755)
	task := `schema_version: codegenie.eval.task_class/v1
name: fake-class
sut:
  name: fake
  argv: ["builtin:fake-pass"]
timeout: 2s
rubric:
  checks:
    - id: answer
      kind: file_equals
      params: {path: answer.txt, content: "yes\n"}
`
	os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(task), 0o644)
	for i := 0; i < n; i++ {
		c := filepath.Join(dir, "cases", fmt.Sprintf("c%02d", i))
		os.MkdirAll(filepath.Join(c, "workspace"), 0o755)
		os.WriteFile(filepath.Join(c, "case.yaml"), []byte("schema_version: codegenie.eval.case/v1\ntask: answer yes\n"), 0o644)
	}
	tc, err := bench.Load(dir, rubric.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return tc
}

func frozen() time.Time { return time.Unix(0, 0).UTC() }

func newRunner(t *testing.T, tc *bench.TaskClass, name string) *Runner {
	t.Helper()
	pidDir := t.TempDir()
	return &Runner{
		TaskClass: tc,
		SUT:       sut.Spec{Name: name, Argv: []string{"builtin:" + name}, Env: map[string]string{"FAKE_PID_DIR": pidDir}},
		Builtins:  fakes(),
		Isolation: launcher(t),
		StateDir:  t.TempDir(),
		Now:       frozen,
		Frozen:    true,
		Timeout:   time.Second,
		Grace:     200 * time.Millisecond,
		OutputCap: 1 << 20,
	}
}

func TestRunStubDeterministic(t *testing.T) {
	dir := filepath.Join("..", "..", "tests", "fixtures", "bench", "stub-task-class")
	var outputs [][]byte
	for _, jobs := range []int{1, 1, 8} {
		tc, err := bench.Load(dir, rubric.NewRegistry())
		if err != nil {
			t.Fatal(err)
		}
		r := &Runner{TaskClass: tc, Builtins: fakes(), Isolation: launcher(t), StateDir: t.TempDir(), Now: frozen, Frozen: true, Jobs: jobs}
		rep, err := r.Run(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		out, err := report.Encode(rep)
		if err != nil {
			t.Fatal(err)
		}
		outputs = append(outputs, out)
	}
	if !bytes.Equal(outputs[0], outputs[1]) {
		t.Errorf("two runs with -j 1 differ")
	}
	if !bytes.Equal(outputs[0], outputs[2]) {
		t.Errorf("-j 1 and -j 8 differ")
	}
	rep, _ := report.Decode(outputs[0])
	if rep.MeanScore == nil || *rep.MeanScore != 0.75 {
		t.Errorf("mean_score = %v, want 0.75", rep.MeanScore)
	}
	if got := strings.Join(rep.BlockSeverityFailureModes, ","); got != "test-file-deleted" {
		t.Errorf("block_severity_failure_modes = %q, want test-file-deleted", got)
	}
	if !rep.Complete || rep.StartedAt != "1970-01-01T00:00:00Z" {
		t.Errorf("complete = %v, started_at = %q", rep.Complete, rep.StartedAt)
	}
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func TestRunFakeSUTs(t *testing.T) {
	tests := []struct {
		name       string
		sut        string
		wantScore  float64
		wantMode   string
		wantSignal string
		wantExit   int
	}{
		{name: "pass", sut: "fake-pass", wantScore: 1, wantExit: 0},
		{name: "fail", sut: "fake-fail", wantScore: 0, wantMode: "answer", wantExit: 0},
		{name: "non-zero exit", sut: "fake-exit-3", wantScore: 1, wantMode: modeSUTExit, wantExit: 3},
		{name: "crash", sut: "fake-crash", wantScore: 1, wantMode: modeSUTExit, wantExit: 2},
		{name: "killed by signal", sut: "fake-killed", wantScore: 1, wantMode: modeSUTSignaled, wantSignal: "killed"},
		{name: "hang past timeout", sut: "fake-hang", wantScore: 1, wantMode: modeSUTTimeout, wantExit: 1},
		{name: "ignore SIGTERM", sut: "fake-ignore-term", wantScore: 0, wantMode: modeSUTTimeout, wantSignal: "killed"},
		{name: "flood stdout", sut: "fake-flood", wantScore: 1, wantMode: modeOutputCap, wantExit: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tc := writeTaskClass(t, 1)
			r := newRunner(t, tc, tt.sut)
			rep, err := r.Run(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Complete {
				t.Fatalf("complete = false")
			}
			c := rep.PerCase[0]
			if c.Score == nil || *c.Score != tt.wantScore {
				t.Errorf("score = %v, want %v", c.Score, tt.wantScore)
			}
			a := c.Attempts[0]
			if !a.Scored {
				t.Errorf("attempt unscored: %s", a.Error)
			}
			if tt.wantSignal != "" {
				if a.Signal != tt.wantSignal {
					t.Errorf("signal = %q, want %q", a.Signal, tt.wantSignal)
				}
			} else if a.ExitCode == nil || *a.ExitCode != tt.wantExit {
				t.Errorf("exit code = %v, want %d", a.ExitCode, tt.wantExit)
			}
			if tt.wantMode != "" && !hasMode(c.FailureModes, tt.wantMode) {
				t.Errorf("failure modes %v lack %q", c.FailureModes, tt.wantMode)
			}

			pids, _ := os.ReadDir(r.SUT.Env["FAKE_PID_DIR"])
			for _, p := range pids {
				pid, _ := strconv.Atoi(p.Name())
				if processAlive(pid) {
					t.Errorf("process %d of the SUT's tree still runs after the attempt", pid)
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		})
	}
}

func hasMode(modes []report.FailureMode, id string) bool {
	for _, fm := range modes {
		if fm.ID == id {
			return true
		}
	}
	return false
}

func TestRunFloodKeepsMemoryFlat(t *testing.T) {
	tc := writeTaskClass(t, 1)
	r := newRunner(t, tc, "fake-flood")
	r.Timeout = 30 * time.Second

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep, err := r.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)

	var stdout report.Artifact
	for _, a := range rep.PerCase[0].Artifacts {
		if a.Name == "stdout" {
			stdout = a
		}
	}
	if stdout.Bytes != 1<<20 || stdout.DroppedBytes != 99<<20 {
		t.Errorf("stdout kept %d bytes and dropped %d, want %d and %d", stdout.Bytes, stdout.DroppedBytes, 1<<20, 99<<20)
	}
	// 100 MiB went through the harness; far less may be allocated.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("harness allocated %d MiB while the SUT wrote 100 MiB", grew>>20)
	}
	st, err := os.Stat(filepath.Join(r.StateDir, stdout.Path))
	if err != nil || st.Size() != 1<<20 {
		t.Errorf("stored stdout artifact: %v, size %v", err, st)
	}
}

func TestRunInterrupted(t *testing.T) {
	tc := writeTaskClass(t, 4)
	r := newRunner(t, tc, "fake-hang")
	r.Timeout = time.Minute
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		time.Sleep(300 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	rep, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Complete {
		t.Errorf("complete = true after cancellation")
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("interrupted run took %s", time.Since(start))
	}
	pids, _ := os.ReadDir(r.SUT.Env["FAKE_PID_DIR"])
	for _, p := range pids {
		pid, _ := strconv.Atoi(p.Name())
		if processAlive(pid) {
			t.Errorf("process %d still runs after the interrupted run", pid)
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}

func TestRunUnknownBuiltinIsError(t *testing.T) {
	tc := writeTaskClass(t, 1)
	r := newRunner(t, tc, "no-such-sut")
	if _, err := r.Run(t.Context()); err == nil || !strings.Contains(err.Error(), "no-such-sut") {
		t.Errorf("Run() error = %v, want one naming the unknown builtin", err)
	}
}

func TestRunMissingProgramIsError(t *testing.T) {
	tc := writeTaskClass(t, 2)
	r := newRunner(t, tc, "fake-pass")
	r.SUT = sut.Spec{Name: "missing", Argv: []string{"/nonexistent/agent"}}
	_, err := r.Run(t.Context())
	if err == nil || !strings.Contains(err.Error(), `SUT program "/nonexistent/agent" not found`) {
		t.Errorf("Run() error = %v, want one naming the missing program", err)
	}
	if _, statErr := os.Stat(filepath.Join(r.StateDir, "artifacts")); statErr == nil {
		t.Errorf("a run that could not start wrote artifacts/")
	}
}
