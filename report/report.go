// Package report defines BenchRunReport, the result of one run of a task
// class against a SUT, and its JSON encoding. Programs that read codegenie's
// output (a promotion pipeline, a dashboard) import this package.
//
// The wire format is codegenie.eval.bench_run_report/v1: UTF-8 JSON with
// snake_case keys, written with sorted keys, two-space indentation and a
// final newline. A reader ignores members it does not know. Adding,
// removing, renaming or retyping a member is a shape change that the golden
// snapshot test catches; an incompatible change raises the /vN of
// SchemaVersion.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// SchemaVersion is the schema_version of a BenchRunReport.
const SchemaVersion = "codegenie.eval.bench_run_report/v1"

// BenchRunReport is the result of one run. Once sealed into the audit chain
// it also carries the four chain members.
//
//	{
//	  "block_severity_failure_modes": [],
//	  "bench_digest": "5f0c...",
//	  "ci_method": "clopper_pearson",
//	  "complete": true,
//	  "lower_bound_95": 0.35,
//	  "mean_score": 0.6,
//	  "per_case": [...],
//	  "schema_version": "codegenie.eval.bench_run_report/v1",
//	  ...
//	}
type BenchRunReport struct {
	SchemaVersion  string  `json:"schema_version"`
	RunID          string  `json:"run_id"`
	TaskClass      string  `json:"task_class"`
	BenchDigest    string  `json:"bench_digest"`
	SUT            SUT     `json:"sut"`
	RubricDigest   string  `json:"rubric_digest"`
	IsolationClass string  `json:"isolation_class"`
	Options        Options `json:"options"`
	StartedAt      string  `json:"started_at"`  // RFC 3339, UTC
	FinishedAt     string  `json:"finished_at"` // RFC 3339, UTC
	// Complete is false when the run was interrupted or the harness failed
	// before every planned attempt ran.
	Complete       bool `json:"complete"`
	Epochs         int  `json:"epochs"`
	NPlanned       int  `json:"n_planned"`
	N              int  `json:"n"`
	NUnscoredCases int  `json:"n_unscored_cases"`
	NAttempts      int  `json:"n_attempts"`
	// NClusters is set when cases carry cluster labels.
	NClusters    *int     `json:"n_clusters,omitempty"`
	MeanScore    *float64 `json:"mean_score"`
	ScoreStddev  *float64 `json:"score_stddev"`
	Stderr       *float64 `json:"stderr"`
	LowerBound95 *float64 `json:"lower_bound_95"`
	CIMethod     string   `json:"ci_method"`
	// BlockSeverityFailureModes lists, sorted and without repeats, the ids of
	// every block-severity failure mode that occurred in the run.
	BlockSeverityFailureModes []string     `json:"block_severity_failure_modes"`
	PerCase                   []CaseResult `json:"per_case"`

	// The chain members, set once the report is sealed as a record.
	RecordNumber *int64 `json:"record_number,omitempty"`
	PrevHash     string `json:"prev_hash,omitempty"`
	ContentHash  string `json:"content_hash,omitempty"`
	ChainHead    string `json:"chain_head,omitempty"`
}

// SUT identifies the program under test.
type SUT struct {
	Name    string   `json:"name"`
	Argv    []string `json:"argv"`
	Digest  string   `json:"digest"`
	Version string   `json:"version"`
}

// Options are the run options that can change results. They enter run_id.
type Options struct {
	Epochs    int   `json:"epochs"`
	Seed      int64 `json:"seed"`
	TimeoutMS int64 `json:"timeout_ms"`
}

// Case statuses.
const (
	StatusPassed   = "passed"   // score 1
	StatusFailed   = "failed"   // score 0
	StatusPartial  = "partial"  // score strictly between 0 and 1
	StatusUnscored = "unscored" // no attempt could be scored
)

// CaseResult is the result of one case over its epochs.
type CaseResult struct {
	CaseID     string `json:"case_id"`
	CaseDigest string `json:"case_digest"`
	Cluster    string `json:"cluster,omitempty"`
	// Score is the mean of the scored attempts, null when none was scored.
	Score        *float64      `json:"score"`
	Status       string        `json:"status"`
	FailureModes []FailureMode `json:"failure_modes"`
	Attempts     []Attempt     `json:"attempts"`
	DurationMS   int64         `json:"duration_ms"`
	Artifacts    []Artifact    `json:"artifacts"`
}

// FailureMode is one named way a case failed, with its severity (info, warn
// or block).
type FailureMode struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// Attempt is one epoch of one case.
type Attempt struct {
	Epoch int `json:"epoch"`
	// Scored is false when the harness failed (the SUT could not start, a
	// rubric check crashed); such an attempt does not enter the statistics.
	Scored       bool          `json:"scored"`
	Score        *float64      `json:"score"`
	ExitCode     *int          `json:"exit_code"`
	Signal       string        `json:"signal,omitempty"`
	TimedOut     bool          `json:"timed_out"`
	DurationMS   int64         `json:"duration_ms"`
	Checks       []Check       `json:"checks"`
	FailureModes []FailureMode `json:"failure_modes"`
	// Error is the reason an attempt is unscored; empty when scored.
	Error string `json:"error,omitempty"`
}

// Check is one rubric check's verdict on one attempt.
type Check struct {
	ID     string  `json:"id"`
	Passed bool    `json:"passed"`
	Score  float64 `json:"score"`
	Detail string  `json:"detail,omitempty"`
}

// Artifact is a file the run kept outside the chain, bound to it by its
// digest. Path is relative to the state directory.
type Artifact struct {
	Name         string `json:"name"`
	Epoch        int    `json:"epoch"`
	Path         string `json:"path"`
	Digest       string `json:"digest"`
	Bytes        int64  `json:"bytes"`
	DroppedBytes int64  `json:"dropped_bytes"`
}

// Encode returns the canonical text form of v: sorted keys, two-space
// indentation, no HTML escaping, and a final newline.
func Encode(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	// Structs marshal in field order; a round trip through generic values
	// sorts every object's keys while json.Number keeps the number text.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generic); err != nil {
		return nil, fmt.Errorf("encode report: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode parses a BenchRunReport strictly: unknown members and trailing data
// are errors. Use it for documents codegenie wrote; readers that must
// tolerate newer members should use encoding/json directly.
func Decode(data []byte) (*BenchRunReport, error) {
	var r BenchRunReport
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("decode report: trailing data after the object")
	}
	if r.SchemaVersion != SchemaVersion {
		return nil, fmt.Errorf("decode report: schema_version is %q, want %q", r.SchemaVersion, SchemaVersion)
	}
	return &r, nil
}

// BlockModes returns the sorted, distinct ids of block-severity failure
// modes in cases.
func BlockModes(cases []CaseResult) []string {
	seen := map[string]bool{}
	for _, c := range cases {
		for _, a := range c.Attempts {
			for _, fm := range a.FailureModes {
				if fm.Severity == "block" {
					seen[fm.ID] = true
				}
			}
		}
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
