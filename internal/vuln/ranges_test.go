package vuln

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// semverRange builds one OSV range of type SEMVER from alternating
// kind/version pairs.
func semverRange(kv ...string) Range {
	r := Range{Type: "SEMVER"}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Events = append(r.Events, Event{Kind: kv[i], Version: kv[i+1]})
	}
	return r
}

const (
	in = EventIntroduced
	fx = EventFixed
	la = EventLastAffected
)

func TestParseRanges(t *testing.T) {
	tests := []struct {
		name   string
		ranges []Range
		want   Ranges
	}{
		{
			name:   "introduced zero means from the first version",
			ranges: []Range{semverRange(in, "0", fx, "1.11.1")},
			want:   Ranges{{Fixed: "v1.11.1"}},
		},
		{
			name:   "reintroduced after a fix in one range",
			ranges: []Range{semverRange(in, "0", fx, "1.8.3", in, "1.9.0", fx, "1.9.1", in, "1.9.2", fx, "1.9.3")},
			want:   Ranges{{Fixed: "v1.8.3"}, {Introduced: "v1.9.0", Fixed: "v1.9.1"}, {Introduced: "v1.9.2", Fixed: "v1.9.3"}},
		},
		{
			name:   "several ranges are merged and sorted",
			ranges: []Range{semverRange(in, "1.6.0", fx, "1.6.18"), semverRange(in, "0", fx, "1.5.18")},
			want:   Ranges{{Fixed: "v1.5.18"}, {Introduced: "v1.6.0", Fixed: "v1.6.18"}},
		},
		{
			name:   "events out of order are sorted by version",
			ranges: []Range{semverRange(fx, "1.5.0", in, "1.0.0")},
			want:   Ranges{{Introduced: "v1.0.0", Fixed: "v1.5.0"}},
		},
		{
			name:   "second introduced inside an open interval changes nothing",
			ranges: []Range{semverRange(in, "1.0.0", in, "1.2.0", fx, "1.5.0")},
			want:   Ranges{{Introduced: "v1.0.0", Fixed: "v1.5.0"}},
		},
		{
			name:   "pseudo-version introduced and fixed",
			ranges: []Range{semverRange(in, "1.2.1-0.20180103161547-0ef6afb2f6cd", fx, "1.2.1-0.20180404165556-75cca531ea76")},
			want:   Ranges{{Introduced: "v1.2.1-0.20180103161547-0ef6afb2f6cd", Fixed: "v1.2.1-0.20180404165556-75cca531ea76"}},
		},
		{
			name:   "incompatible versions keep their suffix",
			ranges: []Range{semverRange(in, "0", fx, "0.5.2", in, "3.0.0+incompatible", fx, "3.0.1-0.20180525145409-4c9aadca8f89+incompatible")},
			want: Ranges{
				{Fixed: "v0.5.2"},
				{Introduced: "v3.0.0+incompatible", Fixed: "v3.0.1-0.20180525145409-4c9aadca8f89+incompatible"},
			},
		},
		{
			name:   "pre-release fixed version",
			ranges: []Range{semverRange(in, "0.18.0", fx, "0.18.7-rc.0")},
			want:   Ranges{{Introduced: "v0.18.0", Fixed: "v0.18.7-rc.0"}},
		},
		{
			name:   "last affected closes an interval inclusively",
			ranges: []Range{semverRange(in, "1.0.0", la, "1.2.0")},
			want:   Ranges{{Introduced: "v1.0.0", LastAffected: "v1.2.0"}},
		},
		{
			name:   "no fix leaves the interval open",
			ranges: []Range{semverRange(in, "0", fx, "1.0.0", in, "2.0.0")},
			want:   Ranges{{Fixed: "v1.0.0"}, {Introduced: "v2.0.0"}},
		},
		{
			name:   "versions with a v prefix are accepted",
			ranges: []Range{semverRange(in, "v1.0.0", fx, "v1.0.1")},
			want:   Ranges{{Introduced: "v1.0.0", Fixed: "v1.0.1"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRanges(tt.ranges)
			if err != nil {
				t.Fatalf("ParseRanges() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseRanges() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRangesErrors(t *testing.T) {
	tests := []struct {
		name    string
		ranges  []Range
		wantErr string
	}{
		{"no ranges", nil, "no ranges"},
		{"no events", []Range{{Type: "SEMVER"}}, "no events"},
		{"git range", []Range{{Type: "GIT", Events: []Event{{in, "0"}, {fx, "abc123"}}}}, `type "GIT"`},
		{"ecosystem range", []Range{{Type: "ECOSYSTEM", Events: []Event{{in, "0"}}}}, `type "ECOSYSTEM"`},
		{"limit event", []Range{semverRange(in, "0", EventLimit, "2.0.0")}, "limit event"},
		{"short version", []Range{semverRange(in, "0", fx, "1.2")}, "write all three numbers"},
		{"not a version", []Range{semverRange(in, "0", fx, "latest")}, "invalid version"},
		{"build metadata", []Range{semverRange(in, "0", fx, "1.2.3+build.5")}, "+incompatible"},
		{"zero as fixed", []Range{semverRange(in, "0", fx, "0")}, "invalid version"},
		{"fixed before any introduced", []Range{semverRange(fx, "1.0.0")}, "no introduced event"},
		{"last affected before any introduced", []Range{semverRange(la, "1.0.0")}, "no introduced event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRanges(tt.ranges)
			if err == nil {
				t.Fatalf("ParseRanges() = %v, want an error containing %q", got, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRanges() error = %q, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestRangesContains(t *testing.T) {
	logrus := Ranges{{Fixed: "v1.8.3"}, {Introduced: "v1.9.0", Fixed: "v1.9.1"}, {Introduced: "v1.9.2", Fixed: "v1.9.3"}}
	dns := Ranges{{Fixed: "v1.1.25-0.20191211073109-8ebf2e419df7"}}
	apimachinery := Ranges{{Fixed: "v0.16.13"}, {Introduced: "v0.17.0", Fixed: "v0.17.9"}, {Introduced: "v0.18.0", Fixed: "v0.18.7-rc.0"}}
	distribution := Ranges{{Fixed: "v2.8.0+incompatible"}}
	jsonPatch := Ranges{{Fixed: "v0.5.2"}, {Introduced: "v3.0.0+incompatible", Fixed: "v3.0.1-0.20180525145409-4c9aadca8f89+incompatible"}}
	lastAffected := Ranges{{Introduced: "v1.0.0", LastAffected: "v1.2.0"}}
	open := Ranges{{Introduced: "v2.0.0"}}

	tests := []struct {
		name    string
		ranges  Ranges
		version string
		want    bool
	}{
		{"from the start includes v0.0.0", logrus, "v0.0.0", true},
		{"below the first fix", logrus, "v1.8.2", true},
		{"at the first fix", logrus, "v1.8.3", false},
		{"between fix and reintroduction", logrus, "v1.8.9", false},
		{"at a reintroduction", logrus, "v1.9.0", true},
		{"at the second fix", logrus, "v1.9.1", false},
		{"reintroduced again", logrus, "v1.9.2", true},
		{"at the last fix", logrus, "v1.9.3", false},
		{"above every range", logrus, "v1.10.0", false},
		{"base tag below a pseudo-version fix", dns, "v1.1.24", true},
		{"earlier pseudo-version on the same base", dns, "v1.1.25-0.20191101000000-aaaaaaaaaaaa", true},
		{"the pseudo-version fix itself", dns, "v1.1.25-0.20191211073109-8ebf2e419df7", false},
		{"release above a pseudo-version fix", dns, "v1.1.25", false},
		{"patch below a pre-release fix", apimachinery, "v0.18.6", true},
		{"earlier pre-release below an rc fix", apimachinery, "v0.18.7-alpha.1", true},
		{"the pre-release fix", apimachinery, "v0.18.7-rc.0", false},
		{"release above a pre-release fix", apimachinery, "v0.18.7", false},
		{"incompatible below the fix", distribution, "v2.7.1+incompatible", true},
		{"incompatible at the fix", distribution, "v2.8.0+incompatible", false},
		{"incompatible above the fix", distribution, "v2.8.1+incompatible", false},
		{"v1 between the ranges of json-patch", jsonPatch, "v1.0.0", false},
		{"incompatible v3 reintroduced", jsonPatch, "v3.0.0+incompatible", true},
		{"incompatible pseudo-version fix", jsonPatch, "v3.0.1-0.20180525145409-4c9aadca8f89+incompatible", false},
		{"last affected is inclusive", lastAffected, "v1.2.0", true},
		{"above last affected", lastAffected, "v1.2.1", false},
		{"below introduced", lastAffected, "v0.9.0", false},
		{"open interval has no end", open, "v9.0.0", true},
		{"below an open interval", open, "v1.9.9", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ranges.Contains(tt.version); got != tt.want {
				t.Errorf("Contains(%q) = %v, want %v", tt.version, got, tt.want)
			}
		})
	}
}

func TestRangesSafeFix(t *testing.T) {
	logrus := Ranges{{Fixed: "v1.8.3"}, {Introduced: "v1.9.0", Fixed: "v1.9.1"}, {Introduced: "v1.9.2", Fixed: "v1.9.3"}}
	jsonPatch := Ranges{{Fixed: "v0.5.2"}, {Introduced: "v3.0.0+incompatible", Fixed: "v3.0.1-0.20180525145409-4c9aadca8f89+incompatible"}}
	overlapping := Ranges{{Fixed: "v1.5.0"}, {Introduced: "v1.4.0", Fixed: "v1.6.0"}}

	tests := []struct {
		name   string
		module string
		ranges Ranges
		from   string
		want   string
		wantOK bool
	}{
		{name: "first range", module: "github.com/sirupsen/logrus", ranges: logrus, from: "v1.8.0", want: "v1.8.3", wantOK: true},
		{name: "middle range", module: "github.com/sirupsen/logrus", ranges: logrus, from: "v1.9.0", want: "v1.9.1", wantOK: true},
		{name: "last range", module: "github.com/sirupsen/logrus", ranges: logrus, from: "v1.9.2", want: "v1.9.3", wantOK: true},
		{name: "never below the current version", module: "github.com/evanphx/json-patch", ranges: jsonPatch, from: "v3.0.0+incompatible",
			want: "v3.0.1-0.20180525145409-4c9aadca8f89+incompatible", wantOK: true},
		{name: "fix inside another range is skipped", module: "example.com/m", ranges: overlapping, from: "v1.0.0", want: "v1.6.0", wantOK: true},
		{name: "v2 fix for a path without major suffix", module: "example.com/m", ranges: Ranges{{Fixed: "v2.0.8"}}, from: "v1.0.0"},
		{name: "v2 fix for a v2 path", module: "example.com/m/v2", ranges: Ranges{{Fixed: "v2.0.8"}}, from: "v2.0.1", want: "v2.0.8", wantOK: true},
		{name: "gopkg.in pseudo-version fix", module: "gopkg.in/yaml.v3", ranges: Ranges{{Fixed: "v3.0.0-20220521103104-8f96da9f5d5e"}},
			from: "v3.0.0-20210107192922-496545a6307b", want: "v3.0.0-20220521103104-8f96da9f5d5e", wantOK: true},
		{name: "last affected only", module: "example.com/m", ranges: Ranges{{Introduced: "v1.0.0", LastAffected: "v1.2.0"}}, from: "v1.1.0"},
		{name: "reintroduced without a fix", module: "example.com/m", ranges: Ranges{{Fixed: "v1.0.0"}, {Introduced: "v2.0.0"}}, from: "v0.5.0",
			want: "v1.0.0", wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.ranges.SafeFix(tt.module, tt.from)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("SafeFix(%q, %q) = %q, %v, want %q, %v", tt.module, tt.from, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRangesValidate(t *testing.T) {
	tests := []struct {
		name    string
		ranges  Ranges
		wantErr string
	}{
		{"valid", Ranges{{Fixed: "v1.0.0"}, {Introduced: "v1.2.0", Fixed: "v1.3.0"}}, ""},
		{"empty", nil, "no affected ranges"},
		{"introduced above fixed", Ranges{{Introduced: "v2.0.0", Fixed: "v1.0.0"}}, "not below fixed"},
		{"introduced equals fixed", Ranges{{Introduced: "v1.0.0", Fixed: "v1.0.0"}}, "not below fixed"},
		{"both ends", Ranges{{Fixed: "v1.0.0", LastAffected: "v0.9.0"}}, "both fixed and last_affected"},
		{"unsorted", Ranges{{Introduced: "v1.2.0", Fixed: "v1.3.0"}, {Fixed: "v1.0.0"}}, "sort the ranges"},
		{"missing v", Ranges{{Fixed: "1.0.0"}}, "invalid version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.ranges.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() error = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestGoVersion(t *testing.T) {
	tests := []struct {
		osv     string
		want    string
		wantErr bool
	}{
		{"1.2.3", "v1.2.3", false},
		{"v1.2.3", "v1.2.3", false},
		{"2.8.0+incompatible", "v2.8.0+incompatible", false},
		{"0.0.0-20220314234659-1baeb1ce4c0b", "v0.0.0-20220314234659-1baeb1ce4c0b", false},
		{"0.7.4-security1", "v0.7.4-security1", false},
		{"1.2", "", true},
		{"1", "", true},
		{"", "", true},
		{"1.2.3+build", "", true},
		{"01.2.3", "", true},
	}
	for _, tt := range tests {
		got, err := GoVersion(tt.osv)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("GoVersion(%q) = %q, %v, want %q, error %v", tt.osv, got, err, tt.want, tt.wantErr)
		}
	}
}
