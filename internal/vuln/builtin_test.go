package vuln

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/codegenie/codegenie/internal/sut"
)

// taskFor returns the task a SUT receives for facts, with the metadata
// decoded from JSON as the child process would see it.
func taskFor(t *testing.T, f Facts) sut.Task {
	t.Helper()
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var meta map[string]any
	if err := json.Unmarshal(data, &meta); err != nil {
		t.Fatal(err)
	}
	return sut.Task{SchemaVersion: sut.TaskSchemaVersion, CaseID: "c", TaskClass: "vuln-remediation", Epoch: 1, Metadata: meta}
}

// requiredVersion returns the version dir/go.mod requires of modPath.
func requiredVersion(t *testing.T, dir, modPath string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatalf("go.mod written by the SUT does not parse: %v\n%s", err, data)
	}
	if r := requirement(f, modPath); r != nil {
		return r.Mod.Version
	}
	return ""
}

func TestBuiltinsList(t *testing.T) {
	var names []string
	for _, b := range Builtins() {
		names = append(names, b.Name)
		if b.Version == "" || b.Run == nil {
			t.Errorf("builtin %s has no version or no Run", b.Name)
		}
	}
	if got, want := strings.Join(names, ","), "first-fix,noop,osv-fix"; got != want {
		t.Errorf("Builtins() names = %s, want %s", got, want)
	}
}

func TestRemediatePolicies(t *testing.T) {
	reintroduced := Ranges{{Fixed: "v1.2.0"}, {Introduced: "v1.3.0", Fixed: "v1.3.2"}}
	tests := []struct {
		name    string
		policy  fixPolicy
		ranges  Ranges
		from    string
		want    string
		wantOut string
	}{
		{"osv-fix in the first range", safeFixVersion, reintroduced, "v1.1.0", "v1.2.0", "moved"},
		{"osv-fix in the reintroduced range", safeFixVersion, reintroduced, "v1.3.0", "v1.3.2", "moved"},
		{"osv-fix between the ranges", safeFixVersion, reintroduced, "v1.2.5", "v1.2.5", "left"},
		{"first-fix in the first range", firstFixVersion, reintroduced, "v1.1.0", "v1.2.0", "moved"},
		{"first-fix in the reintroduced range", firstFixVersion, reintroduced, "v1.3.0", "v1.3.0", "left"},
		{"osv-fix to a pseudo-version", safeFixVersion, Ranges{{Fixed: "v1.1.25-0.20191211073109-8ebf2e419df7"}}, "v1.1.24",
			"v1.1.25-0.20191211073109-8ebf2e419df7", "moved"},
		{"osv-fix to a pre-release", safeFixVersion, Ranges{{Introduced: "v0.18.0", Fixed: "v0.18.7-rc.0"}}, "v0.18.0", "v0.18.7-rc.0", "moved"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			goMod := "module example.com/c\n\ngo 1.22\n\n// The target.\nrequire example.com/target " + tt.from + " // keep this comment\n\nrequire github.com/pkg/errors v0.9.1\n"
			writeFiles(t, dir, map[string]string{"go.mod": goMod})
			// The case's version is inside a range; the go.mod may already
			// be elsewhere, as when a SUT runs twice.
			caseVersion := tt.from
			if !tt.ranges.Contains(caseVersion) {
				caseVersion = tt.ranges[len(tt.ranges)-1].Introduced
			}
			facts := Facts{Module: "example.com/target", Version: caseVersion, AffectedRanges: tt.ranges}

			var out strings.Builder
			if err := remediate(dir, taskFor(t, facts), tt.policy, &out); err != nil {
				t.Fatalf("remediate() error = %v", err)
			}
			if got := requiredVersion(t, dir, "example.com/target"); got != tt.want {
				t.Errorf("remediate() left example.com/target at %s, want %s", got, tt.want)
			}
			if !strings.HasPrefix(out.String(), tt.wantOut) {
				t.Errorf("remediate() output = %q, want it to start with %q", out.String(), tt.wantOut)
			}
			data, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
			if !strings.Contains(string(data), "// keep this comment") || !strings.Contains(string(data), "github.com/pkg/errors v0.9.1") {
				t.Errorf("remediate() lost a comment or another requirement:\n%s", data)
			}
		})
	}
}

func TestRemediateErrors(t *testing.T) {
	okFacts := Facts{Module: "example.com/target", Version: "v1.0.0", AffectedRanges: Ranges{{Fixed: "v1.0.1"}}}
	okGoMod := "module example.com/c\n\ngo 1.22\n\nrequire example.com/target v1.0.0\n"
	tests := []struct {
		name    string
		goMod   string
		task    func(t *testing.T) sut.Task
		policy  fixPolicy
		wantErr string
	}{
		{"no metadata", okGoMod, func(t *testing.T) sut.Task { return sut.Task{} }, safeFixVersion, "no metadata"},
		{"metadata without ranges", okGoMod, func(t *testing.T) sut.Task {
			return taskFor(t, Facts{Module: "example.com/target", Version: "v1.0.0"})
		}, safeFixVersion, "invalid task metadata"},
		{"go.mod missing", "", func(t *testing.T) sut.Task { return taskFor(t, okFacts) }, safeFixVersion, "read go.mod"},
		{"go.mod with a syntax error", "module example.com/c\nrequire (\n", func(t *testing.T) sut.Task { return taskFor(t, okFacts) }, safeFixVersion, "parse go.mod"},
		{"module not required", "module example.com/c\n", func(t *testing.T) sut.Task { return taskFor(t, okFacts) }, safeFixVersion, "does not require"},
		{"no fix above an open range", "module example.com/c\n\nrequire example.com/target v2.0.0+incompatible\n", func(t *testing.T) sut.Task {
			return taskFor(t, Facts{Module: "example.com/target", Version: "v2.0.0+incompatible",
				AffectedRanges: Ranges{{Fixed: "v1.0.0"}, {Introduced: "v2.0.0+incompatible"}}})
		}, safeFixVersion, "no fixed version"},
		{"first range without a fix", okGoMod, func(t *testing.T) sut.Task {
			return taskFor(t, Facts{Module: "example.com/target", Version: "v1.0.0",
				AffectedRanges: Ranges{{Introduced: "v0.5.0", LastAffected: "v1.0.0"}}})
		}, firstFixVersion, "has no fixed version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.goMod != "" {
				writeFiles(t, dir, map[string]string{"go.mod": tt.goMod})
			}
			err := remediate(dir, tt.task(t), tt.policy, &strings.Builder{})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("remediate() error = %v, want one containing %q", err, tt.wantErr)
			}
			if tt.goMod != "" {
				data, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
				if string(data) != tt.goMod {
					t.Errorf("remediate() changed go.mod although it failed:\n%s", data)
				}
			}
		})
	}
}

// TestBuiltinRunInWorkingDirectory runs osv-fix as the harness does: with
// the working directory set to the workspace.
func TestBuiltinRunInWorkingDirectory(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"go.mod": origGoMod, "main.go": origMainGo})
	if err := os.Chmod(filepath.Join(dir, "go.mod"), 0o600); err != nil {
		t.Fatal(err)
	}

	var osvFix sut.Builtin
	for _, b := range Builtins() {
		if b.Name == BuiltinOSVFix {
			osvFix = b
		}
	}

	t.Chdir(dir)
	var stdout, stderr strings.Builder
	if err := osvFix.Run(t.Context(), taskFor(t, checkFacts), &stdout, &stderr); err != nil {
		t.Fatalf("osv-fix Run() error = %v", err)
	}

	if got := requiredVersion(t, dir, "example.com/target"); got != "v1.3.2" {
		t.Errorf("osv-fix left example.com/target at %s, want v1.3.2", got)
	}
	st, err := os.Stat(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("osv-fix changed the permissions of go.mod to %v, want 0600", st.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("osv-fix left %d files in the workspace, want go.mod and main.go only", len(entries))
	}
}
