package hostile

import (
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/codegenie/codegenie/internal/sut"
)

// requireBwrapEnv, when set to 1, turns a skipped bwrap test into a failure,
// for machines such as CI that must run the bwrap class.
const requireBwrapEnv = "CODEGENIE_REQUIRE_BWRAP"

var probe struct {
	once sync.Once
	err  error
}

// requireBwrap skips the test, saying why, when bwrap is missing or the
// kernel does not give it the namespaces it needs.
func requireBwrap(t *testing.T) {
	t.Helper()
	probe.once.Do(func() {
		b, err := sut.NewBwrap(sut.BwrapOptions{})
		if err == nil {
			err = b.Probe(t.Context())
		}
		probe.err = err
	})
	err := probe.err
	if err == nil {
		return
	}
	msg := "bwrap tests skipped: "
	switch {
	case errors.Is(err, sut.ErrNamespacesUnavailable):
		msg += "this machine's kernel refuses the namespaces bwrap needs: "
	case errors.Is(err, sut.ErrBwrapNotFound):
		msg += "bubblewrap is not installed: "
	default:
		t.Fatalf("probe bwrap: %v", err)
	}
	if os.Getenv(requireBwrapEnv) == "1" {
		t.Fatalf("%s%v (%s=1 requires them)", msg, err, requireBwrapEnv)
	}
	t.Skipf("%s%v", msg, err)
}

// isolation returns the named isolation class with the test binary as the
// launcher. bwrap hides the given paths.
func isolation(t *testing.T, class string, hidden ...string) sut.Isolation {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	launcher := []string{exe, sut.LaunchCommand}
	switch class {
	case "subprocess":
		return sut.Subprocess{Launcher: launcher}
	case "subprocess-supervised":
		return sut.Subprocess{Launcher: launcher, Supervise: true}
	case "bwrap":
		requireBwrap(t)
		b, err := sut.NewBwrap(sut.BwrapOptions{Launcher: launcher, Hidden: hidden})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	t.Fatalf("unknown isolation class %q", class)
	return nil
}

// runTests runs the tests and removes what the built binaries left.
func runTests(m *testing.M) int {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	return code
}
