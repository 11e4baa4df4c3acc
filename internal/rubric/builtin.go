package rubric

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// maxReadBytes caps what a built-in check reads of one workspace file, so a
// SUT that writes a huge file cannot exhaust the harness's memory.
const maxReadBytes = 16 << 20

func registerBuiltins(r *Registry) {
	r.Register("file_exists", newFileExists)
	r.Register("file_equals", newFileEquals)
	r.Register("file_matches", newFileMatches)
	r.Register("json_value", newJSONValue)
	r.Register("command", newCommand)
	r.Register("external", newExternal)
}

// validateRelPath rejects paths that are absolute or leave the workspace.
func validateRelPath(p string) error {
	if p == "" {
		return fmt.Errorf("missing path")
	}
	if !fs.ValidPath(p) || p == "." {
		return fmt.Errorf("invalid path %q: use a slash-separated path relative to the workspace, without '..'", p)
	}
	return nil
}

// readCheckedFile reads the workspace file a check inspects. A file that is
// missing or too large is the SUT's doing: it returns the failed result to
// report, and an error only when the harness could not read.
func readCheckedFile(env *Env, rel string) ([]byte, *Result, error) {
	data, found, err := ReadFile(env.Workspace, rel, maxReadBytes)
	if errors.Is(err, ErrFileTooLarge) {
		r := failDetail("%s is larger than 16 MiB", rel)
		return nil, &r, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if !found {
		r := failDetail("%s does not exist", rel)
		return nil, &r, nil
	}
	return data, nil, nil
}

func deref(r *Result) Result {
	if r == nil {
		return Result{}
	}
	return *r
}

// fileExists: {path}
type fileExists struct {
	Path string `json:"path"`
}

func newFileExists(params json.RawMessage) (Check, error) {
	var c fileExists
	if err := DecodeParams(params, &c); err != nil {
		return nil, err
	}
	if err := validateRelPath(c.Path); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *fileExists) Run(ctx context.Context, env *Env) (Result, error) {
	root, err := os.OpenRoot(env.Workspace)
	if err != nil {
		return Result{}, fmt.Errorf("open workspace %q: %w", env.Workspace, err)
	}
	defer root.Close()
	if _, err := root.Stat(c.Path); err != nil {
		r := Fail()
		r.Detail = fmt.Sprintf("%s does not exist", c.Path)
		return r, nil
	}
	return Pass(), nil
}

// fileEquals: {path, content} or {path, expectation}. With expectation, the
// expected content is the string member of that name in the case's
// expectations, so each case can expect its own content.
type fileEquals struct {
	Path        string  `json:"path"`
	Content     *string `json:"content"`
	Expectation string  `json:"expectation"`
}

func newFileEquals(params json.RawMessage) (Check, error) {
	var c fileEquals
	if err := DecodeParams(params, &c); err != nil {
		return nil, err
	}
	if err := validateRelPath(c.Path); err != nil {
		return nil, err
	}
	if (c.Content == nil) == (c.Expectation == "") {
		return nil, fmt.Errorf("give exactly one of the parameters content and expectation")
	}
	return &c, nil
}

func (c *fileEquals) Run(ctx context.Context, env *Env) (Result, error) {
	data, failed, err := readCheckedFile(env, c.Path)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	want, err := c.expected(env)
	if err != nil {
		return Result{}, err
	}
	if !bytes.Equal(data, []byte(want)) {
		return failDetail("%s differs from the expected content", c.Path), nil
	}
	return Pass(), nil
}

func (c *fileEquals) expected(env *Env) (string, error) {
	if c.Content != nil {
		return *c.Content, nil
	}
	return c.expectedContent(env.Expectations)
}

func (c *fileEquals) expectedContent(expectations json.RawMessage) (string, error) {
	var exp map[string]any
	if err := json.Unmarshal(expectations, &exp); err != nil || exp == nil {
		return "", fmt.Errorf("the case has no expectations object with the string member %q: add expectations: {%s: ...} to its case.yaml", c.Expectation, c.Expectation)
	}
	s, ok := exp[c.Expectation].(string)
	if !ok {
		return "", fmt.Errorf("the case's expectations have no string member %q: add it to its case.yaml", c.Expectation)
	}
	return s, nil
}

// ValidateCase checks that a check reading its content from the
// expectations finds it there.
func (c *fileEquals) ValidateCase(expectations json.RawMessage) error {
	if c.Content != nil {
		return nil
	}
	_, err := c.expectedContent(expectations)
	return err
}

// fileMatches: {path, pattern}; pattern is an RE2 regular expression.
type fileMatches struct {
	Path    string `json:"path"`
	Pattern string `json:"pattern"`
	re      *regexp.Regexp
}

func newFileMatches(params json.RawMessage) (Check, error) {
	var c fileMatches
	if err := DecodeParams(params, &c); err != nil {
		return nil, err
	}
	if err := validateRelPath(c.Path); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid pattern %q: %w", c.Pattern, err)
	}
	c.re = re
	return &c, nil
}

func (c *fileMatches) Run(ctx context.Context, env *Env) (Result, error) {
	data, failed, err := readCheckedFile(env, c.Path)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	if !c.re.Match(data) {
		return failDetail("%s does not match %q", c.Path, c.Pattern), nil
	}
	return Pass(), nil
}

// jsonValue: {path, pointer, equals}; pointer is an RFC 6901 JSON pointer.
type jsonValue struct {
	Path    string          `json:"path"`
	Pointer string          `json:"pointer"`
	Equals  json.RawMessage `json:"equals"`
	want    any
}

func newJSONValue(params json.RawMessage) (Check, error) {
	var c jsonValue
	if err := DecodeParams(params, &c); err != nil {
		return nil, err
	}
	if err := validateRelPath(c.Path); err != nil {
		return nil, err
	}
	if c.Pointer != "" && !strings.HasPrefix(c.Pointer, "/") {
		return nil, fmt.Errorf("invalid pointer %q: a JSON pointer is empty or starts with '/'", c.Pointer)
	}
	if len(c.Equals) == 0 {
		return nil, fmt.Errorf("missing parameter equals")
	}
	if err := json.Unmarshal(c.Equals, &c.want); err != nil {
		return nil, fmt.Errorf("invalid equals value: %w", err)
	}
	return &c, nil
}

func (c *jsonValue) Run(ctx context.Context, env *Env) (Result, error) {
	data, failed, err := readCheckedFile(env, c.Path)
	if failed != nil || err != nil {
		return deref(failed), err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return failDetail("%s is not valid JSON: %v", c.Path, err), nil
	}
	got, ok := lookupPointer(doc, c.Pointer)
	if !ok {
		return failDetail("%s has no value at %q", c.Path, c.Pointer), nil
	}
	if !reflect.DeepEqual(got, c.want) {
		return failDetail("%s at %q is %s, want %s", c.Path, c.Pointer, compactJSON(got), compactJSON(c.want)), nil
	}
	return Pass(), nil
}

// lookupPointer resolves an RFC 6901 JSON pointer in a decoded document.
func lookupPointer(doc any, pointer string) (any, bool) {
	if pointer == "" {
		return doc, true
	}
	cur := doc
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[tok]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, ok := arrayIndex(tok, len(v))
			if !ok {
				return nil, false
			}
			cur = v[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

func arrayIndex(tok string, n int) (int, bool) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	i := 0
	for _, r := range tok {
		if r < '0' || r > '9' {
			return 0, false
		}
		i = i*10 + int(r-'0')
		if i >= n {
			return 0, false
		}
	}
	return i, true
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}

// command: {argv, exit_code, timeout}. The command runs in the workspace
// under the SUT's isolation class, and only its exit status is trusted.
type command struct {
	Argv     []string `json:"argv"`
	ExitCode int      `json:"exit_code"`
	Timeout  string   `json:"timeout"`
	timeout  time.Duration
}

func newCommand(params json.RawMessage) (Check, error) {
	var c command
	if err := DecodeParams(params, &c); err != nil {
		return nil, err
	}
	if len(c.Argv) == 0 || c.Argv[0] == "" {
		return nil, fmt.Errorf("missing parameter argv: give the command as a list, e.g. [\"go\", \"test\", \"./...\"]")
	}
	if c.Timeout != "" {
		d, err := time.ParseDuration(c.Timeout)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("invalid timeout %q: use a positive Go duration such as 30s", c.Timeout)
		}
		c.timeout = d
	}
	return &c, nil
}

func (c *command) Run(ctx context.Context, env *Env) (Result, error) {
	if env.Exec == nil {
		return Result{}, fmt.Errorf("no executor for command %q", c.Argv[0])
	}
	res, err := env.Exec.Exec(ctx, ExecRequest{Argv: c.Argv, Dir: env.Workspace, Timeout: c.timeout})
	if err != nil {
		return Result{}, err
	}
	if res.TimedOut {
		return failDetail("%s timed out", c.Argv[0]), nil
	}
	if res.ExitCode != c.ExitCode {
		return failDetail("%s exited with status %d, want %d", c.Argv[0], res.ExitCode, c.ExitCode), nil
	}
	return Pass(), nil
}

func failDetail(format string, args ...any) Result {
	r := Fail()
	r.Detail = fmt.Sprintf(format, args...)
	return r
}
