package distroless

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// Expectations are the private facts of one case, written by the importer
// into case.yaml and read by the distroless_migration check. Only the
// rubric sees them.
//
//	dockerfile: Dockerfile
//	language: go
//	variants: [static, base, base-nossl]
//	entrypoint: {program: ./gotify-app, args: [serve]}
//	artefacts:
//	  - {from: builder, source: /target, dest: /}
//
// Unknown members are rejected.
type Expectations struct {
	// Dockerfile is the path of the Dockerfile in the workspace, with '/'.
	Dockerfile string `json:"dockerfile" yaml:"dockerfile"`
	// Language is go, rust, java, node or python; empty when unknown, and
	// then the variant is not checked.
	Language string `json:"language,omitempty" yaml:"language,omitempty"`
	// Variants are the distroless families that fit the application. When
	// empty, the check uses the defaults of Language.
	Variants []string `json:"variants,omitempty" yaml:"variants,omitempty"`
	// RuntimeVersion is the Java or Node.js major version, or the Python
	// major.minor version, of the original image. A distroless image of
	// another version is recorded, and an older Java fails the check.
	RuntimeVersion string `json:"runtime_version,omitempty" yaml:"runtime_version,omitempty"`
	// Entrypoint is the application the image starts; nil when the
	// original sets no command, and then it is not checked.
	Entrypoint *Invocation `json:"entrypoint,omitempty" yaml:"entrypoint,omitempty"`
	// Artefacts are the files the original final stage copied in, which
	// the migrated final stage must still copy.
	Artefacts []Artefact `json:"artefacts,omitempty" yaml:"artefacts,omitempty"`
	// Packages are the operating-system packages the original final stage
	// installed that the application may need at run time. Each must be
	// installed in a build stage the migrated final stage copies from.
	Packages []string `json:"packages,omitempty" yaml:"packages,omitempty"`
	// Notes are the importer's remarks on what it could not derive, for
	// people reading the case. The check ignores them.
	Notes []string `json:"notes,omitempty" yaml:"notes,omitempty"`
}

// Artefact is one source of a COPY or ADD in the original final stage.
type Artefact struct {
	// From is the stage name, the stage index or the image of --from, or
	// empty for the build context.
	From   string `json:"from,omitempty" yaml:"from,omitempty"`
	Source string `json:"source" yaml:"source"`
	// Dest is the absolute destination, resolved against the WORKDIR in
	// effect at the COPY.
	Dest string `json:"dest" yaml:"dest"`
}

// DefaultVariants returns the distroless families that fit an application
// in lang: static or base for a Go binary, java, nodejs or python3 for the
// interpreted languages, and cc for a Rust binary linked against glibc (the
// importer chooses static for a statically linked one).
func DefaultVariants(lang string) []string {
	switch lang {
	case LanguageGo:
		return []string{"static", "base", "base-nossl"}
	case LanguageRust:
		return []string{"cc"}
	case LanguageJava:
		return []string{"java"}
	case LanguageNode:
		return []string{"nodejs"}
	case LanguagePython:
		return []string{"python3"}
	}
	return nil
}

// DecodeExpectations decodes the expectations member of case.yaml as the
// rubric receives it (JSON). "null" gives ok false.
func DecodeExpectations(raw json.RawMessage) (exp Expectations, ok bool, err error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return Expectations{}, false, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&exp); err != nil {
		return Expectations{}, false, fmt.Errorf("invalid distroless expectations: %w", err)
	}
	if err := exp.Validate(); err != nil {
		return Expectations{}, false, err
	}
	return exp, true, nil
}

// Validate returns an error when the expectations cannot be checked.
func (e Expectations) Validate() error {
	if e.Dockerfile != "" && (!fs.ValidPath(e.Dockerfile) || e.Dockerfile == ".") {
		return fmt.Errorf("invalid distroless expectations: dockerfile %q is not a slash-separated path inside the workspace", e.Dockerfile)
	}
	switch e.Language {
	case "", LanguageGo, LanguageRust, LanguageJava, LanguageNode, LanguagePython:
	default:
		return fmt.Errorf("invalid distroless expectations: unknown language %q (use go, rust, java, node or python)", e.Language)
	}
	for i, a := range e.Artefacts {
		if a.Source == "" {
			return fmt.Errorf("invalid distroless expectations: artefacts[%d] has no source", i)
		}
	}
	return nil
}

// Derivation is the result of Derive on an original Dockerfile.
type Derivation struct {
	Expectations Expectations
	// Notes list what could not be derived or was guessed, one sentence
	// each.
	Notes []string
	// Skip, when not empty, is the reason the Dockerfile cannot be a case.
	Skip string
}

// supervisors run programs listed in files that a Dockerfile does not show.
var supervisors = map[string]bool{"s6-svscan": true, "supervisord": true, "runsvdir": true, "s6-overlay": true}

// Derive reads the expectations of a case from its original Dockerfile:
// the language, the application's entrypoint and the artefacts of the final
// stage, and the runtime packages it installed. It returns no error: what
// it cannot derive goes to Notes, and a Dockerfile that cannot be a case
// gets a Skip reason.
func Derive(df *Dockerfile) Derivation {
	var d Derivation
	d.Expectations.Dockerfile = "Dockerfile"
	final := df.Final()
	root := df.Image(final.Index)

	switch {
	case len(root.Unresolved) > 0:
		d.Skip = fmt.Sprintf("the final stage's base image %q uses ARG %s, which has no default", root.BaseName, strings.Join(root.Unresolved, ", "))
		return d
	case IsDistroless(root.Base):
		d.Skip = fmt.Sprintf("the final stage already runs on a distroless image (%s)", root.Base)
		return d
	case strings.EqualFold(root.Base, "scratch"):
		d.Skip = "the final stage is built FROM scratch, which has no distribution to remove"
		return d
	case parseImageRef(root.Base).name() == "busybox":
		d.Skip = fmt.Sprintf("the final stage runs on busybox (%s), not on a full distribution", root.Base)
		return d
	}

	inv, excluded, skip, notes := deriveEntrypoint(df)
	d.Notes = append(d.Notes, notes...)
	if skip != "" {
		d.Skip = skip
		return d
	}
	d.Expectations.Entrypoint = inv

	lang, langNotes, skip := deriveLanguage(df, inv)
	d.Notes = append(d.Notes, langNotes...)
	if skip != "" {
		d.Skip = skip
		return d
	}
	d.Expectations.Language = lang.language
	d.Expectations.Variants = lang.variants
	d.Expectations.RuntimeVersion = lang.version

	d.Expectations.Artefacts, notes = deriveArtefacts(df, excluded)
	d.Notes = append(d.Notes, notes...)
	d.Expectations.Packages = runtimePackages(df)
	return d
}

// deriveEntrypoint returns the expected invocation, the base name of an
// entrypoint script left out of it (whose COPY is then no artefact), and a
// skip reason when the application cannot be named.
func deriveEntrypoint(df *Dockerfile) (inv *Invocation, excluded, skip string, notes []string) {
	final := df.Final()
	entrypoint, cmd, ok := df.entrypointAndCmd(final.Index)
	if !ok {
		return nil, "", "", []string{"the Dockerfile sets no ENTRYPOINT or CMD, so the image runs its base image's default command and the entrypoint is not checked"}
	}

	full, notes := Normalize(append(slices.Clone(entrypoint), cmd...))
	if supervisors[path.Base(full.Program)] {
		return nil, "", fmt.Sprintf("the image runs the process supervisor %s, and the programs it starts are not in the Dockerfile", path.Base(full.Program)), notes
	}
	if full.Runtime == RuntimeShell {
		script := full.Program
		if len(cmd) == 0 || !looksLikeProgram(df, cmd[0]) {
			return nil, "", fmt.Sprintf("the application is started by the shell script %s, which a distroless image cannot run, and the command the script runs is not in the Dockerfile", script), notes
		}
		var cmdNotes []string
		full, cmdNotes = Normalize(cmd)
		notes = append(notes, cmdNotes...)
		notes = append(notes, fmt.Sprintf("the entrypoint script %s is left out of the expected entrypoint, and the application is taken from CMD", script))
		excluded = path.Base(script)
		if supervisors[path.Base(full.Program)] {
			return nil, "", fmt.Sprintf("the image runs the process supervisor %s, and the programs it starts are not in the Dockerfile", path.Base(full.Program)), notes
		}
		if full.Runtime == RuntimeShell {
			return nil, "", fmt.Sprintf("the application is started by the shell script %s, which a distroless image cannot run", full.Program), notes
		}
	}
	if full.Runtime == RuntimeNode && packageManagers[path.Base(full.Program)] {
		notes = append(notes, fmt.Sprintf("the image starts the application with %s, which distroless images lack; any program run by node is accepted", full.String()))
		full = Invocation{Runtime: RuntimeNode}
	}
	if full.Program == "" && full.Runtime == RuntimeNative {
		return nil, "", "", append(notes, "the command is empty, so the entrypoint is not checked")
	}
	return &full, excluded, "", notes
}

// knownPrograms are commands that an entrypoint script commonly receives
// in CMD to exec: interpreters and application servers.
var knownPrograms = map[string]bool{
	"java": true, "node": true, "nodejs": true, "npm": true, "yarn": true, "pnpm": true,
	"uwsgi": true, "gunicorn": true, "uvicorn": true, "celery": true, "hypercorn": true,
	"daphne": true, "fastapi": true, "flask": true,
}

// looksLikeProgram reports whether word, the first word of a CMD after an
// entrypoint script, names a program rather than an argument of the script:
// a path, an interpreter or server, a file the final stage copies, or a
// package its RUN instructions install.
func looksLikeProgram(df *Dockerfile, word string) bool {
	if word == "" || strings.HasPrefix(word, "-") {
		return false
	}
	if strings.Contains(word, "/") || knownPrograms[word] || pythonBinary.MatchString(word) {
		return true
	}
	for _, st := range df.Chain(df.Final().Index) {
		for _, cp := range df.Copies(st.Index) {
			if path.Base(cp.Dest) == word {
				return true
			}
			for _, src := range cp.Sources {
				if path.Base(src) == word {
					return true
				}
			}
		}
		for _, c := range st.Commands {
			run, ok := c.(*instructions.RunCommand)
			if !ok || !strings.Contains(runText(run), "install") {
				continue
			}
			for _, tok := range strings.Fields(runText(run)) {
				if strings.HasPrefix(strings.Trim(tok, `"'`), word) {
					return true
				}
			}
		}
	}
	return false
}

func runText(run *instructions.RunCommand) string {
	text := strings.Join(run.CmdLine, " ")
	for _, f := range run.Files {
		text += "\n" + f.Data
	}
	return text
}

type languageFacts struct {
	language string
	variants []string
	version  string
}

var (
	goCommand     = regexp.MustCompile(`\bgo (build|install|test|run|mod|generate)\b`)
	cargoCommand  = regexp.MustCompile(`\b(cargo (build|install|chef)|rustup)\b`)
	javaCommand   = regexp.MustCompile(`\b(mvn|mvnw|gradle|gradlew|jlink|javac)\b`)
	pythonCommand = regexp.MustCompile(`\b(pip3?|uv|poetry|pipenv) (install|sync|wheel)\b`)
	nodeCommand   = regexp.MustCompile(`\b(npm|yarn|pnpm|bun)\b`)
	cgoEnabled    = regexp.MustCompile(`CGO_ENABLED=1`)
	muslTarget    = regexp.MustCompile(`-unknown-linux-musl`)
	noCrtStatic   = regexp.MustCompile(`target-feature=-crt-static`)
)

// deriveLanguage decides the application's language, by the runtime of
// its entrypoint, then the stage that builds the entrypoint's program, then
// the final image, then the stages the final stage copies from.
func deriveLanguage(df *Dockerfile, inv *Invocation) (facts languageFacts, notes []string, skip string) {
	final := df.Final()
	finalLang, finalVersion := imageLanguage(df.Image(final.Index).Base)

	lang := ""
	provider := -1
	switch {
	case inv != nil && inv.Runtime == RuntimeJava:
		lang = LanguageJava
	case inv != nil && inv.Runtime == RuntimeNode:
		lang = LanguageNode
	case inv != nil && inv.Runtime == RuntimePython:
		lang = LanguagePython
	}
	if inv != nil && inv.Program != "" {
		provider = providerStage(df, inv.Program)
	}
	if lang == "" && provider >= 0 {
		lang = stageLanguage(df, provider)
	}
	if lang == "" {
		lang = finalLang
	}
	if lang == "" {
		lang = copiedLanguage(df)
	}
	if lang == "" {
		return facts, []string{"the language could not be derived, so the variant is not checked"}, ""
	}

	facts.language = lang
	facts.variants = DefaultVariants(lang)
	if lang == finalLang {
		facts.version = finalVersion
	}
	if facts.version == "" && (lang == LanguageJava || lang == LanguageNode || lang == LanguagePython) && provider >= 0 {
		if l, v := imageLanguage(df.Image(provider).Base); l == lang {
			facts.version = v
		}
	}

	switch lang {
	case LanguageGo:
		if provider >= 0 && cgoEnabled.MatchString(stageText(df, provider)) {
			facts.variants = []string{"static", "base", "base-nossl", "cc"}
			notes = append(notes, "the Go build sets CGO_ENABLED=1, so cc is accepted too")
		}
	case LanguageRust:
		stage := provider
		if stage < 0 {
			stage = firstCopiedStage(df, LanguageRust)
		}
		if stage < 0 {
			notes = append(notes, "the Rust build stage was not found, so the binary is assumed to link against glibc (variant cc)")
			break
		}
		text := stageText(df, stage)
		musl := muslTarget.MatchString(text) || strings.Contains(df.Image(stage).Base, "alpine")
		switch {
		case musl && noCrtStatic.MatchString(text):
			return facts, notes, "the Rust binary is linked dynamically against musl (an alpine build with -crt-static), which no distroless image provides, so the image cannot be migrated without changing a build stage"
		case musl:
			facts.variants = []string{"static", "base", "base-nossl"}
		}
	}
	return facts, notes, ""
}

// providerStage returns the stage from which the final image copies the
// file program names, or -1.
func providerStage(df *Dockerfile, program string) int {
	name := path.Base(program)
	for _, st := range df.Chain(df.Final().Index) {
		for _, cp := range df.Copies(st.Index) {
			if cp.FromStage < 0 {
				continue
			}
			if path.Base(cp.Dest) == name {
				return cp.FromStage
			}
			for _, src := range cp.Sources {
				if path.Base(src) == name {
					return cp.FromStage
				}
			}
		}
	}
	return -1
}

// stageLanguage returns the language that stage i builds: its image's, or
// failing that the one its RUN commands use.
func stageLanguage(df *Dockerfile, i int) string {
	if lang, _ := imageLanguage(df.Image(i).Base); lang != "" {
		return lang
	}
	text := stageText(df, i)
	switch {
	case goCommand.MatchString(text):
		return LanguageGo
	case cargoCommand.MatchString(text):
		return LanguageRust
	case javaCommand.MatchString(text):
		return LanguageJava
	case pythonCommand.MatchString(text):
		return LanguagePython
	case nodeCommand.MatchString(text):
		return LanguageNode
	}
	return ""
}

// stageText returns the RUN and ENV text of stage i and of the stages it is
// built on.
func stageText(df *Dockerfile, i int) string {
	var b strings.Builder
	for _, st := range df.Chain(i) {
		for _, c := range st.Commands {
			switch c := c.(type) {
			case *instructions.RunCommand:
				b.WriteString(runText(c) + "\n")
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					b.WriteString(kv.Key + "=" + kv.Value + "\n")
				}
			}
		}
	}
	return b.String()
}

// languagePriority orders the languages of copied stages: compiled
// binaries first, then runtimes, then Node.js, which often only builds
// web assets.
var languagePriority = []string{LanguageGo, LanguageRust, LanguageJava, LanguagePython, LanguageNode}

// copiedLanguage returns the language of the stages the final image copies
// from, by languagePriority, or "".
func copiedLanguage(df *Dockerfile) string {
	for _, lang := range languagePriority {
		if firstCopiedStage(df, lang) >= 0 {
			return lang
		}
	}
	return ""
}

func firstCopiedStage(df *Dockerfile, lang string) int {
	for _, st := range df.Chain(df.Final().Index) {
		for _, cp := range df.Copies(st.Index) {
			if cp.FromStage >= 0 && stageLanguage(df, cp.FromStage) == lang {
				return cp.FromStage
			}
		}
	}
	return -1
}

// deriveArtefacts lists every source the final image's stages copy in,
// except heredocs and the entrypoint script named excluded.
func deriveArtefacts(df *Dockerfile, excluded string) ([]Artefact, []string) {
	var out []Artefact
	var notes []string
	chain := df.Chain(df.Final().Index)
	for k := len(chain) - 1; k >= 0; k-- {
		for _, cp := range df.Copies(chain[k].Index) {
			from := cp.From
			if cp.FromStage >= 0 {
				from = stageRef(df.Stages[cp.FromStage])
			}
			for _, src := range cp.Sources {
				if strings.HasPrefix(src, "<<") {
					continue
				}
				if excluded != "" && (path.Base(src) == excluded || path.Base(cp.Dest) == excluded) {
					notes = append(notes, fmt.Sprintf("the copy of the entrypoint script %s is not an expected artefact", src))
					continue
				}
				out = append(out, Artefact{From: from, Source: src, Dest: cp.AbsDest})
			}
		}
	}
	return out, notes
}

// stageRef names a stage for Artefact.From: its name, or its index.
func stageRef(st *Stage) string {
	if st.Name != "" {
		return st.Name
	}
	return strconv.Itoa(st.Index)
}
