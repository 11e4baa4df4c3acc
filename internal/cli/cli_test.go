package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

func TestMain(m *testing.M) {
	sut.MaybeLaunch(os.Args[1:], Builtins())
	os.Exit(m.Run())
}

const stubBench = "../../tests/fixtures/bench"

// execute runs the command with buffer-backed streams.
func execute(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(t.Context(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errOut})
	return code, out.String(), errOut.String()
}

func TestRunJSONAndChainCommands(t *testing.T) {
	state := filepath.Join(t.TempDir(), "eval")
	code, stdout, stderr := execute(t, "eval", "run", "stub-task-class", "--bench", stubBench,
		"--state-dir", state, "--frozen-time", "1970-01-01T00:00:00Z", "--json", "-j", "4")
	if code != ExitOK {
		t.Fatalf("eval run exit code = %d, stderr:\n%s", code, stderr)
	}
	rep, err := report.Decode([]byte(stdout))
	if err != nil {
		t.Fatalf("eval run --json printed no report: %v\n%s", err, stdout)
	}
	if rep.RecordNumber == nil || *rep.RecordNumber != 1 || rep.ChainHead == "" {
		t.Errorf("printed report is not sealed: record %v, head %q", rep.RecordNumber, rep.ChainHead)
	}
	if !strings.Contains(stderr, "[12/12]") {
		t.Errorf("stderr lacks the plain progress lines:\n%s", stderr)
	}

	code, stdout, _ = execute(t, "eval", "verify", "--dir", state)
	if code != ExitOK || !strings.Contains(stdout, "ok: 1 record,") {
		t.Errorf("eval verify = %d, %q", code, stdout)
	}

	code, stdout, _ = execute(t, "eval", "log", "--dir", state, "--json")
	var rec map[string]any
	if code != ExitOK || json.Unmarshal([]byte(stdout), &rec) != nil || rec["chain_head"] != rep.ChainHead {
		t.Errorf("eval log --json = %d, %q", code, stdout)
	}

	// The stub run has a block-severity failure mode, so the gate fails.
	code, stdout, _ = execute(t, "eval", "gate", "--state-dir", state, "--threshold", "0.3")
	if code != ExitCheckFailed || !strings.Contains(stdout, "block_severity_failure") {
		t.Errorf("eval gate --threshold 0.3 = %d, %q", code, stdout)
	}
	code, stdout, _ = execute(t, "eval", "gate", "--state-dir", state, "--against", "1", "1", "--json")
	if code == ExitUsage || !strings.Contains(stdout, `"paired"`) {
		t.Errorf("eval gate --against = %d, %q", code, stdout)
	}

	code, stdout, _ = execute(t, "eval", "show", "1", "--state-dir", state)
	if code != ExitOK || !strings.Contains(stdout, "test-file-deleted(block)") {
		t.Errorf("eval show = %d, %q", code, stdout)
	}

	code, _, stderr = execute(t, "eval", "show", "7", "--state-dir", state)
	if code != ExitUsage || !strings.Contains(stderr, "record 7 not found") {
		t.Errorf("eval show 7 = %d, %q", code, stderr)
	}

	// Editing the sealed record makes verify fail with exit code 1, and
	// gate, show and a new run refuse to work from the edited chain.
	path := filepath.Join(state, "runs", "00000001.json")
	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(data, []byte(`"score": 0,`), []byte(`"score": 1,`), -1), 0o644)
	code, stdout, _ = execute(t, "eval", "verify", "--dir", state)
	if code != ExitCheckFailed || !strings.Contains(stdout, "00000001.json") {
		t.Errorf("eval verify after an edit = %d, %q", code, stdout)
	}
	for _, args := range [][]string{
		{"eval", "gate", "--state-dir", state, "--threshold", "0.3"},
		{"eval", "show", "--state-dir", state},
		{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state},
	} {
		code, _, stderr = execute(t, args...)
		if code != ExitUsage || !strings.Contains(stderr, "00000001.json") {
			t.Errorf("%v after an edit = %d, %q; want exit 2 naming the record", args, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "runs", "00000002.json")); err == nil {
		t.Errorf("a run sealed record 2 on an edited chain")
	}
}

func TestUsageErrors(t *testing.T) {
	state := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown flag", args: []string{"eval", "run", "--no-such-flag"}, want: "unknown flag"},
		{name: "unknown task class", args: []string{"eval", "run", "nope", "--bench", stubBench, "--state-dir", state}, want: `task class "nope" not found`},
		{name: "bad frozen time", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--frozen-time", "yesterday"}, want: `invalid --frozen-time "yesterday"`},
		{name: "bad jobs", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "-j", "0"}, want: "invalid -j 0"},
		{name: "unknown isolation", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--isolation", "vm"}, want: `unknown isolation class "vm"`},
		{name: "gate without mode", args: []string{"eval", "gate", "--state-dir", state}, want: "exactly one of --threshold and --against"},
		{name: "gate without records", args: []string{"eval", "gate", "--state-dir", state, "--threshold", "0.5"}, want: "no records"},
		{name: "gate threshold out of range", args: []string{"eval", "gate", "--state-dir", state, "--threshold", "1.5", stubBench}, want: ""},
		{name: "run threshold out of range", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--threshold", "1.2"}, want: "invalid --threshold 1.2"},
		{name: "run negative threshold", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--threshold", "-5"}, want: "invalid --threshold -5"},
		{name: "zero epochs", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--epochs", "0"}, want: "invalid --epochs 0"},
		{name: "zero timeout", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--timeout", "0s"}, want: "invalid --timeout 0s"},
		{name: "missing bench root", args: []string{"eval", "run", "stub-task-class", "--bench", "/nonexistent/bench", "--state-dir", state}, want: `bench root "/nonexistent/bench" is not a directory`},
		{name: "gate margin out of range", args: []string{"eval", "gate", "--state-dir", state, "--against", "1", "--margin", "1.5"}, want: "invalid --margin 1.5"},
		{name: "sut twice", args: []string{"eval", "run", "stub-task-class", "--bench", stubBench, "--state-dir", state, "--sut", "a", "--", "b"}, want: "either with --sut or after --"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := execute(t, tt.args...)
			if code != ExitUsage {
				t.Errorf("exit code = %d, want %d; stdout %q", code, ExitUsage, stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
			if _, err := os.Stat(filepath.Join(state, "runs")); err == nil {
				t.Errorf("a usage error wrote %s", filepath.Join(state, "runs"))
			}
		})
	}
}

func TestRunPrintsIdenticalJSON(t *testing.T) {
	var outputs []string
	for _, jobs := range []string{"1", "1", "8"} {
		state := filepath.Join(t.TempDir(), "eval")
		code, stdout, stderr := execute(t, "eval", "run", "stub-task-class", "--bench", stubBench,
			"--state-dir", state, "--frozen-time", "1970-01-01T00:00:00Z", "--json", "-j", jobs)
		if code != ExitOK {
			t.Fatalf("eval run -j %s exit code = %d, stderr:\n%s", jobs, code, stderr)
		}
		outputs = append(outputs, stdout)
	}
	if outputs[0] != outputs[1] {
		t.Errorf("two runs with -j 1 print different JSON")
	}
	if diff := cmp.Diff(outputs[0], outputs[2]); diff != "" {
		t.Errorf("-j 1 and -j 8 print different JSON (-j 1 +j 8):\n%s", diff)
	}
}

// writeInvalidBench copies nothing: it writes a one-case task class and
// lets damage break it.
func writeInvalidBench(t *testing.T, damage func(dir string)) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "broken")
	os.MkdirAll(filepath.Join(dir, "cases", "c1", "workspace"), 0o755)
	os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(`schema_version: codegenie.eval.task_class/v1
name: broken
sut:
  name: stub
  argv: ["builtin:stub"]
rubric:
  checks:
    - id: a
      kind: file_exists
      params: {path: answer.txt}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "cases", "c1", "case.yaml"), []byte("schema_version: codegenie.eval.case/v1\ntask: t\nmetadata: {action: answer, answer: x}\n"), 0o644)
	damage(dir)
	return root
}

func TestInvalidBenchesExit2(t *testing.T) {
	appendTo := func(path, text string) {
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(text)
		f.Close()
	}
	tests := []struct {
		name     string
		damage   func(dir string)
		wantFile string
		wantText string
	}{
		{name: "unknown key", damage: func(dir string) { appendTo(filepath.Join(dir, "task.yaml"), "retries: 3\n") },
			wantFile: "task.yaml:11", wantText: `unknown key "retries"`},
		{name: "bad YAML", damage: func(dir string) { appendTo(filepath.Join(dir, "cases", "c1", "case.yaml"), "cluster: [unclosed\n") },
			wantFile: "case.yaml:3", wantText: "did not find expected"},
		{name: "missing workspace", damage: func(dir string) { os.Remove(filepath.Join(dir, "cases", "c1", "workspace")) },
			wantFile: "workspace", wantText: "missing workspace"},
		{name: "unknown check kind", damage: func(dir string) {
			data, _ := os.ReadFile(filepath.Join(dir, "task.yaml"))
			os.WriteFile(filepath.Join(dir, "task.yaml"), bytes.Replace(data, []byte("file_exists"), []byte("file_vanishes"), 1), 0o644)
		}, wantFile: "task.yaml", wantText: `unknown check kind "file_vanishes"`},
		{name: "empty task class", damage: func(dir string) { os.RemoveAll(filepath.Join(dir, "cases", "c1")) },
			wantFile: "cases", wantText: "no cases"},
		{name: "duplicate case id by case", damage: func(dir string) {
			// Case ids are directory names, so a file system cannot hold
			// two equal ones; a second spelling of the same id is rejected.
			os.MkdirAll(filepath.Join(dir, "cases", "C1", "workspace"), 0o755)
		}, wantFile: "C1", wantText: "invalid case id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeInvalidBench(t, tt.damage)
			state := filepath.Join(t.TempDir(), "eval")
			code, _, stderr := execute(t, "eval", "run", "broken", "--bench", root, "--state-dir", state)
			if code != ExitUsage {
				t.Errorf("exit code = %d, want %d; stderr %q", code, ExitUsage, stderr)
			}
			if !strings.Contains(stderr, tt.wantFile) || !strings.Contains(stderr, tt.wantText) {
				t.Errorf("stderr = %q, want it to name %q and %q", stderr, tt.wantFile, tt.wantText)
			}
			if _, err := os.Stat(state); err == nil {
				t.Errorf("an invalid bench wrote the state directory %s", state)
			}
		})
	}
}
