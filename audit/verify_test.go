package audit

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zeebo/blake3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var ignoreMessage = cmpopts.IgnoreFields(Problem{}, "Message")

// chainFixture is a sealed chain of three records in a temporary directory.
type chainFixture struct {
	stateDir, runsDir string
	sealed            []Sealed
}

func newChainFixture(t *testing.T) chainFixture {
	t.Helper()
	stateDir, sealed := sealChain(t, 3)
	return chainFixture{stateDir: stateDir, runsDir: filepath.Join(stateDir, "runs"), sealed: sealed}
}

func (c chainFixture) path(n int) string {
	return filepath.Join(c.runsDir, recordFileName(int64(n)))
}

// replaceInRecord replaces the first occurrence of old in a record file.
func (c chainFixture) replaceInRecord(t *testing.T, n int, old, new string) []byte {
	t.Helper()
	data := c.sealed[n-1].Bytes
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("record %d does not contain %q", n, old)
	}
	data = bytes.Replace(data, []byte(old), []byte(new), 1)
	writeFile(t, c.path(n), data)
	return data
}

// referenceContentHash hashes a record with the reference canonical form.
func referenceContentHash(t *testing.T, data []byte) string {
	t.Helper()
	canonical, err := referenceCanonical(data)
	if err != nil {
		t.Fatalf("reference canonical form: %v", err)
	}
	sum := blake3.Sum256(canonical)
	return hex.EncodeToString(sum[:])
}

// referenceChainHead builds the 73-byte preimage by hand and hashes it.
func referenceChainHead(t *testing.T, n int64, prevHash, contentHash string) string {
	t.Helper()
	preimage := binary.BigEndian.AppendUint64([]byte{0x02}, uint64(n))
	for _, h := range []string{prevHash, contentHash} {
		raw, err := hex.DecodeString(h)
		if err != nil || len(raw) != 32 {
			t.Fatalf("hash %q: %v", h, err)
		}
		preimage = append(preimage, raw...)
	}
	sum := blake3.Sum256(preimage)
	return hex.EncodeToString(sum[:])
}

// diffProblems compares problems by kind, path, expected and found values.
// For the kinds whose found value is an error text, want.Found need only be
// a part of it. Every problem must have a message.
func diffProblems(want, got []Problem) string {
	if len(want) != len(got) {
		return fmt.Sprintf("got %d problems, want %d:\n%s", len(got), len(want), formatProblems(got))
	}
	var b strings.Builder
	for i := range want {
		w, g := want[i], got[i]
		found := g.Found == w.Found
		if w.Kind == KindInvalidJSON || w.Kind == KindFileTooLarge || w.Kind == KindUnreadableFile {
			found = strings.Contains(g.Found, w.Found)
		}
		if g.Kind != w.Kind || g.Path != w.Path || g.Expected != w.Expected || !found || g.Message == "" {
			fmt.Fprintf(&b, "problem %d:\n  got  %+v\n  want %+v\n", i, g, w)
		}
	}
	if b.Len() > 0 {
		b.WriteString("all problems:\n" + formatProblems(got))
	}
	return b.String()
}

func formatProblems(problems []Problem) string {
	var b strings.Builder
	for _, p := range problems {
		b.WriteString("  " + p.String() + "\n")
	}
	return b.String()
}

func TestVerifyReportsTampering(t *testing.T) {
	otherHash := strings.Repeat("ab", 32)
	tests := []struct {
		name   string
		tamper func(t *testing.T, c chainFixture) []Problem
		// ok is the expected Result.OK.
		ok bool
	}{
		{
			name: "value changed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				data := c.replaceInRecord(t, 2, `"mean_score": 0.8333333333333334`, `"mean_score": 0.9`)
				return []Problem{{Kind: KindContentHashMismatch, Path: c.path(2),
					Expected: referenceContentHash(t, data), Found: c.sealed[1].ContentHash}}
			},
		},
		{
			name: "value changed in a nested member",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				data := c.replaceInRecord(t, 2, `"case_id": "go-2024-0003"`, `"case_id": "go-2024-0009"`)
				return []Problem{{Kind: KindContentHashMismatch, Path: c.path(2),
					Expected: referenceContentHash(t, data), Found: c.sealed[1].ContentHash}}
			},
		},
		{
			name: "member added",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				data := c.replaceInRecord(t, 2, "{\n", "{\n  \"reviewed_by\": \"mallory\",\n")
				return []Problem{{Kind: KindContentHashMismatch, Path: c.path(2),
					Expected: referenceContentHash(t, data), Found: c.sealed[1].ContentHash}}
			},
		},
		{
			name: "member removed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				data := c.replaceInRecord(t, 2, `"complete": true,`, ``)
				return []Problem{{Kind: KindContentHashMismatch, Path: c.path(2),
					Expected: referenceContentHash(t, data), Found: c.sealed[1].ContentHash}}
			},
		},
		{
			name: "prev_hash changed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 2, c.sealed[1].PrevHash, otherHash)
				return []Problem{
					{Kind: KindChainHeadMismatch, Path: c.path(2),
						Expected: referenceChainHead(t, 2, otherHash, c.sealed[1].ContentHash), Found: c.sealed[1].ChainHead},
					{Kind: KindPrevHashMismatch, Path: c.path(2), Expected: c.sealed[0].ChainHead, Found: otherHash},
				}
			},
		},
		{
			name: "prev_hash of record 1 changed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 1, `"prev_hash": "`+GenesisPrevHash, `"prev_hash": "`+otherHash)
				return []Problem{
					{Kind: KindChainHeadMismatch, Path: c.path(1),
						Expected: referenceChainHead(t, 1, otherHash, c.sealed[0].ContentHash), Found: c.sealed[0].ChainHead},
					{Kind: KindPrevHashMismatch, Path: c.path(1), Expected: GenesisPrevHash, Found: otherHash},
				}
			},
		},
		{
			name: "content_hash changed to match the content",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				data := c.replaceInRecord(t, 2, `"complete": true`, `"complete": false`)
				newContent := referenceContentHash(t, data)
				c.replaceInRecord(t, 2, c.sealed[1].ContentHash, newContent)
				data = bytes.Replace(data, []byte(c.sealed[1].ContentHash), []byte(newContent), 1)
				writeFile(t, c.path(2), data)
				return []Problem{{Kind: KindChainHeadMismatch, Path: c.path(2),
					Expected: referenceChainHead(t, 2, c.sealed[0].ChainHead, newContent), Found: c.sealed[1].ChainHead}}
			},
		},
		{
			name: "record rehashed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				data := c.replaceInRecord(t, 2, `"complete": true`, `"complete": false`)
				newContent := referenceContentHash(t, data)
				newHead := referenceChainHead(t, 2, c.sealed[0].ChainHead, newContent)
				data = bytes.Replace(data, []byte(c.sealed[1].ContentHash), []byte(newContent), 1)
				data = bytes.Replace(data, []byte(c.sealed[1].ChainHead), []byte(newHead), 1)
				writeFile(t, c.path(2), data)
				return []Problem{{Kind: KindPrevHashMismatch, Path: c.path(3), Expected: newHead, Found: c.sealed[1].ChainHead}}
			},
		},
		{
			name: "record deleted",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				removeFile(t, c.path(2))
				return []Problem{{Kind: KindGap, Path: c.path(2), Expected: "record 2", Found: "no file"}}
			},
		},
		{
			name: "two records deleted",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				removeFile(t, c.path(1))
				removeFile(t, c.path(2))
				return []Problem{{Kind: KindGap, Path: c.path(1), Expected: "records 1 to 2", Found: "no file"}}
			},
		},
		{
			name: "records swapped",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				writeFile(t, c.path(2), c.sealed[2].Bytes)
				writeFile(t, c.path(3), c.sealed[1].Bytes)
				return []Problem{
					{Kind: KindFileNameMismatch, Path: c.path(2), Expected: "00000003.json", Found: "00000002.json"},
					{Kind: KindFileNameMismatch, Path: c.path(3), Expected: "00000002.json", Found: "00000003.json"},
				}
			},
		},
		{
			name: "record file renamed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				renameFile(t, c.path(3), c.path(4))
				return []Problem{{Kind: KindFileNameMismatch, Path: c.path(4), Expected: "00000003.json", Found: "00000004.json"}}
			},
		},
		{
			name: "record copied under a new number",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				writeFile(t, c.path(4), c.sealed[1].Bytes)
				return []Problem{
					{Kind: KindFileNameMismatch, Path: c.path(4), Expected: "00000002.json", Found: "00000004.json"},
					{Kind: KindDuplicateRecordNumber, Path: c.path(4), Expected: "a record_number that no other file has", Found: "2"},
				}
			},
		},
		{
			name: "record number changed",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 3, `"record_number": 3`, `"record_number": 2`)
				return []Problem{
					{Kind: KindChainHeadMismatch, Path: c.path(3),
						Expected: referenceChainHead(t, 2, c.sealed[2].PrevHash, c.sealed[2].ContentHash), Found: c.sealed[2].ChainHead},
					{Kind: KindFileNameMismatch, Path: c.path(3), Expected: "00000002.json", Found: "00000003.json"},
					{Kind: KindDuplicateRecordNumber, Path: c.path(3), Expected: "a record_number that no other file has", Found: "2"},
				}
			},
		},
		{
			name: "record number written as a string",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 2, `"record_number": 2`, `"record_number": "2"`)
				return []Problem{{Kind: KindInvalidChainMember, Path: c.path(2), Expected: "a positive integer", Found: `"2"`}}
			},
		},
		{
			name: "content_hash in uppercase",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				upper := strings.ToUpper(c.sealed[1].ContentHash)
				c.replaceInRecord(t, 2, c.sealed[1].ContentHash, upper)
				return []Problem{{Kind: KindInvalidChainMember, Path: c.path(2),
					Expected: c.sealed[1].ContentHash + " (the hash of the content)", Found: `"` + upper + `"`}}
			},
		},
		{
			name: "chain_head missing",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 3, `"chain_head": "`+c.sealed[2].ChainHead+`",`, ``)
				return []Problem{{Kind: KindInvalidChainMember, Path: c.path(3),
					Expected: c.sealed[2].ChainHead + " (the hash of the chain members)", Found: ""}}
			},
		},
		{
			name: "invalid JSON",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				writeFile(t, c.path(2), c.sealed[1].Bytes[:len(c.sealed[1].Bytes)/2])
				return []Problem{{Kind: KindInvalidJSON, Path: c.path(2),
					Expected: "a JSON object that follows the strict record rules", Found: "unexpected end of input"}}
			},
		},
		{
			name: "empty file",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				writeFile(t, c.path(2), nil)
				return []Problem{{Kind: KindInvalidJSON, Path: c.path(2),
					Expected: "a JSON object that follows the strict record rules", Found: "top level is not a JSON object"}}
			},
		},
		{
			name: "duplicate key",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 2, `"complete": true,`, `"complete": true, "complete": true,`)
				return []Problem{{Kind: KindInvalidJSON, Path: c.path(2),
					Expected: "a JSON object that follows the strict record rules", Found: `duplicate key "complete"`}}
			},
		},
		{
			name: "integer out of range",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 2, `"epochs": 1,`, `"epochs": 9007199254740992,`)
				return []Problem{{Kind: KindInvalidJSON, Path: c.path(2),
					Expected: "a JSON object that follows the strict record rules", Found: "outside ±(2^53−1)"}}
			},
		},
		{
			name: "invalid UTF-8",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				c.replaceInRecord(t, 2, `"vuln-remediation"`, "\"vuln-\xffremediation\"")
				return []Problem{{Kind: KindInvalidJSON, Path: c.path(2),
					Expected: "a JSON object that follows the strict record rules", Found: "invalid UTF-8"}}
			},
		},
		{
			name: "file too large",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				f, err := os.Create(c.path(4))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := f.Truncate(MaxRecordSize + 1); err != nil {
					t.Fatal(err)
				}
				return []Problem{{Kind: KindFileTooLarge, Path: c.path(4),
					Expected: fmt.Sprintf("at most %d bytes", MaxRecordSize), Found: "more than the maximum"}}
			},
		},
		{
			name: "foreign file",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				writeFile(t, filepath.Join(c.runsDir, "notes.txt"), []byte("hello"))
				return []Problem{{Kind: KindForeignFile, Path: filepath.Join(c.runsDir, "notes.txt"),
					Expected: "only record files named like 00000001.json", Found: "notes.txt"}}
			},
		},
		{
			name: "short record name",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				writeFile(t, filepath.Join(c.runsDir, "4.json"), c.sealed[2].Bytes)
				return []Problem{{Kind: KindForeignFile, Path: filepath.Join(c.runsDir, "4.json"),
					Expected: "only record files named like 00000001.json", Found: "4.json"}}
			},
		},
		{
			name: "directory",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				if err := os.Mkdir(filepath.Join(c.runsDir, "00000004.json"), 0o755); err != nil {
					t.Fatal(err)
				}
				return []Problem{{Kind: KindForeignFile, Path: c.path(4),
					Expected: "only regular record files", Found: "00000004.json (directory)"}}
			},
		},
		{
			name: "symbolic link",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				if err := os.Symlink(c.path(3), c.path(4)); err != nil {
					t.Fatal(err)
				}
				return []Problem{{Kind: KindForeignFile, Path: c.path(4),
					Expected: "only regular record files", Found: "00000004.json (symbolic link)"}}
			},
		},
		{
			name: "leftover of an interrupted seal",
			ok:   true,
			tamper: func(t *testing.T, c chainFixture) []Problem {
				path := filepath.Join(c.runsDir, ".seal-00000000000000aa.tmp")
				writeFile(t, path, c.sealed[2].Bytes[:10])
				return []Problem{{Kind: KindInterruptedSeal, Path: path, Found: ".seal-00000000000000aa.tmp"}}
			},
		},
		{
			name: "several problems",
			tamper: func(t *testing.T, c chainFixture) []Problem {
				removeFile(t, c.path(1))
				writeFile(t, filepath.Join(c.runsDir, "zz"), nil)
				data := c.replaceInRecord(t, 3, `"complete": true`, `"complete": false`)
				return []Problem{
					{Kind: KindGap, Path: c.path(1), Expected: "record 1", Found: "no file"},
					{Kind: KindContentHashMismatch, Path: c.path(3), Expected: referenceContentHash(t, data), Found: c.sealed[2].ContentHash},
					{Kind: KindForeignFile, Path: filepath.Join(c.runsDir, "zz"),
						Expected: "only record files named like 00000001.json", Found: "zz"},
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChainFixture(t)
			want := tt.tamper(t, c)

			res, err := Verify(c.runsDir, VerifyOptions{})
			if err != nil {
				t.Fatalf("Verify() error: %v", err)
			}
			if res.OK != tt.ok {
				t.Errorf("Verify() OK = %v, want %v", res.OK, tt.ok)
			}
			if diff := diffProblems(want, res.Problems); diff != "" {
				t.Errorf("Verify() problems mismatch:\n%s", diff)
			}
		})
	}
}

func TestVerifyUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads files whatever their mode")
	}
	c := newChainFixture(t)
	if err := os.Chmod(c.path(2), 0); err != nil {
		t.Fatal(err)
	}
	res, err := Verify(c.runsDir, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Problem{{Kind: KindUnreadableFile, Path: c.path(2), Expected: "a readable file", Found: "permission denied"}}
	if diff := diffProblems(want, res.Problems); diff != "" {
		t.Errorf("Verify() problems mismatch:\n%s", diff)
	}
}

func TestVerifyExpectations(t *testing.T) {
	c := newChainFixture(t)
	head1, head2, head3 := c.sealed[0].ChainHead, c.sealed[1].ChainHead, c.sealed[2].ChainHead

	// Another chain of three records with other reports.
	var otherSealed []Sealed
	otherState := filepath.Join(t.TempDir(), "eval")
	for i := range 3 {
		s, err := Seal(t.Context(), otherState, reportPayload(100+i, 5))
		if err != nil {
			t.Fatal(err)
		}
		otherSealed = append(otherSealed, s)
	}

	tests := []struct {
		name    string
		prepare func(t *testing.T, c chainFixture)
		opts    VerifyOptions
		want    []Problem
		message string
	}{
		{name: "intact chain", opts: VerifyOptions{ExpectHead: head3, ExpectLength: 3}},
		{
			name:    "newest record deleted, no expectation",
			prepare: func(t *testing.T, c chainFixture) { removeFile(t, c.path(3)) },
		},
		{
			name:    "newest record deleted, head expected",
			prepare: func(t *testing.T, c chainFixture) { removeFile(t, c.path(3)) },
			opts:    VerifyOptions{ExpectHead: head3},
			want:    []Problem{{Kind: KindHeadMismatch, Expected: head3, Found: head2}},
			message: "no record has the expected chain_head",
		},
		{
			name:    "newest record deleted, length expected",
			prepare: func(t *testing.T, c chainFixture) { removeFile(t, c.path(3)) },
			opts:    VerifyOptions{ExpectLength: 3},
			want:    []Problem{{Kind: KindLengthMismatch, Expected: "3", Found: "2"}},
			message: "newest records were deleted",
		},
		{
			name:    "chain grew after the head was taken",
			opts:    VerifyOptions{ExpectHead: head1, ExpectLength: 1},
			want:    []Problem{{Kind: KindHeadMismatch, Expected: head1, Found: head3}, {Kind: KindLengthMismatch, Expected: "1", Found: "3"}},
			message: "records 2 to 3 were sealed after",
		},
		{
			name: "whole chain rewritten, no expectation",
			prepare: func(t *testing.T, c chainFixture) {
				for i, s := range otherSealed {
					writeFile(t, c.path(i+1), s.Bytes)
				}
			},
		},
		{
			name: "whole chain rewritten, head expected",
			prepare: func(t *testing.T, c chainFixture) {
				for i, s := range otherSealed {
					writeFile(t, c.path(i+1), s.Bytes)
				}
			},
			opts:    VerifyOptions{ExpectHead: head3, ExpectLength: 3},
			want:    []Problem{{Kind: KindHeadMismatch, Expected: head3, Found: otherSealed[2].ChainHead}},
			message: "deleted or rewritten",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChainFixture(t)
			if tt.prepare != nil {
				tt.prepare(t, c)
			}
			res, err := Verify(c.runsDir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.want {
				tt.want[i].Path = c.runsDir
			}
			if diff := diffProblems(tt.want, res.Problems); diff != "" {
				t.Errorf("Verify(%+v) problems mismatch:\n%s", tt.opts, diff)
			}
			if res.OK != (len(tt.want) == 0) {
				t.Errorf("Verify(%+v) OK = %v, want %v", tt.opts, res.OK, len(tt.want) == 0)
			}
			if tt.message != "" && (len(res.Problems) == 0 || !strings.Contains(res.Problems[0].Message, tt.message)) {
				t.Errorf("Verify(%+v) first message = %q, want it to contain %q", tt.opts, res.Problems, tt.message)
			}
		})
	}
}

func TestVerifyRejectsInvalidOptions(t *testing.T) {
	dir := t.TempDir()
	for _, opts := range []VerifyOptions{
		{ExpectHead: "abc"},
		{ExpectHead: strings.Repeat("AB", 32)},
		{ExpectLength: -1},
	} {
		if res, err := Verify(dir, opts); err == nil {
			t.Errorf("Verify(%+v) = %+v, want an error", opts, res)
		}
	}
}

func TestVerifyEmptyAndMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	res, err := Verify(dir, VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{SchemaVersion: VerifyResultSchemaVersion, OK: true, Problems: []Problem{}}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("Verify(empty directory) mismatch (-want +got):\n%s", diff)
	}

	res, err = Verify(dir, VerifyOptions{ExpectLength: 1})
	if err != nil || res.OK || len(res.Problems) != 1 || res.Problems[0].Kind != KindLengthMismatch {
		t.Errorf("Verify(empty directory, length 1) = %+v, %v, want one length_mismatch", res, err)
	}

	_, err = Verify(filepath.Join(dir, "missing"), VerifyOptions{})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Verify(missing directory) error = %v, want fs.ErrNotExist", err)
	}
}

// TestVerifyWritesNothing runs Verify on a clean and on a damaged chain and
// checks that every file, its mode and its time are unchanged, and that no
// lock file appears.
func TestVerifyWritesNothing(t *testing.T) {
	c := newChainFixture(t)
	removeFile(t, filepath.Join(c.stateDir, ".lock"))
	check := func(name string) {
		before := snapshotDir(t, c.stateDir)
		if _, err := Verify(c.runsDir, VerifyOptions{ExpectHead: c.sealed[0].ChainHead, ExpectLength: 9}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, snapshotDir(t, c.stateDir)); diff != "" {
			t.Errorf("%s: Verify() changed the state directory (-before +after):\n%s", name, diff)
		}
	}

	check("clean chain")
	writeFile(t, filepath.Join(c.runsDir, ".seal-1.tmp"), []byte("{"))
	writeFile(t, filepath.Join(c.runsDir, "notes"), []byte("x"))
	writeFile(t, c.path(2), []byte(`{"a":1,"a":2}`))
	c.replaceInRecord(t, 3, `"complete": true`, `"complete": false`)
	check("damaged chain")

	if _, err := os.Stat(filepath.Join(c.stateDir, ".lock")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file after Verify(): %v, want none", err)
	}
}

func TestResultJSONGolden(t *testing.T) {
	c := newChainFixture(t)
	t.Chdir(c.stateDir)
	removeFile(t, "runs/00000001.json")
	writeFile(t, "runs/.seal-0000000000000001.tmp", nil)
	c.replaceInRecord(t, 3, `"complete": true`, `"complete": false`)

	res, err := Verify("runs", VerifyOptions{ExpectLength: 4})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	compareGolden(t, "verify_result.golden.json", got)

	var decoded Result
	dec := json.NewDecoder(bytes.NewReader(readGolden(t, "verify_result.golden.json")))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&decoded); err != nil {
		t.Errorf("decode golden into Result with unknown fields rejected: %v", err)
	}
}

func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join(testdataDir, name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(readGolden(t, name)), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s\nThe wire shape changed. If that is intended, run go test ./audit -update and file an ADR amendment.", path, diff)
	}
}

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testdataDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// testdataDir is the absolute testdata directory, which tests that change
// the working directory still find.
var testdataDir = func() string {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		panic("audit test: " + err.Error())
	}
	return dir
}()

// Mutation checks, shared by the exhaustive tests and FuzzVerify.

// fuzzChain returns the three records of a fixed chain, sealed once.
func fuzzChain(t testing.TB, cases int) [][]byte {
	t.Helper()
	stateDir := filepath.Join(t.TempDir(), "eval")
	var records [][]byte
	for i := range 3 {
		s, err := Seal(t.Context(), stateDir, reportPayload(i, cases))
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, s.Bytes)
	}
	return records
}

// verifyMutated writes the chain into dir with record index replaced by
// mutated, runs Verify and checks the result against the mutation. Files that
// already have the wanted bytes are left alone.
func verifyMutated(t testing.TB, dir string, records [][]byte, index int, mutated []byte, opts VerifyOptions) *Result {
	t.Helper()
	for i, r := range records {
		if i == index {
			r = mutated
		}
		writeIfChanged(t, filepath.Join(dir, recordFileName(int64(i+1))), r)
	}
	res, err := Verify(dir, opts)
	if err != nil {
		t.Fatalf("Verify() error: %v", err)
	}
	checkMutation(t, records[index], mutated, res)
	return res
}

// writeIfChanged writes data to path unless the file has those bytes. It
// overwrites the file in place and then sets its length, because ext4 flushes
// a file truncated to zero on close, which made these loops ten times slower.
func writeIfChanged(t testing.TB, path string, data []byte) {
	t.Helper()
	if current, err := os.ReadFile(path); err == nil && bytes.Equal(current, data) {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(data, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		t.Fatal(err)
	}
}

// checkMutation states what Verify must report for a record whose bytes
// changed from original to mutated. A change that leaves the same JSON
// tokens, such as whitespace outside strings, must verify clean, because
// the canonical bytes do not change. A change of the JSON value must be
// reported. Other changes, such as 0.5 written as 0.50 or "a" as "\u0061",
// keep the value: Verify may accept them, and rejects them only where the
// strict rules do.
func checkMutation(t testing.TB, original, mutated []byte, res *Result) {
	t.Helper()
	for _, p := range res.Problems {
		if p.Path == "" || p.Kind == "" || p.Message == "" {
			t.Fatalf("problem without path, kind or message: %+v", p)
		}
	}
	switch {
	case sameTokens(original, mutated):
		if !res.OK || len(res.Problems) != 0 {
			t.Fatalf("record changed only in whitespace:\n%q\nVerify() problems:\n%s", mutated, formatProblems(res.Problems))
		}
	case !sameJSONValue(original, mutated):
		if res.OK {
			t.Fatalf("record value changed but Verify() is clean:\n%q", mutated)
		}
	}
}

// sameJSONValue reports whether a and b are valid JSON with equal values,
// decoded by encoding/json.
func sameJSONValue(a, b []byte) bool {
	if !utf8Valid(a) || !utf8Valid(b) {
		return false
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func utf8Valid(b []byte) bool { return strings.ToValidUTF8(string(b), "\uFFFD") == string(b) }

// sameTokens reports whether b is valid JSON and differs from a only in
// whitespace outside strings.
func sameTokens(a, b []byte) bool {
	return json.Valid(b) && bytes.Equal(stripSpace(a), stripSpace(b))
}

func stripSpace(data []byte) []byte {
	var out []byte
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			out = append(out, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default:
			out = append(out, c)
			inString = c == '"'
		}
	}
	return out
}

// TestVerifyDetectsEveryByteChange changes, deletes and moves each byte of
// each record in turn.
func TestVerifyDetectsEveryByteChange(t *testing.T) {
	records := fuzzChain(t, 1)
	dir := t.TempDir()
	step := 1
	if testing.Short() {
		step = 7
	}
	checked := 0
	for index, original := range records {
		for offset := 0; offset < len(original); offset += step {
			b := original[offset]
			variants := [][]byte{
				splice(original, offset, 1, []byte{b ^ 0x01}),
				splice(original, offset, 1, nil),
			}
			if offset+1 < len(original) {
				variants = append(variants, splice(original, offset, 2, []byte{original[offset+1], b}))
			}
			for _, mutated := range variants {
				verifyMutated(t, dir, records, index, mutated, VerifyOptions{})
				checked++
			}
		}
	}
	t.Logf("checked %d mutations", checked)
}

// TestVerifyTruncatedAtEveryOffset cuts each record at every offset. With
// the head given, a cut of the newest record is reported too.
func TestVerifyTruncatedAtEveryOffset(t *testing.T) {
	records := fuzzChain(t, 1)
	dir := t.TempDir()
	head := mustRecordOf(t, records[2]).ChainHead
	for index, original := range records {
		for cut := 0; cut < len(original); cut++ {
			res := verifyMutated(t, dir, records, index, original[:cut], VerifyOptions{ExpectHead: head, ExpectLength: 3})
			if cut < len(original)-1 && res.OK {
				t.Fatalf("record %d cut at %d of %d bytes: Verify() is clean", index+1, cut, len(original))
			}
		}
	}
}

func mustRecordOf(t testing.TB, data []byte) Record {
	t.Helper()
	rec, err := RecordOf(data, "runs/x.json")
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// splice returns a copy of data with n bytes at offset replaced by insert.
func splice(data []byte, offset, n int, insert []byte) []byte {
	out := make([]byte, 0, len(data)+len(insert))
	out = append(out, data[:offset]...)
	out = append(out, insert...)
	return append(out, data[offset+n:]...)
}

// FuzzVerify replaces one record of a valid chain of three with fuzzed bytes
// and checks what Verify reports against the rules in checkMutation.
func FuzzVerify(f *testing.F) {
	records := fuzzChain(f, 2)
	for i, r := range records {
		f.Add(uint8(i), r)
		f.Add(uint8(i), bytes.ReplaceAll(r, []byte("\n  "), []byte("\n\t")))
		f.Add(uint8(i), bytes.Replace(r, []byte(`"complete": true`), []byte(`"complete": false`), 1))
		f.Add(uint8(i), bytes.Replace(r, []byte(`"epochs": 1`), []byte(`"epochs": 1.0`), 1))
	}
	// Each fuzz worker runs the targets one at a time, so one directory
	// serves them all: verifyMutated rewrites only the files that change.
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, index uint8, mutated []byte) {
		verifyMutated(t, dir, records, int(index%3), mutated, VerifyOptions{})
	})
}
