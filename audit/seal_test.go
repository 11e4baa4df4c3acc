package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/google/go-cmp/cmp"
)

func TestSealThreeRecords(t *testing.T) {
	stateDir, sealed := sealChain(t, 3)

	for i, s := range sealed {
		wantNumber := int64(i + 1)
		if s.RecordNumber != wantNumber {
			t.Errorf("Seal #%d RecordNumber = %d, want %d", i+1, s.RecordNumber, wantNumber)
		}
		wantPrev := GenesisPrevHash
		if i > 0 {
			wantPrev = sealed[i-1].ChainHead
		}
		if s.PrevHash != wantPrev {
			t.Errorf("record %d PrevHash = %s, want %s", wantNumber, s.PrevHash, wantPrev)
		}
		wantPath, err := filepath.Abs(filepath.Join(stateDir, "runs", recordFileName(wantNumber)))
		if err != nil {
			t.Fatal(err)
		}
		if s.Path != wantPath {
			t.Errorf("record %d Path = %s, want %s", wantNumber, s.Path, wantPath)
		}
		onDisk, err := os.ReadFile(s.Path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(onDisk, s.Bytes) {
			t.Errorf("record %d: file bytes differ from Sealed.Bytes", wantNumber)
		}
		wantContent, err := ContentHash(reportPayload(i, 5))
		if err != nil {
			t.Fatal(err)
		}
		if s.ContentHash != wantContent {
			t.Errorf("record %d ContentHash = %s, want the payload's %s", wantNumber, s.ContentHash, wantContent)
		}
		wantHead, err := ChainHead(wantNumber, wantPrev, wantContent)
		if err != nil {
			t.Fatal(err)
		}
		if s.ChainHead != wantHead {
			t.Errorf("record %d ChainHead = %s, want %s", wantNumber, s.ChainHead, wantHead)
		}

		var members map[string]any
		if err := json.Unmarshal(onDisk, &members); err != nil {
			t.Fatal(err)
		}
		if members["prev_hash"] != wantPrev || members["chain_head"] != wantHead || members["content_hash"] != wantContent {
			t.Errorf("record %d file chain members = %v %v %v, want %s %s %s", wantNumber,
				members["prev_hash"], members["content_hash"], members["chain_head"], wantPrev, wantContent, wantHead)
		}
	}

	res, err := Verify(filepath.Join(stateDir, "runs"), VerifyOptions{ExpectHead: sealed[2].ChainHead, ExpectLength: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{SchemaVersion: VerifyResultSchemaVersion, OK: true, Length: 3, Head: sealed[2].ChainHead, Problems: []Problem{}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Verify() mismatch (-want +got):\n%s", diff)
	}

	entries, err := os.ReadDir(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{".lock", "runs"}, names); diff != "" {
		t.Errorf("state directory entries mismatch (-want +got):\n%s", diff)
	}
	if info, err := os.Stat(filepath.Join(stateDir, ".lock")); err != nil || info.Size() != 0 {
		t.Errorf("lock file: %v, size %d, want an empty file", err, info.Size())
	}
}

func TestSealRecordFormat(t *testing.T) {
	stateDir := filepath.Join(t.TempDir(), "eval")
	payload := `{"schema_version":"v","run_id":"r","isolation_class":"subprocess",` +
		`"note":"<script>&</script>","score":0.50,"big":1e3,"z":{"b":1,"a":[]},"e":"\u00e9"}`
	sealed, err := Seal(t.Context(), stateDir, []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "big": 1e3,
  "chain_head": "` + sealed.ChainHead + `",
  "content_hash": "` + sealed.ContentHash + `",
  "e": "é",
  "isolation_class": "subprocess",
  "note": "<script>&</script>",
  "prev_hash": "` + GenesisPrevHash + `",
  "record_number": 1,
  "run_id": "r",
  "schema_version": "v",
  "score": 0.50,
  "z": {
    "a": [],
    "b": 1
  }
}
`
	if diff := cmp.Diff(want, string(sealed.Bytes)); diff != "" {
		t.Errorf("record file mismatch (-want +got):\n%s", diff)
	}

	info, err := os.Stat(sealed.Path)
	if err != nil {
		t.Fatal(err)
	}
	if wantMode := fs.FileMode(0o644) &^ currentUmask(); info.Mode() != wantMode {
		t.Errorf("record file mode = %v, want %v", info.Mode(), wantMode)
	}
}

func TestSealRejectsInvalidPayload(t *testing.T) {
	base := `"schema_version":"v","run_id":"r","isolation_class":"subprocess"`
	tests := []struct {
		name    string
		payload string
		detail  string
	}{
		{"not JSON", `not json`, "top level is not a JSON object"},
		{"array", `[]`, "top level is not a JSON object"},
		{"duplicate key", `{` + base + `,"a":1,"a":2}`, `duplicate key "a"`},
		{"integer out of range", `{` + base + `,"n":9007199254740993}`, "outside ±(2^53−1)"},
		{"invalid utf-8", "{" + base + ",\"s\":\"\xff\"}", "invalid UTF-8"},
		{"trailing data", `{` + base + `} {}`, "unexpected data after"},
		{"record_number present", `{` + base + `,"record_number":1}`, `the chain member "record_number"`},
		{"prev_hash present", `{` + base + `,"prev_hash":"x"}`, `chain member "prev_hash"`},
		{"content_hash present", `{` + base + `,"content_hash":"x"}`, `chain member "content_hash"`},
		{"chain_head present", `{` + base + `,"chain_head":"x"}`, `chain member "chain_head"`},
		{"run_id missing", `{"schema_version":"v","isolation_class":"subprocess"}`, "run_id is missing"},
		{"schema_version empty", `{"schema_version":"","run_id":"r","isolation_class":"subprocess"}`, "schema_version is empty"},
		{"isolation_class not a string", `{"schema_version":"v","run_id":"r","isolation_class":1}`, "isolation_class is 1, not a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stateDir := filepath.Join(t.TempDir(), "eval")
			_, err := Seal(t.Context(), stateDir, []byte(tt.payload))
			if !errors.Is(err, ErrInvalidPayload) {
				t.Fatalf("Seal(%q) error = %v, want ErrInvalidPayload", tt.payload, err)
			}
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("Seal(%q) error = %q, want it to contain %q", tt.payload, err, tt.detail)
			}
			if _, statErr := os.Stat(stateDir); !errors.Is(statErr, fs.ErrNotExist) {
				t.Errorf("Seal(%q) created the state directory: %v", tt.payload, statErr)
			}
		})
	}

	var jsonErr *JSONError
	_, err := Seal(t.Context(), t.TempDir(), []byte(`{"a":1,"a":1}`))
	if !errors.As(err, &jsonErr) {
		t.Errorf("Seal(duplicate key) error = %v, want a *JSONError too", err)
	}
}

func TestSealRejectsBrokenTail(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func(t *testing.T, runsDir string, sealed []Sealed)
		wantPath string
		wantKind string
	}{
		{
			name: "tail content changed",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				editRecord(t, filepath.Join(runsDir, "00000003.json"), func(m map[string]any) { m["n"] = json.Number("7") })
			},
			wantPath: "00000003.json", wantKind: KindContentHashMismatch,
		},
		{
			name: "tail truncated",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				writeFile(t, filepath.Join(runsDir, "00000003.json"), sealed[2].Bytes[:100])
			},
			wantPath: "00000003.json", wantKind: KindInvalidJSON,
		},
		{
			name: "tail rehashed on a wrong prev_hash",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				editRecord(t, filepath.Join(runsDir, "00000003.json"), func(m map[string]any) {
					m["prev_hash"] = sealed[0].ChainHead
					m["chain_head"] = mustChainHead(t, 3, sealed[0].ChainHead, sealed[2].ContentHash)
				})
			},
			wantPath: "00000003.json", wantKind: KindPrevHashMismatch,
		},
		{
			name: "record before the tail deleted",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				removeFile(t, filepath.Join(runsDir, "00000002.json"))
			},
			wantPath: "00000002.json", wantKind: KindGap,
		},
		{
			name: "record before the tail damaged",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				writeFile(t, filepath.Join(runsDir, "00000002.json"), []byte("{"))
			},
			wantPath: "00000002.json", wantKind: KindInvalidJSON,
		},
		{
			name: "tail renamed",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				renameFile(t, filepath.Join(runsDir, "00000003.json"), filepath.Join(runsDir, "00000004.json"))
			},
			wantPath: "00000004.json", wantKind: KindFileNameMismatch,
		},
		{
			name: "garbage named like a newer record",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				writeFile(t, filepath.Join(runsDir, "00000009.json"), []byte("garbage"))
			},
			wantPath: "00000009.json", wantKind: KindInvalidJSON,
		},
		{
			name: "record 1 with a non-zero prev_hash",
			tamper: func(t *testing.T, runsDir string, sealed []Sealed) {
				removeFile(t, filepath.Join(runsDir, "00000003.json"))
				removeFile(t, filepath.Join(runsDir, "00000002.json"))
				editRecord(t, filepath.Join(runsDir, "00000001.json"), func(m map[string]any) {
					m["prev_hash"] = sealed[2].ChainHead
					m["chain_head"] = mustChainHead(t, 1, sealed[2].ChainHead, sealed[0].ContentHash)
				})
			},
			wantPath: "00000001.json", wantKind: KindPrevHashMismatch,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stateDir, sealed := sealChain(t, 3)
			runsDir := filepath.Join(stateDir, "runs")
			tt.tamper(t, runsDir, sealed)
			before := snapshotDir(t, runsDir)

			_, err := Seal(t.Context(), stateDir, reportPayload(99, 1))
			var chainErr *ChainError
			if !errors.As(err, &chainErr) {
				t.Fatalf("Seal() error = %v, want a *ChainError", err)
			}
			if !slices.ContainsFunc(chainErr.Problems, func(p Problem) bool {
				return p.Kind == tt.wantKind && filepath.Base(p.Path) == tt.wantPath
			}) {
				t.Errorf("ChainError problems = %v, want one of kind %s on %s", chainErr.Problems, tt.wantKind, tt.wantPath)
			}
			if msg := err.Error(); !strings.Contains(msg, "run verify") || !strings.Contains(msg, runsDir) {
				t.Errorf("Seal() error = %q, want it to name the file and say what to do", msg)
			}
			if diff := cmp.Diff(before, snapshotDir(t, runsDir)); diff != "" {
				t.Errorf("Seal() changed runs/ although it failed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestSealRemovesInterruptedSeal(t *testing.T) {
	stateDir, _ := sealChain(t, 1)
	runsDir := filepath.Join(stateDir, "runs")
	leftover := filepath.Join(runsDir, ".seal-0123456789abcdef.tmp")
	writeFile(t, leftover, []byte(`{"half": "a rec`))

	res, err := Verify(runsDir, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantProblems := []Problem{{Kind: KindInterruptedSeal, Path: leftover, Found: filepath.Base(leftover)}}
	if diff := cmp.Diff(wantProblems, res.Problems, ignoreMessage); diff != "" || !res.OK {
		t.Errorf("Verify() OK = %v, problems mismatch (-want +got):\n%s", res.OK, diff)
	}

	if _, err := Seal(t.Context(), stateDir, reportPayload(1, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(leftover); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("leftover %s after Seal: %v, want it removed", leftover, err)
	}
	res, err = Verify(runsDir, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Problems) != 0 || res.Length != 2 {
		t.Errorf("Verify() = %+v, want a clean chain of 2 records", res)
	}
}

func TestSealWaitsForLock(t *testing.T) {
	stateDir, _ := sealChain(t, 1)
	lock := flock.New(filepath.Join(stateDir, ".lock"))
	if ok, err := lock.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock() = %v, %v", ok, err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Seal(ctx, stateDir, reportPayload(1, 1)); !errors.Is(err, context.Canceled) {
		t.Errorf("Seal(canceled context) while locked: error = %v, want context.Canceled", err)
	}

	done := make(chan error, 1)
	go func() {
		_, err := Seal(t.Context(), stateDir, reportPayload(2, 1))
		done <- err
	}()
	if err := lock.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Seal() after the lock was released: %v", err)
	}
	res, err := Verify(filepath.Join(stateDir, "runs"), VerifyOptions{})
	if err != nil || !res.OK || res.Length != 2 {
		t.Errorf("Verify() = %+v, %v, want a clean chain of 2 records", res, err)
	}
}

func TestSealStateDirectoryErrors(t *testing.T) {
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	writeFile(t, notDir, nil)
	if _, err := Seal(t.Context(), notDir, reportPayload(1, 1)); err == nil {
		t.Errorf("Seal(state directory is a file) succeeded, want an error")
	}

	stateDir := filepath.Join(dir, "eval")
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(stateDir, "runs"), nil)
	if _, err := Seal(t.Context(), stateDir, reportPayload(1, 1)); err == nil {
		t.Errorf("Seal(runs is a file) succeeded, want an error")
	}
}

// TestSealConcurrentProcesses runs two processes that seal 50 records each
// into one chain.
func TestSealConcurrentProcesses(t *testing.T) {
	const perProcess = 50
	stateDir := filepath.Join(t.TempDir(), "eval")

	results := make(chan []int64, 2)
	for range 2 {
		cmd := helperCommand(t, stateDir, perProcess)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() {
			numbers := readSealedNumbers(t, stdout)
			if err := cmd.Wait(); err != nil {
				t.Errorf("helper: %v\n%s", err, stderr.Bytes())
			}
			results <- numbers
		}()
	}

	var all []int64
	for range 2 {
		numbers := <-results
		if len(numbers) != perProcess {
			t.Errorf("a helper sealed %d records, want %d", len(numbers), perProcess)
		}
		all = append(all, numbers...)
	}
	slices.Sort(all)
	want := make([]int64, 2*perProcess)
	for i := range want {
		want[i] = int64(i + 1)
	}
	if diff := cmp.Diff(want, all); diff != "" {
		t.Errorf("sealed record numbers mismatch (-want +got):\n%s", diff)
	}

	res, err := Verify(filepath.Join(stateDir, "runs"), VerifyOptions{ExpectLength: 2 * perProcess})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Problems) != 0 {
		t.Errorf("Verify() OK = %v, problems = %v, want a clean chain", res.OK, res.Problems)
	}
}

// TestSealKilledAtRandomMoments kills a process that seals without pause
// after a random delay, hundreds of times. Each time, the chain must verify,
// at most with the leftover of the interrupted seal, and hold every record
// the process reported as sealed and at most one more.
func TestSealKilledAtRandomMoments(t *testing.T) {
	iterations := 300
	if testing.Short() {
		iterations = 30
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("random seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed>>1))

	var stateDir string
	leftovers, records := 0, 0
	for i := range iterations {
		// A new chain now and then keeps each Verify short.
		if i%30 == 0 {
			stateDir = filepath.Join(t.TempDir(), "eval")
		}
		cmd := helperCommand(t, stateDir, 0)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		output := bufio.NewReader(stdout)
		if line, err := output.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("helper start: read %q, %v", line, err)
		}

		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		acknowledged := readSealedNumbers(t, output)
		cmd.Wait()

		res, err := Verify(filepath.Join(stateDir, "runs"), VerifyOptions{})
		if errors.Is(err, fs.ErrNotExist) {
			continue // killed before the first seal created runs/
		}
		if err != nil {
			t.Fatal(err)
		}
		interrupted := 0
		for _, p := range res.Problems {
			if p.Kind == KindInterruptedSeal {
				interrupted++
			}
		}
		if !res.OK || interrupted > 1 {
			t.Fatalf("iteration %d: Verify() after kill: OK = %v, problems:\n%v", i, res.OK, res.Problems)
		}
		leftovers += interrupted
		records += len(acknowledged)
		if len(acknowledged) > 0 {
			last := acknowledged[len(acknowledged)-1]
			if res.Length < last || res.Length > last+1 {
				t.Fatalf("iteration %d: chain length %d after the helper reported record %d sealed", i, res.Length, last)
			}
		}
	}
	t.Logf("%d kills, %d records sealed, %d interrupted seals left a temporary file", iterations, records, leftovers)

	sealed, err := Seal(t.Context(), stateDir, reportPayload(1, 1))
	if err != nil {
		t.Fatalf("Seal() after the kills: %v", err)
	}
	res, err := Verify(filepath.Join(stateDir, "runs"), VerifyOptions{ExpectHead: sealed.ChainHead})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK || len(res.Problems) != 0 {
		t.Errorf("Verify() after a final seal: OK = %v, problems = %v, want none", res.OK, res.Problems)
	}
}

// editRecord decodes a record file, lets edit change its members and writes
// it back in the format Seal uses.
func editRecord(t *testing.T, path string, edit func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var members map[string]any
	if err := dec.Decode(&members); err != nil {
		t.Fatal(err)
	}
	edit(members)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(members); err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, buf.Bytes())
}

func mustChainHead(t *testing.T, n int64, prevHash, contentHash string) string {
	t.Helper()
	head, err := ChainHead(n, prevHash, contentHash)
	if err != nil {
		t.Fatal(err)
	}
	return head
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func removeFile(t testing.TB, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

func renameFile(t testing.TB, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func TestSealNeverReplacesFile(t *testing.T) {
	stateDir, _ := sealChain(t, 3)
	runsDir := filepath.Join(stateDir, "runs")
	next := filepath.Join(runsDir, "00000004.json")
	if err := os.Symlink("elsewhere", next); err != nil {
		t.Fatal(err)
	}

	_, err := Seal(t.Context(), stateDir, reportPayload(9, 1))
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("Seal() with %s taken: error = %v, want fs.ErrExist", next, err)
	}
	if target, err := os.Readlink(next); err != nil || target != "elsewhere" {
		t.Errorf("%s after Seal(): target %q, %v, want the symbolic link unchanged", next, target, err)
	}
	entries, err := os.ReadDir(runsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Errorf("runs/ has %d entries after a failed Seal, want 4 (no temporary file left)", len(entries))
	}
}
