package audit

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Environment variables of the helper process. TestMain runs the helper
// instead of the tests when helperEnv is set, as os/exec's tests do.
const (
	helperEnv      = "AUDIT_TEST_HELPER"
	helperStateEnv = "AUDIT_TEST_STATE_DIR"
	helperCountEnv = "AUDIT_TEST_SEAL_COUNT"
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

// runHelper runs a helper mode and returns the exit code.
//
// Mode "seal" seals AUDIT_TEST_SEAL_COUNT reports (0: until killed) into
// AUDIT_TEST_STATE_DIR. It writes "ready" to stdout before the first seal and
// "sealed N" after record N is sealed.
func runHelper(mode string) int {
	if mode != "seal" {
		fmt.Fprintf(os.Stderr, "audit test helper: unknown mode %q\n", mode)
		return 2
	}
	stateDir := os.Getenv(helperStateEnv)
	count, err := strconv.Atoi(os.Getenv(helperCountEnv))
	if err != nil || stateDir == "" {
		fmt.Fprintf(os.Stderr, "audit test helper: set %s and %s\n", helperStateEnv, helperCountEnv)
		return 2
	}

	out := bufio.NewWriter(os.Stdout)
	fmt.Fprintln(out, "ready")
	out.Flush()
	for i := 0; count == 0 || i < count; i++ {
		sealed, err := Seal(context.Background(), stateDir, reportPayload(os.Getpid()*1000+i, 3))
		if err != nil {
			fmt.Fprintf(os.Stderr, "audit test helper: %v\n", err)
			return 1
		}
		fmt.Fprintf(out, "sealed %d\n", sealed.RecordNumber)
		out.Flush()
	}
	return 0
}

// helperCommand returns a command that runs the seal helper.
func helperCommand(t testing.TB, stateDir string, count int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		helperEnv+"=seal",
		helperStateEnv+"="+stateDir,
		helperCountEnv+"="+strconv.Itoa(count),
	)
	return cmd
}

// readSealedNumbers reads the helper's stdout to the end and returns the
// record numbers it reported as sealed.
func readSealedNumbers(t testing.TB, r io.Reader) []int64 {
	t.Helper()
	var numbers []int64
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "ready" {
			continue
		}
		text, ok := strings.CutPrefix(line, "sealed ")
		if !ok {
			t.Errorf("helper wrote %q, want \"ready\" or \"sealed N\"", line)
			continue
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			t.Errorf("helper wrote %q: %v", line, err)
			continue
		}
		numbers = append(numbers, n)
	}
	return numbers
}

// reportPayload returns a report like the runner's, with the given number of
// per-case entries, that differs for each seed.
func reportPayload(seed int, cases int) []byte {
	perCase := make([]map[string]any, cases)
	for i := range perCase {
		perCase[i] = map[string]any{
			"case_id":     fmt.Sprintf("go-2024-%04d", i),
			"case_digest": fmt.Sprintf("%064x", seed*7919+i),
			"score":       json.Number([]string{"1", "0", "0.5"}[i%3]),
			"status":      "scored",
			"attempts":    1,
			"duration_ms": 1000 + (seed+i)%5000,
			"failure_modes": []map[string]any{
				{"id": "wrong-version", "severity": "warn", "message": fmt.Sprintf("go.mod requires golang.org/x/net v0.%d.0, which is affected", i%40)},
			},
			"artifacts": []map[string]any{
				{"name": "stdout", "digest": fmt.Sprintf("%064x", seed*31+i)},
				{"name": "workspace.diff", "digest": fmt.Sprintf("%064x", seed*37+i)},
			},
		}
	}
	report := map[string]any{
		"schema_version":               "codegenie.eval.bench_run_report/v1",
		"run_id":                       fmt.Sprintf("%016x", seed),
		"task_class":                   "vuln-remediation",
		"bench_digest":                 fmt.Sprintf("%064x", seed+1),
		"rubric_digest":                fmt.Sprintf("%064x", seed+2),
		"sut":                          map[string]any{"name": "minimal-fix", "argv": []string{"./fix", "--minimal"}, "digest": fmt.Sprintf("%064x", seed+3)},
		"isolation_class":              "subprocess",
		"started_at":                   "1970-01-01T00:00:00Z",
		"finished_at":                  "1970-01-01T00:00:00Z",
		"complete":                     true,
		"epochs":                       1,
		"n_planned":                    cases,
		"n":                            cases,
		"n_unscored_cases":             0,
		"n_attempts":                   cases,
		"mean_score":                   json.Number("0.8333333333333334"),
		"score_stddev":                 json.Number("0.37904902178945166"),
		"stderr":                       json.Number("0.04893416888186337"),
		"lower_bound_95":               json.Number("0.7519"),
		"ci_method":                    "clopper_pearson",
		"block_severity_failure_modes": []string{},
		"per_case":                     perCase,
	}
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		panic("audit test: marshal report: " + err.Error())
	}
	return data
}

// sealChain seals n reports into a new state directory and returns the
// directory and what Seal returned.
func sealChain(t testing.TB, n int) (string, []Sealed) {
	t.Helper()
	stateDir := filepath.Join(t.TempDir(), "eval")
	sealed := make([]Sealed, n)
	for i := range n {
		var err error
		sealed[i], err = Seal(t.Context(), stateDir, reportPayload(i, 5))
		if err != nil {
			t.Fatalf("Seal(record %d) error: %v", i+1, err)
		}
	}
	return stateDir, sealed
}

// fileState is what snapshotDir records about a file or directory.
type fileState struct {
	Mode    fs.FileMode
	Size    int64
	SHA256  string
	ModTime int64
}

// snapshotDir returns the state of every entry under dir, keyed by path
// relative to dir.
func snapshotDir(t testing.TB, dir string) map[string]fileState {
	t.Helper()
	states := make(map[string]fileState)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		state := fileState{Mode: info.Mode(), Size: info.Size(), ModTime: info.ModTime().UnixNano()}
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(data)
			state.SHA256 = hex.EncodeToString(sum[:])
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		states[rel] = state
		return nil
	})
	if err != nil {
		t.Fatalf("snapshot %s: %v", dir, err)
	}
	return states
}
