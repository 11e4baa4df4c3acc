// Package integration runs the stub task class end to end through the
// runner and the audit chain, each test in its own temporary directory.
package integration

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/cli"
	"github.com/codegenie/codegenie/internal/runner"
	"github.com/codegenie/codegenie/internal/sut"
)

func TestMain(m *testing.M) {
	sut.MaybeLaunch(os.Args[1:], cli.Builtins())
	code := m.Run()
	if chainTemplate != "" {
		os.RemoveAll(filepath.Dir(chainTemplate))
	}
	os.Exit(code)
}

const stubTaskClass = "../fixtures/bench/stub-task-class"

// runEval runs the stub task class once and seals it in stateDir.
func runEval(t *testing.T, stateDir string) *runner.Sealed {
	t.Helper()
	tc, err := bench.Load(stubTaskClass, cli.Registry())
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	r := &runner.Runner{
		TaskClass: tc,
		Builtins:  cli.Builtins(),
		Isolation: sut.Subprocess{Launcher: []string{exe, sut.LaunchCommand}},
		StateDir:  stateDir,
		Jobs:      4,
		Now:       func() time.Time { return time.Unix(0, 0) },
		Frozen:    true,
	}
	sealed, err := runner.RunEval(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	return sealed
}

var (
	chainOnce     sync.Once
	chainTemplate string
)

// threeRuns returns a new state directory holding a chain of three sealed
// runs. The runs happen once per test binary; each caller gets its own copy.
func threeRuns(t *testing.T) string {
	t.Helper()
	chainOnce.Do(func() {
		dir, err := os.MkdirTemp("", "codegenie-chain-")
		if err != nil {
			t.Fatal(err)
		}
		chainTemplate = filepath.Join(dir, "eval")
		for i := 0; i < 3; i++ {
			runEval(t, chainTemplate)
		}
	})
	state := filepath.Join(t.TempDir(), ".codegenie", "eval")
	if err := os.CopyFS(state, os.DirFS(chainTemplate)); err != nil {
		t.Fatal(err)
	}
	return state
}

func recordPath(state string, n int) string {
	return filepath.Join(state, "runs", []string{"", "00000001.json", "00000002.json", "00000003.json"}[n])
}

func TestThreeRunsMakeCleanChain(t *testing.T) {
	state := threeRuns(t)
	entries, err := os.ReadDir(filepath.Join(state, "runs"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("runs/ has %d entries, want 3", len(entries))
	}
	res, err := audit.Verify(filepath.Join(state, "runs"), audit.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || res.Length != 3 {
		t.Fatalf("Verify() = ok %v, length %d, problems %v", res.OK, res.Length, res.Problems)
	}

	var heads []string
	for n := 1; n <= 3; n++ {
		var rec struct {
			RecordNumber int64  `json:"record_number"`
			PrevHash     string `json:"prev_hash"`
			ChainHead    string `json:"chain_head"`
		}
		data, _ := os.ReadFile(recordPath(state, n))
		if err := json.Unmarshal(data, &rec); err != nil {
			t.Fatal(err)
		}
		want := audit.GenesisPrevHash
		if n > 1 {
			want = heads[n-2]
		}
		if rec.PrevHash != want {
			t.Errorf("record %d prev_hash = %s, want %s", n, rec.PrevHash, want)
		}
		heads = append(heads, rec.ChainHead)
	}
	if res.Head != heads[2] {
		t.Errorf("Verify() head = %s, want record 3's chain_head %s", res.Head, heads[2])
	}
}

// rewriteJSON decodes a record, lets edit change it, and writes it back in
// the same format.
func rewriteJSON(t *testing.T, path string, edit func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTamperingIsReported(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func(t *testing.T, state string)
		wantFile string
		wantKind string
		// wantValues requires the problem to carry expected and found values.
		wantValues bool
	}{
		{name: "mean_score flipped", wantFile: "00000002.json", wantKind: "content_hash", wantValues: true,
			tamper: func(t *testing.T, state string) {
				rewriteJSON(t, recordPath(state, 2), func(doc map[string]any) { doc["mean_score"] = json.Number("1") })
			}},
		{name: "prev_hash changed", wantFile: "00000002.json", wantKind: "prev_hash", wantValues: true,
			tamper: func(t *testing.T, state string) {
				rewriteJSON(t, recordPath(state, 2), func(doc map[string]any) { doc["prev_hash"] = strings.Repeat("ab", 32) })
			}},
		{name: "member added", wantFile: "00000002.json", wantKind: "content_hash", wantValues: true,
			tamper: func(t *testing.T, state string) {
				rewriteJSON(t, recordPath(state, 2), func(doc map[string]any) { doc["reviewed_by"] = "mallory" })
			}},
		{name: "record deleted", wantFile: "00000002.json", wantKind: "gap",
			tamper: func(t *testing.T, state string) {
				os.Remove(recordPath(state, 2))
			}},
		{name: "files swapped", wantFile: "00000002.json", wantKind: "",
			tamper: func(t *testing.T, state string) {
				a, b := recordPath(state, 2), recordPath(state, 3)
				tmp := a + ".swap"
				os.Rename(a, tmp)
				os.Rename(b, a)
				os.Rename(tmp, b)
			}},
		{name: "record number duplicated", wantFile: "00000003.json", wantKind: "",
			tamper: func(t *testing.T, state string) {
				rewriteJSON(t, recordPath(state, 3), func(doc map[string]any) { doc["record_number"] = json.Number("2") })
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			state := threeRuns(t)
			tt.tamper(t, state)
			res, err := audit.Verify(filepath.Join(state, "runs"), audit.VerifyOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.OK {
				t.Fatalf("Verify() is clean after tampering")
			}
			found := false
			for _, p := range res.Problems {
				if !strings.HasSuffix(p.Path, tt.wantFile) || !strings.Contains(p.Kind, tt.wantKind) {
					continue
				}
				if tt.wantValues && (p.Expected == "" || p.Found == "" || p.Expected == p.Found) {
					continue
				}
				found = true
			}
			if !found {
				t.Errorf("no problem names %s (kind %q, with values %v); got %+v", tt.wantFile, tt.wantKind, tt.wantValues, res.Problems)
			}
		})
	}
}

func TestExpectHeadDetectsDeletedTail(t *testing.T) {
	state := threeRuns(t)
	res, err := audit.Verify(filepath.Join(state, "runs"), audit.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	head := res.Head
	os.Remove(recordPath(state, 3))

	res, err = audit.Verify(filepath.Join(state, "runs"), audit.VerifyOptions{})
	if err != nil || !res.OK {
		t.Fatalf("a chain with its tail deleted should verify clean without an external head: %v %+v", err, res)
	}
	res, err = audit.Verify(filepath.Join(state, "runs"), audit.VerifyOptions{ExpectHead: head, ExpectLength: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.OK {
		t.Errorf("Verify() with --expect-head of the deleted record is clean")
	}
}

func TestSealedReportCarriesChainFields(t *testing.T) {
	state := filepath.Join(t.TempDir(), "eval")
	sealed := runEval(t, state)
	rep := sealed.Report
	if rep.RecordNumber == nil || *rep.RecordNumber != 1 || rep.PrevHash != audit.GenesisPrevHash || rep.ContentHash == "" || rep.ChainHead == "" {
		t.Errorf("sealed report chain fields: %v %q %q %q", rep.RecordNumber, rep.PrevHash, rep.ContentHash, rep.ChainHead)
	}
	onDisk, err := os.ReadFile(sealed.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, sealed.Bytes) {
		t.Errorf("the record file differs from the bytes run_eval returned")
	}
}
