package distroless

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// Evaluate compares the migrated Dockerfile got with the original orig and
// the expectations, and returns every problem it finds, in a fixed order.
// The checks that assume a shell-less image (RUN, shell forms, health
// checks, the variant, the user) run only when the final base is a
// distroless image, so that a Dockerfile left on its old base reports that
// one cause.
func Evaluate(orig, got *Dockerfile, exp Expectations) []Finding {
	var out []Finding
	out = append(out, checkBuildStages(orig, got)...)
	out = append(out, checkArtefacts(orig, got, exp.Artefacts)...)
	out = append(out, checkEntrypoint(got, exp)...)

	root := got.Image(got.Final().Index)
	if len(root.Unresolved) > 0 {
		return append(out, Finding{ModeBaseUnresolved, fmt.Sprintf("the final base image %q uses ARG %s, which has no default", root.BaseName, strings.Join(root.Unresolved, ", "))})
	}
	v, ok := ParseVariant(root.Base)
	if !ok {
		return append(out, Finding{ModeBaseNotDistroless, fmt.Sprintf("the final base image is %q, not an image under gcr.io/distroless/", root.Base)})
	}
	if v.Debug {
		out = append(out, Finding{ModeDebugImage, fmt.Sprintf("the final base image %q is a debug tag, which contains a busybox shell", root.Base)})
	}
	out = append(out, checkFinalInstructions(got)...)
	out = append(out, checkPackages(got, exp.Packages)...)
	out = append(out, checkProgram(got, v)...)
	out = append(out, checkVariant(root.Base, v, exp)...)
	out = append(out, checkUser(got, root.Base, v)...)
	return out
}

// matchStage returns the index in got of the non-final stage that stands
// for stage j of orig: the stage of the same name, or for an unnamed stage
// one with the same fingerprint. It returns -1 when there is none.
func matchStage(orig *Dockerfile, j int, got *Dockerfile) int {
	want := orig.Stages[j]
	last := len(got.Stages) - 1
	for k := 0; k < last; k++ {
		st := got.Stages[k]
		if want.Name != "" && st.Name == want.Name {
			return k
		}
		if want.Name == "" && st.Name == "" && st.Fingerprint() == want.Fingerprint() {
			return k
		}
	}
	return -1
}

func describeStage(st *Stage) string {
	if st.Name != "" {
		return fmt.Sprintf("build stage %q (line %d)", st.Name, st.StartLine)
	}
	return fmt.Sprintf("unnamed build stage %d (line %d)", st.Index, st.StartLine)
}

func checkBuildStages(orig, got *Dockerfile) []Finding {
	var out []Finding
	for _, j := range orig.BuildStages() {
		want := orig.Stages[j]
		k := matchStage(orig, j, got)
		if k < 0 {
			if want.Name == "" {
				out = append(out, Finding{ModeBuildStageChanged, describeStage(want) + " is missing or was edited"})
			} else {
				out = append(out, Finding{ModeBuildStageChanged, describeStage(want) + " is missing"})
			}
			continue
		}
		if diff := firstDifference(want.Fingerprint(), got.Stages[k].Fingerprint()); diff != "" {
			out = append(out, Finding{ModeBuildStageChanged, describeStage(want) + " was edited: " + diff})
		}
		for _, name := range orig.ArgsUsed(j) {
			before, hadBefore := orig.MetaDefault(name)
			after, hasAfter := got.MetaDefault(name)
			if before != after || hadBefore != hasAfter {
				out = append(out, Finding{ModeBuildStageChanged, fmt.Sprintf("the global ARG %s, which %s reads, changed its default from %q to %q", name, describeStage(want), before, after)})
			}
		}
	}
	return out
}

// firstDifference returns "" for equal fingerprints, else the first line
// that differs, for the failure message.
func firstDifference(want, got string) string {
	if want == got {
		return ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("instruction %d is %s, want %s", i+1, clip(gl), clip(wl))
		}
	}
	return "the instructions differ"
}

func clip(s string) string {
	const max = 80
	if s == "" {
		return "missing"
	}
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// origin is the source of an artefact in the migrated Dockerfile: the
// build context, a stage index or an image.
type origin struct {
	context bool
	stage   int
	image   string
}

// originOf returns the origin cp copies from.
func originOf(cp Copy) origin {
	switch {
	case cp.From == "":
		return origin{context: true, stage: -1}
	case cp.FromStage >= 0:
		return origin{stage: cp.FromStage}
	}
	return origin{stage: -1, image: strings.ToLower(cp.From)}
}

// key identifies the origin in a copyIndex.
func (o origin) key() string {
	switch {
	case o.context:
		return "context"
	case o.stage >= 0:
		return "stage:" + strconv.Itoa(o.stage)
	}
	return "image:" + strings.ToLower(o.image)
}

// normalizeSource makes a copy source comparable: relative to the context
// root for the build context, absolute for a stage or an image.
func (o origin) normalizeSource(src string) string {
	c := strings.TrimPrefix(cleanPath(src), "/")
	if o.context {
		if c == "" {
			return "."
		}
		return c
	}
	if c == "." {
		c = ""
	}
	return "/" + c
}

// ancestors returns p and every directory above it, ending with "/" for
// an absolute path and "." for a relative one. A copy of any of them
// brings p along.
func ancestors(p string) []string {
	var out []string
	for {
		out = append(out, p)
		if p == "/" || p == "." {
			return out
		}
		parent := path.Dir(p)
		if parent == p {
			return out
		}
		p = parent
	}
}

// copyIndex maps an origin key and a normalized source to the copies with
// that source, so that finding the copies that bring in a path costs one
// lookup per directory level instead of a scan of every copy.
type copyIndex map[string]map[string][]Copy

func indexCopies(df *Dockerfile, stages []*Stage) copyIndex {
	idx := copyIndex{}
	for _, st := range stages {
		for _, cp := range df.Copies(st.Index) {
			o := originOf(cp)
			bySource := idx[o.key()]
			if bySource == nil {
				bySource = map[string][]Copy{}
				idx[o.key()] = bySource
			}
			for _, src := range cp.Sources {
				if strings.HasPrefix(src, "<<") {
					continue
				}
				norm := o.normalizeSource(src)
				bySource[norm] = append(bySource[norm], cp)
			}
		}
	}
	return idx
}

// covering returns the copies from o whose source is want or a directory
// above it, with that source.
func (idx copyIndex) covering(o origin, want string) (copies []Copy, sources []string) {
	bySource := idx[o.key()]
	for _, anc := range ancestors(want) {
		for _, cp := range bySource[anc] {
			copies = append(copies, cp)
			sources = append(sources, anc)
		}
	}
	return copies, sources
}

func checkArtefacts(orig, got *Dockerfile, artefacts []Artefact) []Finding {
	var out []Finding
	finalChain := got.Chain(got.Final().Index)
	direct := indexCopies(got, finalChain)
	inner := map[int]copyIndex{}
	for _, a := range artefacts {
		o := origin{stage: -1}
		subject := fmt.Sprintf("%s from the build context", a.Source)
		// Copies into the final image can only name stages before it.
		switch j, isStage := orig.stageIndex(a.From, orig.Final().Index); {
		case a.From == "":
			o.context = true
		case isStage:
			o.stage = matchStage(orig, j, got)
			subject = fmt.Sprintf("%s from %s", a.Source, describeStage(orig.Stages[j]))
			if o.stage < 0 {
				out = append(out, Finding{ModeArtefactDropped, fmt.Sprintf("%s is no longer copied, because the stage is gone", subject)})
				continue
			}
		default:
			o.image = a.From
			subject = fmt.Sprintf("%s from image %s", a.Source, a.From)
		}

		kept, sameDest := artefactKept(got, finalChain, direct, inner, o, a)
		switch {
		case !kept:
			out = append(out, Finding{ModeArtefactDropped, fmt.Sprintf("%s is no longer copied into the final image (it went to %s)", subject, a.Dest)})
		case !sameDest:
			out = append(out, Finding{ModeArtefactMoved, fmt.Sprintf("%s is copied, but no longer to %s", subject, a.Dest)})
		}
	}
	return out
}

// artefactKept reports whether the final image of got still copies the
// artefact: directly, or through one intermediate stage that copies it
// from the same origin and is itself copied into the final image. inner
// caches the copy index of each intermediate stage's chain.
func artefactKept(got *Dockerfile, finalChain []*Stage, direct copyIndex, inner map[int]copyIndex, o origin, a Artefact) (kept, sameDest bool) {
	want := o.normalizeSource(a.Source)
	copies, _ := direct.covering(o, want)
	for _, cp := range copies {
		kept = true
		if sameDestination(cp.AbsDest, a.Dest, a.Source) {
			sameDest = true
		}
	}
	if kept {
		return kept, sameDest
	}

	seen := map[int]bool{}
	for _, st := range finalChain {
		for _, cp := range got.Copies(st.Index) {
			s := cp.FromStage
			if s < 0 || s == o.stage || seen[s] {
				continue
			}
			seen[s] = true
			if inner[s] == nil {
				inner[s] = indexCopies(got, got.Chain(s))
			}
			if viaStage(direct, inner[s], s, o, want) {
				return true, true
			}
		}
	}
	return false, false
}

// viaStage reports whether stage s copies the artefact want from origin o
// and the final image copies the place it landed from s.
func viaStage(direct, inner copyIndex, s int, o origin, want string) bool {
	stageOrigin := origin{stage: s}
	copies, sources := inner.covering(o, want)
	for k, cp := range copies {
		dest := stageOrigin.normalizeSource(cp.AbsDest)
		rest := strings.TrimPrefix(strings.TrimPrefix(want, sources[k]), "/")
		landed := []string{path.Join(dest, rest)}
		if rest == "" {
			// A file copied into a directory lands under its base name.
			landed = append(landed, path.Join(dest, path.Base(want)))
		}
		for _, l := range landed {
			if outer, _ := direct.covering(stageOrigin, l); len(outer) > 0 {
				return true
			}
		}
	}
	return false
}

// sameDestination reports whether two COPY destinations put src at the
// same place: "/usr/bin/" and "/usr/bin/app" do for src "app".
func sameDestination(d1, d2, src string) bool {
	c1, c2 := cleanPath(d1), cleanPath(d2)
	base := path.Base(cleanPath(src))
	return c1 == c2 || path.Join(c1, base) == c2 || path.Join(c2, base) == c1
}

func checkEntrypoint(got *Dockerfile, exp Expectations) []Finding {
	if exp.Entrypoint == nil {
		return nil
	}
	argv, ok := got.EffectiveCommand(got.Final().Index)
	if !ok || len(argv) == 0 {
		return []Finding{{ModeEntrypointChanged, fmt.Sprintf("the image sets no command, want %s", exp.Entrypoint)}}
	}
	inv, _ := Normalize(argv)
	if !exp.Entrypoint.Matches(inv) {
		return []Finding{{ModeEntrypointChanged, fmt.Sprintf("the image starts %s (%s), want %s", inv, strings.Join(argv, " "), exp.Entrypoint)}}
	}
	return nil
}

// tools a health check commonly runs, which no distroless image contains.
var healthTools = map[string]bool{"curl": true, "wget": true, "nc": true, "netcat": true}

func checkFinalInstructions(got *Dockerfile) []Finding {
	var out []Finding
	chain := got.Chain(got.Final().Index)
	for k := len(chain) - 1; k >= 0; k-- {
		st := chain[k]
		for n, c := range st.Commands {
			line := st.nodes[n].StartLine
			switch c := c.(type) {
			case *instructions.RunCommand:
				out = append(out, Finding{ModeRunInFinalStage, fmt.Sprintf("line %d: RUN %s", line, clipText(runText(c)))})
			case *instructions.CmdCommand:
				if c.PrependShell {
					out = append(out, Finding{ModeShellFormCommand, fmt.Sprintf("line %d: CMD %s is in shell form", line, clipText(strings.Join(c.CmdLine, " ")))})
				}
			case *instructions.EntrypointCommand:
				if c.PrependShell {
					out = append(out, Finding{ModeShellFormCommand, fmt.Sprintf("line %d: ENTRYPOINT %s is in shell form", line, clipText(strings.Join(c.CmdLine, " ")))})
				}
			case *instructions.ShellCommand:
				out = append(out, Finding{ModeShellInstruction, fmt.Sprintf("line %d: SHELL %s", line, strings.Join(c.Shell, " "))})
			case *instructions.HealthCheckCommand:
				out = append(out, checkHealth(got, line, c)...)
			}
		}
	}
	return out
}

func checkHealth(got *Dockerfile, line int, c *instructions.HealthCheckCommand) []Finding {
	if c.Health == nil || len(c.Health.Test) == 0 {
		return nil
	}
	test := c.Health.Test
	switch test[0] {
	case "CMD-SHELL":
		return []Finding{{ModeHealthcheckNeedsShell, fmt.Sprintf("line %d: HEALTHCHECK CMD %s is in shell form", line, clipText(strings.Join(test[1:], " ")))}}
	case "CMD":
		if len(test) < 2 {
			return nil
		}
		program := path.Base(test[1])
		switch {
		case shells[program]:
			return []Finding{{ModeHealthcheckNeedsShell, fmt.Sprintf("line %d: HEALTHCHECK runs %s", line, test[1])}}
		case healthTools[program] && !programProvided(got, test[1]):
			return []Finding{{ModeHealthcheckNeedsTool, fmt.Sprintf("line %d: HEALTHCHECK runs %s, which the image does not contain", line, test[1])}}
		}
	}
	return nil
}

func clipText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	const max = 60
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}

// defaultPath is the PATH of the distroless images.
var defaultPath = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// programProvided reports whether the final image of got contains
// program because a COPY or ADD brings it in.
func programProvided(got *Dockerfile, program string) bool {
	_, ok := programSource(got, program)
	return ok
}

// programSource returns the COPY or ADD of the final image that brings in
// program. A bare name is looked up in the PATH the Dockerfile sets, a
// relative path against the final WORKDIR. A copy to "/" is taken to
// provide anything, and a copy whose destination has the program's base
// name provides it wherever it lands.
func programSource(got *Dockerfile, program string) (Copy, bool) {
	final := got.Final().Index
	var candidates []string
	switch {
	case path.IsAbs(program):
		candidates = []string{path.Clean(program)}
	case strings.Contains(program, "/"):
		candidates = []string{resolveWorkdir(got.WorkdirAfter(final), program)}
	default:
		for _, dir := range imagePath(got) {
			candidates = append(candidates, path.Join(dir, program))
		}
	}
	name := path.Base(program)
	for _, st := range got.Chain(final) {
		for _, cp := range got.Copies(st.Index) {
			dest := cleanPath(cp.AbsDest)
			if dest == "/" || path.Base(dest) == name {
				return cp, true
			}
			for _, c := range candidates {
				if pathCovers(dest, c) {
					return cp, true
				}
			}
		}
	}
	return Copy{}, false
}

// imagePath returns the directories of the PATH that the final image's ENV
// instructions set, with $PATH standing for the distroless default.
func imagePath(got *Dockerfile) []string {
	dirs := defaultPath
	chain := got.Chain(got.Final().Index)
	for k := len(chain) - 1; k >= 0; k-- {
		for _, c := range chain[k].Commands {
			env, ok := c.(*instructions.EnvCommand)
			if !ok {
				continue
			}
			for _, kv := range env.Env {
				if kv.Key != "PATH" {
					continue
				}
				value, _ := expandWord(got.EscapeToken, kv.Value, map[string]string{"PATH": strings.Join(dirs, ":")})
				var next []string
				for _, dir := range strings.Split(value, ":") {
					if path.IsAbs(dir) {
						next = append(next, dir)
					}
				}
				dirs = next
			}
		}
	}
	return dirs
}

// checkProgram reports a command that runs a shell or starts a program the
// distroless variant v lacks.
func checkProgram(got *Dockerfile, v Variant) []Finding {
	argv, ok := got.EffectiveCommand(got.Final().Index)
	if !ok || len(argv) == 0 {
		return nil
	}
	var out []Finding
	inv, _ := Normalize(argv)
	if inv.Runtime == RuntimeShell {
		out = append(out, Finding{ModeShellEntrypoint, fmt.Sprintf("the command runs the shell script or shell %s", inv.Program)})
	}

	program := argv[0]
	base := path.Base(program)
	missing := false
	switch {
	case shells[base]:
		// Reported as a shell form or a shell entrypoint.
	case base == "node" || base == "nodejs":
		missing = v.Family != "nodejs" || program != "/nodejs/bin/node"
	case base == "java":
		missing = v.Family != "java"
	case pythonBinary.MatchString(base):
		missing = v.Family != "python3"
	default:
		missing = true
	}
	if !missing {
		return out
	}
	cp, provided := programSource(got, program)
	if !provided {
		return append(out, Finding{ModeCommandNotFound, fmt.Sprintf("the command starts %s, which the %s image does not contain and no COPY brings in", program, v.describe())})
	}
	if lang := scriptLanguage(got, cp, v); lang != "" {
		out = append(out, Finding{ModeInterpreterMissing, interpreterMessage(program, lang)})
	}
	return out
}

// scriptLanguage returns python or node when program, copied in by cp, is
// a console script of that language whose #! line the distroless image
// cannot honour, or "". A script copied from a stage on the official
// python image names /usr/local/bin/python, directly or through its
// virtual environment, and the distroless python3 images keep Python in
// /usr/bin. Scripts in node_modules/.bin start with #!/usr/bin/env node,
// and no distroless image has env.
func scriptLanguage(got *Dockerfile, cp Copy, v Variant) string {
	if cp.FromStage < 0 {
		return ""
	}
	lang, _ := imageLanguage(got.Image(cp.FromStage).Base)
	switch {
	case v.Family == "python3" && lang == LanguagePython:
		return LanguagePython
	case v.Family == "nodejs" && lang == LanguageNode:
		return LanguageNode
	}
	return ""
}

func interpreterMessage(program, lang string) string {
	name := path.Base(program)
	if lang == LanguagePython {
		return fmt.Sprintf("the command starts %s, a script copied from a stage on the python image, whose #! line names an interpreter the distroless image lacks (/usr/local/bin/python for a console script): run a console script as python3 -m %s", program, name)
	}
	return fmt.Sprintf("the command starts %s, a script copied from a stage on the node image, whose #! line runs /usr/bin/env, which the distroless image lacks: run it as /nodejs/bin/node %s", program, program)
}

func (v Variant) describe() string {
	switch v.Family {
	case "":
		return "distroless"
	case "java", "nodejs":
		return "distroless " + v.Family + v.Version
	}
	return "distroless " + v.Family
}

func checkVariant(base string, v Variant, exp Expectations) []Finding {
	if exp.Language == "" {
		return nil
	}
	allowed := exp.Variants
	if len(allowed) == 0 {
		allowed = DefaultVariants(exp.Language)
	}
	var out []Finding
	if !slices.Contains(allowed, v.Family) {
		family := v.Family
		if family == "" {
			family = "an unknown variant"
		}
		out = append(out, Finding{ModeVariantMismatch, fmt.Sprintf("%s is %s, which does not fit a %s application: use %s", base, family, exp.Language, strings.Join(allowed, " or "))})
	}
	if exp.RuntimeVersion == "" || v.Version == "" || v.Version == exp.RuntimeVersion {
		return out
	}
	got, errGot := strconv.Atoi(v.Version)
	want, errWant := strconv.Atoi(exp.RuntimeVersion)
	if exp.Language == LanguageJava && errGot == nil && errWant == nil && got < want {
		return append(out, Finding{ModeRuntimeTooOld, fmt.Sprintf("%s runs Java %d, older than the Java %d of the original, which cannot load newer class files", base, got, want)})
	}
	return append(out, Finding{ModeRuntimeVersion, fmt.Sprintf("%s runs version %s, and the original ran %s", base, v.Version, exp.RuntimeVersion)})
}

// The users and groups in the /etc/passwd and /etc/group of the distroless
// images.
var (
	distrolessUsers  = map[string]bool{"root": true, "nonroot": true, "nobody": true}
	distrolessGroups = map[string]bool{"root": true, "nonroot": true, "nobody": true, "tty": true, "staff": true}
)

// checkUser reports a final image that runs as root and USER or --chown
// values naming users the image does not have.
func checkUser(got *Dockerfile, base string, v Variant) []Finding {
	var out []Finding
	chain := got.Chain(got.Final().Index)
	passwd := copiesPasswd(got)
	vars := map[string]string{}
	user, userLine := "", 0
	for k := len(chain) - 1; k >= 0; k-- {
		st := chain[k]
		for n, c := range st.Commands {
			line := st.nodes[n].StartLine
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, kv := range c.Args {
					if kv.Value != nil {
						vars[kv.Key], _ = expandWord(got.EscapeToken, *kv.Value, vars)
					} else if def, ok := got.MetaDefault(kv.Key); ok {
						vars[kv.Key] = def
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					vars[kv.Key] = kv.Value
				}
			case *instructions.UserCommand:
				user, userLine = expandKnown(got, c.User, vars), line
			case *instructions.CopyCommand:
				if c.Chown != "" && !passwd {
					if bad := unknownOwner(expandKnown(got, c.Chown, vars)); bad != "" {
						out = append(out, Finding{ModeUnknownUser, fmt.Sprintf("line %d: COPY --chown=%s names %s, which the image has no entry for", line, c.Chown, bad)})
					}
				}
			}
		}
	}

	switch {
	case user == "" && !v.NonrootTag:
		out = append(out, Finding{ModeRunsAsRoot, fmt.Sprintf("the final image sets no USER, and %s runs as root: add USER nonroot or use a :nonroot tag", base)})
	case user == "":
	default:
		name, _, _ := strings.Cut(user, ":")
		switch {
		case strings.Contains(user, "$"):
			// A value that could not be expanded is not judged.
		case name == "root" || name == "0":
			out = append(out, Finding{ModeRunsAsRoot, fmt.Sprintf("line %d: USER %s runs the application as root", userLine, user)})
		case !passwd:
			if bad := unknownOwner(user); bad != "" {
				out = append(out, Finding{ModeUnknownUser, fmt.Sprintf("line %d: USER %s names %s, which the image has no entry for: use nonroot or a numeric uid", userLine, user, bad)})
			}
		}
	}
	return out
}

// expandKnown expands the variables of word that have values and leaves
// the others as written.
func expandKnown(got *Dockerfile, word string, vars map[string]string) string {
	expanded, missing := expandWord(got.EscapeToken, word, vars)
	if len(missing) > 0 {
		return word
	}
	return expanded
}

// unknownOwner returns the part of a "user[:group]" value that a
// distroless image has no passwd or group entry for, or "".
func unknownOwner(owner string) string {
	if strings.Contains(owner, "$") {
		return ""
	}
	user, group, hasGroup := strings.Cut(owner, ":")
	if !isNumeric(user) && !distrolessUsers[user] {
		return "user " + strconv.Quote(user)
	}
	if hasGroup && !isNumeric(group) && !distrolessGroups[group] {
		return "group " + strconv.Quote(group)
	}
	return ""
}

func isNumeric(s string) bool {
	_, err := strconv.ParseUint(s, 10, 32)
	return err == nil
}

// copiesPasswd reports whether the final image copies in its own
// /etc/passwd, so that any user name may exist.
func copiesPasswd(got *Dockerfile) bool {
	for _, st := range got.Chain(got.Final().Index) {
		for _, cp := range got.Copies(st.Index) {
			if cleanPath(cp.Dest) == "/etc/passwd" {
				return true
			}
			for _, src := range cp.Sources {
				if path.Base(cleanPath(src)) == "passwd" {
					return true
				}
			}
		}
	}
	return false
}
