package bench

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegenie/codegenie/internal/rubric"
)

const validTask = `schema_version: codegenie.eval.task_class/v1
name: demo
sut:
  name: agent
  argv: ["./agent"]
rubric:
  checks:
    - id: exists
      kind: file_exists
      params: {path: out.txt}
`

const validCase = "schema_version: codegenie.eval.case/v1\ntask: do it\n"

// writeBench writes a task class "demo" with the given task.yaml and cases
// (id to case.yaml) and returns its directory.
func writeBench(t *testing.T, task string, cases map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	if err := os.MkdirAll(filepath.Join(dir, "cases"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(task), 0o644)
	for id, content := range cases {
		os.MkdirAll(filepath.Join(dir, "cases", id, "workspace"), 0o755)
		os.WriteFile(filepath.Join(dir, "cases", id, "case.yaml"), []byte(content), 0o644)
	}
	return dir
}

func TestLoadValid(t *testing.T) {
	dir := writeBench(t, validTask, map[string]string{"b": validCase, "a": validCase + "cluster: repo-1\nexpectations: {x: 1}\n"})
	tc, err := Load(dir, rubric.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	if len(tc.Cases) != 2 || tc.Cases[0].ID != "a" || tc.Cases[1].ID != "b" {
		t.Fatalf("cases = %v, want a, b in order", tc.Cases)
	}
	if tc.Epochs != 1 || tc.Timeout.Seconds() != 60 {
		t.Errorf("epochs = %d, timeout = %s, want defaults 1 and 60s", tc.Epochs, tc.Timeout)
	}
	if got := string(tc.Cases[0].Expectations); got != `{"x":1}` {
		t.Errorf("expectations = %s", got)
	}
	if tc.Cases[0].Cluster != "repo-1" {
		t.Errorf("cluster = %q", tc.Cases[0].Cluster)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name     string
		task     string
		cases    map[string]string
		wantFile string
		wantLine int
		wantText string
	}{
		{name: "unknown key in task", task: validTask + "colour: blue\n", cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantLine: 11, wantText: "colour"},
		{name: "duplicate key", task: validTask + "name: again\n", cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantLine: 11, wantText: "already defined"},
		{name: "unknown check kind", task: strings.Replace(validTask, "file_exists", "file_teleports", 1), cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantText: `unknown check kind "file_teleports"`},
		{name: "unknown check parameter", task: strings.Replace(validTask, "{path: out.txt}", "{path: out.txt, mode: x}", 1), cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantText: `unknown field "mode"`},
		{name: "wrong schema version", task: strings.Replace(validTask, "/v1", "/v9", 1), cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantText: "schema_version"},
		{name: "bad timeout", task: validTask + "timeout: soon\n", cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantText: `invalid timeout "soon"`},
		{name: "name mismatch", task: strings.Replace(validTask, "name: demo", "name: other", 1), cases: map[string]string{"a": validCase},
			wantFile: "task.yaml", wantText: "does not match the directory name"},
		{name: "invalid case id", task: validTask, cases: map[string]string{"Bad_ID": validCase},
			wantFile: "Bad_ID", wantText: "invalid case id"},
		{name: "unknown key in case", task: validTask, cases: map[string]string{"a": validCase + "expectation: {}\n"},
			wantFile: "case.yaml", wantLine: 3, wantText: "expectation"},
		{name: "no cases", task: validTask, cases: map[string]string{},
			wantFile: "cases", wantText: "no cases"},
		{name: "empty case file", task: validTask, cases: map[string]string{"a": ""},
			wantFile: "case.yaml", wantText: "empty file"},
		{name: "invalid severity", task: validTask + "    - id: b\n      kind: file_exists\n      params: {path: x}\n      failure_mode: {id: b, severity: fatal}\n",
			cases: map[string]string{"a": validCase}, wantFile: "task.yaml", wantText: `invalid severity "fatal"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeBench(t, tt.task, tt.cases)
			_, err := Load(dir, rubric.NewRegistry())
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Load() error = %v, want a *ParseError", err)
			}
			if !strings.HasSuffix(pe.File, tt.wantFile) {
				t.Errorf("error file = %q, want suffix %q", pe.File, tt.wantFile)
			}
			if tt.wantLine != 0 && pe.Line != tt.wantLine {
				t.Errorf("error line = %d, want %d (%v)", pe.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not mention %q", err, tt.wantText)
			}
		})
	}
}

func TestLoadMissingExpectation(t *testing.T) {
	task := strings.Replace(validTask, "kind: file_exists\n      params: {path: out.txt}", "kind: file_equals\n      params: {path: out.txt, expectation: answer}", 1)
	dir := writeBench(t, task, map[string]string{"a": validCase + "expectations: {answer: x}\n", "b": validCase})
	_, err := Load(dir, rubric.NewRegistry())
	var pe *ParseError
	if !errors.As(err, &pe) || !strings.HasSuffix(pe.File, filepath.Join("b", "case.yaml")) || !strings.Contains(err.Error(), `"answer"`) {
		t.Errorf("Load() error = %v, want a ParseError naming cases/b/case.yaml and the member answer", err)
	}
}

func TestLoadMissingWorkspace(t *testing.T) {
	dir := writeBench(t, validTask, map[string]string{"a": validCase})
	os.Remove(filepath.Join(dir, "cases", "a", "workspace"))
	_, err := Load(dir, rubric.NewRegistry())
	if err == nil || !strings.Contains(err.Error(), "missing workspace") {
		t.Errorf("Load() error = %v, want missing workspace", err)
	}
}

func TestTreeDigest(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hello\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "b.txt"), []byte("world\n"), 0o644)

	d1, err := TreeDigest(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The digest is over "<hex digest>  <path>\n" lines, sorted.
	lines := []string{
		hexBLAKE3([]byte("hello\n")) + "  a.txt\n",
		hexBLAKE3([]byte("world\n")) + "  sub/b.txt\n",
	}
	if lines[1] < lines[0] {
		lines[0], lines[1] = lines[1], lines[0]
	}
	if want := hexBLAKE3([]byte(lines[0] + lines[1])); d1 != want {
		t.Errorf("TreeDigest() = %s, want %s", d1, want)
	}

	os.WriteFile(filepath.Join(dir, "sub", "b.txt"), []byte("world!\n"), 0o644)
	d2, _ := TreeDigest(dir)
	if d1 == d2 {
		t.Errorf("digest did not change after a file changed")
	}
}

func TestResolveListsKnownClasses(t *testing.T) {
	dir := writeBench(t, validTask, map[string]string{"a": validCase})
	_, err := Resolve(filepath.Dir(dir), "nope")
	if err == nil || !strings.Contains(err.Error(), "demo") {
		t.Errorf("Resolve() error = %v, want it to list demo", err)
	}
}
