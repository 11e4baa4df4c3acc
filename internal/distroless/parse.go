package distroless

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// MaxDockerfileBytes caps the size of a Dockerfile that Parse accepts. Real
// Dockerfiles are a few kilobytes; the cap keeps a hostile or broken input
// from costing the rubric more than a moment.
const MaxDockerfileBytes = 1 << 20

// MaxInstructions and MaxStages cap the size of a Dockerfile's structure.
// The comparisons of the check grow with the square of the number of
// COPY instructions and stages, so an input of many tiny instructions
// could otherwise run for minutes within the byte cap.
// NOTE: the limits are chosen, not measured on a corpus; the 39 real
// Dockerfiles of the tests have at most a few hundred instructions.
const (
	MaxInstructions = 1000
	MaxStages       = 100
)

// Sentinel errors of Parse. Callers branch on them with errors.Is.
var (
	ErrTooLarge            = fmt.Errorf("dockerfile is larger than %d bytes (1 MiB)", MaxDockerfileBytes)
	ErrEmpty               = errors.New("dockerfile is empty: it has no instructions")
	ErrNoStage             = errors.New("dockerfile has no FROM instruction")
	ErrTooManyInstructions = fmt.Errorf("dockerfile has more than %d instructions or %d stages", MaxInstructions, MaxStages)
)

// SyntaxError is a Dockerfile that BuildKit's parser rejected. Line is the
// 1-based line of the offending instruction, 0 when the parser gives none.
type SyntaxError struct {
	Line int
	Err  error
}

func (e *SyntaxError) Error() string {
	msg := e.Err.Error()
	if strings.IndexFunc(msg, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		// BuildKit quotes the offending text as is; control bytes from a
		// binary file would garble a terminal.
		msg = strconv.Quote(msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("invalid dockerfile: line %d: %s", e.Line, msg)
	}
	return fmt.Sprintf("invalid dockerfile: %s", msg)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Dockerfile is a parsed Dockerfile. Nothing in it was executed: RUN
// commands are text, and ARG values are the defaults written in the file.
type Dockerfile struct {
	// Source is the input as read, byte for byte.
	Source []byte
	// EscapeToken is the escape character, '\\' unless a parser directive
	// sets another.
	EscapeToken rune
	// MetaArgs are the ARG instructions before the first FROM.
	MetaArgs []*instructions.ArgCommand
	// Stages are the build stages in file order. The last one is the final
	// stage, the one a plain "docker build" produces.
	Stages []*Stage

	// metaDefaults maps each global ARG to its default, expanded with the
	// globals declared before it. A global declared without a default is
	// absent.
	metaDefaults map[string]string
	lines        []string
	// copies and workdirs hold, per stage, the COPY and ADD instructions
	// and the working directory at the stage's end. They are computed once
	// after parsing, because the check reads them many times.
	copies   [][]Copy
	workdirs []string
}

// Stage is one build stage: a FROM instruction and the commands up to the
// next FROM.
type Stage struct {
	// Index is the stage's position, 0 for the first FROM.
	Index int
	// Name is the stage name after AS, lowercased as BuildKit does, or ""
	// for an unnamed stage.
	Name string
	// BaseName is the FROM argument as written, for example "$BASE_IMAGE".
	BaseName string
	// Base is BaseName with the defaults of the global ARGs substituted.
	Base string
	// Unresolved lists the variables in BaseName that have no default,
	// sorted. Base has them replaced by the empty string.
	Unresolved []string
	// Parent is the index of the stage that Base names, or -1 when Base is
	// an image.
	Parent int
	// Platform is the --platform flag of FROM as written.
	Platform string
	// Commands are the stage's instructions after FROM, parsed by BuildKit.
	Commands []instructions.Command
	// StartLine and EndLine are the 1-based lines of the FROM instruction
	// and of the end of the stage's last instruction.
	StartLine, EndLine int

	from  *parser.Node
	nodes []*parser.Node // one per command, in the same order
}

// Parse reads a Dockerfile of at most MaxDockerfileBytes from r and parses
// it with BuildKit's parser. It returns ErrTooLarge, ErrEmpty, ErrNoStage or
// a *SyntaxError for input that is not a usable Dockerfile.
func Parse(r io.Reader) (*Dockerfile, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDockerfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read dockerfile: %w", err)
	}
	return ParseBytes(data)
}

// ParseBytes parses data as a Dockerfile, with the errors of Parse.
func ParseBytes(data []byte) (df *Dockerfile, err error) {
	if len(data) > MaxDockerfileBytes {
		return nil, ErrTooLarge
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, ErrEmpty
	}

	// BuildKit's parser is third-party code run on untrusted input. A panic
	// in it becomes an error here, so that one bad Dockerfile cannot take
	// the whole run down.
	defer func() {
		if p := recover(); p != nil {
			df, err = nil, &SyntaxError{Err: fmt.Errorf("buildkit parser panicked: %v", p)}
		}
	}()

	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		if strings.Contains(err.Error(), "file with no instructions") {
			return nil, ErrEmpty
		}
		return nil, &SyntaxError{Line: errorLine(err), Err: unwrapLocation(err)}
	}

	if n := len(res.AST.Children); n > MaxInstructions {
		return nil, fmt.Errorf("%w: it has %d", ErrTooManyInstructions, n)
	}

	df = &Dockerfile{
		Source:       data,
		EscapeToken:  res.EscapeToken,
		metaDefaults: map[string]string{},
		lines:        strings.SplitAfter(string(data), "\n"),
	}
	if err := df.build(res.AST); err != nil {
		return nil, err
	}
	return df, nil
}

// errorLine returns the first line a BuildKit error points at, or 0.
func errorLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) {
		for _, ranges := range le.Locations {
			if len(ranges) > 0 && ranges[0].Start.Line > 0 {
				return ranges[0].Start.Line
			}
		}
	}
	return 0
}

// build turns the AST into stages. It mirrors instructions.Parse but keeps
// the AST node of every instruction, which the migrator needs to copy the
// original text of the instructions it keeps.
func (df *Dockerfile) build(ast *parser.Node) error {
	for _, node := range ast.Children {
		parsed, err := instructions.ParseInstruction(node)
		if err != nil {
			line := node.StartLine
			if l := errorLine(err); l > 0 {
				line = l
			}
			return &SyntaxError{Line: line, Err: unwrapLocation(err)}
		}
		switch c := parsed.(type) {
		case *instructions.Stage:
			df.addStage(c, node)
		case *instructions.ArgCommand:
			if len(df.Stages) == 0 {
				df.addMetaArg(c)
				continue
			}
			df.addCommand(c, node)
		case instructions.Command:
			if len(df.Stages) == 0 {
				return &SyntaxError{Line: node.StartLine, Err: fmt.Errorf("%s before the first FROM: only ARG may come before FROM", strings.ToUpper(node.Value))}
			}
			df.addCommand(c, node)
		default:
			return &SyntaxError{Line: node.StartLine, Err: fmt.Errorf("unexpected instruction %s", strings.ToUpper(node.Value))}
		}
	}
	if len(df.Stages) == 0 {
		return ErrNoStage
	}
	if n := len(df.Stages); n > MaxStages {
		return fmt.Errorf("%w: it has %d stages", ErrTooManyInstructions, n)
	}
	df.resolveCopies()
	return nil
}

// unwrapLocation strips BuildKit's location wrapper, whose message repeats
// nothing useful, and keeps the cause.
func unwrapLocation(err error) error {
	var le *parser.LocationError
	if errors.As(err, &le) && le.Unwrap() != nil {
		return le.Unwrap()
	}
	return err
}

func (df *Dockerfile) addMetaArg(c *instructions.ArgCommand) {
	df.MetaArgs = append(df.MetaArgs, c)
	for _, kv := range c.Args {
		if kv.Value == nil {
			continue
		}
		value, _ := df.expandGlobal(*kv.Value)
		df.metaDefaults[kv.Key] = value
	}
}

func (df *Dockerfile) addStage(c *instructions.Stage, node *parser.Node) {
	st := &Stage{
		Index:     len(df.Stages),
		Name:      c.Name,
		BaseName:  c.BaseName,
		Platform:  c.Platform,
		Parent:    -1,
		StartLine: node.StartLine,
		EndLine:   node.EndLine,
		from:      node,
	}
	st.Base, st.Unresolved = df.expandGlobal(c.BaseName)
	if i, ok := df.stageIndex(st.Base, st.Index); ok {
		st.Parent = i
	}
	df.Stages = append(df.Stages, st)
}

func (df *Dockerfile) addCommand(c instructions.Command, node *parser.Node) {
	st := df.Stages[len(df.Stages)-1]
	st.Commands = append(st.Commands, c)
	st.nodes = append(st.nodes, node)
	st.EndLine = node.EndLine
}

// expandGlobal substitutes the global ARG defaults into word, as BuildKit
// does for FROM. It returns the sorted names that have no default.
func (df *Dockerfile) expandGlobal(word string) (string, []string) {
	return expandWord(df.EscapeToken, word, df.metaDefaults)
}

// expandWord substitutes vars into word with BuildKit's shell lexer. On a
// lexer error it returns word unchanged, since a Dockerfile that BuildKit
// cannot expand fails at build time and the caller compares text anyway.
func expandWord(escape rune, word string, vars map[string]string) (string, []string) {
	if !strings.ContainsRune(word, '$') {
		return word, nil
	}
	if escape == 0 {
		escape = '\\'
	}
	lex := shell.NewLex(escape)
	res, err := lex.ProcessWordWithMatches(word, mapEnv(vars))
	if err != nil {
		return word, nil
	}
	var missing []string
	for name := range res.Unmatched {
		missing = append(missing, name)
	}
	sort.Strings(missing)
	return res.Result, missing
}

// mapEnv adapts a map to BuildKit's shell.EnvGetter.
type mapEnv map[string]string

func (m mapEnv) Get(key string) (string, bool) {
	v, ok := m[key]
	return v, ok
}

func (m mapEnv) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// stageIndex returns the index of the stage that ref names among the
// stages before limit: a stage name (case-insensitive, as in BuildKit) or a
// stage index.
func (df *Dockerfile) stageIndex(ref string, limit int) (int, bool) {
	if ref == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(ref); err == nil {
		if n >= 0 && n < limit {
			return n, true
		}
		return 0, false
	}
	lower := strings.ToLower(ref)
	for i := 0; i < limit && i < len(df.Stages); i++ {
		if df.Stages[i].Name != "" && df.Stages[i].Name == lower {
			return i, true
		}
	}
	return 0, false
}

// Final returns the final stage, the last one in the file.
func (df *Dockerfile) Final() *Stage { return df.Stages[len(df.Stages)-1] }

// MetaDefault returns the default of the global ARG name and whether it has
// one.
func (df *Dockerfile) MetaDefault(name string) (string, bool) {
	v, ok := df.metaDefaults[name]
	return v, ok
}

// Chain returns the stage at index i followed by the stages it is built on
// through FROM <stage>, nearest first. All of them end up in the image that
// stage i produces.
func (df *Dockerfile) Chain(i int) []*Stage {
	var chain []*Stage
	seen := map[int]bool{}
	for i >= 0 && i < len(df.Stages) && !seen[i] {
		seen[i] = true
		chain = append(chain, df.Stages[i])
		i = df.Stages[i].Parent
	}
	return chain
}

// Image returns the image that the stage at index i is ultimately built on:
// the Base of the last stage of its chain.
func (df *Dockerfile) Image(i int) *Stage {
	chain := df.Chain(i)
	return chain[len(chain)-1]
}

// Text returns the source text of lines [start, end], 1-based and
// inclusive, with their line endings.
func (df *Dockerfile) Text(start, end int) string {
	if start < 1 {
		start = 1
	}
	if end > len(df.lines) {
		end = len(df.lines)
	}
	if start > end {
		return ""
	}
	return strings.Join(df.lines[start-1:end], "")
}
