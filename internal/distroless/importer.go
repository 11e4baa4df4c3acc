package distroless

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CaseSchemaVersion is the schema version of the case.yaml files Import
// writes; it is the one internal/bench reads.
const CaseSchemaVersion = "codegenie.eval.case/v1"

// TaskText is the task every imported case gives the SUT.
const TaskText = `Migrate ./Dockerfile so that its final stage runs on a distroless base image from gcr.io/distroless/.
Keep every build stage exactly as it is, keep every file the final stage copies in, and keep the command the image starts.
A distroless image has no shell and no package manager, so the final stage must not use RUN, SHELL, a shell-form CMD or ENTRYPOINT, or a HEALTHCHECK that needs a shell or curl.
Install the packages the application needs at run time in a build stage, and copy their files into the final stage.
Choose the variant that fits the application's language, and run as a non-root user.
`

// ImportReport lists the cases Import wrote and the files it left out.
type ImportReport struct {
	// Cases are the cases written, sorted by id.
	Cases []ImportedCase
	// Skipped are the Dockerfiles that did not become a case, sorted by
	// file name.
	Skipped []SkippedFile
	// TaskFileWritten is true when Import created outDir/task.yaml because
	// there was none.
	TaskFileWritten bool
	// Stale lists case directories under outDir/cases that this import did
	// not write, left in place for the caller to review.
	Stale []string
}

// ImportedCase is one case Import wrote.
type ImportedCase struct {
	ID       string
	Source   string // file name in the source directory
	Language string // "" when it could not be derived
	// Notes list what could not be derived or was guessed.
	Notes []string
}

// SkippedFile is a Dockerfile that did not become a case.
type SkippedFile struct {
	Source string
	Reason string
}

// caseFile is case.yaml as Import writes it; internal/bench reads it.
type caseFile struct {
	SchemaVersion string       `yaml:"schema_version"`
	Task          string       `yaml:"task"`
	Metadata      caseMetadata `yaml:"metadata"`
	Expectations  Expectations `yaml:"expectations"`
}

// caseMetadata is the public part of a case, which the SUT receives.
type caseMetadata struct {
	Source    string `yaml:"source"`
	FinalBase string `yaml:"final_base"`
	Stages    int    `yaml:"stages"`
}

// Import turns every Dockerfile in fromDir (files named *.Dockerfile,
// Dockerfile or Dockerfile.*, not subdirectories) into a case under
// outDir/cases/<case id>/, with case.yaml and workspace/Dockerfile, a byte
// copy of the input. It creates outDir/task.yaml when there is none. The
// output depends only on the input files. Import rewrites the case
// directories it produces and leaves other directories under outDir/cases
// alone, listing them in ImportReport.Stale.
func Import(fromDir, outDir string) (ImportReport, error) {
	var report ImportReport
	names, err := dockerfileNames(fromDir)
	if err != nil {
		return report, err
	}
	if len(names) == 0 {
		return report, fmt.Errorf("import dockerfiles: no Dockerfiles in %s: name them NAME.Dockerfile, Dockerfile or Dockerfile.NAME", fromDir)
	}

	casesDir := filepath.Join(outDir, "cases")
	if err := os.MkdirAll(casesDir, 0o755); err != nil {
		return report, fmt.Errorf("import dockerfiles: %w", err)
	}
	used := map[string]bool{}
	for _, name := range names {
		data, df, reason := readSource(filepath.Join(fromDir, name))
		var d Derivation
		if reason == "" {
			d = Derive(df)
			reason = d.Skip
		}
		if reason != "" {
			report.Skipped = append(report.Skipped, SkippedFile{Source: name, Reason: reason})
			continue
		}

		id := uniqueID(caseID(name), used)
		if err := writeCase(filepath.Join(casesDir, id), name, data, df, d); err != nil {
			return report, fmt.Errorf("import dockerfiles: case %s from %s: %w", id, name, err)
		}
		report.Cases = append(report.Cases, ImportedCase{ID: id, Source: name, Language: d.Expectations.Language, Notes: d.Notes})
	}
	sort.Slice(report.Cases, func(i, j int) bool { return report.Cases[i].ID < report.Cases[j].ID })

	written, err := writeTaskFileIfMissing(outDir)
	if err != nil {
		return report, fmt.Errorf("import dockerfiles: %w", err)
	}
	report.TaskFileWritten = written

	entries, err := os.ReadDir(casesDir)
	if err != nil {
		return report, fmt.Errorf("import dockerfiles: %w", err)
	}
	for _, e := range entries {
		if !used[e.Name()] {
			report.Stale = append(report.Stale, e.Name())
		}
	}
	return report, nil
}

// dockerfileNames returns the names of the Dockerfiles in dir, sorted.
func dockerfileNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("import dockerfiles: read source directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if strings.HasSuffix(name, ".Dockerfile") || name == "Dockerfile" || strings.HasPrefix(name, "Dockerfile.") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names, nil
}

// readSource reads and parses one Dockerfile, returning a skip reason
// instead of an error for input that is not a usable Dockerfile.
func readSource(path string) (data []byte, df *Dockerfile, reason string) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Sprintf("cannot be read: %v", err)
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, MaxDockerfileBytes+1))
	if err != nil {
		return nil, nil, fmt.Sprintf("cannot be read: %v", err)
	}
	df, err = ParseBytes(data)
	if err != nil {
		return nil, nil, err.Error()
	}
	return data, df, ""
}

var (
	caseIDInvalid = regexp.MustCompile(`[^a-z0-9._-]+`)
	caseIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
)

// caseID derives a case id from a Dockerfile's file name:
// "gotify__server__docker__Dockerfile.Dockerfile" gives
// "gotify__server__docker".
func caseID(name string) string {
	id := strings.ToLower(strings.TrimSuffix(name, ".Dockerfile"))
	id = caseIDInvalid.ReplaceAllString(id, "-")
	if trimmed := strings.TrimSuffix(id, "__dockerfile"); trimmed != "" {
		id = trimmed
	}
	id = strings.TrimLeft(id, "._-")
	if !caseIDPattern.MatchString(id) {
		return "case"
	}
	return id
}

func uniqueID(id string, used map[string]bool) string {
	unique := id
	for n := 2; used[unique]; n++ {
		unique = fmt.Sprintf("%s-%d", id, n)
	}
	used[unique] = true
	return unique
}

func writeCase(dir, source string, data []byte, df *Dockerfile, d Derivation) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "workspace"), 0o755); err != nil {
		return err
	}
	cf := caseFile{
		SchemaVersion: CaseSchemaVersion,
		Task:          TaskText,
		Metadata: caseMetadata{
			Source:    source,
			FinalBase: df.Image(df.Final().Index).BaseName,
			Stages:    len(df.Stages),
		},
		Expectations: d.Expectations,
	}
	cf.Expectations.Notes = d.Notes
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(cf); err != nil {
		return fmt.Errorf("encode case.yaml: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encode case.yaml: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "case.yaml"), buf.Bytes()); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "workspace", "Dockerfile"), data)
}

// TaskFile is the task.yaml Import writes when the output directory has
// none, with %s standing for the task class name.
const TaskFile = `schema_version: codegenie.eval.task_class/v1
name: %s
description: Move the final stage of a Dockerfile onto a distroless base image without breaking it.
sut:
  name: distroless-migrate
  argv: ["builtin:distroless-migrate"]
timeout: 60s
epochs: 1
gate:
  threshold: 0.5
rubric:
  scoring: binary
  checks:
    - id: migrated
      kind: distroless_migration
`

func writeTaskFileIfMissing(outDir string) (bool, error) {
	path := filepath.Join(outDir, "task.yaml")
	if _, err := os.Stat(path); err == nil {
		return false, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	abs, err := filepath.Abs(outDir)
	if err != nil {
		return false, err
	}
	name := filepath.Base(abs)
	if !caseIDPattern.MatchString(name) {
		return false, fmt.Errorf("cannot write task.yaml: the directory name %q is not a valid task class name ([a-z0-9][a-z0-9._-]*)", name)
	}
	return true, writeFileAtomic(path, []byte(fmt.Sprintf(TaskFile, name)))
}

// writeFileAtomic writes data to a temporary file beside path, syncs it
// and renames it into place, so a reader never sees a half-written file.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
