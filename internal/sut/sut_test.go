package sut

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testBuiltins are the fakes this package's tests start through the test
// binary acting as the launcher.
func testBuiltins() []Builtin {
	return []Builtin{
		{Name: "echo-task", Version: "1", Run: func(ctx context.Context, task Task, stdout, stderr io.Writer) error {
			stdin, _ := io.ReadAll(os.Stdin)
			stdout.Write(stdin)
			io.WriteString(stderr, task.CaseID)
			return nil
		}},
		{Name: "big-file", Version: "1", Run: func(ctx context.Context, task Task, stdout, stderr io.Writer) error {
			return os.WriteFile("big.bin", make([]byte, 2<<20), 0o644)
		}},
		{Name: "env", Version: "1", Run: func(ctx context.Context, task Task, stdout, stderr io.Writer) error {
			for _, kv := range os.Environ() {
				io.WriteString(stdout, kv+"\n")
			}
			return nil
		}},
	}
}

func TestMain(m *testing.M) {
	MaybeLaunch(os.Args[1:], testBuiltins())
	os.Exit(m.Run())
}

func launcherIsolation(t *testing.T) Isolation {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return Subprocess{Launcher: []string{exe, LaunchCommand}}
}

func taskEnv(t *testing.T, caseID string) []string {
	t.Helper()
	path := t.TempDir() + "/task.json"
	os.WriteFile(path, []byte(`{"case_id": "`+caseID+`"}`), 0o644)
	return []string{"PATH=" + os.Getenv("PATH"), "CODEGENIE_TASK=" + path}
}

func TestRunPassesTaskAndCapsOutput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	res, err := Run(t.Context(), Request{
		Argv: []string{"builtin:echo-task"}, Dir: t.TempDir(), Env: taskEnv(t, "c7"),
		Stdin: []byte("0123456789"), Stdout: &stdout, Stderr: &stderr, OutputCap: 4,
		Isolation: launcherIsolation(t), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "0123" || res.StdoutBytes != 4 || res.StdoutDropped != 6 {
		t.Errorf("stdout %q kept %d dropped %d, want \"0123\" 4 6", stdout.String(), res.StdoutBytes, res.StdoutDropped)
	}
	if stderr.String() != "c7" || res.ExitCode != 0 {
		t.Errorf("stderr %q exit %d, want \"c7\" 0", stderr.String(), res.ExitCode)
	}
}

func TestRunFileSizeLimit(t *testing.T) {
	res, err := Run(t.Context(), Request{
		Argv: []string{"builtin:big-file"}, Dir: t.TempDir(), Env: taskEnv(t, "c1"),
		Limits: Limits{FileBytes: 1 << 20}, Isolation: launcherIsolation(t), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Writing past RLIMIT_FSIZE raises SIGXFSZ, which ends the process.
	if res.Signal == "" && res.ExitCode == 0 {
		t.Errorf("a SUT wrote a 2 MiB file under a 1 MiB limit: %+v", res)
	}
}

func TestRunEnvironmentIsExactlyGiven(t *testing.T) {
	t.Setenv("CODEGENIE_TEST_SECRET", "hunter2")
	var stdout bytes.Buffer
	env := append(taskEnv(t, "c1"), "DECLARED=yes")
	if _, err := Run(t.Context(), Request{
		Argv: []string{"builtin:env"}, Dir: t.TempDir(), Env: env, Stdout: &stdout, OutputCap: 1 << 16,
		Isolation: launcherIsolation(t), Timeout: 10 * time.Second,
	}); err != nil {
		t.Fatal(err)
	}
	got := stdout.String()
	if strings.Contains(got, "hunter2") {
		t.Errorf("the caller's environment leaked into the SUT:\n%s", got)
	}
	if !strings.Contains(got, "DECLARED=yes\n") {
		t.Errorf("declared variable missing from the SUT's environment:\n%s", got)
	}
}

func TestRunStartErrors(t *testing.T) {
	_, err := Run(t.Context(), Request{Argv: []string{"/nonexistent/sut"}, Dir: t.TempDir()})
	var se *StartError
	if !errors.As(err, &se) {
		t.Errorf("Run(missing program) error = %v, want *StartError", err)
	}
	_, err = Run(t.Context(), Request{Argv: []string{"builtin:echo-task"}, Dir: t.TempDir()})
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "launcher") {
		t.Errorf("Run(builtin without launcher) error = %v, want a StartError naming the launcher", err)
	}
}

func TestRunTimeoutKillsGroup(t *testing.T) {
	// sleep ignores nothing, so SIGTERM ends it within the grace period.
	start := time.Now()
	res, err := Run(t.Context(), Request{Argv: []string{"/bin/sleep", "30"}, Dir: t.TempDir(), Timeout: 100 * time.Millisecond, Grace: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if !res.TimedOut || res.Signal != syscall.SIGTERM.String() {
		t.Errorf("timed out %v, signal %q, want true and %q", res.TimedOut, res.Signal, syscall.SIGTERM)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("timeout took %s", time.Since(start))
	}
}

func TestDigest(t *testing.T) {
	b := testBuiltins()
	d1, err := Digest(Spec{Argv: []string{"builtin:env"}}, b)
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := Digest(Spec{Argv: []string{"builtin:env"}, Env: map[string]string{"A": "1"}}, b)
	d3, _ := Digest(Spec{Argv: []string{"builtin:env"}, Version: "2"}, b)
	if d1 == d2 || d1 == d3 || d2 == d3 {
		t.Errorf("digests do not separate env and version: %s %s %s", d1, d2, d3)
	}
	if _, err := Digest(Spec{Argv: []string{"builtin:nope"}}, b); err == nil {
		t.Errorf("Digest(unknown builtin) = nil error")
	}

	// A program's bytes enter the digest.
	dir := t.TempDir()
	prog := dir + "/agent"
	os.WriteFile(prog, []byte("#!/bin/true\n"), 0o755)
	p1, _ := Digest(Spec{Argv: []string{prog}}, b)
	os.WriteFile(prog, []byte("#!/bin/true\n# changed\n"), 0o755)
	p2, _ := Digest(Spec{Argv: []string{prog}}, b)
	if p1 == p2 {
		t.Errorf("changing the program's bytes kept sut_digest %s", p1)
	}
}

func TestRunFileSizeLimitExternalProgram(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh on this machine")
	}
	dir := t.TempDir()
	// An external program gets its limits from prlimit(2) after the start;
	// a real shell pipeline is the program under test here, not a fake.
	res, err := Run(t.Context(), Request{
		Argv: []string{"/bin/sh", "-c", "head -c 2097152 /dev/zero > big.bin"}, Dir: dir,
		Env: []string{"PATH=/usr/bin:/bin"}, Limits: Limits{FileBytes: 1 << 20},
		Isolation: Subprocess{}, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir + "/big.bin")
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 1<<20 || (res.ExitCode == 0 && res.Signal == "") {
		t.Errorf("file of %d bytes written under a 1 MiB limit, result %+v", st.Size(), res)
	}
}
