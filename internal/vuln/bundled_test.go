package vuln

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/sut"
)

var (
	update = flag.Bool("update", false,
		"rewrite the bundled vuln-remediation cases from the OSV records and the recorded version lists")
	refreshProxy = flag.Bool("refresh-proxy", false,
		"list the modules' versions again through the go command (network) and rewrite "+proxyVersionsFile)
)

const (
	// osvDataDir holds the 80 OSV records of the Go vulnerability database
	// that the bundled cases are generated from. It lives outside the
	// repository; tests that need it skip when it is absent.
	osvDataDir     = "../../../shared/data/osv"
	bundledTaskDir = "../../benches/vuln-remediation"
)

// bundledImportOptions are the options the bundled cases are generated
// with: versions resolved through the recorded version lists.
func bundledImportOptions(t *testing.T) ImportOptions {
	return ImportOptions{ResolveVersions: true, Lister: loadProxyVersions(t)}
}

// The pinned outcome of importing the 80 records. The bundled cases are
// the resolved import; the import without version lists uses only the
// versions the records name.
const (
	wantRecords         = 80
	wantCases           = 63
	wantRecordOnlyCases = 32
)

var (
	wantRecordOnlySources = map[string]int{SourceIntroduced: 28, SourcePseudoVersionBase: 4}
	wantRecordOnlySkips   = map[SkipReason]int{SkipNoVersion: 56}
	wantResolvedSources   = map[string]int{SourceModuleProxy: 52, SourceIntroduced: 10, SourcePseudoVersionBase: 1}
)

// wantResolvedSkips are the modules of the 80 records that yield no case
// with the recorded version lists. The proxy refused to list eight modules
// (403 Forbidden); four of them still get a case from a version their
// record names. For the others no listed or named version lies inside a
// range that a fixed version leaves.
var wantResolvedSkips = map[string]SkipReason{
	"GO-2020-0025 code.cloudfoundry.org/archiver":                  SkipListFailed,
	"GO-2021-0070 github.com/opencontainers/runc":                  SkipNoVersion,
	"GO-2021-0109 github.com/ory/fosite":                           SkipNoVersion,
	"GO-2021-0356 golang.org/x/crypto":                             SkipNoVersion,
	"GO-2022-0233 github.com/pires/go-proxyproto":                  SkipNoVersion,
	"GO-2022-0384 helm.sh/helm/v3":                                 SkipNoVersion,
	"GO-2022-0386 github.com/nats-io/jwt/v2":                       SkipNoVersion,
	"GO-2022-0444 github.com/theupdateframework/go-tuf":            SkipNoVersion,
	"GO-2022-0603 gopkg.in/yaml.v3":                                SkipNoVersion,
	"GO-2022-0762 github.com/microcosm-cc/bluemonday":              SkipNoVersion,
	"GO-2022-0799 github.com/mholt/archiver":                       SkipListFailed,
	"GO-2022-0887 github.com/go-ldap/ldap":                         SkipNoVersion,
	"GO-2022-0942 github.com/graphql-go/graphql":                   SkipNoVersion,
	"GO-2022-0945 gopkg.in/square/go-jose.v1":                      SkipListFailed,
	"GO-2022-0957 github.com/tidwall/gjson":                        SkipNoVersion,
	"GO-2023-1534 github.com/pion/dtls/v2":                         SkipNoVersion,
	"GO-2023-1602 github.com/russellhaering/gosaml2":               SkipNoVersion,
	"GO-2023-1792 github.com/rs/cors":                              SkipNoVersion,
	"GO-2023-2074 github.com/gomarkdown/markdown":                  SkipNoVersion,
	"GO-2023-2380 github.com/ecies/go/v2":                          SkipListFailed,
	"GO-2024-2900 go.opentelemetry.io/collector/config/configgrpc": SkipNoVersion,
	"GO-2024-2900 go.opentelemetry.io/collector/config/confighttp": SkipNoVersion,
	"GO-2024-2912 github.com/docker/cli":                           SkipNoVersion,
	"GO-2024-3279 cosmossdk.io/math":                               SkipNoVersion,
	"GO-2025-3640 github.com/vbatts/tar-split":                     SkipNoVersion,
}

func osvData(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(osvDataDir); err != nil {
		t.Skipf("the OSV records are not at %s (%v); they come with the shared data set beside the repository", osvDataDir, err)
	}
	return osvDataDir
}

// TestBundledCasesUpToDate regenerates the cases into a temporary directory
// and compares them with the committed ones. Run it with -update to rewrite
// the committed cases, and with -refresh-proxy as well to list the
// versions again first.
func TestBundledCasesUpToDate(t *testing.T) {
	from := osvData(t)
	if *refreshProxy {
		refreshProxyVersions(t, from)
	}
	if *update {
		if _, err := Import(from, bundledTaskDir, bundledImportOptions(t)); err != nil {
			t.Fatalf("rewrite bundled cases: %v", err)
		}
	}
	out := t.TempDir()
	if _, err := Import(from, out, bundledImportOptions(t)); err != nil {
		t.Fatalf("Import() error = %v", err)
	}
	want := readTree(t, filepath.Join(out, "cases"), false)
	got := readTree(t, filepath.Join(bundledTaskDir, "cases"), false)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the committed cases differ from a fresh import (-import +committed):\n%s\n"+
			"If the importer changed on purpose, rewrite them with: go test ./internal/vuln -run TestBundledCasesUpToDate -update", diff)
	}
}

// importOutcome is what importing the 80 records gives in one mode.
type importOutcome struct {
	cases   int
	sources map[string]int
	skips   map[SkipReason]int
}

// TestImportAccountsForEveryRecord pins how many cases and skips the 80
// records give in each mode, and checks that every record yields a case or
// a skip.
func TestImportAccountsForEveryRecord(t *testing.T) {
	from := osvData(t)
	tests := []struct {
		name string
		opts ImportOptions
		want importOutcome
	}{
		{
			name: "record versions only",
			opts: ImportOptions{},
			want: importOutcome{
				cases:   wantRecordOnlyCases,
				sources: wantRecordOnlySources,
				skips:   wantRecordOnlySkips,
			},
		},
		{
			name: "resolved versions",
			opts: bundledImportOptions(t),
			want: importOutcome{
				cases:   wantCases,
				sources: wantResolvedSources,
				skips:   countReasons(wantResolvedSkips),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Import(from, t.TempDir(), tt.opts)
			if err != nil {
				t.Fatalf("Import() error = %v", err)
			}
			if rep.Records != wantRecords {
				t.Errorf("Import() read %d records, want %d", rep.Records, wantRecords)
			}
			got := importOutcome{cases: len(rep.Cases), sources: map[string]int{}, skips: map[SkipReason]int{}}
			for _, c := range rep.Cases {
				got.sources[c.VersionSource]++
			}
			for _, s := range rep.Skipped {
				got.skips[s.Reason]++
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(importOutcome{})); diff != "" {
				t.Errorf("Import() outcome mismatch (-want +got):\n%s", diff)
			}
			checkEveryRecordAccounted(t, from, rep)
		})
	}
}

// TestImportResolvedSkips pins which modules the resolved import skips and
// checks that the recorded version lists cover exactly the modules whose
// versions the import requests.
func TestImportResolvedSkips(t *testing.T) {
	from := osvData(t)
	rec := &recordingLister{lister: loadProxyVersions(t)}
	rep, err := Import(from, t.TempDir(), ImportOptions{ResolveVersions: true, Lister: rec})
	if err != nil {
		t.Fatalf("Import() error = %v", err)
	}

	gotSkips := map[string]SkipReason{}
	for _, s := range rep.Skipped {
		gotSkips[s.AdvisoryID+" "+s.Module] = s.Reason
	}
	if diff := cmp.Diff(wantResolvedSkips, gotSkips); diff != "" {
		t.Errorf("Import() skips mismatch (-want +got):\n%s", diff)
	}

	requested := slices.Clone(rec.requested)
	slices.Sort(requested)
	if diff := cmp.Diff(loadProxyVersions(t).modules(), requested); diff != "" {
		t.Errorf("the modules in %s differ from those the import lists (-file +listed):\n%s\n"+
			"Refresh the file with: go test ./internal/vuln -run TestBundledCasesUpToDate -refresh-proxy -update", proxyVersionsFile, diff)
	}
}

func countReasons(skips map[string]SkipReason) map[SkipReason]int {
	counts := map[SkipReason]int{}
	for _, r := range skips {
		counts[r]++
	}
	return counts
}

// checkEveryRecordAccounted reports each record file in from that yields
// neither a case nor a skip.
func checkEveryRecordAccounted(t *testing.T, from string, rep ImportReport) {
	t.Helper()
	accounted := map[string]bool{}
	for _, c := range rep.Cases {
		accounted[c.AdvisoryID+".json"] = true
	}
	for _, s := range rep.Skipped {
		accounted[s.File] = true
	}
	files, err := filepath.Glob(filepath.Join(from, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !accounted[filepath.Base(f)] {
			t.Errorf("record %s yields neither a case nor a skip", filepath.Base(f))
		}
	}
}

// loadBundled loads the committed task class with the go_mod_remediation
// check registered.
func loadBundled(t *testing.T) *bench.TaskClass {
	t.Helper()
	tc, err := bench.Load(bundledTaskDir, testRegistry())
	if err != nil {
		t.Fatalf("bench.Load(%s) error = %v", bundledTaskDir, err)
	}
	return tc
}

func TestBundledTaskClassLoads(t *testing.T) {
	tc := loadBundled(t)
	if len(tc.Cases) != wantCases {
		t.Errorf("bench.Load() found %d cases, want %d", len(tc.Cases), wantCases)
	}
	if tc.SUT.Name != BuiltinOSVFix || len(tc.SUT.Argv) != 1 || tc.SUT.Argv[0] != sut.BuiltinPrefix+BuiltinOSVFix {
		t.Errorf("default SUT = %+v, want osv-fix as builtin:osv-fix", tc.SUT)
	}
	if tc.Gate.Threshold == nil || *tc.Gate.Threshold != 0.8 {
		t.Errorf("gate threshold = %v, want 0.8", tc.Gate.Threshold)
	}
	clusters := map[string]int{}
	for _, c := range tc.Cases {
		clusters[c.Cluster]++
	}
	// The gate needs at least 10 clusters on the clustered path.
	if len(clusters) < 10 {
		t.Errorf("the cases form %d clusters, want at least 10", len(clusters))
	}
	t.Logf("%d cases in %d clusters", len(tc.Cases), len(clusters))
}

// TestBundledBaselines runs each baseline SUT on a copy of every bundled
// workspace and scores it with the task class's rubric. osv-fix fixes every
// case and noop none. first-fix fails exactly the cases whose version lies
// in a range introduced again after a fix.
func TestBundledBaselines(t *testing.T) {
	tc := loadBundled(t)
	builtins := map[string]sut.Builtin{}
	for _, b := range Builtins() {
		builtins[b.Name] = b
	}

	var reintroduced []string
	scores := map[string]float64{}
	for _, c := range tc.Cases {
		facts, err := decodeFacts(c.Expectations, true)
		if err != nil {
			t.Fatalf("case %s: invalid expectations: %v", c.ID, err)
		}
		isReintroduced := !facts.AffectedRanges[0].Contains(facts.Version)
		if isReintroduced {
			reintroduced = append(reintroduced, c.ID)
		}

		for _, name := range []string{BuiltinOSVFix, BuiltinNoop, BuiltinFirstFix} {
			out := runBuiltinOnCase(t, tc, c, builtins[name])
			scores[name] += out.Score
			switch {
			case name == BuiltinOSVFix && (out.Score != 1 || len(out.FailureModes) != 0):
				t.Errorf("case %s: osv-fix scored %v with failure modes %v, want 1 and none", c.ID, out.Score, out.FailureModes)
			case name == BuiltinNoop && (out.Score != 0 || !hasOnlyMode(out.FailureModes, FailureStillVulnerable)):
				t.Errorf("case %s: noop scored %v with failure modes %v, want 0 and still-vulnerable", c.ID, out.Score, out.FailureModes)
			case name == BuiltinFirstFix && (out.Score < 1) != isReintroduced:
				t.Errorf("case %s: first-fix scored %v, want below 1 exactly when the version %s lies in a reintroduced range (%v)",
					c.ID, out.Score, facts.Version, isReintroduced)
			}
		}
	}
	sort.Strings(reintroduced)
	t.Logf("cases: %d; sums of scores: %v; reintroduced cases: %s", len(tc.Cases), scores, strings.Join(reintroduced, ", "))
	if len(reintroduced) == 0 {
		t.Error("no bundled case lies in a reintroduced range, so first-fix is never told apart from osv-fix")
	}
}

func hasOnlyMode(modes []rubric.FailureMode, id string) bool {
	return len(modes) == 1 && modes[0].ID == id
}

// runBuiltinOnCase copies the case workspace, runs the builtin in it as the
// harness would (working directory set to the copy) and scores the result.
func runBuiltinOnCase(t *testing.T, tc *bench.TaskClass, c *bench.Case, b sut.Builtin) rubric.Outcome {
	t.Helper()
	ws := filepath.Join(t.TempDir(), "workspace")
	if err := os.CopyFS(ws, os.DirFS(c.Workspace())); err != nil {
		t.Fatalf("copy workspace of %s: %v", c.ID, err)
	}
	task := sut.Task{
		SchemaVersion: sut.TaskSchemaVersion,
		CaseID:        c.ID,
		TaskClass:     tc.Name,
		Epoch:         1,
		Task:          c.Task,
		Metadata:      c.Metadata,
	}
	t.Chdir(ws)
	var stdout, stderr strings.Builder
	if err := b.Run(t.Context(), task, &stdout, &stderr); err != nil {
		t.Errorf("case %s: %s failed: %v", c.ID, b.Name, err)
	}
	t.Chdir(filepath.Dir(ws))

	out, err := tc.Rubric.Score(t.Context(), &rubric.Env{
		Workspace:    ws,
		Original:     c.Workspace(),
		CaseDir:      c.Dir,
		TaskDir:      tc.Dir,
		Expectations: c.Expectations,
	})
	if err != nil {
		t.Fatalf("case %s: score after %s: %v", c.ID, b.Name, err)
	}
	return out
}

// TestBundledCasesHoldFactsOnly guards against advisory prose reaching the
// committed cases: case.yaml carries ids, module paths and versions only.
func TestBundledCasesHoldFactsOnly(t *testing.T) {
	err := filepath.WalkDir(filepath.Join(bundledTaskDir, "cases"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "case.yaml" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, word := range []string{"summary", "details", "credits", "references"} {
			if strings.Contains(string(data), word+":") {
				t.Errorf("%s contains the OSV member %q", path, word)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
