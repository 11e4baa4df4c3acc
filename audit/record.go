package audit

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// RecordSchemaVersion is the schema_version of Record.
const RecordSchemaVersion = "codegenie.eval.audit_record/v1"

// RecordTypeEvalRun is the record_type of a record that seals a run report.
const RecordTypeEvalRun = "eval_run"

// Record is the chain's view of one sealed record, without the report it
// seals (the eval_run_audit_record). Downstream readers walk the chain with it
// without parsing reports. Encoded with encoding/json it reads:
//
//	{"chain_head":"9f2c…","content_hash":"41d7…","isolation_class":"subprocess",
//	 "payload":{"path":"runs/00000001.json","run_id":"4b1f0c2a9e6d7358",
//	 "schema_version":"codegenie.eval.bench_run_report/v1"},
//	 "prev_hash":"0000…","record_number":1,"record_type":"eval_run",
//	 "schema_version":"codegenie.eval.audit_record/v1"}
//
// Readers ignore members they do not know. Adding, removing, renaming or
// retyping a member is a shape change that needs a new snapshot and an ADR
// amendment. An incompatible change also raises the /v1 of RecordSchemaVersion.
// The fields are in the order of their JSON names so that the encoding has
// sorted keys.
type Record struct {
	ChainHead      string  `json:"chain_head"`
	ContentHash    string  `json:"content_hash"`
	IsolationClass string  `json:"isolation_class"`
	Payload        Payload `json:"payload"`
	PrevHash       string  `json:"prev_hash"`
	RecordNumber   int64   `json:"record_number"`
	RecordType     string  `json:"record_type"`
	SchemaVersion  string  `json:"schema_version"`
}

// Payload identifies the report that a Record seals.
type Payload struct {
	// Path is the record file relative to the state directory, with '/'
	// separators, for example "runs/00000001.json".
	Path string `json:"path"`
	// RunID is the run_id of the report.
	RunID string `json:"run_id"`
	// SchemaVersion is the schema_version of the report.
	SchemaVersion string `json:"schema_version"`
}

// RecordOf returns the Record of a sealed record file whose bytes are
// sealedBytes and whose path relative to the state directory is relPath. It
// checks the strict JSON rules and the form of every member it reads, but it
// does not recompute hashes: use Verify for that.
func RecordOf(sealedBytes []byte, relPath string) (Record, error) {
	pr, err := parseRecord(sealedBytes)
	if err != nil {
		return Record{}, fmt.Errorf("read record %s: %w", relPath, err)
	}
	rec, err := recordOf(&pr, relPath)
	if err != nil {
		return Record{}, fmt.Errorf("read record %s: %w", relPath, err)
	}
	return rec, nil
}

func recordOf(pr *parsedRecord, relPath string) (Record, error) {
	rec := Record{
		SchemaVersion: RecordSchemaVersion,
		RecordType:    RecordTypeEvalRun,
		Payload:       Payload{Path: relPath},
	}
	var err error
	if rec.RecordNumber, err = pr.recordNumber(); err != nil {
		return Record{}, err
	}
	if rec.PrevHash, err = pr.hashMember(memberPrevHash); err != nil {
		return Record{}, err
	}
	if rec.ContentHash, err = pr.hashMember(memberContentHash); err != nil {
		return Record{}, err
	}
	if rec.ChainHead, err = pr.hashMember(memberChainHead); err != nil {
		return Record{}, err
	}
	if rec.IsolationClass, err = pr.stringMember(memberIsolationClass); err != nil {
		return Record{}, err
	}
	if rec.Payload.SchemaVersion, err = pr.stringMember(memberSchemaVersion); err != nil {
		return Record{}, err
	}
	if rec.Payload.RunID, err = pr.stringMember(memberRunID); err != nil {
		return Record{}, err
	}
	return rec, nil
}

// Records returns the Record of every record file in runsDir, in order of file
// name, for listing the chain. The payload paths are "runs/<file name>". Files
// that are not named like records are skipped. Like RecordOf, Records does not
// recompute hashes, so a listed chain is not a verified one. It returns an
// error naming the first file that cannot be read or parsed, and one wrapping
// fs.ErrNotExist when runsDir does not exist.
func Records(runsDir string) ([]Record, error) {
	entries, err := os.ReadDir(runsDir)
	if err != nil {
		return nil, fmt.Errorf("list records: %w", err)
	}

	var records []Record
	var buf []byte
	for _, entry := range entries {
		if _, ok := parseRecordFileName(entry.Name()); !ok || !entry.Type().IsRegular() {
			continue
		}
		path := filepath.Join(runsDir, entry.Name())
		buf, err = readRecordFile(path, buf)
		if err != nil {
			return nil, fmt.Errorf("list records: %w", err)
		}
		rec, err := RecordOf(buf, "runs/"+entry.Name())
		if err != nil {
			return nil, fmt.Errorf("list records: %s: %w", path, err)
		}
		records = append(records, rec)
	}
	return records, nil
}

// recordFileName returns the file name of record n: at least 8 digits, then ".json".
func recordFileName(n int64) string {
	return fmt.Sprintf("%08d.json", n)
}

// isRecordFileName reports whether name is recordFileName(n), without
// formatting n.
func isRecordFileName(name string, n int64) bool {
	digits, ok := strings.CutSuffix(name, ".json")
	if !ok || len(digits) < 8 {
		return false
	}
	for i := len(digits) - 1; i >= 0; i-- {
		if digits[i] != byte('0'+n%10) {
			return false
		}
		n /= 10
	}
	return n == 0 && (len(digits) == 8 || digits[0] != '0')
}

// parseRecordFileName returns the number in a record file name: 8 or more
// digits, then ".json". The number need not be in canonical form, so that
// Verify can report "000000001.json" as a misnamed record.
func parseRecordFileName(name string) (int64, bool) {
	digits, ok := bytes.CutSuffix([]byte(name), []byte(".json"))
	if !ok || len(digits) < 8 {
		return 0, false
	}
	for _, c := range digits {
		if !isDigit(c) {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(digits), 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}

// errFileTooLarge is returned by readRecordFile for a file above MaxRecordSize.
var errFileTooLarge = errors.New("file too large")

// recordNumber returns record_number, which must be a positive integer.
func (pr *parsedRecord) recordNumber() (int64, error) {
	text := pr.members[memberRecordNumber]
	if text == nil {
		return 0, errors.New("record_number is missing")
	}
	// Canonical text of a number within ±(2^53−1) that is a positive integer
	// is plain digits without a leading zero.
	ok := len(text) > 0 && text[0] != '0'
	for _, c := range text {
		ok = ok && isDigit(c)
	}
	if !ok {
		return 0, fmt.Errorf("record_number is %s, not a positive integer", jsonSnippet(text))
	}
	n, err := strconv.ParseInt(string(text), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("record_number is %s, not a positive integer", jsonSnippet(text))
	}
	return n, nil
}

// hashMember returns a hash member, which must be a string of 64 lowercase
// hex digits.
func (pr *parsedRecord) hashMember(i int) (string, error) {
	if _, err := pr.hashBytes(i); err != nil {
		return "", err
	}
	return string(pr.members[i][1:65]), nil
}

// hashBytes returns the 32 bytes of a hash member.
func (pr *parsedRecord) hashBytes(i int) ([32]byte, error) {
	var sum [32]byte
	text := pr.members[i]
	if text == nil {
		return sum, fmt.Errorf("%s is missing", memberNames[i])
	}
	if len(text) != 66 || text[0] != '"' || text[65] != '"' || !isHashBytes(text[1:65]) {
		return sum, fmt.Errorf("%s is %s, not a string of 64 lowercase hex digits", memberNames[i], jsonSnippet(text))
	}
	if _, err := hex.Decode(sum[:], text[1:65]); err != nil {
		panic("audit: hex digits checked by isHashBytes failed to decode: " + err.Error())
	}
	return sum, nil
}

// stringMember returns a member that must be a non-empty string.
func (pr *parsedRecord) stringMember(i int) (string, error) {
	text := pr.members[i]
	if text == nil {
		return "", fmt.Errorf("%s is missing", memberNames[i])
	}
	var s string
	if len(text) == 0 || text[0] != '"' || json.Unmarshal(text, &s) != nil {
		return "", fmt.Errorf("%s is %s, not a string", memberNames[i], jsonSnippet(text))
	}
	if s == "" {
		return "", fmt.Errorf("%s is empty", memberNames[i])
	}
	return s, nil
}

// jsonSnippet returns canonical JSON text for an error message, cut to 80
// bytes. Canonical text has no raw control characters.
func jsonSnippet(text []byte) string {
	const maxSnippet = 80
	if len(text) > maxSnippet {
		return string(text[:maxSnippet]) + "..."
	}
	return string(text)
}
