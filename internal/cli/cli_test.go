package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
	if code != ExitOK || !strings.Contains(stdout, "ok: 1 records") {
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

	// Editing the sealed record makes verify fail with exit code 1.
	path := filepath.Join(state, "runs", "00000001.json")
	data, _ := os.ReadFile(path)
	os.WriteFile(path, bytes.Replace(data, []byte(`"mean_score": 0.75`), []byte(`"mean_score": 0.95`), 1), 0o644)
	code, stdout, _ = execute(t, "eval", "verify", "--dir", state)
	if code != ExitCheckFailed || !strings.Contains(stdout, "00000001.json") {
		t.Errorf("eval verify after an edit = %d, %q", code, stdout)
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
