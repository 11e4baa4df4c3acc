// Package rubric turns a finished case workspace into a score in [0, 1] and a
// list of failure modes.
//
// A rubric is a list of checks. Each check has a kind (file_exists,
// go_mod_remediation, ...) whose Factory builds it from JSON parameters; the
// Registry maps kinds to factories, so the bundled task classes add their
// domain checks without this package knowing them. A check passes or fails,
// may give partial credit, and names failure modes with a severity. The
// Scoring rule of the task class combines the check results into the case
// score.
package rubric

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"time"
)

// Severity is the weight of a failure mode beyond the score.
type Severity string

// The severities. A block-severity failure mode fails the promotion gate
// whatever the mean score.
const (
	SeverityInfo  Severity = "info"
	SeverityWarn  Severity = "warn"
	SeverityBlock Severity = "block"
)

// Validate returns an error unless s is one of info, warn or block.
func (s Severity) Validate() error {
	switch s {
	case SeverityInfo, SeverityWarn, SeverityBlock:
		return nil
	}
	return fmt.Errorf("invalid severity %q: use info, warn or block", string(s))
}

// FailureMode is one named way a case failed.
type FailureMode struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
}

var failureModeID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// ValidateFailureModeID returns an error unless id is a lowercase identifier
// of the form [a-z0-9][a-z0-9._-]*.
func ValidateFailureModeID(id string) error {
	if !failureModeID.MatchString(id) {
		return fmt.Errorf("invalid failure mode id %q: use lowercase letters, digits, '.', '_' and '-'", id)
	}
	return nil
}

// Env holds the paths, expectations and executor a check may use. The
// workspace is read only after every process the SUT started has ended.
type Env struct {
	// Workspace is the finished workspace the SUT left behind.
	Workspace string
	// Original is a pristine copy of the case workspace, as the bench has it.
	// Checks compare against it; the SUT never saw this directory.
	Original string
	// CaseDir is the case directory in the bench, which holds case.yaml.
	CaseDir string
	// TaskDir is the task class directory, for checks that read files the
	// task class ships (an external rubric program, say).
	TaskDir string
	// Expectations is the case's expectations member as JSON ("null" when
	// absent). Only the rubric reads it.
	Expectations json.RawMessage
	// Exec runs commands under the same isolation class as the SUT.
	Exec Executor
}

// Executor runs a command under the isolation class of the run. Checks that
// execute code the SUT wrote must use it, and trust only the exit status it
// returns.
type Executor interface {
	Exec(ctx context.Context, req ExecRequest) (ExecResult, error)
}

// ExecRequest is one command for an Executor.
type ExecRequest struct {
	Argv    []string
	Dir     string        // working directory, usually Env.Workspace
	Env     []string      // extra KEY=VALUE pairs on top of the minimal set
	Timeout time.Duration // 0 means the Executor's default
}

// ExecResult is an Executor's observation of one command. Output is stdout
// and stderr, capped.
type ExecResult struct {
	ExitCode int // -1 when killed by a signal or timed out
	TimedOut bool
	Output   []byte
}

// Result is the outcome of one check.
type Result struct {
	Passed bool
	// Score is the check's credit in [0, 1]: 1 or 0 for a plain pass or
	// fail, a fraction for checks that give partial credit.
	Score float64
	// FailureModes are the named failures this check found. A failed check
	// with no failure mode gets the failure mode its spec declares.
	FailureModes []FailureMode
	// Detail is a short human-readable note for the report, may be empty.
	Detail string
}

// Pass and Fail build the common results.
func Pass() Result { return Result{Passed: true, Score: 1} }

// Fail returns a failed result with no credit and the given failure modes.
func Fail(modes ...FailureMode) Result {
	return Result{Passed: false, Score: 0, FailureModes: modes}
}

// Check is one built check. Run returns an error only when the harness
// itself failed (the check could not be evaluated); the attempt is then left
// unscored. Anything the SUT did wrong is a failed Result, never an error.
type Check interface {
	Run(ctx context.Context, env *Env) (Result, error)
}

// CaseValidator is implemented by checks that need something of every
// case, such as a member of its expectations. ValidateCase returns an error
// saying what is missing, so that a bench is rejected when it is loaded
// instead of leaving the case unscored in the middle of a run.
type CaseValidator interface {
	ValidateCase(expectations json.RawMessage) error
}

// Factory builds a check of one kind from its JSON parameters. It must
// reject unknown parameters (DecodeParams does).
type Factory func(params json.RawMessage) (Check, error)

// Registry maps check kinds to factories. It is not safe for concurrent
// registration; build it once before loading benches.
type Registry struct {
	factories map[string]Factory
}

// NewRegistry returns a registry that holds the built-in check kinds.
func NewRegistry() *Registry {
	r := &Registry{factories: map[string]Factory{}}
	registerBuiltins(r)
	return r
}

// Register adds a check kind. It panics when the kind is already registered,
// because two packages claiming one kind is a programming error.
func (r *Registry) Register(kind string, f Factory) {
	if _, dup := r.factories[kind]; dup {
		panic("rubric: check kind registered twice: " + kind)
	}
	r.factories[kind] = f
}

// Kinds returns the registered kinds, sorted.
func (r *Registry) Kinds() []string {
	kinds := make([]string, 0, len(r.factories))
	for k := range r.factories {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}

// Build returns the check of kind built from params, or an error naming the
// kind when it is unknown or its parameters are invalid.
func (r *Registry) Build(kind string, params json.RawMessage) (Check, error) {
	f, ok := r.factories[kind]
	if !ok {
		return nil, fmt.Errorf("unknown check kind %q (known kinds: %v)", kind, r.Kinds())
	}
	if len(params) == 0 {
		params = json.RawMessage("{}")
	}
	c, err := f(params)
	if err != nil {
		return nil, fmt.Errorf("check kind %q: %w", kind, err)
	}
	return c, nil
}

// DecodeParams decodes JSON parameters into v, rejecting unknown members and
// trailing data.
func DecodeParams(params json.RawMessage, v any) error {
	if len(params) == 0 || string(params) == "null" {
		params = json.RawMessage("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(params))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid parameters: %w", err)
	}
	if dec.More() {
		return fmt.Errorf("invalid parameters: trailing data after the object")
	}
	return nil
}
