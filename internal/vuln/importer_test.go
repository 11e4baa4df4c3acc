package vuln

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/mod/modfile"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
)

// goEntry is one affected entry of a synthetic OSV record.
func goEntry(module string, imports []string, ranges ...string) string {
	var imp string
	if imports != nil {
		var parts []string
		for _, p := range imports {
			parts = append(parts, fmt.Sprintf(`{"path": %q}`, p))
		}
		imp = fmt.Sprintf(`, "ecosystem_specific": {"imports": [%s]}`, strings.Join(parts, ", "))
	}
	return fmt.Sprintf(`{"package": {"name": %q, "ecosystem": "Go"}, "ranges": [%s]%s}`, module, strings.Join(ranges, ", "), imp)
}

// semverJSON is one SEMVER range from alternating kind/version pairs.
func semverJSON(kv ...string) string {
	var events []string
	for i := 0; i+1 < len(kv); i += 2 {
		events = append(events, fmt.Sprintf(`{%q: %q}`, kv[i], kv[i+1]))
	}
	return fmt.Sprintf(`{"type": "SEMVER", "events": [%s]}`, strings.Join(events, ", "))
}

func recordJSON(id string, entries ...string) string {
	return fmt.Sprintf(`{"schema_version": "1.3.1", "id": %q, "aliases": ["CVE-2099-%s"], "summary": "ignored", "affected": [%s]}`,
		id, id[len(id)-4:], strings.Join(entries, ", "))
}

// writeFiles writes name -> content into dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// syntheticRecords holds one record per trap the importer must handle.
func syntheticRecords() map[string]string {
	return map[string]string{
		"GO-2099-0001.json": recordJSON("GO-2099-0001", goEntry("example.com/reint",
			[]string{"example.com/reint/internal/x", "example.com/reint/pkg"},
			semverJSON(in, "0", fx, "1.2.0", in, "1.3.0", fx, "1.3.2"))),
		"GO-2099-0002.json": recordJSON("GO-2099-0002",
			goEntry("stdlib", []string{"net/http"}, semverJSON(in, "0", fx, "1.20.1")),
			goEntry("toolchain", nil, semverJSON(in, "0", fx, "1.20.1")),
			goEntry("golang.org/x/net", []string{"golang.org/x/net/html"}, semverJSON(in, "0.7.0", fx, "0.13.0"))),
		"GO-2099-0003.json": recordJSON("GO-2099-0003",
			`{"package": {"name": "requests", "ecosystem": "PyPI"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]}`),
		"GO-2099-0004.json": `{"id": "GO-2099-0004", "withdrawn": "2099-01-01T00:00:00Z", "affected": []}`,
		"bad.json":          `{"id": "GO-2099-0005", "affected": [`,
		"GO-2099-0006.json": recordJSON("GO-2099-0006",
			`{"package": {"name": "example.com/git", "ecosystem": "Go"}, "ranges": [{"type": "GIT", "repo": "https://example.com/git", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}]}`),
		"GO-2099-0007.json": recordJSON("GO-2099-0007", goEntry("example.com/lastonly", nil, semverJSON(in, "1.0.0", la, "1.2.0"))),
		"GO-2099-0008.json": recordJSON("GO-2099-0008", goEntry("gopkg.in/yaml.v3", []string{"gopkg.in/yaml.v3"},
			semverJSON(in, "0", fx, "3.0.0-20220521103104-8f96da9f5d5e"))),
		"GO-2099-0009.json": recordJSON("GO-2099-0009",
			goEntry("example.com/mod/v2", nil, semverJSON(in, "2.0.1", fx, "2.0.8")),
			goEntry("example.com/mod", nil, semverJSON(in, "0", fx, "1.0.0"))),
		"GO-2099-0010.json": recordJSON("GO-2099-0010", goEntry("example.com/dns", nil,
			semverJSON(in, "0", fx, "1.1.25-0.20191211073109-8ebf2e419df7"))),
		"GO-2099-0011.json": recordJSON("GO-2099-0011", goEntry("example.com/dist", nil,
			semverJSON(in, "0", fx, "2.8.1-0.20220101000000-0123456789ab+incompatible"))),
		"GO-2099-0012.json": recordJSON("GO-2099-0012", goEntry("example.com/la", nil,
			semverJSON(in, "0", fx, "1.9.0"), semverJSON(in, "1.0.0", la, "1.2.0"))),
		"GO-2099-0013.json": recordJSON("GO-2099-0013", goEntry("example.com/open", nil,
			semverJSON(in, "0", fx, "1.0.0", in, "2.0.0+incompatible"))),
		"GO-2099-0014.json": `{"id": "GO-2099-0014", "affected": []}`,
		"GO-2099-0015.json": recordJSON("GO-2099-0015", goEntry("example.com/has space", nil, semverJSON(in, "0", fx, "1.0.1"))),
		"GO-2099-0016.json": recordJSON("GO-2099-0016",
			goEntry("example.com/mod", nil, semverJSON(in, "1.0.0", fx, "1.0.1")),
			goEntry("example.com/Mod", nil, semverJSON(in, "1.0.0", fx, "1.0.1"))),
		"GO-2099-0017.json": recordJSON("GO-2099-0017", goEntry("example.com/etcd", nil,
			semverJSON(in, "0", fx, "0.5.0-alpha.5.0.20190108173120-83c051b701d3"))),
		// v1.4.0 may never have been published, so it is not guessed.
		"GO-2099-0018.json": recordJSON("GO-2099-0018", goEntry("example.com/unnamed", nil,
			semverJSON(in, "0", fx, "1.4.1"))),
		"notes.md": "not a record",
	}
}

func TestImportSyntheticRecords(t *testing.T) {
	from, out := t.TempDir(), t.TempDir()
	writeFiles(t, from, syntheticRecords())

	rep, err := Import(from, out, ImportOptions{})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}

	wantCases := []ImportedCase{
		{ID: "go-2099-0001-example.com-reint", AdvisoryID: "GO-2099-0001", Module: "example.com/reint", Version: "v1.3.0", VersionSource: SourceIntroduced},
		{ID: "go-2099-0002-golang.org-x-net", AdvisoryID: "GO-2099-0002", Module: "golang.org/x/net", Version: "v0.7.0", VersionSource: SourceIntroduced},
		{ID: "go-2099-0009-example.com-mod-v2", AdvisoryID: "GO-2099-0009", Module: "example.com/mod/v2", Version: "v2.0.1", VersionSource: SourceIntroduced},
		{ID: "go-2099-0010-example.com-dns", AdvisoryID: "GO-2099-0010", Module: "example.com/dns", Version: "v1.1.24", VersionSource: SourcePseudoVersionBase},
		{ID: "go-2099-0011-example.com-dist", AdvisoryID: "GO-2099-0011", Module: "example.com/dist", Version: "v2.8.0+incompatible", VersionSource: SourcePseudoVersionBase},
		{ID: "go-2099-0012-example.com-la", AdvisoryID: "GO-2099-0012", Module: "example.com/la", Version: "v1.2.0", VersionSource: SourceLastAffected},
		// The two paths differ only in case, so the second gets a hash.
		{ID: "go-2099-0016-example.com-mod", AdvisoryID: "GO-2099-0016", Module: "example.com/Mod", Version: "v1.0.0", VersionSource: SourceIntroduced},
		{ID: "go-2099-0016-example.com-mod-" + shortHash("GO-2099-0016\x00example.com/mod"), AdvisoryID: "GO-2099-0016", Module: "example.com/mod", Version: "v1.0.0", VersionSource: SourceIntroduced},
		// The base of a pseudo-version built on a pre-release tag.
		{ID: "go-2099-0017-example.com-etcd", AdvisoryID: "GO-2099-0017", Module: "example.com/etcd", Version: "v0.5.0-alpha.5", VersionSource: SourcePseudoVersionBase},
	}
	slices.SortFunc(wantCases, func(a, b ImportedCase) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(wantCases, rep.Cases); diff != "" {
		t.Errorf("Import() cases mismatch (-want +got):\n%s", diff)
	}

	wantSkips := []Skip{
		{File: "GO-2099-0002.json", AdvisoryID: "GO-2099-0002", Module: "stdlib", Reason: SkipStandardLibrary},
		{File: "GO-2099-0002.json", AdvisoryID: "GO-2099-0002", Module: "toolchain", Reason: SkipStandardLibrary},
		{File: "GO-2099-0003.json", AdvisoryID: "GO-2099-0003", Module: "requests", Reason: SkipNotGo},
		{File: "GO-2099-0004.json", AdvisoryID: "GO-2099-0004", Reason: SkipWithdrawn},
		{File: "GO-2099-0006.json", AdvisoryID: "GO-2099-0006", Module: "example.com/git", Reason: SkipUnsupportedRange},
		{File: "GO-2099-0007.json", AdvisoryID: "GO-2099-0007", Module: "example.com/lastonly", Reason: SkipNoFix},
		{File: "GO-2099-0008.json", AdvisoryID: "GO-2099-0008", Module: "gopkg.in/yaml.v3", Reason: SkipNoVersion},
		{File: "GO-2099-0009.json", AdvisoryID: "GO-2099-0009", Module: "example.com/mod", Reason: SkipNoVersion},
		{File: "GO-2099-0013.json", AdvisoryID: "GO-2099-0013", Module: "example.com/open", Reason: SkipNoVersion},
		{File: "GO-2099-0014.json", AdvisoryID: "GO-2099-0014", Reason: SkipNoAffected},
		{File: "GO-2099-0015.json", AdvisoryID: "GO-2099-0015", Module: "example.com/has space", Reason: SkipInvalidModule},
		{File: "GO-2099-0018.json", AdvisoryID: "GO-2099-0018", Module: "example.com/unnamed", Reason: SkipNoVersion},
		{File: "bad.json", Reason: SkipInvalidRecord},
	}
	if diff := cmp.Diff(wantSkips, rep.Skipped, cmpopts.IgnoreFields(Skip{}, "Detail")); diff != "" {
		t.Errorf("Import() skips mismatch (-want +got):\n%s", diff)
	}
	for _, s := range rep.Skipped {
		if s.Detail == "" {
			t.Errorf("skip %s %s (%s) has no detail", s.File, s.Module, s.Reason)
		}
	}
	if rep.Records != 18 {
		t.Errorf("Import() records = %d, want 18 (notes.md is not a record)", rep.Records)
	}
}

func TestImportWorkspaceContents(t *testing.T) {
	from, out := t.TempDir(), t.TempDir()
	writeFiles(t, from, syntheticRecords())
	if _, err := Import(from, out, ImportOptions{}); err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	ws := filepath.Join(out, "cases", "go-2099-0001-example.com-reint", "workspace")

	data, err := os.ReadFile(filepath.Join(ws, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		t.Fatalf("generated go.mod does not parse: %v", err)
	}
	if got, want := f.Module.Mod.Path, "example.com/go-2099-0001-example.com-reint"; got != want {
		t.Errorf("module = %q, want %q", got, want)
	}
	if f.Go == nil || f.Go.Version != goDirective {
		t.Errorf("go directive = %v, want %s", f.Go, goDirective)
	}
	if len(f.Require) != 3 {
		t.Fatalf("go.mod has %d requirements, want the target and two unrelated ones:\n%s", len(f.Require), data)
	}
	pool := map[string]string{}
	for _, u := range unrelatedPool {
		pool[u.module] = u.version
	}
	for _, r := range f.Require {
		if r.Mod.Path == "example.com/reint" {
			if r.Mod.Version != "v1.3.0" {
				t.Errorf("target version = %s, want v1.3.0", r.Mod.Version)
			}
			continue
		}
		if v, ok := pool[r.Mod.Path]; !ok || v != r.Mod.Version {
			t.Errorf("unrelated requirement %s is not in the pool of real versions", r.Mod)
		}
	}

	main, err := os.ReadFile(filepath.Join(ws, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	// The internal package of the record cannot be imported from another
	// module, so the next package is used.
	if !bytes.Contains(main, []byte(`_ "example.com/reint/pkg"`)) {
		t.Errorf("main.go does not import the vulnerable package example.com/reint/pkg:\n%s", main)
	}
	if bytes.Contains(main, []byte("internal")) {
		t.Errorf("main.go imports an internal package:\n%s", main)
	}

	// A module whose record names no package is imported at its root.
	main, err = os.ReadFile(filepath.Join(out, "cases", "go-2099-0010-example.com-dns", "workspace", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(main, []byte(`_ "example.com/dns"`)) {
		t.Errorf("main.go does not import the module root example.com/dns:\n%s", main)
	}
}

// TestImportedCasesLoad checks that bench.Load accepts what Import writes,
// with the metadata and expectations the rubric and SUTs read.
func TestImportedCasesLoad(t *testing.T) {
	from, root := t.TempDir(), t.TempDir()
	writeFiles(t, from, syntheticRecords())
	taskDir := filepath.Join(root, "vuln-remediation")
	taskYAML, err := os.ReadFile(filepath.Join(bundledTaskDir, "task.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, taskDir, map[string]string{"task.yaml": string(taskYAML)})
	if _, err := Import(from, taskDir, ImportOptions{}); err != nil {
		t.Fatalf("Import() error = %v", err)
	}

	tc, err := bench.Load(taskDir, testRegistry())
	if err != nil {
		t.Fatalf("bench.Load() error = %v", err)
	}
	if len(tc.Cases) != 9 {
		t.Fatalf("bench.Load() found %d cases, want 9", len(tc.Cases))
	}
	c := tc.Cases[0]
	if c.ID != "go-2099-0001-example.com-reint" || c.Cluster != "go-2099-0001" {
		t.Errorf("first case = %s in cluster %q, want go-2099-0001-example.com-reint in cluster go-2099-0001", c.ID, c.Cluster)
	}
	exp, err := decodeFacts(c.Expectations, true)
	if err != nil {
		t.Fatalf("expectations do not decode strictly: %v", err)
	}
	want := &Facts{
		AdvisoryID:     "GO-2099-0001",
		Aliases:        []string{"CVE-2099-0001"},
		Module:         "example.com/reint",
		Package:        "example.com/reint/pkg",
		Version:        "v1.3.0",
		VersionSource:  SourceIntroduced,
		AffectedRanges: Ranges{{Fixed: "v1.2.0"}, {Introduced: "v1.3.0", Fixed: "v1.3.2"}},
	}
	if diff := cmp.Diff(want, exp); diff != "" {
		t.Errorf("expectations mismatch (-want +got):\n%s", diff)
	}
	if c.Metadata["module"] != "example.com/reint" || c.Metadata["version"] != "v1.3.0" {
		t.Errorf("metadata = %v, want the module and version", c.Metadata)
	}
}

func TestImportDeterministic(t *testing.T) {
	from := t.TempDir()
	writeFiles(t, from, syntheticRecords())
	outA, outB := t.TempDir(), t.TempDir()
	if _, err := Import(from, outA, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Import(from, outB, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	a, b := readTree(t, filepath.Join(outA, "cases"), true), readTree(t, filepath.Join(outB, "cases"), true)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("two imports of the same records differ (-first +second):\n%s", diff)
	}
}

// readTree returns every file under dir by slash path, so that two trees
// can be compared byte for byte. With modes set, it records permissions
// too; a checkout's permissions depend on the umask, so the bundled cases
// are compared without.
func readTree(t *testing.T, dir string, modes bool) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := ""
		if modes {
			mode = info.Mode().String() + "\n"
		}
		if d.IsDir() {
			files[filepath.ToSlash(rel)+"/"] = mode
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = mode + string(data)
		return nil
	})
	if err != nil {
		t.Fatalf("read tree %s: %v", dir, err)
	}
	return files
}

func TestImportBadInput(t *testing.T) {
	t.Run("missing directory", func(t *testing.T) {
		_, err := Import(filepath.Join(t.TempDir(), "absent"), t.TempDir(), ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), "read OSV directory") {
			t.Errorf("Import() error = %v, want a read OSV directory error", err)
		}
	})
	t.Run("empty directory", func(t *testing.T) {
		from := t.TempDir()
		writeFiles(t, from, map[string]string{"README.md": "no records"})
		_, err := Import(from, t.TempDir(), ImportOptions{})
		if err == nil || !strings.Contains(err.Error(), "no OSV records") {
			t.Errorf("Import() error = %v, want a no OSV records error", err)
		}
	})
	t.Run("every record skipped", func(t *testing.T) {
		from, out := t.TempDir(), t.TempDir()
		writeFiles(t, from, map[string]string{
			"a.json": "not json",
			"b.json": recordJSON("GO-2099-0002", goEntry("stdlib", nil, semverJSON(in, "0", fx, "1.20.1"))),
		})
		rep, err := Import(from, out, ImportOptions{})
		if !errors.Is(err, ErrNoCases) {
			t.Fatalf("Import() error = %v, want ErrNoCases", err)
		}
		if len(rep.Skipped) != 2 {
			t.Errorf("Import() skipped = %v, want both records", rep.Skipped)
		}
		if _, err := os.Stat(filepath.Join(out, "cases")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Import() wrote a cases directory although there are no cases (stat error %v)", err)
		}
	})
	t.Run("output path is a file", func(t *testing.T) {
		from, parent := t.TempDir(), t.TempDir()
		writeFiles(t, from, syntheticRecords())
		out := filepath.Join(parent, "file")
		writeFiles(t, parent, map[string]string{"file": "x"})
		if _, err := Import(from, out, ImportOptions{}); err == nil || !strings.Contains(err.Error(), "create output directory") {
			t.Errorf("Import() error = %v, want a create output directory error", err)
		}
	})
	t.Run("unreadable record", func(t *testing.T) {
		if runtime.GOOS == "windows" || os.Geteuid() == 0 {
			t.Skip("file permissions do not stop root from reading")
		}
		from := t.TempDir()
		writeFiles(t, from, map[string]string{"a.json": "{}"})
		if err := os.Chmod(filepath.Join(from, "a.json"), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := Import(from, t.TempDir(), ImportOptions{}); err == nil {
			t.Error("Import() of an unreadable record succeeded, want an error")
		}
	})
}

func TestImportReplacesCases(t *testing.T) {
	from, out := t.TempDir(), t.TempDir()
	writeFiles(t, from, syntheticRecords())
	stale := filepath.Join(out, "cases", "stale-case")
	writeFiles(t, stale, map[string]string{"case.yaml": "old", "workspace/go.mod": "module old\n"})

	if _, err := Import(from, out, ImportOptions{}); err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale case survived the import (stat error %v)", err)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "cases" {
			t.Errorf("Import() left %q in the output directory", e.Name())
		}
	}
}

func TestImportRefusesForeignCasesDir(t *testing.T) {
	from, out := t.TempDir(), t.TempDir()
	writeFiles(t, from, syntheticRecords())
	writeFiles(t, out, map[string]string{"cases/thesis/chapter1.txt": "keep me"})

	_, err := Import(from, out, ImportOptions{})
	if err == nil || !strings.Contains(err.Error(), "refusing to replace") {
		t.Fatalf("Import() error = %v, want a refusing to replace error", err)
	}
	if data, err := os.ReadFile(filepath.Join(out, "cases", "thesis", "chapter1.txt")); err != nil || string(data) != "keep me" {
		t.Errorf("the foreign file was changed: %q, %v", data, err)
	}
}

// fakeLister returns fixed version lists, or an error for a module it does
// not know.
type fakeLister map[string][]string

func (l fakeLister) ListVersions(ctx context.Context, modulePath string) ([]string, error) {
	v, ok := l[modulePath]
	if !ok {
		return nil, fmt.Errorf("module %s: not found", modulePath)
	}
	return v, nil
}

func TestImportResolveVersions(t *testing.T) {
	from, out := t.TempDir(), t.TempDir()
	writeFiles(t, from, map[string]string{
		// The newest listed version inside a range wins over the record.
		"GO-2099-0001.json": recordJSON("GO-2099-0001", goEntry("example.com/listed", nil,
			semverJSON(in, "0", fx, "1.2.0", in, "1.3.0", fx, "1.3.2"))),
		// Nothing listed in range: the introduced version of the record.
		"GO-2099-0002.json": recordJSON("GO-2099-0002", goEntry("example.com/fallback", nil,
			semverJSON(in, "1.5.0", fx, "1.6.0"))),
		// Nothing listed and no named version: no estimate, a skip.
		"GO-2099-0003.json": recordJSON("GO-2099-0003", goEntry("example.com/estimate", nil,
			semverJSON(in, "0", fx, "1.6.0"))),
		// The lister fails.
		"GO-2099-0004.json": recordJSON("GO-2099-0004", goEntry("example.com/unknown", nil,
			semverJSON(in, "0", fx, "1.6.0"))),
		// A listed v2 version does not suit a path without a major suffix.
		"GO-2099-0005.json": recordJSON("GO-2099-0005", goEntry("example.com/major", nil,
			semverJSON(in, "0", fx, "1.0.1"))),
		// A listed release wins over a newer listed pre-release.
		"GO-2099-0006.json": recordJSON("GO-2099-0006", goEntry("example.com/release", nil,
			semverJSON(in, "0", fx, "1.5.0"))),
		// A pre-release is used when no release lies in a range.
		"GO-2099-0007.json": recordJSON("GO-2099-0007", goEntry("example.com/pre/v2", nil,
			semverJSON(in, "0", fx, "2.0.0-rc.4"))),
		// A path without a major suffix takes listed +incompatible versions.
		"GO-2099-0008.json": recordJSON("GO-2099-0008", goEntry("example.com/incompat", nil,
			semverJSON(in, "0", fx, "3.2.0+incompatible"))),
		// Nothing listed: the tag a pseudo-version fix is built on.
		"GO-2099-0009.json": recordJSON("GO-2099-0009", goEntry("example.com/pseudo", nil,
			semverJSON(in, "0", fx, "1.1.25-0.20191211073109-8ebf2e419df7"))),
	})
	lister := fakeLister{
		"example.com/listed":   {"v1.0.0", "v1.1.9", "v1.2.0", "v1.3.0", "v1.3.1", "v1.3.2", "v1.4.0"},
		"example.com/fallback": {"v1.6.0"},
		"example.com/estimate": {"v1.6.0", "v1.7.0"},
		"example.com/major":    {"v1.0.1", "v2.0.0"},
		"example.com/release":  {"v1.3.0", "v1.4.0-rc.1", "v1.5.0"},
		"example.com/pre/v2":   {"v2.0.0-rc.1", "v2.0.0-rc.3", "v2.0.0-rc.4"},
		"example.com/incompat": {"v1.0.0", "v2.0.0+incompatible", "v3.1.0+incompatible", "v3.2.0+incompatible"},
		"example.com/pseudo":   {},
	}

	rep, err := Import(from, out, ImportOptions{ResolveVersions: true, Lister: lister})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	wantCases := []ImportedCase{
		{ID: "go-2099-0001-example.com-listed", AdvisoryID: "GO-2099-0001", Module: "example.com/listed", Version: "v1.3.1", VersionSource: SourceModuleProxy},
		{ID: "go-2099-0002-example.com-fallback", AdvisoryID: "GO-2099-0002", Module: "example.com/fallback", Version: "v1.5.0", VersionSource: SourceIntroduced},
		{ID: "go-2099-0006-example.com-release", AdvisoryID: "GO-2099-0006", Module: "example.com/release", Version: "v1.3.0", VersionSource: SourceModuleProxy},
		{ID: "go-2099-0007-example.com-pre-v2", AdvisoryID: "GO-2099-0007", Module: "example.com/pre/v2", Version: "v2.0.0-rc.3", VersionSource: SourceModuleProxy},
		{ID: "go-2099-0008-example.com-incompat", AdvisoryID: "GO-2099-0008", Module: "example.com/incompat", Version: "v3.1.0+incompatible", VersionSource: SourceModuleProxy},
		{ID: "go-2099-0009-example.com-pseudo", AdvisoryID: "GO-2099-0009", Module: "example.com/pseudo", Version: "v1.1.24", VersionSource: SourcePseudoVersionBase},
	}
	if diff := cmp.Diff(wantCases, rep.Cases); diff != "" {
		t.Errorf("Import() cases mismatch (-want +got):\n%s", diff)
	}
	wantSkips := []Skip{
		{File: "GO-2099-0003.json", AdvisoryID: "GO-2099-0003", Module: "example.com/estimate", Reason: SkipNoVersion},
		{File: "GO-2099-0004.json", AdvisoryID: "GO-2099-0004", Module: "example.com/unknown", Reason: SkipListFailed},
		{File: "GO-2099-0005.json", AdvisoryID: "GO-2099-0005", Module: "example.com/major", Reason: SkipNoVersion},
	}
	if diff := cmp.Diff(wantSkips, rep.Skipped, cmpopts.IgnoreFields(Skip{}, "Detail")); diff != "" {
		t.Errorf("Import() skips mismatch (-want +got):\n%s", diff)
	}
	if d := rep.Skipped[1].Detail; !strings.Contains(d, "not found") {
		t.Errorf("lister failure detail = %q, want the lister's error", d)
	}
}

func TestCaseIDs(t *testing.T) {
	long := "example.com/" + strings.Repeat("very-long-element/", 8) + "pkg"
	cases := []*caseSpec{
		{facts: Facts{AdvisoryID: "GO-2022-0322", Module: "github.com/prometheus/client_golang"}},
		{facts: Facts{AdvisoryID: "GO-2024-2918", Module: "github.com/Azure/azure-sdk-for-go/sdk/azidentity"}},
		{facts: Facts{AdvisoryID: "GO-2022-0945", Module: "gopkg.in/square/go-jose.v1"}},
		{facts: Facts{AdvisoryID: "GHSA-abcd:x", Module: "example.com/~user/m"}},
		{facts: Facts{AdvisoryID: "GO-2099-0001", Module: long}},
	}
	assignCaseIDs(cases)
	want := []string{
		"go-2022-0322-github.com-prometheus-client_golang",
		"go-2024-2918-github.com-azure-azure-sdk-for-go-sdk-azidentity",
		"go-2022-0945-gopkg.in-square-go-jose.v1",
		"ghsa-abcd-x-example.com--user-m",
	}
	for i, w := range want {
		if cases[i].id != w {
			t.Errorf("case id of %s = %q, want %q", cases[i].facts.Module, cases[i].id, w)
		}
	}
	if id := cases[4].id; len(id) > maxCaseIDLen || !strings.HasSuffix(id, shortHash("GO-2099-0001\x00"+long)) {
		t.Errorf("long case id = %q (%d characters), want at most %d ending in the module hash", id, len(id), maxCaseIDLen)
	}
}

func TestGoListLister(t *testing.T) {
	goCmd, err := execLookGo()
	if err != nil {
		t.Skipf("the go command is not available: %v", err)
	}
	// A file:// proxy serves files from the disk, so no network is used.
	proxy := t.TempDir()
	writeFiles(t, proxy, map[string]string{
		"example.com/listed/@v/list": "v1.0.0\nv1.1.0\nv1.2.0-rc.1\n",
		// The go command reads the newest release's go.mod for retractions.
		"example.com/listed/@v/v1.1.0.info": `{"Version": "v1.1.0", "Time": "2020-01-01T00:00:00Z"}`,
		"example.com/listed/@v/v1.1.0.mod":  "module example.com/listed\n",
	})
	lister := GoListLister{
		GoCommand: goCmd,
		Env: []string{
			"GOPROXY=file://" + filepath.ToSlash(proxy),
			"GOSUMDB=off", "GONOSUMDB=", "GOPRIVATE=", "GONOPROXY=",
			"GOTOOLCHAIN=local", "GOFLAGS=-modcacherw", "GOMODCACHE=" + t.TempDir(),
		},
	}
	got, err := lister.ListVersions(t.Context(), "example.com/listed")
	if err != nil {
		t.Fatalf("ListVersions() error = %v", err)
	}
	if diff := cmp.Diff([]string{"v1.0.0", "v1.1.0", "v1.2.0-rc.1"}, got); diff != "" {
		t.Errorf("ListVersions() mismatch (-want +got):\n%s", diff)
	}

	if _, err := lister.ListVersions(t.Context(), "example.com/absent"); err == nil {
		t.Error("ListVersions() of a module the proxy does not have succeeded, want an error")
	}
	if _, err := lister.ListVersions(t.Context(), "-bad path"); err == nil {
		t.Error("ListVersions() of an invalid module path succeeded, want an error")
	}
}

func testRegistry() *rubric.Registry {
	reg := rubric.NewRegistry()
	Register(reg)
	return reg
}

func execLookGo() (string, error) { return exec.LookPath("go") }
