package hostile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/report"
)

// exitIncomplete is the exit code of a run that could not complete, whose
// record is sealed with complete false.
const exitIncomplete = 3

// binDir holds the binaries the tests build once. runTests removes it.
var binDir string

var built struct {
	once            sync.Once
	codegenie, hang string
	err             error
}

// buildBinaries builds the codegenie command and the hang SUT once per test
// binary and returns their paths.
func buildBinaries(t *testing.T) (codegenie, hang string) {
	t.Helper()
	built.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			built.err = err
			return
		}
		if binDir, err = os.MkdirTemp("", "codegenie-hostile-bin-"); err != nil {
			built.err = err
			return
		}
		built.codegenie = filepath.Join(binDir, "codegenie")
		built.hang = filepath.Join(binDir, "hang")
		for _, b := range [][2]string{
			{built.codegenie, "github.com/codegenie/codegenie/cmd/codegenie"},
			{built.hang, "./testdata/hang"},
		} {
			out, err := exec.Command(goTool, "build", "-o", b[0], b[1]).CombinedOutput()
			if err != nil {
				built.err = fmt.Errorf("go build %s: %v\n%s", b[1], err, out)
				return
			}
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.codegenie, built.hang
}

func TestInterruptedRunSealsIncomplete(t *testing.T) {
	codegenie, hang := buildBinaries(t)
	for _, class := range []string{"subprocess", "bwrap"} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			t.Run(class+"/"+sig.String(), func(t *testing.T) {
				if class == "bwrap" {
					requireBwrap(t)
				}
				interruptRun(t, codegenie, hang, class, sig)
			})
		}
	}
}

func interruptRun(t *testing.T, codegenie, hang, class string, sig syscall.Signal) {
	dir := t.TempDir()
	taskDir := filepath.Join(dir, "bench", "hang-class")
	stateDir := filepath.Join(dir, "state")
	writeFile(t, filepath.Join(taskDir, "task.yaml"), fmt.Sprintf(`schema_version: codegenie.eval.task_class/v1
name: hang-class
sut:
  name: hang
  argv: [%q]
timeout: 5m
rubric:
  checks:
    - id: readme
      kind: file_exists
      params: {path: README}
`, hang))
	for _, id := range []string{"c01", "c02"} {
		writeFile(t, filepath.Join(taskDir, "cases", id, "case.yaml"), "schema_version: codegenie.eval.case/v1\ntask: wait\n")
		writeFile(t, filepath.Join(taskDir, "cases", id, "workspace", "README"), "wait\n")
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.Command(codegenie, "eval", "run", taskDir, "--state-dir", stateDir,
		"--isolation", class, "--json", "--frozen-time", "1970-01-01T00:00:00Z", "--", hang)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })

	// Interrupt only once the SUT and its daemon run.
	deadline := time.Now().Add(20 * time.Second)
	for len(processesOf(hang)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the hang SUT did not start within 20s; stderr:\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	cmd.Process.Signal(sig)

	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	var err error
	select {
	case err = <-waitErr:
	case <-time.After(30 * time.Second):
		t.Fatalf("codegenie did not exit within 30s of %s; stderr:\n%s", sig, stderr.String())
	}
	t.Logf("codegenie exited %s after %s", sig, time.Since(start).Round(time.Millisecond))

	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitIncomplete {
		t.Errorf("codegenie exit = %v, want exit status %d; stderr:\n%s", err, exitIncomplete, stderr.String())
	}
	for _, pid := range processesOf(hang) {
		t.Errorf("SUT process %d (%s) still runs after codegenie exited", pid, cmdline(pid))
		syscall.Kill(pid, syscall.SIGKILL)
	}

	rep, err := report.Decode(stdout.Bytes())
	if err != nil {
		t.Fatalf("decode the sealed record on stdout: %v\n%s", err, stdout.String())
	}
	if rep.Complete {
		t.Errorf("sealed record has complete true, want false")
	}
	if rep.IsolationClass != class {
		t.Errorf("isolation_class = %q, want %q", rep.IsolationClass, class)
	}
	res, err := audit.Verify(filepath.Join(stateDir, "runs"), audit.VerifyOptions{ExpectLength: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK {
		t.Errorf("audit.Verify() found problems: %v", res.Problems)
	}
}

// processesOf returns the live processes whose argv[0] is program.
func processesOf(program string) []int {
	var pids []int
	matches, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			continue
		}
		argv0, _, _ := strings.Cut(string(data), "\x00")
		if argv0 != program {
			continue
		}
		var pid int
		fmt.Sscanf(filepath.Base(filepath.Dir(m)), "%d", &pid)
		if alive(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}
