package sut

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// newTestBwrap returns a Bwrap with opts, or skips the test, saying why,
// when bwrap is missing or the kernel refuses its namespaces.
func newTestBwrap(t *testing.T, opts BwrapOptions) *Bwrap {
	t.Helper()
	b, err := NewBwrap(opts)
	if errors.Is(err, ErrBwrapNotFound) {
		t.Skipf("bwrap tests skipped: bubblewrap is not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Probe(t.Context()); errors.Is(err, ErrNamespacesUnavailable) {
		t.Skipf("bwrap tests skipped: this machine's kernel refuses the namespaces bwrap needs: %v", err)
	} else if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBwrapConfinesProgram runs a real shell under bwrap with this package's
// source directory hidden. The directory lies outside /tmp, so only the
// hidden-path mount covers it.
func TestBwrapConfinesProgram(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh on this machine")
	}
	srcDir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	b := newTestBwrap(t, BwrapOptions{Hidden: []string{srcDir}})
	ws, home, sibling := t.TempDir(), t.TempDir(), t.TempDir()

	// Each line prints "ok NAME" or "failed NAME"; only the workspace and
	// HOME writes may succeed.
	script := `
probe() { name=$1; shift; if "$@" 2>/dev/null; then echo "ok $name"; else echo "failed $name"; fi; }
probe write-workspace sh -c 'echo x > answer.txt'
probe write-home sh -c 'echo x > "$HOME/h"'
probe read-hidden cat ` + filepath.Join(srcDir, "bwrap_test.go") + `
probe write-etc sh -c 'echo x > /etc/codegenie-probe'
probe remount-root mount -o remount,rw /
probe see-sibling test -e ` + sibling + `
`
	var stdout, stderr bytes.Buffer
	res, err := Run(t.Context(), Request{
		Argv: []string{"/bin/sh", "-c", script}, Dir: ws,
		Env:    []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=" + home},
		Stdout: &stdout, Stderr: &stderr, OutputCap: 1 << 16,
		Isolation: b, Timeout: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", res.ExitCode, stderr.String())
	}
	want := "ok write-workspace\nok write-home\nfailed read-hidden\nfailed write-etc\nfailed remount-root\nfailed see-sibling\n"
	if got := stdout.String(); got != want {
		t.Errorf("sandbox probes:\n%s\nwant:\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(ws, "answer.txt")); err != nil {
		t.Errorf("the workspace write did not reach the harness: %v", err)
	}
}

func TestBwrapCommandRejectsHiddenBind(t *testing.T) {
	b := newTestBwrap(t, BwrapOptions{})
	state := t.TempDir()
	ws := filepath.Join(state, "workspace")
	if err := os.Mkdir(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	b.hidden = []string{filepath.Join(ws, ".codegenie")}

	_, err := b.Command(Request{Argv: []string{"/bin/true"}, Dir: ws})
	if err == nil || !strings.Contains(err.Error(), "hidden path") {
		t.Errorf("Command(workspace holding a hidden path) error = %v, want one naming the hidden path", err)
	}

	// A workspace below a hidden directory is fine: it is bound on top.
	b.hidden = []string{state}
	if _, err := b.Command(Request{Argv: []string{"/bin/true"}, Dir: ws}); err != nil {
		t.Errorf("Command(workspace below a hidden path) error = %v", err)
	}
}

func TestNewBwrapErrors(t *testing.T) {
	_, err := NewBwrap(BwrapOptions{Binary: "/nonexistent/bwrap"})
	if !errors.Is(err, ErrBwrapNotFound) {
		t.Errorf("NewBwrap(missing binary) error = %v, want ErrBwrapNotFound", err)
	}
	if !strings.Contains(ErrBwrapNotFound.Error(), "install bubblewrap") {
		t.Errorf("ErrBwrapNotFound = %q, want it to say what to install", ErrBwrapNotFound)
	}
	newTestBwrap(t, BwrapOptions{})
	if _, err := NewBwrap(BwrapOptions{Hidden: []string{"/"}}); err == nil {
		t.Errorf("NewBwrap(hidden /) error = nil, want an error")
	}
}

func TestNamespaceFailure(t *testing.T) {
	tests := []struct {
		msg  string
		want bool
	}{
		{"bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.", true},
		{"bwrap: setting up uid map: Permission denied", true},
		{"bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted", true},
		{"bwrap: Can't mkdir /a/b: Read-only file system", false},
		{"bwrap: Unknown option --frobnicate", false},
	}
	for _, tt := range tests {
		if got := namespaceFailure(tt.msg); got != tt.want {
			t.Errorf("namespaceFailure(%q) = %v, want %v", tt.msg, got, tt.want)
		}
	}
}

// TestBwrapLauncherUnderHiddenPath runs a builtin SUT through a launcher
// that lies below a hidden directory, as the codegenie binary does when it
// is installed in the user's home and the home is hidden.
func TestBwrapLauncherUnderHiddenPath(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// The home must lie outside the temporary directory, which the sandbox
	// replaces with a writable file system of its own anyway.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	hiddenHome, err := os.MkdirTemp(wd, ".bwrap-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(hiddenHome) })
	binDir := filepath.Join(hiddenHome, "go", "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	launcher := filepath.Join(binDir, "codegenie")
	if err := os.WriteFile(launcher, data, 0o755); err != nil {
		t.Fatal(err)
	}

	b := newTestBwrap(t, BwrapOptions{Launcher: []string{launcher, LaunchCommand}, Hidden: []string{hiddenHome}})
	var stdout bytes.Buffer
	res, err := Run(t.Context(), Request{
		Argv: []string{"builtin:echo-task"}, Dir: t.TempDir(), Env: taskEnv(t, "c9"),
		Stdin: []byte("hello"), Stdout: &stdout, OutputCap: 1 << 10, Isolation: b, Timeout: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || stdout.String() != "hello" {
		t.Fatalf("builtin through a launcher below a hidden path: exit %d, stdout %q", res.ExitCode, stdout.String())
	}
}

// TestBwrapSetupFailureIsStartError shows that a sandbox bwrap cannot set
// up is reported as a StartError, a failure of the harness, and not as the
// SUT's exit status.
func TestBwrapSetupFailureIsStartError(t *testing.T) {
	gone := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(gone, 0o755); err != nil {
		t.Fatal(err)
	}
	b := newTestBwrap(t, BwrapOptions{ReadOnly: []string{gone}})
	os.Remove(gone)

	_, err := Run(t.Context(), Request{
		Argv: []string{"/bin/true"}, Dir: t.TempDir(), Env: []string{"PATH=/usr/bin:/bin"},
		Stderr: io.Discard, OutputCap: 1 << 10, Isolation: b, Timeout: 30 * time.Second,
	})
	var se *StartError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "could not set up the sandbox") {
		t.Fatalf("Run() error = %v, want a StartError saying the sandbox could not be set up", err)
	}
	if !strings.Contains(err.Error(), "Can't find source path") {
		t.Errorf("Run() error = %v, want bwrap's own message", err)
	}

	// A SUT that fails inside a working sandbox is still the SUT's failure.
	b = newTestBwrap(t, BwrapOptions{})
	res, err := Run(t.Context(), Request{
		Argv: []string{"/bin/false"}, Dir: t.TempDir(), Env: []string{"PATH=/usr/bin:/bin"},
		OutputCap: 1 << 10, Isolation: b, Timeout: 30 * time.Second,
	})
	if err != nil || res.ExitCode != 1 {
		t.Errorf("Run(/bin/false) = %+v, %v, want exit status 1 and no error", res, err)
	}
}
