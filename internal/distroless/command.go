package distroless

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Runtimes an Invocation can name. RuntimeNative is a program run directly.
const (
	RuntimeNative = ""
	RuntimeJava   = "java"
	RuntimeNode   = "node"
	RuntimePython = "python"
	RuntimeShell  = "sh"
)

// Invocation is the program an image starts, with the wrappers that do
// not matter to a distroless image (init processes such as tini, "exec",
// "env", a "sh -c" around a simple command) removed.
type Invocation struct {
	// Runtime is the interpreter that runs Program: java, node, python,
	// sh for a shell script, or "" for a native program.
	Runtime string `json:"runtime,omitempty" yaml:"runtime,omitempty"`
	// Program is the native program, the script, the JAR (after -jar), the
	// main class or the Python module (after -m). An empty Program with a
	// Runtime means any program on that runtime.
	Program string `json:"program,omitempty" yaml:"program,omitempty"`
	// Module is true when Program is a Python module run with -m.
	Module bool `json:"module,omitempty" yaml:"module,omitempty"`
	// Args are the application's arguments after Program.
	Args []string `json:"args,omitempty" yaml:"args,omitempty"`
}

// commandLine is the argv of one CMD or ENTRYPOINT; a shell form becomes
// ["/bin/sh", "-c", script] as Docker runs it.
func commandLine(c instructions.ShellDependantCmdLine) (argv []string, shellForm bool) {
	if c.PrependShell {
		return []string{"/bin/sh", "-c", strings.Join(c.CmdLine, " ")}, true
	}
	return slices.Clone(c.CmdLine), false
}

// defaultEntrypoint is the ENTRYPOINT a distroless image sets, from the
// images' documentation: the Java images run "java -jar", the Node.js images
// node and the Python images python. The other variants set none.
func defaultEntrypoint(v Variant) []string {
	switch v.Family {
	case "java":
		return []string{"/usr/bin/java", "-jar"}
	case "nodejs":
		return []string{"/nodejs/bin/node"}
	case "python3":
		return []string{"/usr/bin/python3"}
	}
	return nil
}

// EffectiveCommand returns the argv that the image of stage i starts, by
// Docker's rules: ENTRYPOINT followed by CMD, with a CMD inherited from a
// parent stage or the base image reset by an ENTRYPOINT set later. Only the
// defaults of distroless base images are known; for other base images ok is
// false unless the Dockerfile sets ENTRYPOINT or CMD itself.
func (df *Dockerfile) EffectiveCommand(i int) (argv []string, ok bool) {
	entrypoint, cmd, ok := df.entrypointAndCmd(i)
	return append(entrypoint, cmd...), ok
}

// entrypointAndCmd returns the two halves of EffectiveCommand. cmd is nil
// after a shell-form ENTRYPOINT, which ignores CMD.
func (df *Dockerfile) entrypointAndCmd(i int) (entrypoint, cmd []string, ok bool) {
	chain := df.Chain(i)
	root := chain[len(chain)-1]

	entrypointShell := false
	if v, isDistroless := ParseVariant(root.Base); isDistroless && root.Parent < 0 {
		entrypoint = defaultEntrypoint(v)
		ok = true
	}
	for k := len(chain) - 1; k >= 0; k-- {
		cmdSetHere := false
		for _, c := range chain[k].Commands {
			switch c := c.(type) {
			case *instructions.CmdCommand:
				cmd, _ = commandLine(c.ShellDependantCmdLine)
				cmdSetHere, ok = true, true
			case *instructions.EntrypointCommand:
				entrypoint, entrypointShell = commandLine(c.ShellDependantCmdLine)
				if !cmdSetHere {
					cmd = nil
				}
				ok = true
			}
		}
	}
	if entrypointShell {
		return entrypoint, nil, ok
	}
	return slices.Clone(entrypoint), cmd, ok
}

// initWrappers are programs that start the real program as a child or by
// exec. A distroless image needs none of them, and has none.
var initWrappers = map[string]bool{
	"tini": true, "tini-static": true, "dumb-init": true, "catatonit": true,
}

var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true}

// packageManagers start a Node.js program through package.json. None of
// them exists in a distroless image.
var packageManagers = map[string]bool{"npm": true, "npx": true, "yarn": true, "pnpm": true}

var pythonBinary = regexp.MustCompile(`^python(\d+(\.\d+)?)?$`)

// Normalize returns the Invocation behind argv, and notes on what it had
// to guess (a shell script reduced to its last command, say).
func Normalize(argv []string) (Invocation, []string) {
	var notes []string
	argv = slices.Clone(argv)
	// Each round removes at least one word, so this ends; the bound only
	// guards against a mistake in that reasoning.
	for round := 0; round < 64 && len(argv) > 0; round++ {
		base := path.Base(argv[0])
		switch {
		case initWrappers[base]:
			argv = skipOptions(argv[1:])
		case base == "exec":
			argv = argv[1:]
		case base == "env":
			argv = argv[1:]
			for len(argv) > 0 && (strings.HasPrefix(argv[0], "-") || isAssignment(argv[0])) {
				argv = argv[1:]
			}
		case base == "gosu" || base == "su-exec":
			// gosu USER COMMAND...
			if len(argv) < 3 {
				return Invocation{Program: argv[0], Args: argv[1:]}, notes
			}
			argv = argv[2:]
		case shells[base]:
			script, file, rest := shellArgs(argv[1:])
			switch {
			case script != "":
				words, note := scriptWords(script)
				if note != "" {
					notes = append(notes, note)
				}
				argv = words
			case file != "":
				return Invocation{Runtime: RuntimeShell, Program: file, Args: rest}, notes
			default:
				return Invocation{Runtime: RuntimeShell, Program: base}, notes
			}
		case base == "java":
			return javaInvocation(argv[1:]), notes
		case base == "node" || base == "nodejs":
			return nodeInvocation(argv[1:]), notes
		case pythonBinary.MatchString(base):
			return pythonInvocation(argv[1:]), notes
		case packageManagers[base]:
			return Invocation{Runtime: RuntimeNode, Program: base, Args: argv[1:]}, notes
		case strings.HasSuffix(base, ".sh"):
			return Invocation{Runtime: RuntimeShell, Program: argv[0], Args: argv[1:]}, notes
		default:
			return Invocation{Program: argv[0], Args: argv[1:]}, notes
		}
	}
	return Invocation{}, notes
}

// skipOptions drops leading options and one "--" that ends them.
func skipOptions(argv []string) []string {
	for len(argv) > 0 && strings.HasPrefix(argv[0], "-") {
		if argv[0] == "--" {
			return argv[1:]
		}
		argv = argv[1:]
	}
	return argv
}

var assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

func isAssignment(word string) bool { return assignment.MatchString(word) }

// shellArgs splits the arguments of a shell into the -c script, or the
// script file and its arguments.
func shellArgs(args []string) (script, file string, rest []string) {
	for j := 0; j < len(args); j++ {
		switch a := args[j]; {
		case a == "-c":
			if j+1 < len(args) {
				return args[j+1], "", nil
			}
			return "", "", nil
		case a == "-o" || a == "+o":
			j++ // the option name
		case strings.HasPrefix(a, "-") || strings.HasPrefix(a, "+"):
		default:
			return "", a, args[j+1:]
		}
	}
	return "", "", nil
}

// scriptWords returns the words of the command a shell script runs last,
// which in "migrate && serve" or "cd /app; exec serve" is the application.
// Variable references expand to their ${VAR:-default} or to nothing, since
// their values are unknown here. note is non-empty when the script was
// more than one simple command.
func scriptWords(script string) (words []string, note string) {
	segments := splitCommands(script)
	if len(segments) == 0 {
		return nil, ""
	}
	last := segments[len(segments)-1]
	if len(segments) > 1 {
		note = fmt.Sprintf("the shell command runs %d commands, and only the last one, %q, is taken as the application", len(segments), last)
	}
	words, err := shell.NewLex('\\').ProcessWords(last, mapEnv(nil))
	if err != nil {
		words = strings.Fields(last)
	}
	for len(words) > 0 && isAssignment(words[0]) {
		words = words[1:]
	}
	return words, note
}

// splitCommands splits a shell script at the operators that start another
// command (&&, ||, ;, | and newlines), outside quotes. Each part after a
// "||" is dropped, because it only runs when the command before it failed.
func splitCommands(script string) []string {
	var parts []string
	var cur strings.Builder
	var quote rune
	skipping := false
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" && !skipping {
			parts = append(parts, s)
		}
		cur.Reset()
	}
	runes := []rune(script)
	for k := 0; k < len(runes); k++ {
		r := runes[k]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote = r
			cur.WriteRune(r)
		case r == '\\' && k+1 < len(runes):
			cur.WriteRune(r)
			cur.WriteRune(runes[k+1])
			k++
		case r == '|' && k+1 < len(runes) && runes[k+1] == '|':
			flush()
			skipping = true
			k++
		case r == '&' && k+1 < len(runes) && runes[k+1] == '&':
			flush()
			skipping = false
			k++
		case r == ';' || r == '\n' || r == '|':
			flush()
			skipping = false
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return parts
}

// IsSimpleCommand reports whether a shell-form command is one command with
// literal words, so that its exec form runs exactly the same thing.
func IsSimpleCommand(script string) bool {
	return !strings.ContainsAny(script, "$`&|;<>()*?[]{}~#\n\\") && strings.TrimSpace(script) != ""
}

func javaInvocation(args []string) Invocation {
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "-jar" && j+1 < len(args):
			return Invocation{Runtime: RuntimeJava, Program: args[j+1], Args: args[j+2:]}
		case (a == "-m" || a == "--module") && j+1 < len(args):
			return Invocation{Runtime: RuntimeJava, Program: args[j+1], Args: args[j+2:]}
		case a == "-cp" || a == "-classpath" || a == "--class-path" || a == "-p" || a == "--module-path":
			j++
		case strings.HasPrefix(a, "-"):
		default:
			return Invocation{Runtime: RuntimeJava, Program: a, Args: args[j+1:]}
		}
	}
	return Invocation{Runtime: RuntimeJava}
}

func nodeInvocation(args []string) Invocation {
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "-r" || a == "--require" || a == "--import" || a == "--loader":
			j++
		case strings.HasPrefix(a, "-"):
		default:
			return Invocation{Runtime: RuntimeNode, Program: a, Args: args[j+1:]}
		}
	}
	return Invocation{Runtime: RuntimeNode}
}

func pythonInvocation(args []string) Invocation {
	for j := 0; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "-m" && j+1 < len(args):
			return Invocation{Runtime: RuntimePython, Program: args[j+1], Module: true, Args: args[j+2:]}
		case a == "-W" || a == "-X":
			j++
		case strings.HasPrefix(a, "-"):
		default:
			return Invocation{Runtime: RuntimePython, Program: a, Args: args[j+1:]}
		}
	}
	return Invocation{Runtime: RuntimePython}
}

// Matches reports whether got starts the application that want names. The
// programs match by base name, so "./app" and "/usr/local/bin/app" are one
// program. A native program and "python -m" of the same name match, since
// a Python console script and its module start the same code, but "python
// NAME" runs a file and does not match. An empty
// want.Program accepts any program on want.Runtime except a package
// manager, and then the arguments are not compared.
func (want Invocation) Matches(got Invocation) bool {
	if want.Program == "" {
		return want.Runtime == got.Runtime && got.Program != "" && !packageManagers[path.Base(got.Program)]
	}
	if !compatibleRuntimes(want, got) {
		return false
	}
	if path.Base(want.Program) != path.Base(got.Program) {
		return false
	}
	return slices.Equal(want.Args, got.Args)
}

// compatibleRuntimes reports whether a and b run their programs the same
// way: on one runtime, or as a console script and "python -m" of the same
// module.
func compatibleRuntimes(a, b Invocation) bool {
	switch {
	case a.Runtime == b.Runtime:
		return a.Module == b.Module
	case a.Runtime == RuntimeNative && b.Runtime == RuntimePython:
		return b.Module
	case a.Runtime == RuntimePython && b.Runtime == RuntimeNative:
		return a.Module
	}
	return false
}

// String formats the invocation for messages.
func (inv Invocation) String() string {
	var parts []string
	if inv.Runtime != "" {
		parts = append(parts, inv.Runtime)
	}
	if inv.Program != "" {
		parts = append(parts, inv.Program)
	} else if inv.Runtime != "" {
		parts = append(parts, "<any program>")
	}
	parts = append(parts, inv.Args...)
	return strings.Join(parts, " ")
}
