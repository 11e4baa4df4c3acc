package rubric

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func boolPtr(b bool) *bool        { return &b }
func floatPtr(f float64) *float64 { return &f }

func compile(t *testing.T, spec Spec) *Rubric {
	t.Helper()
	r, err := Compile(spec, NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func workspace(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBuiltinChecks(t *testing.T) {
	ws := workspace(t, map[string]string{
		"answer.txt": "yes\n",
		"data.json":  `{"a": {"b": [1, "two", {"c/d": true}]}}`,
		"bad.json":   `{"a": `,
	})
	os.Symlink("/etc/hostname", filepath.Join(ws, "escape.txt"))
	env := &Env{Workspace: ws, Expectations: json.RawMessage(`{"answer": "yes\n"}`)}

	tests := []struct {
		name   string
		kind   string
		params map[string]any
		want   bool
	}{
		{name: "exists", kind: "file_exists", params: map[string]any{"path": "answer.txt"}, want: true},
		{name: "missing", kind: "file_exists", params: map[string]any{"path": "nope.txt"}, want: false},
		{name: "equals content", kind: "file_equals", params: map[string]any{"path": "answer.txt", "content": "yes\n"}, want: true},
		{name: "differs", kind: "file_equals", params: map[string]any{"path": "answer.txt", "content": "no\n"}, want: false},
		{name: "equals expectation", kind: "file_equals", params: map[string]any{"path": "answer.txt", "expectation": "answer"}, want: true},
		{name: "symlink out of workspace", kind: "file_equals", params: map[string]any{"path": "escape.txt", "content": ""}, want: false},
		{name: "matches", kind: "file_matches", params: map[string]any{"path": "answer.txt", "pattern": `^y.s\n$`}, want: true},
		{name: "no match", kind: "file_matches", params: map[string]any{"path": "answer.txt", "pattern": `^no`}, want: false},
		{name: "json value", kind: "json_value", params: map[string]any{"path": "data.json", "pointer": "/a/b/1", "equals": "two"}, want: true},
		{name: "json escaped pointer", kind: "json_value", params: map[string]any{"path": "data.json", "pointer": "/a/b/2/c~1d", "equals": true}, want: true},
		{name: "json wrong value", kind: "json_value", params: map[string]any{"path": "data.json", "pointer": "/a/b/0", "equals": 2}, want: false},
		{name: "json index out of range", kind: "json_value", params: map[string]any{"path": "data.json", "pointer": "/a/b/9", "equals": 1}, want: false},
		{name: "json invalid file", kind: "json_value", params: map[string]any{"path": "bad.json", "pointer": "", "equals": 1}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compile(t, Spec{Checks: []CheckSpec{{ID: "c", Kind: tt.kind, Params: tt.params}}})
			out, err := r.Score(t.Context(), env)
			if err != nil {
				t.Fatal(err)
			}
			if got := out.Checks[0].Passed; got != tt.want {
				t.Errorf("passed = %v, want %v (detail %q)", got, tt.want, out.Checks[0].Detail)
			}
		})
	}
}

func TestCompileRejects(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{name: "no checks", spec: Spec{}, want: "no checks"},
		{name: "unknown kind", spec: Spec{Checks: []CheckSpec{{ID: "a", Kind: "nope"}}}, want: `unknown check kind "nope"`},
		{name: "path escapes", spec: Spec{Checks: []CheckSpec{{ID: "a", Kind: "file_exists", Params: map[string]any{"path": "../x"}}}}, want: "invalid path"},
		{name: "absolute path", spec: Spec{Checks: []CheckSpec{{ID: "a", Kind: "file_exists", Params: map[string]any{"path": "/etc/passwd"}}}}, want: "invalid path"},
		{name: "bad regexp", spec: Spec{Checks: []CheckSpec{{ID: "a", Kind: "file_matches", Params: map[string]any{"path": "x", "pattern": "("}}}}, want: "invalid pattern"},
		{name: "duplicate id", spec: Spec{Checks: []CheckSpec{{ID: "a", Kind: "file_exists", Params: map[string]any{"path": "x"}}, {ID: "a", Kind: "file_exists", Params: map[string]any{"path": "y"}}}}, want: "duplicate check id"},
		{name: "bad scoring", spec: Spec{Scoring: "average", Checks: []CheckSpec{{ID: "a", Kind: "file_exists", Params: map[string]any{"path": "x"}}}}, want: `invalid scoring "average"`},
		{name: "zero total weight", spec: Spec{Scoring: ScoringWeighted, Checks: []CheckSpec{{ID: "a", Kind: "file_exists", Weight: floatPtr(0), Params: map[string]any{"path": "x"}}}}, want: "total weight of 0"},
		{name: "command without argv", spec: Spec{Checks: []CheckSpec{{ID: "a", Kind: "command"}}}, want: "missing parameter argv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(tt.spec, NewRegistry())
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Compile() error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestScoringRules(t *testing.T) {
	ws := workspace(t, map[string]string{"a.txt": "a"})
	env := &Env{Workspace: ws}
	checks := []CheckSpec{
		{ID: "has-a", Kind: "file_exists", Params: map[string]any{"path": "a.txt"}, Weight: floatPtr(3)},
		{ID: "has-b", Kind: "file_exists", Params: map[string]any{"path": "b.txt"}, Weight: floatPtr(1), Required: boolPtr(false),
			FailureMode: &FailureMode{ID: "b-missing", Severity: SeverityInfo}},
		{ID: "has-c", Kind: "file_exists", Params: map[string]any{"path": "c.txt"}, Weight: floatPtr(0), Required: boolPtr(false),
			Severities: map[string]Severity{"has-c": SeverityBlock}},
	}

	binary := compile(t, Spec{Scoring: ScoringBinary, Checks: checks})
	out, err := binary.Score(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if out.Score != 1 {
		t.Errorf("binary score = %v, want 1 (only has-a is required)", out.Score)
	}
	wantModes := []FailureMode{
		{ID: "b-missing", Severity: SeverityInfo, Message: "b.txt does not exist"},
		{ID: "has-c", Severity: SeverityBlock, Message: "c.txt does not exist"},
	}
	if diff := cmp.Diff(wantModes, out.FailureModes); diff != "" {
		t.Errorf("failure modes mismatch (-want +got):\n%s", diff)
	}

	weighted := compile(t, Spec{Scoring: ScoringWeighted, Checks: checks})
	out, err = weighted.Score(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if out.Score != 0.75 {
		t.Errorf("weighted score = %v, want 0.75", out.Score)
	}
}

type fakeExec struct{ res ExecResult }

func (f fakeExec) Exec(ctx context.Context, req ExecRequest) (ExecResult, error) { return f.res, nil }

func TestCommandCheckTrustsExitStatus(t *testing.T) {
	r := compile(t, Spec{Checks: []CheckSpec{{ID: "tests", Kind: "command", Params: map[string]any{"argv": []any{"go", "test"}}}}})
	for _, tt := range []struct {
		res  ExecResult
		want bool
	}{
		{ExecResult{ExitCode: 0}, true},
		{ExecResult{ExitCode: 1, Output: []byte("PASS")}, false},
		{ExecResult{ExitCode: -1, TimedOut: true}, false},
	} {
		out, err := r.Score(t.Context(), &Env{Workspace: t.TempDir(), Exec: fakeExec{tt.res}})
		if err != nil {
			t.Fatal(err)
		}
		if out.Checks[0].Passed != tt.want {
			t.Errorf("exec %+v: passed = %v, want %v", tt.res, out.Checks[0].Passed, tt.want)
		}
	}
}

func TestParseVerdict(t *testing.T) {
	res, err := parseVerdict([]byte(`{"passed": false, "score": 0.5, "failure_modes": [{"id": "slow", "severity": "warn", "message": "m"}]}`), "r")
	if err != nil {
		t.Fatal(err)
	}
	if res.Passed || res.Score != 0.5 || len(res.FailureModes) != 1 {
		t.Errorf("parseVerdict() = %+v", res)
	}
	for _, bad := range []string{
		`{"passed": true, "bonus": 1}`,
		`{"passed": true, "score": 2}`,
		`{"passed": true} {}`,
		`{"passed": false, "failure_modes": [{"id": "x", "severity": "fatal"}]}`,
		`not json`,
	} {
		if _, err := parseVerdict([]byte(bad), "r"); err == nil {
			t.Errorf("parseVerdict(%q) accepted an invalid verdict", bad)
		}
	}
}

func TestExternalRubric(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh on this machine")
	}
	taskDir := t.TempDir()
	// The external rubric is the task class's own program, not a fake SUT,
	// so a shell script is the natural form here.
	script := "#!/bin/sh\nif [ -f answer.txt ]; then echo '{\"passed\": true}'; else echo '{\"passed\": false, \"failure_modes\": [{\"id\": \"no-answer\", \"severity\": \"warn\", \"message\": \"missing\"}]}'; fi\n"
	os.WriteFile(filepath.Join(taskDir, "grade.sh"), []byte(script), 0o755)
	r := compile(t, Spec{Checks: []CheckSpec{{ID: "graded", Kind: "external", Params: map[string]any{"argv": []any{"./grade.sh"}}}}})

	out, err := r.Score(t.Context(), &Env{Workspace: workspace(t, map[string]string{"answer.txt": "x"}), TaskDir: taskDir, Expectations: json.RawMessage("null")})
	if err != nil || out.Score != 1 {
		t.Errorf("Score() = %+v, %v, want score 1", out, err)
	}
	out, err = r.Score(t.Context(), &Env{Workspace: t.TempDir(), TaskDir: taskDir, Expectations: json.RawMessage("null")})
	if err != nil || out.Score != 0 || len(out.FailureModes) != 1 || out.FailureModes[0].ID != "no-answer" {
		t.Errorf("Score() = %+v, %v, want score 0 with no-answer", out, err)
	}
}
