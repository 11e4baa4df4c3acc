// Package bench loads task classes from a bench root: the task.yaml manifest,
// the cases under cases/<id>/ and the digests that bind a report to the exact
// files it was scored on.
//
// The layout is
//
//	<bench root>/<task class>/task.yaml
//	<bench root>/<task class>/cases/<case id>/case.yaml
//	<bench root>/<task class>/cases/<case id>/workspace/
//
// Parsing is strict: an unknown key, a duplicate key, an invalid case id, a
// missing workspace or a rubric check of an unknown kind is an error that
// names the file, and the line where the YAML parser gives one.
package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/codegenie/codegenie/internal/rubric"
)

// Schema versions of the files this package reads.
const (
	TaskSchemaVersion = "codegenie.eval.task_class/v1"
	CaseSchemaVersion = "codegenie.eval.case/v1"
)

// maxManifestBytes caps task.yaml and case.yaml, which are small by nature.
const maxManifestBytes = 4 << 20

// TaskClass is a loaded, validated task class.
type TaskClass struct {
	Name        string
	Description string
	Dir         string // absolute path of the task class directory
	SUT         SUTSpec
	Timeout     time.Duration
	Epochs      int
	Gate        GateSpec
	RubricSpec  rubric.Spec
	Rubric      *rubric.Rubric
	Cases       []*Case // sorted by id
}

// SUTSpec is the SUT a task class runs when the user names none.
type SUTSpec struct {
	Name string            `yaml:"name" json:"name"`
	Argv []string          `yaml:"argv" json:"argv"`
	Env  map[string]string `yaml:"env" json:"env,omitempty"`
}

// GateSpec is the task class's default promotion threshold.
type GateSpec struct {
	Threshold *float64 `yaml:"threshold" json:"threshold,omitempty"`
}

// Case is one case of a task class.
type Case struct {
	ID           string
	Dir          string // absolute path of cases/<id>
	Task         string
	Metadata     map[string]any  // public: the SUT receives it
	Expectations json.RawMessage // private: only the rubric reads it; "null" when absent
	Cluster      string
}

// Workspace returns the directory the SUT starts from.
func (c *Case) Workspace() string { return filepath.Join(c.Dir, "workspace") }

// ParseError is an error in one bench file. Line is 0 when unknown.
type ParseError struct {
	File string
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

var caseIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// taskFile is task.yaml as written.
type taskFile struct {
	SchemaVersion string      `yaml:"schema_version"`
	Name          string      `yaml:"name"`
	Description   string      `yaml:"description"`
	SUT           SUTSpec     `yaml:"sut"`
	Timeout       string      `yaml:"timeout"`
	Epochs        int         `yaml:"epochs"`
	Gate          GateSpec    `yaml:"gate"`
	Rubric        rubric.Spec `yaml:"rubric"`
}

// caseFile is case.yaml as written.
type caseFile struct {
	SchemaVersion string         `yaml:"schema_version"`
	Task          string         `yaml:"task"`
	Metadata      map[string]any `yaml:"metadata"`
	Expectations  any            `yaml:"expectations"`
	Cluster       string         `yaml:"cluster"`
}

// Resolve returns the task class directory for name under root, or an error
// that lists the task classes root contains.
func Resolve(root, name string) (string, error) {
	if !caseIDPattern.MatchString(name) {
		return "", fmt.Errorf("invalid task class name %q: use lowercase letters, digits, '.', '_' and '-'", name)
	}
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return "", fmt.Errorf("bench root %q is not a directory: pass the directory that contains the task classes with --bench", root)
	}
	dir := filepath.Join(root, name)
	if _, err := os.Stat(filepath.Join(dir, "task.yaml")); err != nil {
		known, _ := List(root)
		return "", fmt.Errorf("task class %q not found in bench root %q (task classes there: %s); pass another bench root with --bench", name, root, strings.Join(known, ", "))
	}
	return dir, nil
}

// List returns the names of the task classes under root, sorted.
func List(root string) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil, fmt.Errorf("read bench root: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, e.Name(), "task.yaml")); err == nil {
			names = append(names, e.Name())
		}
	}
	return names, nil
}

// Load reads and validates the task class in dir, compiling its rubric with
// reg. Nothing is run.
func Load(dir string, reg *rubric.Registry) (*TaskClass, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	taskPath := filepath.Join(dir, "task.yaml")
	var tf taskFile
	if err := decodeYAMLFile(taskPath, &tf); err != nil {
		return nil, err
	}
	tc, err := tf.validate(taskPath, filepath.Base(dir))
	if err != nil {
		return nil, err
	}
	tc.Dir = dir
	r, err := rubric.Compile(tf.Rubric, reg)
	if err != nil {
		return nil, &ParseError{File: taskPath, Line: 0, Err: err}
	}
	tc.Rubric = r
	tc.RubricSpec = r.Spec()

	cases, err := loadCases(filepath.Join(dir, "cases"))
	if err != nil {
		return nil, err
	}
	for _, c := range cases {
		if err := r.ValidateCase(c.Expectations); err != nil {
			return nil, &ParseError{File: filepath.Join(c.Dir, "case.yaml"), Err: err}
		}
	}
	tc.Cases = cases
	return tc, nil
}

func (tf *taskFile) validate(path, dirName string) (*TaskClass, error) {
	fail := func(format string, args ...any) error {
		return &ParseError{File: path, Err: fmt.Errorf(format, args...)}
	}
	if tf.SchemaVersion != TaskSchemaVersion {
		return nil, fail("schema_version is %q, want %q", tf.SchemaVersion, TaskSchemaVersion)
	}
	if tf.Name != dirName {
		return nil, fail("name %q does not match the directory name %q: rename one of them", tf.Name, dirName)
	}
	if len(tf.SUT.Argv) == 0 || tf.SUT.Argv[0] == "" {
		return nil, fail("sut.argv is missing: declare the default SUT's command line as a list")
	}
	if tf.SUT.Name == "" {
		return nil, fail("sut.name is missing")
	}
	for k := range tf.SUT.Env {
		if !envName.MatchString(k) {
			return nil, fail("sut.env: invalid variable name %q", k)
		}
	}
	timeout := 60 * time.Second
	if tf.Timeout != "" {
		d, err := time.ParseDuration(tf.Timeout)
		if err != nil || d <= 0 {
			return nil, fail("invalid timeout %q: use a positive Go duration such as 30s", tf.Timeout)
		}
		timeout = d
	}
	epochs := tf.Epochs
	if epochs == 0 {
		epochs = 1
	}
	if epochs < 0 || epochs > 1000 {
		return nil, fail("invalid epochs %d: use a number from 1 to 1000", tf.Epochs)
	}
	if t := tf.Gate.Threshold; t != nil && (*t < 0 || *t > 1) {
		return nil, fail("invalid gate.threshold %v: use a number in [0, 1]", *t)
	}
	return &TaskClass{
		Name:        tf.Name,
		Description: tf.Description,
		SUT:         tf.SUT,
		Timeout:     timeout,
		Epochs:      epochs,
		Gate:        tf.Gate,
	}, nil
}

var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func loadCases(casesDir string) ([]*Case, error) {
	entries, err := os.ReadDir(casesDir)
	if err != nil {
		return nil, &ParseError{File: casesDir, Err: fmt.Errorf("read cases directory: %w", err)}
	}
	var cases []*Case
	for _, e := range entries {
		dir := filepath.Join(casesDir, e.Name())
		if !e.IsDir() {
			return nil, &ParseError{File: dir, Err: errors.New("unexpected file in cases/: each case is a directory")}
		}
		if !caseIDPattern.MatchString(e.Name()) {
			return nil, &ParseError{File: dir, Err: fmt.Errorf("invalid case id %q: use [a-z0-9][a-z0-9._-]*", e.Name())}
		}
		c, err := loadCase(dir)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		return nil, &ParseError{File: casesDir, Err: errors.New("no cases: add at least one cases/<id>/case.yaml")}
	}
	// ReadDir sorts by name already; sort again so the order never depends
	// on the file system.
	sort.Slice(cases, func(i, j int) bool { return cases[i].ID < cases[j].ID })
	return cases, nil
}

func loadCase(dir string) (*Case, error) {
	path := filepath.Join(dir, "case.yaml")
	var cf caseFile
	if err := decodeYAMLFile(path, &cf); err != nil {
		return nil, err
	}
	if cf.SchemaVersion != CaseSchemaVersion {
		return nil, &ParseError{File: path, Err: fmt.Errorf("schema_version is %q, want %q", cf.SchemaVersion, CaseSchemaVersion)}
	}
	if cf.Cluster != "" && !caseIDPattern.MatchString(cf.Cluster) {
		return nil, &ParseError{File: path, Err: fmt.Errorf("invalid cluster %q: use [a-z0-9][a-z0-9._-]*", cf.Cluster)}
	}
	ws := filepath.Join(dir, "workspace")
	if st, err := os.Stat(ws); err != nil || !st.IsDir() {
		return nil, &ParseError{File: ws, Err: errors.New("missing workspace directory: create it, even empty (keep a .gitkeep in it)")}
	}
	exp, err := json.Marshal(cf.Expectations)
	if err != nil {
		return nil, &ParseError{File: path, Err: fmt.Errorf("expectations: %w", err)}
	}
	if cf.Metadata == nil {
		cf.Metadata = map[string]any{}
	}
	if _, err := json.Marshal(cf.Metadata); err != nil {
		return nil, &ParseError{File: path, Err: fmt.Errorf("metadata: %w", err)}
	}
	return &Case{
		ID:           filepath.Base(dir),
		Dir:          dir,
		Task:         cf.Task,
		Metadata:     cf.Metadata,
		Expectations: exp,
		Cluster:      cf.Cluster,
	}, nil
}

// decodeYAMLFile decodes one YAML document strictly: unknown keys, duplicate
// keys and trailing documents are errors.
func decodeYAMLFile(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return &ParseError{File: path, Err: err}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestBytes+1))
	if err != nil {
		return &ParseError{File: path, Err: err}
	}
	if len(data) > maxManifestBytes {
		return &ParseError{File: path, Err: fmt.Errorf("file larger than %d bytes", maxManifestBytes)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return &ParseError{File: path, Err: errors.New("empty file")}
		}
		return yamlError(path, err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return &ParseError{File: path, Err: errors.New("more than one YAML document")}
	}
	return nil
}

var (
	yamlLine         = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)
	yamlUnknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// yamlError turns a yaml.v3 error into a ParseError with the line number of
// the first problem, in plain words: "unknown key" rather than the Go type
// the parser names.
func yamlError(path string, err error) error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs = te.Errors
	}
	line := 0
	for i, msg := range msgs {
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n := 0
			fmt.Sscan(m[1], &n)
			if line == 0 {
				line = n
			}
			msg = msg[len(m[0]):]
			if i > 0 {
				msg = fmt.Sprintf("line %d: %s", n, msg)
			}
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		if m := yamlUnknownField.FindStringSubmatch(msg); m != nil {
			msg = fmt.Sprintf("unknown key %q: remove it or check its spelling", m[1])
		}
		msgs[i] = msg
	}
	return &ParseError{File: path, Line: line, Err: errors.New(strings.Join(msgs, "; "))}
}
