package vuln

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/codegenie/codegenie/internal/sut"
)

// Names of the baseline SUTs of the task class.
const (
	BuiltinOSVFix   = "osv-fix"
	BuiltinFirstFix = "first-fix"
	BuiltinNoop     = "noop"
)

// Builtins returns the baseline SUTs of the vuln-remediation task class,
// sorted by name. Each runs with its working directory set to the case
// workspace and needs no network:
//
//   - osv-fix moves the requirement to the smallest fixed version of the
//     metadata's affected_ranges that is not below the current version and
//     lies outside every range. It scores 1 on every bundled case.
//   - first-fix raises the requirement to the fixed version of the first
//     range only, and leaves a version above it alone, so it fails the
//     cases whose version lies in a range introduced again after a fix.
//   - noop changes nothing and scores 0.
func Builtins() []sut.Builtin {
	return []sut.Builtin{
		{Name: BuiltinFirstFix, Version: "1", Run: func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
			return remediate(".", task, firstFixVersion, stdout)
		}},
		{Name: BuiltinNoop, Version: "1", Run: func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
			return nil
		}},
		{Name: BuiltinOSVFix, Version: "1", Run: func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
			return remediate(".", task, safeFixVersion, stdout)
		}},
	}
}

// fixPolicy returns the version to move the module to from current, or
// current itself to leave it.
type fixPolicy func(f *Facts, current string) (string, error)

func safeFixVersion(f *Facts, current string) (string, error) {
	if !f.AffectedRanges.Contains(current) {
		return current, nil
	}
	v, ok := f.AffectedRanges.SafeFix(f.Module, current)
	if !ok {
		return "", fmt.Errorf("no fixed version at or above %s leaves every affected range %s", current, formatRanges(f.AffectedRanges))
	}
	return v, nil
}

func firstFixVersion(f *Facts, current string) (string, error) {
	first := f.AffectedRanges[0].Fixed
	if first == "" {
		return "", fmt.Errorf("the first affected range %s has no fixed version", f.AffectedRanges[0])
	}
	if semver.Compare(current, first) >= 0 {
		return current, nil
	}
	return first, nil
}

// remediate reads the task's facts, applies policy to the requirement of
// the affected module in dir/go.mod, and rewrites go.mod when the version
// changes.
func remediate(dir string, task sut.Task, policy fixPolicy, stdout io.Writer) error {
	facts, err := taskFacts(task)
	if err != nil {
		return err
	}
	goModPath := filepath.Join(dir, "go.mod")
	data, err := os.ReadFile(goModPath)
	if err != nil {
		return fmt.Errorf("read go.mod: %w", err)
	}
	f, err := modfile.Parse(goModPath, data, nil)
	if err != nil {
		return fmt.Errorf("parse go.mod: %w", err)
	}
	req := requirement(f, facts.Module)
	if req == nil {
		return fmt.Errorf("go.mod does not require %s", facts.Module)
	}
	current := req.Mod.Version
	target, err := policy(facts, current)
	if err != nil {
		return fmt.Errorf("%s %s: %w", facts.Module, current, err)
	}
	if target == current {
		fmt.Fprintf(stdout, "left %s at %s\n", facts.Module, current)
		return nil
	}

	if err := f.AddRequire(facts.Module, target); err != nil {
		return fmt.Errorf("set %s %s: %w", facts.Module, target, err)
	}
	f.Cleanup()
	out, err := f.Format()
	if err != nil {
		return fmt.Errorf("format go.mod: %w", err)
	}
	if err := writeFileAtomic(goModPath, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "moved %s from %s to %s\n", facts.Module, current, target)
	return nil
}

// taskFacts decodes the facts from a task's metadata. Unknown members are
// ignored, as a reader of the task must.
func taskFacts(task sut.Task) (*Facts, error) {
	if task.Metadata == nil {
		return nil, errors.New("task has no metadata: this SUT needs the case's module and affected_ranges")
	}
	data, err := json.Marshal(task.Metadata)
	if err != nil {
		return nil, fmt.Errorf("encode task metadata: %w", err)
	}
	facts, err := decodeFacts(data, false)
	if err != nil {
		return nil, fmt.Errorf("invalid task metadata: %w", err)
	}
	return facts, nil
}

// writeFileAtomic replaces path with data through a temporary file in the
// same directory, keeping path's permissions.
func writeFileAtomic(path string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".go.mod-*")
	if err != nil {
		return fmt.Errorf("write go.mod: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write go.mod: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write go.mod: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write go.mod: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write go.mod: %w", err)
	}
	return nil
}
