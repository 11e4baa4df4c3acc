package distroless

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/codegenie/codegenie/internal/sut"
)

// BuiltinName is the name of the baseline migrator SUT; a task class runs
// it with argv ["builtin:distroless-migrate"].
const BuiltinName = "distroless-migrate"

// builtinVersion identifies the migrator's behaviour in sut_digest. Bump it
// whenever Migrate changes what it writes.
const builtinVersion = "1"

// Builtins returns the builtin SUTs of this package: the baseline
// migrator, which rewrites ./Dockerfile in its working directory.
func Builtins() []sut.Builtin {
	return []sut.Builtin{{Name: BuiltinName, Version: builtinVersion, Run: runBuiltin}}
}

func runBuiltin(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
	const name = "Dockerfile"
	data, found, err := readDockerfile(".", name)
	if err != nil {
		return fmt.Errorf("distroless-migrate: %w", err)
	}
	if !found {
		return fmt.Errorf("distroless-migrate: ./%s not found in the working directory", name)
	}
	out, notes, err := Migrate(data)
	if err != nil {
		return fmt.Errorf("distroless-migrate: ./%s: %w", name, err)
	}
	if err := writeFileAtomic(name, out); err != nil {
		return fmt.Errorf("distroless-migrate: write ./%s: %w", name, err)
	}
	report := struct {
		CaseID string   `json:"case_id"`
		Notes  []string `json:"notes"`
	}{task.CaseID, notes}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

// Migrate rewrites the final stage of a Dockerfile onto a distroless base
// image and returns the new Dockerfile with notes on what it dropped or
// could not convert. Everything before the final stage is kept byte for
// byte. It is a baseline: it handles the common shapes and notes where it
// gives up, and the bench measures how often that happens.
//
// A final stage whose RUN instructions build the application (npm, pip,
// downloads) is kept as a build stage, and a new final stage copies its
// working directory. Otherwise RUN instructions are dropped: package
// installs, user creation and file housekeeping have no equivalent in a
// distroless image. Shell-form commands become exec form, init wrappers
// such as tini go, curl health checks go, and the image runs as nonroot.
func Migrate(src []byte) ([]byte, []string, error) {
	df, err := ParseBytes(src)
	if err != nil {
		return nil, nil, err
	}
	final := df.Final()
	root := df.Image(final.Index)
	if IsDistroless(root.Base) {
		return src, []string{"the final stage already runs on a distroless image; nothing changed"}, nil
	}

	m := &migration{df: df, final: final}
	m.chooseImage()
	m.split = m.buildsInFinalStage()

	var b strings.Builder
	b.WriteString(df.Text(1, final.StartLine-1))
	if m.split {
		m.writeBuildStage(&b)
	}
	m.writeLibraryStage(&b)
	m.writeFinalStage(&b)
	return []byte(b.String()), m.notes, nil
}

// migration is the state of one Migrate call.
type migration struct {
	df    *Dockerfile
	final *Stage
	image string
	// split is true when the original final stage becomes a build stage.
	split      bool
	buildStage string
	// libraryStage installs the runtime libraries that move, and libraries
	// are their file name patterns; both are empty when none move.
	libraryStage string
	libraries    []string
	moved        []string
	notes        []string
}

func (m *migration) note(format string, args ...any) {
	m.notes = append(m.notes, fmt.Sprintf(format, args...))
}

// chooseImage picks the distroless image for the application's language.
func (m *migration) chooseImage() {
	inv, _, _, _ := deriveEntrypoint(m.df)
	facts, _, _ := deriveLanguage(m.df, inv)
	switch facts.language {
	case LanguageGo:
		if slices.Contains(facts.variants, "cc") {
			m.image = "gcr.io/distroless/base-debian12:nonroot"
		} else {
			m.image = "gcr.io/distroless/static-debian12:nonroot"
		}
	case LanguageRust:
		if facts.variants[0] == "static" {
			m.image = "gcr.io/distroless/static-debian12:nonroot"
		} else {
			m.image = "gcr.io/distroless/cc-debian12:nonroot"
		}
	case LanguageJava:
		m.image = "gcr.io/distroless/" + m.pickVersion("java", facts.version, []int{17, 21}, 21) + "-debian12:nonroot"
	case LanguageNode:
		m.image = "gcr.io/distroless/" + m.pickVersion("nodejs", facts.version, []int{20, 22, 24}, 22) + "-debian12:nonroot"
	case LanguagePython:
		m.image = "gcr.io/distroless/python3-debian12:nonroot"
	default:
		m.image = "gcr.io/distroless/base-debian12:nonroot"
		m.note("the language could not be derived, so the final stage uses the glibc base image")
	}
}

// pickVersion returns name followed by the first available version at or
// above version, or by fallback when version is unknown or newer than all.
func (m *migration) pickVersion(name, version string, available []int, fallback int) string {
	want, err := strconv.Atoi(version)
	if err != nil {
		return name + strconv.Itoa(fallback)
	}
	for _, v := range available {
		if v >= want {
			if v != want {
				m.note("%s %d has no distroless image; the final stage uses %s%d", name, want, name, v)
			}
			return name + strconv.Itoa(v)
		}
	}
	m.note("%s %d has no distroless image on Debian 12; the final stage uses %s%d", name, want, name, fallback)
	return name + strconv.Itoa(fallback)
}

// buildCommands build, install or download application code. Their output
// lives in the final stage's file system, so a RUN that uses one cannot be
// dropped.
var buildCommands = map[string]bool{
	"npm": true, "npx": true, "yarn": true, "pnpm": true, "bun": true, "node": true,
	"pip": true, "pip3": true, "uv": true, "poetry": true, "pipenv": true, "python": true, "python3": true,
	"go": true, "cargo": true, "rustup": true, "mvn": true, "mvnw": true, "gradle": true, "gradlew": true,
	"make": true, "cmake": true, "gcc": true, "bundle": true, "gem": true, "composer": true,
	"wget": true, "curl": true, "git": true, "tar": true, "unzip": true, "javac": true, "jar": true,
}

// buildsInFinalStage reports whether a RUN of the final stage does more
// than install packages or keep house: it runs a build tool, a download or
// a program of the application, whose output the distroless stage must
// copy.
func (m *migration) buildsInFinalStage() bool {
	for _, c := range m.final.Commands {
		run, ok := c.(*instructions.RunCommand)
		if !ok {
			continue
		}
		for _, command := range splitCommands(runText(run)) {
			words := strings.Fields(command)
			for len(words) > 0 && isAssignment(words[0]) {
				words = words[1:]
			}
			if len(words) == 0 {
				continue
			}
			first := strings.Trim(words[0], `"'(`)
			if buildCommands[path.Base(first)] || strings.HasPrefix(first, "./") {
				return true
			}
		}
	}
	return false
}

// writeBuildStage writes the original final stage, renamed, as a build
// stage. Only its FROM line changes.
func (m *migration) writeBuildStage(b *strings.Builder) {
	m.buildStage = m.uniqueStageName(nameOr(m.final.Name, "app") + "-build")
	b.WriteString(fromLine(m.final.Platform, m.final.BaseName, m.buildStage) + "\n")
	if len(m.final.nodes) > 0 {
		b.WriteString(m.df.Text(m.final.from.EndLine+1, m.final.EndLine))
	}
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteString("\n")
	}
	b.WriteString("\n")
	m.note("the final stage builds the application in RUN instructions, so it is kept as build stage %q and the distroless stage copies its working directory", m.buildStage)
}

func nameOr(name, fallback string) string {
	if name != "" {
		return name
	}
	return fallback
}

func (m *migration) uniqueStageName(name string) string {
	usedNames := map[string]bool{}
	for _, st := range m.df.Stages {
		usedNames[st.Name] = true
	}
	unique := name
	for n := 2; usedNames[unique]; n++ {
		unique = fmt.Sprintf("%s-%d", name, n)
	}
	return unique
}

func fromLine(platform, base, name string) string {
	line := "FROM "
	if platform != "" {
		line += "--platform=" + platform + " "
	}
	line += base
	if name != "" {
		line += " AS " + name
	}
	return line
}

// libraryDir is the directory of Debian's shared libraries on amd64.
const libraryDir = "/usr/lib/x86_64-linux-gnu"

// writeLibraryStage moves the shared libraries that the final stage
// installed with apt into a Debian 12 stage, the release the distroless
// images are built from, and records the file patterns to copy. A package
// named lib<name><version> is taken to install lib<name>*.so*; other
// runtime packages are left for a person, with a note.
func (m *migration) writeLibraryStage(b *strings.Builder) {
	apt := aptPackages(m.df)
	var pkgs []string
	for _, pkg := range runtimePackages(m.df) {
		glob := libraryGlob(pkg)
		switch {
		case !apt[pkg]:
			m.note("the runtime package %s was not installed with apt, so it has no Debian name here; NOT MOVED", pkg)
		case glob == "":
			m.note("the runtime package %s is not a shared library whose files can be named; NOT MOVED", pkg)
		default:
			pkgs = append(pkgs, pkg)
			m.libraries = append(m.libraries, glob)
		}
	}
	if len(pkgs) == 0 {
		return
	}
	m.moved = pkgs
	m.libraryStage = m.uniqueStageName("runtime-libraries")
	fmt.Fprintf(b, "FROM debian:12-slim AS %s\n", m.libraryStage)
	fmt.Fprintf(b, "RUN apt-get update && apt-get install -y --no-install-recommends %s && rm -rf /var/lib/apt/lists/*\n\n", strings.Join(pkgs, " "))
	m.note("moved %s into stage %q and copies %s from %s, which builds for amd64 only and leaves out their own dependencies", strings.Join(pkgs, ", "), m.libraryStage, strings.Join(m.libraries, ", "), libraryDir)
}

// libraryGlob returns the file name pattern of a Debian shared-library
// package such as libpq5 (libpq*.so*), or "" for other packages.
func libraryGlob(pkg string) string {
	name, ok := strings.CutPrefix(pkg, "lib")
	if !ok {
		return ""
	}
	stem := strings.TrimRight(name, "0123456789.-")
	if stem == "" || stem == name {
		return ""
	}
	return "lib" + stem + "*.so*"
}

// aptPackages returns the packages the final image installs with apt-get
// or apt.
func aptPackages(df *Dockerfile) map[string]bool {
	out := map[string]bool{}
	for _, st := range df.Chain(df.Final().Index) {
		for _, c := range st.Commands {
			run, ok := c.(*instructions.RunCommand)
			if !ok {
				continue
			}
			for _, command := range splitCommands(runText(run)) {
				words := strings.Fields(command)
				for len(words) > 0 && isAssignment(words[0]) {
					words = words[1:]
				}
				if len(words) > 0 && (path.Base(words[0]) == "apt-get" || path.Base(words[0]) == "apt") {
					for _, pkg := range installedPackages(command) {
						out[pkg] = true
					}
				}
			}
		}
	}
	return out
}

// writeFinalStage writes the distroless final stage.
func (m *migration) writeFinalStage(b *strings.Builder) {
	b.WriteString(fromLine(m.final.Platform, m.image, m.final.Name) + "\n")
	for _, glob := range m.libraries {
		fmt.Fprintf(b, "COPY --from=%s %s/%s %s/\n", m.libraryStage, libraryDir, glob, libraryDir)
	}

	// The stages the final stage was built on through FROM <stage> do not
	// reach the distroless image, so their settings and copies move into it.
	chain := m.df.Chain(m.final.Index)
	workdir := ""
	for k := len(chain) - 1; k >= 0; k-- {
		st := chain[k]
		for n, c := range st.Commands {
			node := st.nodes[n]
			if w, ok := c.(*instructions.WorkdirCommand); ok {
				workdir = resolveWorkdir(workdir, w.Path)
			}
			if m.split {
				m.writeSplitInstruction(b, c, node, workdir)
			} else {
				m.writeInstruction(b, c, node)
			}
		}
	}
	entrypoint, cmd := m.planCommand()
	if m.split {
		dir := workdir
		if dir == "" {
			dir = "/"
			m.note("the build stage sets no WORKDIR, so the distroless stage copies its whole file system")
		}
		fmt.Fprintf(b, "COPY --from=%s %s %s\n", m.buildStage, dir, dir)
		// A program the build installed outside the working directory
		// needs its own copy.
		if len(entrypoint) > 0 && path.IsAbs(entrypoint[0]) && !pathCovers(dir, entrypoint[0]) && !strings.HasPrefix(entrypoint[0], "/nodejs/") && entrypoint[0] != "/usr/bin/python3" && path.Base(entrypoint[0]) != "java" {
			fmt.Fprintf(b, "COPY --from=%s %s %s\n", m.buildStage, entrypoint[0], entrypoint[0])
		}
	}
	writeCommand(b, entrypoint, cmd)
}

// writeInstruction writes one instruction of the original final image into
// the distroless stage, converted or dropped.
func (m *migration) writeInstruction(b *strings.Builder, c instructions.Command, node *parser.Node) {
	switch c := c.(type) {
	case *instructions.RunCommand:
		m.noteDroppedRun(c, node.StartLine)
	case *instructions.CmdCommand, *instructions.EntrypointCommand:
		// Written once at the end by writeCommand.
	case *instructions.ShellCommand:
		m.note("line %d: dropped SHELL, since the image has no shell", node.StartLine)
	case *instructions.UserCommand:
		m.note("line %d: dropped USER %s; the image runs as nonroot", node.StartLine, c.User)
	case *instructions.HealthCheckCommand:
		m.writeHealthcheck(b, c, node)
	case *instructions.CopyCommand, *instructions.AddCommand:
		b.WriteString(m.rewriteChown(m.rawText(node), node.StartLine))
	default:
		b.WriteString(m.rawText(node))
	}
}

// writeSplitInstruction writes one instruction of the original final image
// into the distroless stage when the original is kept as a build stage:
// settings stay, and only copies from outside the working directory are
// repeated, since the copy of the working directory brings the rest.
func (m *migration) writeSplitInstruction(b *strings.Builder, c instructions.Command, node *parser.Node, workdir string) {
	switch c := c.(type) {
	case *instructions.RunCommand, *instructions.ShellCommand, *instructions.UserCommand,
		*instructions.HealthCheckCommand, *instructions.CmdCommand, *instructions.EntrypointCommand:
		if _, isRun := c.(*instructions.RunCommand); !isRun {
			m.writeInstruction(b, c, node)
		}
	case *instructions.CopyCommand:
		if workdir == "" || !underDir(c.DestPath, workdir) {
			b.WriteString(m.rewriteChown(m.rawText(node), node.StartLine))
		}
	case *instructions.AddCommand:
		if workdir == "" || !underDir(c.DestPath, workdir) {
			b.WriteString(m.rewriteChown(m.rawText(node), node.StartLine))
		}
	default:
		b.WriteString(m.rawText(node))
	}
}

// underDir reports whether a COPY destination lands inside dir; relative
// destinations are relative to the working directory, so they do.
func underDir(dest, dir string) bool {
	if !path.IsAbs(dest) {
		return true
	}
	return pathCovers(dir, dest)
}

// rawText returns an instruction's original lines, with the comments the
// parser attached to it.
func (m *migration) rawText(node *parser.Node) string {
	text := m.df.Text(node.StartLine, node.EndLine)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return text
}

var chownFlag = regexp.MustCompile(`--chown=(\S+)`)

// rewriteChown replaces a --chown user or group that the distroless image
// does not have with nonroot.
func (m *migration) rewriteChown(text string, line int) string {
	return chownFlag.ReplaceAllStringFunc(text, func(flag string) string {
		owner := strings.TrimPrefix(flag, "--chown=")
		if unknownOwner(owner) == "" {
			return flag
		}
		m.note("line %d: --chown=%s became --chown=nonroot:nonroot", line, owner)
		return "--chown=nonroot:nonroot"
	})
}

// noteDroppedRun records what a dropped RUN did.
func (m *migration) noteDroppedRun(run *instructions.RunCommand, line int) {
	var provided, droppable, moved, runtime []string
	for _, pkg := range runPackages(run) {
		switch {
		case classifyPackage(pkg) == packageProvided:
			provided = append(provided, pkg)
		case classifyPackage(pkg) == packageDroppable:
			droppable = append(droppable, pkg)
		case slices.Contains(m.moved, pkg):
			moved = append(moved, pkg)
		default:
			runtime = append(runtime, pkg)
		}
	}
	msg := fmt.Sprintf("line %d: dropped RUN %s", line, clipText(runText(run)))
	if len(provided) > 0 {
		msg += fmt.Sprintf("; the distroless image already has %s", strings.Join(provided, ", "))
	}
	if len(droppable) > 0 {
		msg += fmt.Sprintf("; %s serve only a shell or a build and are not needed", strings.Join(droppable, ", "))
	}
	if len(moved) > 0 {
		msg += fmt.Sprintf("; %s moved to stage %q", strings.Join(moved, ", "), m.libraryStage)
	}
	if len(runtime) > 0 {
		msg += fmt.Sprintf("; NOT MOVED: %s", strings.Join(runtime, ", "))
	}
	m.notes = append(m.notes, msg)
}

// writeHealthcheck keeps an exec-form health check that runs the
// application, converts a simple shell-form one, and drops one that needs a
// shell or curl.
func (m *migration) writeHealthcheck(b *strings.Builder, c *instructions.HealthCheckCommand, node *parser.Node) {
	if c.Health == nil || len(c.Health.Test) == 0 || c.Health.Test[0] == "NONE" {
		b.WriteString(m.rawText(node))
		return
	}
	var argv []string
	switch c.Health.Test[0] {
	case "CMD":
		argv = c.Health.Test[1:]
	case "CMD-SHELL":
		script := strings.Join(c.Health.Test[1:], " ")
		if !IsSimpleCommand(script) {
			m.note("line %d: dropped HEALTHCHECK %s, since it needs a shell", node.StartLine, clipText(script))
			return
		}
		argv = strings.Fields(script)
	}
	if len(argv) == 0 || shells[path.Base(argv[0])] || healthTools[path.Base(argv[0])] {
		m.note("line %d: dropped HEALTHCHECK %s, since the image has no shell, curl or wget", node.StartLine, clipText(strings.Join(argv, " ")))
		return
	}
	flags := ""
	for _, f := range node.Flags {
		flags += f + " "
	}
	fmt.Fprintf(b, "HEALTHCHECK %sCMD %s\n", flags, execForm(argv))
}

func execForm(argv []string) string {
	data, err := json.Marshal(argv)
	if err != nil {
		panic("distroless: encode exec form: " + err.Error())
	}
	return string(data)
}

// planCommand returns the ENTRYPOINT and CMD of the distroless stage,
// either of which may be empty.
func (m *migration) planCommand() (entrypoint, cmd []string) {
	entrypoint, cmd, ok := m.df.entrypointAndCmd(m.final.Index)
	if !ok {
		m.note("the Dockerfile sets no ENTRYPOINT or CMD; the distroless stage sets none either")
		return nil, nil
	}
	entrypoint = m.convertArgv(entrypoint, "ENTRYPOINT")
	cmd = m.convertArgv(cmd, "CMD")

	// An entrypoint script cannot run without a shell. When CMD names a
	// program, the migrated image runs it directly.
	if inv, _ := Normalize(entrypoint); inv.Runtime == RuntimeShell && len(cmd) > 0 && looksLikeProgram(m.df, cmd[0]) {
		m.note("dropped the entrypoint script %s; the image runs CMD directly", inv.Program)
		entrypoint = nil
	}
	if len(entrypoint) == 0 && len(cmd) > 0 {
		entrypoint, cmd = cmd, nil
	}
	return m.mapInterpreter(entrypoint), cmd
}

// writeCommand writes the ENTRYPOINT and CMD of the distroless stage.
func writeCommand(b *strings.Builder, entrypoint, cmd []string) {
	if len(entrypoint) > 0 {
		fmt.Fprintf(b, "ENTRYPOINT %s\n", execForm(entrypoint))
	}
	if len(cmd) > 0 {
		fmt.Fprintf(b, "CMD %s\n", execForm(cmd))
	}
}

// convertArgv turns a command into exec form without init wrappers or a
// shell: a simple shell command is split into words, and a compound one is
// cut down to its last command with a note.
func (m *migration) convertArgv(argv []string, instruction string) []string {
	for len(argv) > 0 {
		base := path.Base(argv[0])
		switch {
		case initWrappers[base]:
			m.note("%s: dropped the init process %s", instruction, argv[0])
			argv = skipOptions(argv[1:])
			continue
		case shells[base] && len(argv) >= 3 && argv[1] == "-c":
			script := argv[2]
			if !IsSimpleCommand(script) {
				m.note("%s: the shell command %q cannot run without a shell, so only its last command is kept", instruction, clipText(script))
			}
			words, _ := scriptWords(script)
			for len(words) > 0 && words[0] == "exec" {
				words = words[1:]
			}
			argv = words
			continue
		}
		break
	}
	return argv
}

// mapInterpreter points a bare node at the distroless Node.js binary,
// which is not on PATH, and python at python3. A Python console script from
// a stage on the python image runs through python3 -m, since its #! line
// names an interpreter the distroless image lacks.
func (m *migration) mapInterpreter(argv []string) []string {
	if len(argv) == 0 {
		return argv
	}
	out := append([]string(nil), argv...)
	base := path.Base(out[0])
	switch {
	case base == "node" || base == "nodejs":
		out[0] = "/nodejs/bin/node"
	case pythonBinary.MatchString(base):
		out[0] = "/usr/bin/python3"
	case packageManagers[base]:
		m.note("the command starts %s, which distroless images lack; replace it with node and the script package.json names", out[0])
	case strings.Contains(m.image, "/python3-") && !shells[base]:
		if cp, ok := programSource(m.df, out[0]); ok && cp.FromStage >= 0 {
			if lang, _ := imageLanguage(m.df.Image(cp.FromStage).Base); lang == LanguagePython {
				m.note("%s is a Python console script; the image runs it as python3 -m %s", out[0], base)
				out = append([]string{"/usr/bin/python3", "-m", base}, out[1:]...)
			}
		}
	}
	return out
}
