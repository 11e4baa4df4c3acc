// Package vuln implements the vuln-remediation task class. Import turns
// advisories of the Go vulnerability database, in OSV format, into
// benchmark cases. Register adds the go_mod_remediation rubric check that
// scores a finished case, and Builtins returns the baseline SUTs osv-fix,
// first-fix and noop.
//
// Versions are compared with golang.org/x/mod/semver and go.mod files are
// read and written with golang.org/x/mod/modfile. OSV writes versions
// without the "v" prefix that Go uses; this package stores every version in
// the Go form ("v1.2.3", "v2.8.0+incompatible").
package vuln

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
)

// maxRecordBytes caps one OSV record. Records of the Go vulnerability
// database are a few kilobytes; the cap only stops a runaway file.
const maxRecordBytes = 4 << 20

// Ecosystem and package names of the Go vulnerability database.
const (
	ecosystemGo      = "Go"
	packageStdlib    = "stdlib"
	packageToolchain = "toolchain"
)

// Record is the part of an OSV record that this package reads. OSV is not a
// format this project owns, so members it does not name are ignored.
type Record struct {
	ID        string     `json:"id"`
	Aliases   []string   `json:"aliases"`
	Withdrawn string     `json:"withdrawn"`
	Affected  []Affected `json:"affected"`
}

// Affected is one affected package of a record. In the Go ecosystem the
// package name is a module path, "stdlib" or "toolchain".
type Affected struct {
	Package           Package           `json:"package"`
	Ranges            []Range           `json:"ranges"`
	EcosystemSpecific EcosystemSpecific `json:"ecosystem_specific"`
}

// Package names the affected package and its ecosystem.
type Package struct {
	Name      string `json:"name"`
	Ecosystem string `json:"ecosystem"`
}

// EcosystemSpecific is the Go database's extension of an affected entry:
// the vulnerable packages of the module.
type EcosystemSpecific struct {
	Imports []ImportedPackage `json:"imports"`
}

// ImportedPackage is one vulnerable package of a module, by import path.
type ImportedPackage struct {
	Path string `json:"path"`
}

// Range is one OSV range: a type (this package supports SEMVER only) and its
// events.
type Range struct {
	Type   string  `json:"type"`
	Events []Event `json:"events"`
}

// Event is one OSV range event. Kind is "introduced", "fixed",
// "last_affected" or "limit", and Version is written as OSV has it, without
// a "v" prefix ("0" for introduced means from the first version).
type Event struct {
	Kind    string
	Version string
}

// The event kinds of OSV ranges.
const (
	EventIntroduced   = "introduced"
	EventFixed        = "fixed"
	EventLastAffected = "last_affected"
	EventLimit        = "limit"
)

// UnmarshalJSON decodes an event object, which holds exactly one member.
func (e *Event) UnmarshalJSON(data []byte) error {
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("invalid range event %s: %w", data, err)
	}
	if len(m) != 1 {
		return fmt.Errorf("invalid range event %s: want exactly one of introduced, fixed, last_affected or limit", data)
	}
	for k, v := range m {
		switch k {
		case EventIntroduced, EventFixed, EventLastAffected, EventLimit:
		default:
			return fmt.Errorf("invalid range event %s: unknown event kind %q", data, k)
		}
		if v == "" {
			return fmt.Errorf("invalid range event %s: empty version", data)
		}
		*e = Event{Kind: k, Version: v}
	}
	return nil
}

// MarshalJSON encodes the event as OSV writes it, so that records built in
// tests round-trip.
func (e Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{e.Kind: e.Version})
}

// ParseRecord decodes one OSV record. It rejects input larger than 4 MiB,
// malformed JSON, trailing data and a record without an id. It does not
// judge the affected entries: ModuleAffected does that per module.
func ParseRecord(data []byte) (*Record, error) {
	if len(data) > maxRecordBytes {
		return nil, fmt.Errorf("record larger than %d bytes", maxRecordBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var r Record
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("invalid OSV JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid OSV JSON: trailing data after the record")
	}
	if r.ID == "" {
		return nil, errors.New("invalid OSV record: missing id")
	}
	if !recordID.MatchString(r.ID) {
		return nil, fmt.Errorf("invalid OSV record: id %q: use letters, digits, '.', '_', ':' and '-'", r.ID)
	}
	return &r, nil
}

// recordID matches the ids OSV databases use, such as GO-2022-0322 or
// GHSA-cg3q-j54f-5p7p. Case ids are built from it.
var recordID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)

// Module is the affected-version information of one Go module in one
// advisory, with every version in Go form.
type Module struct {
	Path   string
	Ranges Ranges
	// Packages are the vulnerable packages the record names, in record
	// order; empty when it names none.
	Packages []string
}

// ModuleAffected merges the affected entries of r that name module path
// (a module may appear in several entries) and returns its ranges. It
// returns an error when an entry's ranges cannot be read; the caller then
// skips the module.
func ModuleAffected(r *Record, path string) (Module, error) {
	m := Module{Path: path}
	var ranges []Range
	for _, a := range r.Affected {
		if a.Package.Ecosystem != ecosystemGo || a.Package.Name != path {
			continue
		}
		ranges = append(ranges, a.Ranges...)
		for _, imp := range a.EcosystemSpecific.Imports {
			if imp.Path != "" {
				m.Packages = append(m.Packages, imp.Path)
			}
		}
	}
	rs, err := ParseRanges(ranges)
	if err != nil {
		return Module{}, err
	}
	m.Ranges = rs
	return m, nil
}

// modulePaths returns the distinct package names of r's Go entries, sorted.
func (r *Record) modulePaths() []string {
	seen := map[string]bool{}
	var paths []string
	for _, a := range r.Affected {
		if a.Package.Ecosystem != ecosystemGo || seen[a.Package.Name] {
			continue
		}
		seen[a.Package.Name] = true
		paths = append(paths, a.Package.Name)
	}
	sort.Strings(paths)
	return paths
}
