package audit

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRecords(t *testing.T) {
	stateDir, sealed := sealChain(t, 3)
	runsDir := filepath.Join(stateDir, "runs")
	writeFile(t, filepath.Join(runsDir, ".seal-00.tmp"), []byte("{"))
	writeFile(t, filepath.Join(runsDir, "README"), []byte("not a record"))

	got, err := Records(runsDir)
	if err != nil {
		t.Fatal(err)
	}
	var want []Record
	for i, s := range sealed {
		want = append(want, Record{
			SchemaVersion:  RecordSchemaVersion,
			RecordNumber:   s.RecordNumber,
			RecordType:     RecordTypeEvalRun,
			PrevHash:       s.PrevHash,
			ContentHash:    s.ContentHash,
			ChainHead:      s.ChainHead,
			IsolationClass: "subprocess",
			Payload: Payload{
				Path:          "runs/" + recordFileName(s.RecordNumber),
				SchemaVersion: "codegenie.eval.bench_run_report/v1",
				RunID:         mustRunID(t, reportPayload(i, 5)),
			},
		})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Records() mismatch (-want +got):\n%s", diff)
	}
}

func mustRunID(t *testing.T, payload []byte) string {
	t.Helper()
	var report struct {
		RunID string `json:"run_id"`
	}
	if err := json.Unmarshal(payload, &report); err != nil {
		t.Fatal(err)
	}
	return report.RunID
}

func TestRecordsErrors(t *testing.T) {
	_, err := Records(filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Records(missing directory) error = %v, want fs.ErrNotExist", err)
	}

	stateDir, _ := sealChain(t, 2)
	runsDir := filepath.Join(stateDir, "runs")
	broken := filepath.Join(runsDir, "00000002.json")
	writeFile(t, broken, []byte(`{"record_number": 2}`))
	_, err = Records(runsDir)
	if err == nil || !strings.Contains(err.Error(), broken) || !strings.Contains(err.Error(), "prev_hash is missing") {
		t.Errorf("Records(broken record) error = %v, want one naming %s and the missing member", err, broken)
	}
}

func TestRecordOfRejects(t *testing.T) {
	hash := strings.Repeat("0a", 32)
	valid := map[string]string{
		"record_number":   `1`,
		"prev_hash":       `"` + GenesisPrevHash + `"`,
		"content_hash":    `"` + hash + `"`,
		"chain_head":      `"` + hash + `"`,
		"schema_version":  `"codegenie.eval.bench_run_report/v1"`,
		"run_id":          `"r"`,
		"isolation_class": `"subprocess"`,
	}
	build := func(change map[string]string) []byte {
		var members []string
		for name, value := range valid {
			if v, ok := change[name]; ok {
				if v == "" {
					continue
				}
				value = v
			}
			members = append(members, `"`+name+`":`+value)
		}
		return []byte("{" + strings.Join(members, ",") + "}")
	}
	if _, err := RecordOf(build(nil), "runs/00000001.json"); err != nil {
		t.Fatalf("RecordOf(valid record) error: %v", err)
	}

	tests := []struct {
		name   string
		change map[string]string
		detail string
	}{
		{"record_number missing", map[string]string{"record_number": ""}, "record_number is missing"},
		{"record_number zero", map[string]string{"record_number": "0"}, "record_number is 0, not a positive integer"},
		{"record_number negative", map[string]string{"record_number": "-3"}, "not a positive integer"},
		{"record_number fraction", map[string]string{"record_number": "1.5"}, "record_number is 1.5"},
		{"record_number string", map[string]string{"record_number": `"1"`}, `record_number is "1"`},
		{"prev_hash short", map[string]string{"prev_hash": `"abc"`}, "prev_hash is \"abc\", not a string of 64 lowercase hex digits"},
		{"content_hash uppercase", map[string]string{"content_hash": `"` + strings.ToUpper(hash) + `"`}, "content_hash is"},
		{"chain_head null", map[string]string{"chain_head": `null`}, "chain_head is null"},
		{"run_id missing", map[string]string{"run_id": ""}, "run_id is missing"},
		{"isolation_class object", map[string]string{"isolation_class": `{}`}, "isolation_class is {}, not a string"},
		{"schema_version empty", map[string]string{"schema_version": `""`}, "schema_version is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := build(tt.change)
			_, err := RecordOf(data, "runs/00000001.json")
			if err == nil || !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("RecordOf(%s) error = %v, want it to contain %q", data, err, tt.detail)
			}
		})
	}

	_, err := RecordOf([]byte(`{"a":1,"a":2}`), "runs/00000001.json")
	var jsonErr *JSONError
	if !errors.As(err, &jsonErr) {
		t.Errorf("RecordOf(duplicate key) error = %v, want a *JSONError", err)
	}
}

func TestRecordOfEscapedStrings(t *testing.T) {
	hash := strings.Repeat("0a", 32)
	data := `{"record_number":1,"prev_hash":"` + GenesisPrevHash + `","content_hash":"` + hash +
		`","chain_head":"` + hash + `","schema_version":"v\"1\"","run_id":"r\u00e9","isolation_class":"a\nb"}`
	rec, err := RecordOf([]byte(data), "runs/00000001.json")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Payload.SchemaVersion != `v"1"` || rec.Payload.RunID != "ré" || rec.IsolationClass != "a\nb" {
		t.Errorf("RecordOf(escaped strings) = %+v, want the decoded strings", rec)
	}
}

func TestRecordJSONGolden(t *testing.T) {
	ka := readKnownAnswer(t)
	rec, err := RecordOf([]byte(ka.RecordJSON), "runs/00000002.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	compareGolden(t, "audit_record.golden.json", append(got, '\n'))

	var decoded Record
	dec := json.NewDecoder(strings.NewReader(string(readGolden(t, "audit_record.golden.json"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&decoded); err != nil {
		t.Errorf("decode golden into Record with unknown fields rejected: %v", err)
	}
	if diff := cmp.Diff(rec, decoded); diff != "" {
		t.Errorf("golden decodes to another Record (-want +got):\n%s", diff)
	}
}

func TestParseRecordFileName(t *testing.T) {
	tests := []struct {
		name   string
		number int64
		ok     bool
	}{
		{"00000001.json", 1, true},
		{"12345678.json", 12345678, true},
		{"123456789.json", 123456789, true},
		{"000000001.json", 1, true},
		{"0000001.json", 0, false},
		{"00000001.JSON", 0, false},
		{"0000000a.json", 0, false},
		{"00000001.json.bak", 0, false},
		{"99999999999999999999.json", 0, false},
		{".json", 0, false},
	}
	for _, tt := range tests {
		n, ok := parseRecordFileName(tt.name)
		if n != tt.number || ok != tt.ok {
			t.Errorf("parseRecordFileName(%q) = %d, %v, want %d, %v", tt.name, n, ok, tt.number, tt.ok)
		}
	}
	if got := recordFileName(7); got != "00000007.json" {
		t.Errorf("recordFileName(7) = %q, want 00000007.json", got)
	}
}

func TestReadRecordFileReusesBuffer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "00000001.json")
	writeFile(t, path, []byte(`{"a":1}`))
	buf := make([]byte, 0, 64)
	got, err := readRecordFile(path, buf)
	if err != nil || string(got) != `{"a":1}` {
		t.Fatalf("readRecordFile() = %q, %v", got, err)
	}
	if &got[0] != &buf[:1][0] {
		t.Errorf("readRecordFile() allocated although the buffer was large enough")
	}
	if _, err := readRecordFile(filepath.Join(t.TempDir(), "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("readRecordFile(missing) error = %v, want fs.ErrNotExist", err)
	}
}
