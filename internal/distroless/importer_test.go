package distroless

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
)

var update = flag.Bool("update", false, "rewrite the bundled distroless cases from benches/distroless/sources")

const (
	// realDockerfiles holds 39 Dockerfiles from public projects with a
	// PROVENANCE.md. It lives outside the repository; tests that need it
	// skip when it is absent.
	realDockerfiles = "../../../shared/data/dockerfiles"
	bundledTaskDir  = "../../benches/distroless"
	bundledSources  = "../../benches/distroless/sources"
)

func realData(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(realDockerfiles); err != nil {
		t.Skipf("the real Dockerfiles are not at %s (%v); they come with the shared data set beside the repository", realDockerfiles, err)
	}
	return realDockerfiles
}

// wantRealSkips are the real Dockerfiles that give no case, by the start of
// the reason. The shell-script entrypoints hide the application's command,
// which a distroless image must run directly.
var wantRealSkips = map[string]string{
	"apache__flink-docker__2.2__scala_2.12-java17-ubuntu__Dockerfile.Dockerfile":        "the application is started by the shell script",
	"apache__rocketmq-docker__image-build__Dockerfile-ubuntu.Dockerfile":                "the application is started by the shell script",
	"apache__shenyu__shenyu-dist__shenyu-bootstrap-dist__docker__Dockerfile.Dockerfile": "the application is started by the shell script",
	"coder__code-server__ci__release-image__Dockerfile.Dockerfile":                      "the application is started by the shell script",
	"gogs__gogs__Dockerfile.Dockerfile":                                                 "the image runs the process supervisor s6-svscan",
	"gophish__gophish__Dockerfile.Dockerfile":                                           "the application is started by the shell script",
	"jenkinsci__docker__debian__Dockerfile.Dockerfile":                                  "the application is started by the shell script",
	"kestra-io__kestra__Dockerfile.Dockerfile":                                          "the application is started by the shell script",
	"meilisearch__meilisearch__Dockerfile.Dockerfile":                                   "the Rust binary is linked dynamically against musl",
	"pypiserver__pypiserver__Dockerfile.Dockerfile":                                     "the application is started by the shell script",
	"restic__restic__docker__Dockerfile.Dockerfile":                                     "the application is started by the shell script",
	"zulip__docker-zulip__Dockerfile.Dockerfile":                                        "the application is started by the shell script",
}

// The pinned outcome of importing the real Dockerfiles.
const (
	wantRealFiles = 39
	wantRealCases = 27
)

func TestImportRealDockerfiles(t *testing.T) {
	from := realData(t)
	out := filepath.Join(t.TempDir(), "distroless")
	report, err := Import(from, out)
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}

	if got := len(report.Cases) + len(report.Skipped); got != wantRealFiles {
		t.Errorf("cases + skips = %d, want %d: every Dockerfile gives a case or a skip", got, wantRealFiles)
	}
	if got := len(report.Cases); got != wantRealCases {
		t.Errorf("len(Cases) = %d, want %d", got, wantRealCases)
	}
	gotSkips := map[string]string{}
	for _, s := range report.Skipped {
		gotSkips[s.Source] = s.Reason
		want, ok := wantRealSkips[s.Source]
		if !ok {
			t.Errorf("unexpected skip of %s: %s", s.Source, s.Reason)
			continue
		}
		if !strings.HasPrefix(s.Reason, want) {
			t.Errorf("skip reason of %s = %q, want it to start with %q", s.Source, s.Reason, want)
		}
	}
	for name := range wantRealSkips {
		if _, ok := gotSkips[name]; !ok {
			t.Errorf("%s was imported, want a skip", name)
		}
	}
	if !report.TaskFileWritten {
		t.Errorf("TaskFileWritten = false, want a task.yaml in a fresh directory")
	}
	if len(report.Stale) != 0 {
		t.Errorf("Stale = %v, want none in a fresh directory", report.Stale)
	}

	tc := loadTaskClass(t, out)
	if len(tc.Cases) != wantRealCases {
		t.Errorf("bench.Load() found %d cases, want %d", len(tc.Cases), wantRealCases)
	}
	for _, c := range report.Cases {
		data, err := os.ReadFile(filepath.Join(out, "cases", c.ID, "workspace", "Dockerfile"))
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(from, c.Source))
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(src) {
			t.Errorf("case %s: workspace/Dockerfile is not a byte copy of %s", c.ID, c.Source)
		}
	}
}

func loadTaskClass(t *testing.T, dir string) *bench.TaskClass {
	t.Helper()
	reg := rubric.NewRegistry()
	Register(reg)
	tc, err := bench.Load(dir, reg)
	if err != nil {
		t.Fatalf("bench.Load(%s) error = %v", dir, err)
	}
	return tc
}

func TestImportIsDeterministic(t *testing.T) {
	from := realData(t)
	first := filepath.Join(t.TempDir(), "distroless")
	second := filepath.Join(t.TempDir(), "distroless")
	if _, err := Import(from, first); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(from, second); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(readTree(t, first), readTree(t, second)); diff != "" {
		t.Errorf("two imports differ (-first +second):\n%s", diff)
	}
	// A second import into the same directory rewrites the same bytes.
	if _, err := Import(from, first); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(readTree(t, second), readTree(t, first)); diff != "" {
		t.Errorf("re-import changed the output (-before +after):\n%s", diff)
	}
}

// readTree returns every regular file under dir by slash-separated path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestImportSkipsWithReasons(t *testing.T) {
	from := t.TempDir()
	writeFiles(t, from, map[string]string{
		"ok.Dockerfile":         origGo,
		"distroless.Dockerfile": goodGo,
		"scratch.Dockerfile":    goBuildStage + "FROM scratch\nCOPY --from=build /out/app /app\n",
		"busybox.Dockerfile":    "FROM busybox:1.36\nCMD [\"sh\"]\n",
		"unresolved.Dockerfile": "ARG BASE\nFROM $BASE\nCMD [\"/app\"]\n",
		"malformed.Dockerfile":  "FROM alpine\nCOPY onlyone\n",
		"empty.Dockerfile":      "",
		"huge.Dockerfile":       "FROM alpine\n" + strings.Repeat("RUN echo padding\n", 10<<20/17),
		"script.Dockerfile":     "FROM alpine\nCOPY run.sh /run.sh\nENTRYPOINT [\"/run.sh\"]\n",
		"README.md":             "not a Dockerfile",
		"Dockerfile":            "FROM debian:12\nCOPY app /app\nCMD [\"/app\"]\n",
		"Dockerfile.worker":     "FROM debian:12\nCOPY worker /worker\nCMD [\"/worker\"]\n",
	})
	out := filepath.Join(t.TempDir(), "imported")
	report, err := Import(from, out)
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}

	var ids []string
	for _, c := range report.Cases {
		ids = append(ids, c.ID)
	}
	if want := []string{"dockerfile", "dockerfile.worker", "ok"}; !cmp.Equal(ids, want) {
		t.Errorf("case ids = %v, want %v", ids, want)
	}
	wantReasons := map[string]string{
		"busybox.Dockerfile":    "runs on busybox",
		"distroless.Dockerfile": "already runs on a distroless image",
		"empty.Dockerfile":      "dockerfile is empty",
		"huge.Dockerfile":       "larger than 1048576 bytes",
		"malformed.Dockerfile":  "invalid dockerfile: line 2",
		"scratch.Dockerfile":    "built FROM scratch",
		"script.Dockerfile":     "the application is started by the shell script /run.sh",
		"unresolved.Dockerfile": "uses ARG BASE, which has no default",
	}
	if len(report.Skipped) != len(wantReasons) {
		t.Errorf("Skipped = %+v, want %d skips", report.Skipped, len(wantReasons))
	}
	for _, s := range report.Skipped {
		if want := wantReasons[s.Source]; want == "" || !strings.Contains(s.Reason, want) {
			t.Errorf("skip reason of %s = %q, want it to contain %q", s.Source, s.Reason, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "cases", "huge")); !os.IsNotExist(err) {
		t.Errorf("a skipped Dockerfile left a case directory (stat error %v)", err)
	}
}

func TestImportErrors(t *testing.T) {
	if _, err := Import(filepath.Join(t.TempDir(), "missing"), t.TempDir()); err == nil {
		t.Errorf("Import(missing directory) error = nil, want an error")
	}
	empty := t.TempDir()
	writeFiles(t, empty, map[string]string{"notes.txt": "x"})
	if _, err := Import(empty, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no Dockerfiles") {
		t.Errorf("Import(no Dockerfiles) error = %v, want one saying there are none", err)
	}
	from := t.TempDir()
	writeFiles(t, from, map[string]string{"a.Dockerfile": origGo})
	if _, err := Import(from, filepath.Join(t.TempDir(), "Bad Name")); err == nil {
		t.Errorf("Import(into a directory that is no task class name) error = nil, want an error")
	}
}

func TestImportReportsStaleCases(t *testing.T) {
	from := t.TempDir()
	writeFiles(t, from, map[string]string{"a.Dockerfile": origGo})
	out := filepath.Join(t.TempDir(), "distroless")
	writeFiles(t, out, map[string]string{
		"cases/old-case/case.yaml":   "kept",
		"cases/a/workspace/leftover": "removed",
		"task.yaml":                  "kept as it is",
	})
	report, err := Import(from, out)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(report.Stale, []string{"old-case"}) {
		t.Errorf("Stale = %v, want [old-case]", report.Stale)
	}
	if report.TaskFileWritten {
		t.Errorf("TaskFileWritten = true, want an existing task.yaml left alone")
	}
	tree := readTree(t, out)
	if _, ok := tree["cases/a/workspace/leftover"]; ok {
		t.Errorf("the regenerated case kept a file from the previous import")
	}
	if tree["cases/old-case/case.yaml"] != "kept" || tree["task.yaml"] != "kept as it is" {
		t.Errorf("Import changed files it does not own")
	}
}

func TestCaseID(t *testing.T) {
	tests := map[string]string{
		"gotify__server__docker__Dockerfile.Dockerfile": "gotify__server__docker",
		"tikv__tikv__Dockerfile.FIPS.Dockerfile":        "tikv__tikv__dockerfile.fips",
		"My Service.Dockerfile":                         "my-service",
		"Dockerfile":                                    "dockerfile",
		"__.Dockerfile":                                 "case",
		"-x.Dockerfile":                                 "x",
	}
	for name, want := range tests {
		if got := caseID(name); got != want {
			t.Errorf("caseID(%q) = %q, want %q", name, got, want)
		}
	}
	used := map[string]bool{}
	if a, b := uniqueID("x", used), uniqueID("x", used); a != "x" || b != "x-2" {
		t.Errorf("uniqueID twice = %q, %q; want x, x-2", a, b)
	}
}

// TestBundledCasesUpToDate regenerates the bundled cases from their
// sources and compares them with the committed ones. Run it with -update
// to rewrite the committed cases.
func TestBundledCasesUpToDate(t *testing.T) {
	if *update {
		report, err := Import(bundledSources, bundledTaskDir)
		if err != nil {
			t.Fatalf("rewrite bundled cases: %v", err)
		}
		for _, id := range report.Stale {
			t.Errorf("stale case %s: its source is gone; delete benches/distroless/cases/%s", id, id)
		}
	}
	out := filepath.Join(t.TempDir(), "distroless")
	report, err := Import(bundledSources, out)
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if len(report.Skipped) != 0 {
		t.Errorf("Skipped = %+v, want every bundled source to become a case", report.Skipped)
	}
	want := readTree(t, filepath.Join(out, "cases"))
	got := readTree(t, filepath.Join(bundledTaskDir, "cases"))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the committed cases differ from a fresh import (-import +committed):\n%s\n"+
			"If the sources or the importer changed on purpose, rewrite them with: go test ./internal/distroless -run TestBundledCasesUpToDate -update", diff)
	}
}

func TestBundledTaskClass(t *testing.T) {
	tc := loadTaskClass(t, bundledTaskDir)
	if tc.Name != "distroless" || tc.SUT.Name != BuiltinName || tc.Epochs != 1 {
		t.Errorf("task class = %s, SUT %s, epochs %d; want distroless, %s, 1", tc.Name, tc.SUT.Name, tc.Epochs, BuiltinName)
	}
	if tc.Gate.Threshold == nil {
		t.Errorf("gate.threshold is missing")
	}

	entries, err := os.ReadDir(bundledSources)
	if err != nil {
		t.Fatal(err)
	}
	if len(tc.Cases) != len(entries) || len(tc.Cases) < 25 {
		t.Errorf("%d cases from %d sources, want one case per source and at least 25", len(tc.Cases), len(entries))
	}

	languages := map[string]int{}
	for _, c := range tc.Cases {
		exp, ok, err := DecodeExpectations(c.Expectations)
		if err != nil || !ok {
			t.Errorf("case %s: expectations %s: ok %v, error %v", c.ID, c.Expectations, ok, err)
			continue
		}
		languages[exp.Language]++
	}
	for _, lang := range []string{LanguageGo, LanguageRust, LanguageNode, LanguagePython, LanguageJava} {
		if languages[lang] < 3 {
			t.Errorf("%d bundled cases in %s, want at least 3", languages[lang], lang)
		}
	}
	if languages[""] != 0 {
		t.Errorf("%d bundled cases have no derived language, want 0", languages[""])
	}
}

// TestBundledSourcesCoverFeatures checks that the sources exercise the
// shapes the bench must cover.
func TestBundledSourcesCoverFeatures(t *testing.T) {
	entries, err := os.ReadDir(bundledSources)
	if err != nil {
		t.Fatal(err)
	}
	features := map[string]int{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(bundledSources, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		df, err := ParseBytes(data)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		final := df.Final()
		if len(df.Stages) == 1 {
			features["single-stage"]++
		} else {
			features["multi-stage"]++
		}
		if final.BaseName != final.Base {
			features["ARG names the final base"]++
		}
		for _, c := range final.Commands {
			features[strings.ToUpper(c.Name())]++
			if cmd, ok := c.(*instructions.CmdCommand); ok && cmd.PrependShell {
				features["shell-form CMD"]++
			}
		}
		text := string(data)
		if strings.Contains(text, "HEALTHCHECK") && strings.Contains(text, "curl") {
			features["HEALTHCHECK with curl"]++
		}
		if strings.Contains(text, "apt-get install") || strings.Contains(text, "apk add") {
			features["package install"]++
		}
	}
	for _, f := range []string{"single-stage", "multi-stage", "ARG names the final base", "USER", "HEALTHCHECK with curl", "package install", "shell-form CMD", "RUN"} {
		if features[f] == 0 {
			t.Errorf("no bundled source has %s", f)
		}
	}
	names := make([]string, 0, len(features))
	for f := range features {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		t.Logf("%-28s %d", f, features[f])
	}
}
