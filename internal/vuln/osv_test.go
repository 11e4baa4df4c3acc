package vuln

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRecord(t *testing.T) {
	data := `{
		"schema_version": "1.3.1",
		"id": "GO-2099-0001",
		"aliases": ["CVE-2099-0001", "GHSA-xxxx-yyyy-zzzz"],
		"summary": "not read",
		"affected": [{
			"package": {"name": "example.com/m", "ecosystem": "Go"},
			"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}],
			"ecosystem_specific": {"imports": [{"path": "example.com/m/pkg", "symbols": ["F"]}]},
			"database_specific": {"source": "not read"}
		}],
		"unknown_member": true
	}`
	got, err := ParseRecord([]byte(data))
	if err != nil {
		t.Fatalf("ParseRecord() error = %v", err)
	}
	want := &Record{
		ID:      "GO-2099-0001",
		Aliases: []string{"CVE-2099-0001", "GHSA-xxxx-yyyy-zzzz"},
		Affected: []Affected{{
			Package:           Package{Name: "example.com/m", Ecosystem: "Go"},
			Ranges:            []Range{{Type: "SEMVER", Events: []Event{{EventIntroduced, "0"}, {EventFixed, "1.2.3"}}}},
			EcosystemSpecific: EcosystemSpecific{Imports: []ImportedPackage{{Path: "example.com/m/pkg"}}},
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseRecord() mismatch (-want +got):\n%s", diff)
	}
}

func TestParseRecordErrors(t *testing.T) {
	event := func(e string) string {
		return `{"id": "GO-2099-0001", "affected": [{"package": {"name": "m", "ecosystem": "Go"}, "ranges": [{"type": "SEMVER", "events": [` + e + `]}]}]}`
	}
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{"empty", "", "invalid OSV JSON"},
		{"truncated", `{"id": "GO-2099-0001", "affected": [`, "invalid OSV JSON"},
		{"not an object", `["GO-2099-0001"]`, "invalid OSV JSON"},
		{"trailing data", `{"id": "GO-2099-0001"} {}`, "trailing data"},
		{"missing id", `{"affected": []}`, "missing id"},
		{"id with a slash", `{"id": "GO/2099"}`, "invalid OSV record: id"},
		{"id with a space", `{"id": " GO-2099-0001"}`, "invalid OSV record: id"},
		{"aliases of the wrong type", `{"id": "GO-2099-0001", "aliases": "CVE-1"}`, "invalid OSV JSON"},
		{"event with two kinds", event(`{"introduced": "0", "fixed": "1.0.0"}`), "exactly one"},
		{"event with no kind", event(`{}`), "exactly one"},
		{"unknown event kind", event(`{"patched": "1.0.0"}`), "unknown event kind"},
		{"event with an empty version", event(`{"fixed": ""}`), "empty version"},
		{"event that is not an object", event(`"0"`), "invalid range event"},
		{"too large", `{"id": "GO-2099-0001", "x": "` + strings.Repeat("a", maxRecordBytes) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRecord([]byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRecord() = %v, %v, want an error containing %q", got, err, tt.wantErr)
			}
		})
	}
}

func TestModuleAffected(t *testing.T) {
	r := &Record{ID: "GO-2099-0001", Affected: []Affected{
		{Package: Package{Name: "example.com/m", Ecosystem: "Go"}, Ranges: []Range{semverRange(in, "0", fx, "1.0.1")},
			EcosystemSpecific: EcosystemSpecific{Imports: []ImportedPackage{{Path: "example.com/m/a"}}}},
		{Package: Package{Name: "example.com/m", Ecosystem: "npm"}, Ranges: []Range{semverRange(in, "0", fx, "9.0.0")}},
		{Package: Package{Name: "example.com/other", Ecosystem: "Go"}, Ranges: []Range{semverRange(in, "0", fx, "5.0.0")}},
		{Package: Package{Name: "example.com/m", Ecosystem: "Go"}, Ranges: []Range{semverRange(in, "1.2.0", fx, "1.2.4")},
			EcosystemSpecific: EcosystemSpecific{Imports: []ImportedPackage{{Path: "example.com/m/b"}, {Path: ""}}}},
	}}
	got, err := ModuleAffected(r, "example.com/m")
	if err != nil {
		t.Fatalf("ModuleAffected() error = %v", err)
	}
	want := Module{
		Path:     "example.com/m",
		Ranges:   Ranges{{Fixed: "v1.0.1"}, {Introduced: "v1.2.0", Fixed: "v1.2.4"}},
		Packages: []string{"example.com/m/a", "example.com/m/b"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ModuleAffected() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"example.com/m", "example.com/other"}, r.modulePaths()); diff != "" {
		t.Errorf("modulePaths() mismatch (-want +got):\n%s", diff)
	}
}

// TestParseRealRecords parses every record of the shared data set and
// checks facts worked out by hand from a few of them.
func TestParseRealRecords(t *testing.T) {
	dir := osvData(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	records := map[string]*Record{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		r, err := ParseRecord(data)
		if err != nil {
			t.Errorf("ParseRecord(%s) error = %v", filepath.Base(f), err)
			continue
		}
		records[r.ID] = r
	}

	tests := []struct {
		id, module string
		want       Ranges
	}{
		{"GO-2025-4188", "github.com/sirupsen/logrus", Ranges{{Fixed: "v1.8.3"}, {Introduced: "v1.9.0", Fixed: "v1.9.1"}, {Introduced: "v1.9.2", Fixed: "v1.9.3"}}},
		{"GO-2020-0008", "github.com/miekg/dns", Ranges{{Fixed: "v1.1.25-0.20191211073109-8ebf2e419df7"}}},
		{"GO-2021-0076", "github.com/evanphx/json-patch", Ranges{{Fixed: "v0.5.2"}, {Introduced: "v3.0.0+incompatible", Fixed: "v3.0.1-0.20180525145409-4c9aadca8f89+incompatible"}}},
		{"GO-2024-2748", "k8s.io/apimachinery", Ranges{{Fixed: "v0.16.13"}, {Introduced: "v0.17.0", Fixed: "v0.17.9"}, {Introduced: "v0.18.0", Fixed: "v0.18.7-rc.0"}}},
		{"GO-2023-1515", "github.com/rancher/wrangler", Ranges{{Fixed: "v0.7.4-security1"}, {Introduced: "v0.8.0", Fixed: "v0.8.5-security1"}, {Introduced: "v0.8.6", Fixed: "v0.8.11"}, {Introduced: "v1.0.0", Fixed: "v1.0.1"}}},
		{"GO-2022-0603", "gopkg.in/yaml.v3", Ranges{{Fixed: "v3.0.0-20220521103104-8f96da9f5d5e"}}},
		{"GO-2025-4208", "github.com/gofiber/utils/v2", Ranges{{Fixed: "v2.0.0-rc.4"}}},
		{"GO-2021-0101", "github.com/apache/thrift", Ranges{{Introduced: "v0.0.0-20151001171628-53dd39833a08", Fixed: "v0.13.0"}}},
	}
	for _, tt := range tests {
		r := records[tt.id]
		if r == nil {
			t.Errorf("record %s not found in %s", tt.id, dir)
			continue
		}
		m, err := ModuleAffected(r, tt.module)
		if err != nil {
			t.Errorf("ModuleAffected(%s, %s) error = %v", tt.id, tt.module, err)
			continue
		}
		if diff := cmp.Diff(tt.want, m.Ranges); diff != "" {
			t.Errorf("ModuleAffected(%s, %s) ranges mismatch (-want +got):\n%s", tt.id, tt.module, diff)
		}
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add([]byte(`{"id": "GO-2099-0001", "affected": [{"package": {"name": "example.com/m", "ecosystem": "Go"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}, {"introduced": "1.3.0"}, {"last_affected": "1.3.5"}]}]}]}`))
	f.Add([]byte(`{"id": "x", "affected": [{"package": {"name": "stdlib", "ecosystem": "Go"}, "ranges": [{"type": "SEMVER", "events": [{"fixed": "1.0.0"}]}]}]}`))
	f.Add([]byte(`{"id": "GO-1", "affected": [{"package": {"name": "m", "ecosystem": "Go"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "2.0.0+incompatible"}]}]}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRecord(data)
		if err != nil {
			return
		}
		for _, p := range r.modulePaths() {
			m, err := ModuleAffected(r, p)
			if err != nil {
				continue
			}
			if err := m.Ranges.Validate(); err != nil {
				t.Errorf("ModuleAffected(%q) returned ranges that do not validate: %v", p, err)
			}
			for _, iv := range m.Ranges {
				if iv.Fixed != "" && iv.Contains(iv.Fixed) {
					t.Errorf("interval %s contains its own fixed version", iv)
				}
				if iv.Introduced != "" && !iv.Contains(iv.Introduced) {
					t.Errorf("interval %s does not contain its introduced version", iv)
				}
			}
			if v, ok := m.Ranges.SafeFix(p, "v0.0.0"); ok && m.Ranges.Contains(v) {
				t.Errorf("SafeFix() = %s, which lies in an affected range", v)
			}
		}
		// The events round-trip through their JSON form.
		for _, a := range r.Affected {
			for _, rg := range a.Ranges {
				enc, err := json.Marshal(rg.Events)
				if err != nil {
					t.Fatalf("marshal events: %v", err)
				}
				var back []Event
				if err := json.Unmarshal(enc, &back); err != nil {
					t.Fatalf("events do not round-trip: %v (%s)", err, enc)
				}
				if diff := cmp.Diff(rg.Events, back); diff != "" {
					t.Errorf("events round-trip mismatch (-want +got):\n%s", diff)
				}
			}
		}
	})
}
