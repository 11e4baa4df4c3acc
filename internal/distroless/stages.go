package distroless

import (
	"path"
	"sort"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// Copy is one COPY or ADD instruction with its source resolved.
type Copy struct {
	// Stage is the index of the stage that holds the instruction.
	Stage int
	// Add is true for ADD, false for COPY.
	Add bool
	// From is the --from flag with global ARG defaults substituted: a stage
	// name, a stage index or an image. It is empty for the build context.
	From string
	// FromStage is the index of the stage From names, or -1 when From is
	// empty or names an image.
	FromStage int
	Sources   []string
	// Dest is the destination as written, and AbsDest the same path made
	// absolute with the WORKDIR in effect.
	Dest    string
	AbsDest string
	// Chown is the --chown flag as written.
	Chown string
	// Line is the 1-based line of the instruction.
	Line int
}

// Copies returns the COPY and ADD instructions of stage i in file order.
// The caller must not modify the result.
func (df *Dockerfile) Copies(i int) []Copy { return df.copies[i] }

// WorkdirAfter returns the working directory at the end of stage i.
func (df *Dockerfile) WorkdirAfter(i int) string { return df.workdirs[i] }

// workdirAt returns the working directory stage i starts in: the one its
// parent stage ended in, or "/" on an image, whose own WORKDIR is unknown
// here.
func (df *Dockerfile) workdirAt(i int) string {
	parent := df.Stages[i].Parent
	if parent < 0 || parent >= i {
		return "/"
	}
	return df.workdirs[parent]
}

// resolveCopies fills df.copies and df.workdirs, stage by stage, so that a
// parent's working directory is known before its children's.
func (df *Dockerfile) resolveCopies() {
	df.copies = make([][]Copy, len(df.Stages))
	df.workdirs = make([]string, len(df.Stages))
	for i, st := range df.Stages {
		workdir := df.workdirAt(i)
		for k, cmd := range st.Commands {
			line := st.nodes[k].StartLine
			switch c := cmd.(type) {
			case *instructions.WorkdirCommand:
				workdir = resolveWorkdir(workdir, c.Path)
			case *instructions.CopyCommand:
				cp := Copy{Stage: i, Sources: c.SourcePaths, Dest: c.DestPath, AbsDest: resolveWorkdir(workdir, c.DestPath), Chown: c.Chown, Line: line, FromStage: -1}
				if c.From != "" {
					cp.From, _ = df.expandGlobal(c.From)
					if j, ok := df.stageIndex(cp.From, i); ok {
						cp.FromStage = j
					}
				}
				for _, sc := range c.SourceContents {
					cp.Sources = append(cp.Sources, "<<"+sc.Path)
				}
				df.copies[i] = append(df.copies[i], cp)
			case *instructions.AddCommand:
				cp := Copy{Stage: i, Add: true, Sources: c.SourcePaths, Dest: c.DestPath, AbsDest: resolveWorkdir(workdir, c.DestPath), Chown: c.Chown, Line: line, FromStage: -1}
				df.copies[i] = append(df.copies[i], cp)
			}
		}
		df.workdirs[i] = workdir
	}
}

// resolveWorkdir returns next made absolute against the working directory
// current. A path with a variable is returned as written.
func resolveWorkdir(current, next string) string {
	if path.IsAbs(next) || strings.Contains(next, "$") {
		return next
	}
	if current == "" {
		current = "/"
	}
	return path.Join(current, next)
}

// Dependencies returns the indexes of the stages that stage i reads, sorted:
// its parent, the stages of COPY --from and of RUN --mount=from.
func (df *Dockerfile) Dependencies(i int) []int {
	st := df.Stages[i]
	deps := map[int]bool{}
	if st.Parent >= 0 {
		deps[st.Parent] = true
	}
	for _, cp := range df.Copies(i) {
		if cp.FromStage >= 0 {
			deps[cp.FromStage] = true
		}
	}
	for _, cmd := range st.Commands {
		run, ok := cmd.(*instructions.RunCommand)
		if !ok {
			continue
		}
		for _, m := range instructions.GetMounts(run) {
			if m.From == "" {
				continue
			}
			from, _ := df.expandGlobal(m.From)
			if j, ok := df.stageIndex(from, i); ok {
				deps[j] = true
			}
		}
	}
	return sortedKeys(deps)
}

// BuildStages returns the indexes of the stages that the final image reads
// from, directly or through other stages, sorted. The final stage and the
// stages it is built on through FROM are not among them unless a build
// stage depends on them too.
func (df *Dockerfile) BuildStages() []int {
	chain := map[int]bool{}
	for _, st := range df.Chain(len(df.Stages) - 1) {
		chain[st.Index] = true
	}

	reached := map[int]bool{}
	var queue []int
	for i := range chain {
		for _, dep := range df.Dependencies(i) {
			if !chain[dep] {
				queue = append(queue, dep)
			}
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if reached[i] {
			continue
		}
		reached[i] = true
		queue = append(queue, df.Dependencies(i)...)
	}
	return sortedKeys(reached)
}

// ReachableFromFinal reports which stages the final image depends on in
// any way, the final stage's chain included.
func (df *Dockerfile) ReachableFromFinal() map[int]bool {
	reached := map[int]bool{}
	queue := []int{len(df.Stages) - 1}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		if reached[i] {
			continue
		}
		reached[i] = true
		queue = append(queue, df.Dependencies(i)...)
	}
	return reached
}

// Fingerprint returns a normalized text of the stage: every instruction as
// BuildKit parsed it, with runs of white space collapsed, comments dropped
// and heredoc bodies kept. Two stages with equal fingerprints build the same
// thing from the same inputs.
func (st *Stage) Fingerprint() string {
	var b strings.Builder
	writeNode(&b, st.from)
	for _, n := range st.nodes {
		writeNode(&b, n)
	}
	return b.String()
}

func writeNode(b *strings.Builder, n *parser.Node) {
	b.WriteString(strings.Join(strings.Fields(n.Dump()), " "))
	b.WriteByte('\n')
	for _, h := range n.Heredocs {
		b.WriteString("<<" + h.Name + "\n" + h.Content + h.Name + "\n")
	}
}

// ArgsUsed returns the global ARGs whose defaults can change what stage i
// builds: those its FROM line names and those it redeclares without a value.
func (df *Dockerfile) ArgsUsed(i int) []string {
	st := df.Stages[i]
	used := map[string]bool{}
	_, missing := expandWord(df.EscapeToken, st.BaseName, nil)
	for _, name := range missing {
		used[name] = true
	}
	if st.Platform != "" {
		_, missing := expandWord(df.EscapeToken, st.Platform, nil)
		for _, name := range missing {
			used[name] = true
		}
	}
	for _, cmd := range st.Commands {
		arg, ok := cmd.(*instructions.ArgCommand)
		if !ok {
			continue
		}
		for _, kv := range arg.Args {
			if kv.Value == nil {
				used[kv.Key] = true
			}
		}
	}
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// cleanPath normalizes a COPY source or destination for comparison:
// "./a/b/" and "a/b" are the same path.
func cleanPath(p string) string {
	if p == "" {
		return ""
	}
	c := path.Clean(p)
	if c == "." {
		return "."
	}
	return strings.TrimPrefix(c, "./")
}

// pathCovers reports whether the copy source outer includes inner: the same
// path, a parent directory of it, or the root of the stage or context.
func pathCovers(outer, inner string) bool {
	outer, inner = cleanPath(outer), cleanPath(inner)
	if outer == inner || outer == "/" || outer == "." {
		return true
	}
	return strings.HasPrefix(inner, strings.TrimSuffix(outer, "/")+"/")
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}
