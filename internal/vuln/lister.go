package vuln

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// VersionLister lists the published versions of a module, in Go form.
type VersionLister interface {
	ListVersions(ctx context.Context, modulePath string) ([]string, error)
}

// GoListLister lists versions with `go list -m -versions -json PATH`, so
// the go command's proxy settings (GOPROXY, GOPRIVATE, GONOSUMDB, ...)
// apply. The list holds tagged versions only: no pseudo-versions, and no
// retracted versions.
type GoListLister struct {
	// GoCommand is the go command to run; "go" from PATH when empty.
	GoCommand string
	// Env is appended to the current environment, for example
	// GOPROXY=file:///path in tests.
	Env []string
	// Timeout bounds one listing; 2 minutes when zero.
	Timeout time.Duration
}

// ListVersions runs the go command for modulePath. The error includes the
// command's stderr.
func (l GoListLister) ListVersions(ctx context.Context, modulePath string) ([]string, error) {
	if err := module.CheckPath(modulePath); err != nil {
		return nil, fmt.Errorf("list versions: %w", err)
	}
	goCmd := l.GoCommand
	if goCmd == "" {
		goCmd = "go"
	}
	timeout := l.Timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, goCmd, "list", "-m", "-versions", "-json", modulePath)
	// Run outside any module, so that no go.mod or go.work of the caller
	// changes what the query means.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off", "GOFLAGS=")
	cmd.Env = append(cmd.Env, l.Env...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go list -m -versions %s: %w: %s", modulePath, err, strings.TrimSpace(stderr.String()))
	}

	var out struct {
		Path     string
		Versions []string
		Error    *struct{ Err string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("go list -m -versions %s: invalid JSON output: %w", modulePath, err)
	}
	if out.Error != nil {
		return nil, fmt.Errorf("go list -m -versions %s: %s", modulePath, out.Error.Err)
	}
	return out.Versions, nil
}
