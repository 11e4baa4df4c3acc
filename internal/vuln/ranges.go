package vuln

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// Interval is one affected interval of a module's versions: from Introduced
// (inclusive) up to Fixed (exclusive) or LastAffected (inclusive). Versions
// are in Go form. An empty Introduced means from the first version; when
// both Fixed and LastAffected are empty, no fix is known and every later
// version is affected.
type Interval struct {
	Introduced   string `yaml:"introduced,omitempty" json:"introduced,omitempty"`
	Fixed        string `yaml:"fixed,omitempty" json:"fixed,omitempty"`
	LastAffected string `yaml:"last_affected,omitempty" json:"last_affected,omitempty"`
}

// Contains reports whether version v lies in the interval. Build metadata
// such as "+incompatible" does not take part in the comparison.
func (iv Interval) Contains(v string) bool {
	if iv.Introduced != "" && semver.Compare(v, iv.Introduced) < 0 {
		return false
	}
	switch {
	case iv.Fixed != "":
		return semver.Compare(v, iv.Fixed) < 0
	case iv.LastAffected != "":
		return semver.Compare(v, iv.LastAffected) <= 0
	}
	return true
}

// String formats the interval in mathematical notation, such as
// "[v1.2.0, v1.2.5)", for messages.
func (iv Interval) String() string {
	lo := iv.Introduced
	if lo == "" {
		lo = "v0.0.0"
	}
	switch {
	case iv.Fixed != "":
		return fmt.Sprintf("[%s, %s)", lo, iv.Fixed)
	case iv.LastAffected != "":
		return fmt.Sprintf("[%s, %s]", lo, iv.LastAffected)
	}
	return fmt.Sprintf("[%s, no fix)", lo)
}

// Ranges are the affected intervals of one module, sorted by their start.
// A module is affected at a version when any interval contains it.
type Ranges []Interval

// Contains reports whether version v lies in any interval.
func (rs Ranges) Contains(v string) bool {
	return slices.ContainsFunc(rs, func(iv Interval) bool { return iv.Contains(v) })
}

// Validate returns an error unless every interval has valid versions in Go
// form, a lower bound below its upper bound, and the intervals are sorted.
// Case files carry Ranges, so a hand-edited case is checked with it.
func (rs Ranges) Validate() error {
	if len(rs) == 0 {
		return errors.New("no affected ranges")
	}
	for i, iv := range rs {
		for _, v := range []string{iv.Introduced, iv.Fixed, iv.LastAffected} {
			if v == "" {
				continue
			}
			if err := checkGoVersion(v); err != nil {
				return fmt.Errorf("affected range %d: %w", i+1, err)
			}
		}
		if iv.Fixed != "" && iv.LastAffected != "" {
			return fmt.Errorf("affected range %d: has both fixed and last_affected", i+1)
		}
		if iv.Introduced != "" && iv.Fixed != "" && semver.Compare(iv.Introduced, iv.Fixed) >= 0 {
			return fmt.Errorf("affected range %d: introduced %s is not below fixed %s", i+1, iv.Introduced, iv.Fixed)
		}
		if iv.Introduced != "" && iv.LastAffected != "" && semver.Compare(iv.Introduced, iv.LastAffected) > 0 {
			return fmt.Errorf("affected range %d: introduced %s is above last_affected %s", i+1, iv.Introduced, iv.LastAffected)
		}
		if i > 0 && compareStart(rs[i-1], iv) > 0 {
			return fmt.Errorf("affected range %d: starts before range %d: sort the ranges by introduced", i+1, i)
		}
	}
	return nil
}

// SafeFix returns the smallest fixed version named by the ranges that is
// at least from and lies outside every interval. The version must also suit
// modulePath: a /v2 path needs v2.x.x, and a path without a major suffix
// needs "+incompatible" from v2 on. ok is false when there is none.
func (rs Ranges) SafeFix(modulePath, from string) (version string, ok bool) {
	_, pathMajor, _ := module.SplitPathVersion(modulePath)
	var best string
	for _, iv := range rs {
		f := iv.Fixed
		if f == "" || semver.Compare(f, from) < 0 || rs.Contains(f) {
			continue
		}
		if module.CheckPathMajor(f, pathMajor) != nil {
			continue
		}
		if best == "" || semver.Compare(f, best) < 0 {
			best = f
		}
	}
	return best, best != ""
}

// Fixes returns the distinct fixed versions of the ranges, sorted.
func (rs Ranges) Fixes() []string {
	var out []string
	for _, iv := range rs {
		if iv.Fixed != "" && !slices.Contains(out, iv.Fixed) {
			out = append(out, iv.Fixed)
		}
	}
	slices.SortFunc(out, semver.Compare)
	return out
}

// ParseRanges builds the affected intervals from OSV ranges of type SEMVER.
// Following the OSV evaluation rule, the events of each range are ordered by
// version ("0" first) and walked: introduced opens an interval, fixed and
// last_affected close it. Several ranges, and several introduced/fixed
// pairs in one range (a vulnerability introduced again after a fix), give
// several intervals. It returns an error for a range of another type, a
// "limit" event, a version that is not valid semantic versioning, or a
// fixed or last_affected event with no interval open.
func ParseRanges(ranges []Range) (Ranges, error) {
	if len(ranges) == 0 {
		return nil, errors.New("no ranges")
	}
	var out Ranges
	for i, r := range ranges {
		if r.Type != "SEMVER" {
			return nil, fmt.Errorf("range %d has type %q: only SEMVER ranges are supported", i+1, r.Type)
		}
		ivs, err := parseEvents(r.Events)
		if err != nil {
			return nil, fmt.Errorf("range %d: %w", i+1, err)
		}
		out = append(out, ivs...)
	}
	slices.SortStableFunc(out, compareStart)
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// compareStart orders intervals by their lower bound, "from the first
// version" first.
func compareStart(a, b Interval) int {
	switch {
	case a.Introduced == b.Introduced:
		return 0
	case a.Introduced == "":
		return -1
	case b.Introduced == "":
		return 1
	}
	return semver.Compare(a.Introduced, b.Introduced)
}

type event struct {
	kind    string
	version string // Go form; "" for introduced "0"
}

func parseEvents(events []Event) ([]Interval, error) {
	if len(events) == 0 {
		return nil, errors.New("no events")
	}
	evs := make([]event, 0, len(events))
	for _, e := range events {
		if e.Kind == EventLimit {
			return nil, fmt.Errorf("limit event %q is not supported in SEMVER ranges", e.Version)
		}
		if e.Kind == EventIntroduced && e.Version == "0" {
			evs = append(evs, event{kind: e.Kind})
			continue
		}
		v, err := GoVersion(e.Version)
		if err != nil {
			return nil, fmt.Errorf("%s event: %w", e.Kind, err)
		}
		evs = append(evs, event{kind: e.Kind, version: v})
	}
	slices.SortStableFunc(evs, func(a, b event) int {
		return compareStart(Interval{Introduced: a.version}, Interval{Introduced: b.version})
	})

	var out []Interval
	var open *Interval
	for _, e := range evs {
		switch e.kind {
		case EventIntroduced:
			// A second introduced inside an open interval changes nothing:
			// the versions stay affected until the next fix.
			if open == nil {
				open = &Interval{Introduced: e.version}
			}
		case EventFixed, EventLastAffected:
			if open == nil {
				return nil, fmt.Errorf("%s %s has no introduced event before it", e.kind, e.version)
			}
			if e.kind == EventFixed {
				open.Fixed = e.version
			} else {
				open.LastAffected = e.version
			}
			out = append(out, *open)
			open = nil
		}
	}
	if open != nil {
		out = append(out, *open)
	}
	return out, nil
}

// GoVersion converts an OSV version such as "1.2.3" or "2.8.0+incompatible"
// to Go form ("v1.2.3"). A version that already has the prefix is accepted.
// It returns an error unless the result is a full semantic version whose
// only build metadata, if any, is "+incompatible".
func GoVersion(osv string) (string, error) {
	v := osv
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	if err := checkGoVersion(v); err != nil {
		return "", err
	}
	return v, nil
}

// checkGoVersion rejects shorthand forms such as "v1.2", which semver
// accepts but go.mod does not, and build metadata other than
// "+incompatible".
func checkGoVersion(v string) error {
	if !semver.IsValid(v) {
		return fmt.Errorf("invalid version %q: want a semantic version such as v1.2.3", v)
	}
	build := semver.Build(v)
	if build != "" && build != "+incompatible" {
		return fmt.Errorf("invalid version %q: the only build suffix Go allows is +incompatible", v)
	}
	if semver.Canonical(v)+build != v {
		return fmt.Errorf("invalid version %q: write all three numbers, as in %s", v, semver.Canonical(v)+build)
	}
	return nil
}
