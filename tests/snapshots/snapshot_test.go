// Package snapshots freezes the wire shapes of BenchRunReport and the audit
// record against the golden files in this directory.
package snapshots

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/internal/cli"
	"github.com/codegenie/codegenie/internal/snapshot"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

const root = "../.."

func TestMain(m *testing.M) {
	sut.MaybeLaunch(os.Args[1:], cli.Builtins())
	os.Exit(m.Run())
}

var (
	freshOnce sync.Once
	fresh     snapshot.Documents
	freshErr  error
)

// freshDocuments runs the stub task class once per test binary.
func freshDocuments(t *testing.T) snapshot.Documents {
	t.Helper()
	freshOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			freshErr = err
			return
		}
		fresh, freshErr = snapshot.Produce(t.Context(), root, []string{exe, sut.LaunchCommand})
	})
	if freshErr != nil {
		t.Fatal(freshErr)
	}
	return fresh
}

func readSnapshot(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReportSnapshot(t *testing.T) {
	if err := snapshot.Compare(root, snapshot.ReportPath, freshDocuments(t).Report); err != nil {
		t.Fatal(err)
	}
}

func TestAuditRecordSnapshot(t *testing.T) {
	if err := snapshot.Compare(root, snapshot.AuditRecordPath, freshDocuments(t).AuditRecord); err != nil {
		t.Fatal(err)
	}
}

func TestReportSnapshotDecodesStrictly(t *testing.T) {
	data := readSnapshot(t, snapshot.ReportPath)
	rep, err := report.Decode(data)
	if err != nil {
		t.Fatalf("report.Decode(snapshot) = %v", err)
	}
	again, err := report.Encode(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Errorf("re-encoding the decoded report snapshot changes its bytes")
	}
	if rep.IsolationClass != "subprocess" || !rep.Complete || rep.ChainHead == "" || rep.RecordNumber == nil || *rep.RecordNumber != 1 {
		t.Errorf("snapshot report: isolation_class %q, complete %v, chain_head %q, record_number %v", rep.IsolationClass, rep.Complete, rep.ChainHead, rep.RecordNumber)
	}
	if len(rep.BlockSeverityFailureModes) == 0 {
		t.Errorf("snapshot report has no block_severity_failure_modes entry, so their shape is not frozen")
	}
}

func TestAuditRecordSnapshotDecodesStrictly(t *testing.T) {
	data := readSnapshot(t, snapshot.AuditRecordPath)
	var rec audit.Record
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		t.Fatalf("decode audit record snapshot: %v", err)
	}
	again, err := report.Encode(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Errorf("re-encoding the decoded audit record snapshot changes its bytes")
	}
	if rec.PrevHash != audit.GenesisPrevHash || rec.RecordNumber != 1 {
		t.Errorf("audit record snapshot: record_number %d, prev_hash %s, want the genesis record", rec.RecordNumber, rec.PrevHash)
	}
}

func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	path := filepath.Join(root, "docs", "schemas", name)
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compile schema %s: %v", path, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, what string, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("%s does not match its schema: %v", what, err)
	}
}

func TestSchemas(t *testing.T) {
	reportSchema := compileSchema(t, "bench_run_report.v1.schema.json")
	recordSchema := compileSchema(t, "eval_run_audit_record.v1.schema.json")
	docs := freshDocuments(t)

	validate(t, reportSchema, "report snapshot", readSnapshot(t, snapshot.ReportPath))
	validate(t, reportSchema, "fresh report", docs.Report)
	validate(t, recordSchema, "audit record snapshot", readSnapshot(t, snapshot.AuditRecordPath))
	validate(t, recordSchema, "fresh audit record", docs.AuditRecord)

	// The schema must reject what the snapshot test would call drift.
	doc, _ := jsonschema.UnmarshalJSON(bytes.NewReader(snapshot.Tamper(docs.Report)))
	if err := reportSchema.Validate(doc); err == nil {
		t.Errorf("report schema accepts a report with a renamed member")
	}
}

func TestDriftDiagnostic(t *testing.T) {
	docs := freshDocuments(t)
	tmp := t.TempDir()
	if _, err := snapshot.Write(tmp, docs, true); err != nil {
		t.Fatal(err)
	}

	err := snapshot.Compare(tmp, snapshot.ReportPath, docs.Report)
	var drift *snapshot.DriftError
	if !errors.As(err, &drift) {
		t.Fatalf("Compare() after tampering = %v, want a *DriftError", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"tests/snapshots/bench_run_report.v1.json",
		"mean_score_tampered",
		"shape changed",
		"go run ./scripts/regen_eval_snapshot",
		"templates/adr-amendment.md",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("drift message lacks %q:\n%s", want, msg)
		}
	}

	if _, err := snapshot.Write(tmp, docs, false); err != nil {
		t.Fatal(err)
	}
	if err := snapshot.Compare(tmp, snapshot.ReportPath, docs.Report); err != nil {
		t.Errorf("Compare() after regenerating = %v, want nil", err)
	}
}

func TestProduceIsRepeatable(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	second, err := snapshot.Produce(t.Context(), root, []string{exe, sut.LaunchCommand})
	if err != nil {
		t.Fatal(err)
	}
	first := freshDocuments(t)
	if !bytes.Equal(first.Report, second.Report) || !bytes.Equal(first.AuditRecord, second.AuditRecord) {
		t.Errorf("two productions of the snapshot documents differ")
	}
}
