package vuln

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/codegenie/codegenie/internal/rubric"
)

// The crafted case: example.com/target is required at v1.3.0, inside the
// second of two affected ranges, next to two unrelated requirements.
const (
	origGoMod = `module example.com/case

go 1.22

require (
	example.com/target v1.3.0
	github.com/google/go-cmp v0.7.0
	github.com/pkg/errors v0.9.1
)
`
	origMainGo = `package main

import (
	_ "example.com/target/pkg"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/pkg/errors"
)

func main() {}
`
)

var checkFacts = Facts{
	AdvisoryID:     "GO-2099-0001",
	Aliases:        []string{"CVE-2099-0001"},
	Module:         "example.com/target",
	Package:        "example.com/target/pkg",
	Version:        "v1.3.0",
	VersionSource:  SourceIntroduced,
	AffectedRanges: Ranges{{Fixed: "v1.2.0"}, {Introduced: "v1.3.0", Fixed: "v1.3.2"}},
}

// goModWith returns the original go.mod with old replaced by new.
func goModWith(old, new string) string {
	if !strings.Contains(origGoMod, old) {
		panic("vuln test: " + old + " is not in the original go.mod")
	}
	return strings.Replace(origGoMod, old, new, 1)
}

// checkEnv writes the original workspace and the finished one (the
// original with files overridden; an empty content deletes the file).
func checkEnv(t *testing.T, files map[string]string) *rubric.Env {
	t.Helper()
	base := t.TempDir()
	orig, ws := filepath.Join(base, "original"), filepath.Join(base, "workspace")
	writeFiles(t, orig, map[string]string{"go.mod": origGoMod, "main.go": origMainGo})
	finished := map[string]string{"go.mod": origGoMod, "main.go": origMainGo}
	for name, content := range files {
		finished[name] = content
	}
	for name, content := range finished {
		if content == "" {
			delete(finished, name)
		}
	}
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, ws, finished)
	exp, err := json.Marshal(checkFacts)
	if err != nil {
		t.Fatal(err)
	}
	return &rubric.Env{Workspace: ws, Original: orig, Expectations: exp}
}

func runCheck(t *testing.T, env *rubric.Env) rubric.Result {
	t.Helper()
	c, err := newRemediationCheck(nil)
	if err != nil {
		t.Fatalf("newRemediationCheck() error = %v", err)
	}
	res, err := c.Run(t.Context(), env)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	return res
}

// modeSummary is what a test compares: "id severity" per failure mode.
func modeSummary(modes []rubric.FailureMode) []string {
	var out []string
	for _, m := range modes {
		out = append(out, m.ID+" "+string(m.Severity))
	}
	return out
}

func TestRemediationCheck(t *testing.T) {
	const (
		still      = FailureStillVulnerable + " warn"
		unrelated  = FailureUnrelatedChanged + " warn"
		invalid    = FailureGoModInvalid + " block"
		local      = FailureLocalReplace + " block"
		removedImp = FailureRemovedWhileImported + " block"
	)
	mainWithout := func(imp string) string {
		return strings.Replace(origMainGo, "\t_ \""+imp+"\"\n", "", 1)
	}

	tests := []struct {
		name      string
		files     map[string]string
		wantPass  bool
		wantModes []string
	}{
		{
			name:     "fixed at the range's fix",
			files:    map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2")},
			wantPass: true,
		},
		{
			name:     "fixed above every range",
			files:    map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.4.0")},
			wantPass: true,
		},
		{
			name:     "moved below the reintroduction",
			files:    map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.2.0")},
			wantPass: true,
		},
		{
			name:      "unchanged",
			wantModes: []string{still},
		},
		{
			name:      "moved within the affected range",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.1")},
			wantModes: []string{still},
		},
		{
			name:      "moved into the first range",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.1.0")},
			wantModes: []string{still},
		},
		{
			name:     "replace of every version to a fix",
			files:    map[string]string{"go.mod": origGoMod + "\nreplace example.com/target => example.com/target v1.3.2\n"},
			wantPass: true,
		},
		{
			name:     "replace of the required version to a fix",
			files:    map[string]string{"go.mod": origGoMod + "\nreplace example.com/target v1.3.0 => example.com/target v1.3.2\n"},
			wantPass: true,
		},
		{
			name:      "replace of another version does not apply",
			files:     map[string]string{"go.mod": origGoMod + "\nreplace example.com/target v1.0.0 => example.com/target v1.3.2\n"},
			wantModes: []string{still},
		},
		{
			name:      "replace undoes the fix",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2") + "\nreplace example.com/target => example.com/target v1.3.1\n"},
			wantModes: []string{still},
		},
		{
			name:      "replace to a local stub",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2") + "\nreplace example.com/target => ./stub\n", "stub/go.mod": "module example.com/target\n"},
			wantModes: []string{local},
		},
		{
			name:      "replace to an absolute path",
			files:     map[string]string{"go.mod": origGoMod + "\nreplace example.com/target v1.3.0 => /tmp/target\n"},
			wantModes: []string{local},
		},
		{
			name:      "unrelated requirement replaced by a local path",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2") + "\nreplace github.com/pkg/errors => ../errors\n"},
			wantModes: []string{local, unrelated},
		},
		{
			name:      "replace by another module",
			files:     map[string]string{"go.mod": origGoMod + "\nreplace example.com/target => example.com/fork v1.0.0\n"},
			wantModes: []string{FailureTargetReplacedByOtherModule + " warn"},
		},
		{
			name:      "unrelated requirement changed",
			files:     map[string]string{"go.mod": strings.Replace(goModWith("target v1.3.0", "target v1.3.2"), "go-cmp v0.7.0", "go-cmp v0.6.0", 1)},
			wantPass:  true,
			wantModes: []string{unrelated},
		},
		{
			name:      "unrelated requirement changed while still vulnerable",
			files:     map[string]string{"go.mod": goModWith("go-cmp v0.7.0", "go-cmp v0.6.0")},
			wantModes: []string{still, unrelated},
		},
		{
			name:      "direct requirement added",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2\n\texample.com/extra v1.0.0")},
			wantPass:  true,
			wantModes: []string{unrelated},
		},
		{
			name:     "indirect requirement added",
			files:    map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2\n\texample.com/extra v1.0.0 // indirect")},
			wantPass: true,
		},
		{
			name:      "unrelated requirement removed while imported",
			files:     map[string]string{"go.mod": strings.Replace(goModWith("target v1.3.0", "target v1.3.2"), "\tgithub.com/pkg/errors v0.9.1\n", "", 1)},
			wantModes: []string{removedImp},
		},
		{
			name: "unrelated requirement removed with its import",
			files: map[string]string{
				"go.mod":  strings.Replace(goModWith("target v1.3.0", "target v1.3.2"), "\tgithub.com/pkg/errors v0.9.1\n", "", 1),
				"main.go": mainWithout("github.com/pkg/errors"),
			},
			wantPass:  true,
			wantModes: []string{unrelated},
		},
		{
			name:      "target requirement removed while imported",
			files:     map[string]string{"go.mod": goModWith("\texample.com/target v1.3.0\n", "")},
			wantModes: []string{removedImp},
		},
		{
			name:      "target requirement removed while imported by another file",
			files:     map[string]string{"go.mod": goModWith("\texample.com/target v1.3.0\n", ""), "main.go": mainWithout("example.com/target/pkg"), "sub/use.go": "package sub\n\nimport _ \"example.com/target\"\n"},
			wantModes: []string{removedImp},
		},
		{
			name:      "target requirement removed with its import",
			files:     map[string]string{"go.mod": goModWith("\texample.com/target v1.3.0\n", ""), "main.go": mainWithout("example.com/target/pkg")},
			wantModes: []string{FailureTargetRemoved + " warn"},
		},
		{
			name: "imports in vendor, testdata and nested modules do not count",
			files: map[string]string{
				"go.mod":                 goModWith("\texample.com/target v1.3.0\n", ""),
				"main.go":                mainWithout("example.com/target/pkg"),
				"vendor/x/x.go":          "package x\n\nimport _ \"example.com/target\"\n",
				"testdata/x.go":          "package x\n\nimport _ \"example.com/target\"\n",
				"_skip/x.go":             "package x\n\nimport _ \"example.com/target\"\n",
				"nested/go.mod":          "module example.com/case/nested\n",
				"nested/x.go":            "package x\n\nimport _ \"example.com/target\"\n",
				"sub/unrelated_other.go": "package sub\n\nimport _ \"example.com/targetother\"\n",
			},
			wantModes: []string{FailureTargetRemoved + " warn"},
		},
		{
			name:      "import of a file that does not parse still counts",
			files:     map[string]string{"go.mod": goModWith("\texample.com/target v1.3.0\n", ""), "main.go": mainWithout("example.com/target/pkg"), "broken.go": "package main\n\nimport _ \"example.com/target/pkg\"\n\nfunc {\n"},
			wantModes: []string{removedImp},
		},
		{
			name:      "go.mod with a syntax error",
			files:     map[string]string{"go.mod": origGoMod + "\nrequire (\n\texample.com/target\n"},
			wantModes: []string{invalid},
		},
		{
			name:      "go.mod with an unknown directive",
			files:     map[string]string{"go.mod": origGoMod + "\nupgrade example.com/target v1.3.2\n"},
			wantModes: []string{invalid},
		},
		{
			// modfile reads v1.4 as v1.4.0, as the go command does.
			name:     "go.mod with a short version",
			files:    map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.4")},
			wantPass: true,
		},
		{
			name:      "go.mod with a version that is not semver",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target latest")},
			wantModes: []string{invalid},
		},
		{
			name:      "go.mod with a version for the wrong major",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v2.0.0")},
			wantModes: []string{invalid},
		},
		{
			name:      "go.mod without a module directive",
			files:     map[string]string{"go.mod": strings.Replace(goModWith("target v1.3.0", "target v1.3.2"), "module example.com/case\n", "", 1)},
			wantModes: []string{invalid},
		},
		{
			name:      "go.mod deleted",
			files:     map[string]string{"go.mod": ""},
			wantModes: []string{invalid},
		},
		{
			name:      "go.mod larger than 1 MiB",
			files:     map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2") + strings.Repeat("// padding\n", 100000)},
			wantModes: []string{invalid},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runCheck(t, checkEnv(t, tt.files))
			if res.Passed != tt.wantPass {
				t.Errorf("Run() passed = %v, want %v (failure modes %v)", res.Passed, tt.wantPass, res.FailureModes)
			}
			wantScore := 0.0
			if tt.wantPass {
				wantScore = 1
			}
			if res.Score != wantScore {
				t.Errorf("Run() score = %v, want %v", res.Score, wantScore)
			}
			if diff := cmp.Diff(tt.wantModes, modeSummary(res.FailureModes)); diff != "" {
				t.Errorf("Run() failure modes mismatch (-want +got):\n%s\nmodes: %v", diff, res.FailureModes)
			}
			for _, m := range res.FailureModes {
				if m.Message == "" {
					t.Errorf("failure mode %s has no message", m.ID)
				}
			}
		})
	}
}

func TestRemediationCheckSymlinks(t *testing.T) {
	t.Run("go.mod linked outside the workspace", func(t *testing.T) {
		env := checkEnv(t, map[string]string{"go.mod": ""})
		outside := filepath.Join(t.TempDir(), "go.mod")
		writeFiles(t, filepath.Dir(outside), map[string]string{"go.mod": goModWith("target v1.3.0", "target v1.3.2")})
		if err := os.Symlink(outside, filepath.Join(env.Workspace, "go.mod")); err != nil {
			t.Skipf("symbolic links are not available: %v", err)
		}
		res := runCheck(t, env)
		if res.Passed || !hasOnlyMode(res.FailureModes, FailureGoModInvalid) {
			t.Errorf("Run() = passed %v with %v, want go-mod-invalid: a link out of the workspace is not read", res.Passed, res.FailureModes)
		}
	})
	t.Run("directory linked outside the workspace", func(t *testing.T) {
		// The import hidden behind the link must not count, and the walk
		// must not leave the workspace.
		env := checkEnv(t, map[string]string{"go.mod": goModWith("\texample.com/target v1.3.0\n", ""), "main.go": strings.Replace(origMainGo, "\t_ \"example.com/target/pkg\"\n", "", 1)})
		outside := t.TempDir()
		writeFiles(t, outside, map[string]string{"x.go": "package x\n\nimport _ \"example.com/target\"\n"})
		if err := os.Symlink(outside, filepath.Join(env.Workspace, "linked")); err != nil {
			t.Skipf("symbolic links are not available: %v", err)
		}
		res := runCheck(t, env)
		if !hasOnlyMode(res.FailureModes, FailureTargetRemoved) {
			t.Errorf("Run() failure modes = %v, want only %s", res.FailureModes, FailureTargetRemoved)
		}
	})
}

func TestRemediationCheckHarnessErrors(t *testing.T) {
	c, err := newRemediationCheck(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mutate  func(t *testing.T, env *rubric.Env)
		wantErr string
	}{
		{"no expectations", func(t *testing.T, env *rubric.Env) { env.Expectations = json.RawMessage("null") }, "invalid expectations"},
		{"unknown expectation member", func(t *testing.T, env *rubric.Env) {
			env.Expectations = json.RawMessage(strings.Replace(string(env.Expectations), `{`, `{"extra": 1, `, 1))
		}, "unknown field"},
		{"version outside the ranges", func(t *testing.T, env *rubric.Env) {
			env.Expectations = json.RawMessage(strings.Replace(string(env.Expectations), `"version":"v1.3.0"`, `"version":"v1.2.5"`, 1))
		}, "outside every affected range"},
		{"original go.mod missing", func(t *testing.T, env *rubric.Env) {
			if err := os.Remove(filepath.Join(env.Original, "go.mod")); err != nil {
				t.Fatal(err)
			}
		}, "read original"},
		{"original go.mod invalid", func(t *testing.T, env *rubric.Env) {
			writeFiles(t, env.Original, map[string]string{"go.mod": "module\n"})
		}, "parse original"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := checkEnv(t, nil)
			tt.mutate(t, env)
			res, err := c.Run(t.Context(), env)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Run() = %+v, %v, want an error containing %q", res, err, tt.wantErr)
			}
		})
	}
}

func TestRemediationCheckParams(t *testing.T) {
	reg := testRegistry()
	for _, bad := range []string{`{"unknown": 1}`, `{"path": "../go.mod"}`, `{"path": "/go.mod"}`, `{"path": "."}`} {
		if _, err := reg.Build(CheckKind, json.RawMessage(bad)); err == nil {
			t.Errorf("Build(%s) succeeded, want an error", bad)
		}
	}

	c, err := reg.Build(CheckKind, json.RawMessage(`{"path": "sub/go.mod"}`))
	if err != nil {
		t.Fatalf("Build() error = %v", err)
	}
	env := checkEnv(t, nil)
	fixed := goModWith("target v1.3.0", "target v1.3.2")
	writeFiles(t, env.Original, map[string]string{"sub/go.mod": origGoMod, "sub/main.go": origMainGo})
	writeFiles(t, env.Workspace, map[string]string{"sub/go.mod": fixed, "sub/main.go": origMainGo})
	res, err := c.Run(t.Context(), env)
	if err != nil {
		t.Fatalf("Run() error = %v", err)
	}
	if !res.Passed {
		t.Errorf("Run() on sub/go.mod = %+v, want a pass", res)
	}
}

// TestRemediationCheckThroughRubric scores through rubric.Compile, so the
// kind's registration and the severities reach the outcome as a task
// class would see them.
func TestRemediationCheckThroughRubric(t *testing.T) {
	r, err := rubric.Compile(rubric.Spec{Scoring: rubric.ScoringBinary, Checks: []rubric.CheckSpec{{ID: "remediated", Kind: CheckKind}}}, testRegistry())
	if err != nil {
		t.Fatalf("Compile() error = %v", err)
	}
	env := checkEnv(t, map[string]string{"go.mod": strings.Replace(goModWith("target v1.3.0", "target v1.3.2"), "go-cmp v0.7.0", "go-cmp v0.6.0", 1)})
	out, err := r.Score(t.Context(), env)
	if err != nil {
		t.Fatalf("Score() error = %v", err)
	}
	if out.Score != 1 || !hasOnlyMode(out.FailureModes, FailureUnrelatedChanged) {
		t.Errorf("Score() = %v with %v, want 1 with only %s recorded", out.Score, out.FailureModes, FailureUnrelatedChanged)
	}

	env = checkEnv(t, map[string]string{"go.mod": "not a go.mod"})
	out, err = r.Score(t.Context(), env)
	if err != nil {
		t.Fatalf("Score() error = %v", err)
	}
	if out.Score != 0 || len(out.FailureModes) != 1 || out.FailureModes[0].Severity != rubric.SeverityBlock {
		t.Errorf("Score() = %v with %v, want 0 with one block-severity failure mode", out.Score, out.FailureModes)
	}
}
