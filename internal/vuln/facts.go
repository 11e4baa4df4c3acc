package vuln

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/mod/module"
)

// Facts are the public facts of one case: which advisory, which module, the
// version the workspace requires and the affected ranges. A case stores
// them twice: as metadata, which the SUT receives, and as expectations,
// which only the rubric reads. They are facts an agent could look up in the
// advisory, so showing them to the SUT gives nothing away.
//
//	advisory_id: GO-2022-0322
//	aliases: [CVE-2022-21698, GHSA-cg3q-j54f-5p7p]
//	module: github.com/prometheus/client_golang
//	package: github.com/prometheus/client_golang/prometheus/promhttp
//	version: v1.11.0
//	version_source: module-proxy
//	affected_ranges:
//	  - fixed: v1.11.1
//
// A range without introduced starts at the module's first version. Readers
// of metadata ignore members they do not know; the rubric decodes
// expectations strictly, so adding a member needs a new case schema
// version.
type Facts struct {
	AdvisoryID     string   `yaml:"advisory_id" json:"advisory_id"`
	Aliases        []string `yaml:"aliases" json:"aliases"`
	Module         string   `yaml:"module" json:"module"`
	Package        string   `yaml:"package" json:"package"`
	Version        string   `yaml:"version" json:"version"`
	VersionSource  string   `yaml:"version_source" json:"version_source"`
	AffectedRanges Ranges   `yaml:"affected_ranges" json:"affected_ranges"`
}

// The values of Facts.VersionSource: where the version the workspace
// requires came from.
const (
	// SourceLastAffected and SourceIntroduced are versions the advisory
	// names as affected.
	SourceLastAffected = "osv-last-affected"
	SourceIntroduced   = "osv-introduced"
	// SourcePseudoVersionBase is the tag a pseudo-version fixed version is
	// built on (v1.1.24 for v1.1.25-0.20191211073109-8ebf2e419df7). The go
	// command accepts a pseudo-version only when that tag is on an ancestor
	// of its commit, so the tag exists and precedes the fix.
	SourcePseudoVersionBase = "pseudo-version-base"
	// SourceModuleProxy is the newest version in an affected range that
	// the Go module proxy lists (ImportOptions.ResolveVersions).
	SourceModuleProxy = "module-proxy"
)

// Validate returns an error unless f names a valid module path, a valid
// version for that path inside the affected ranges, and valid ranges.
func (f *Facts) Validate() error {
	if f.Module == "" {
		return errors.New("missing module")
	}
	if err := module.CheckPath(f.Module); err != nil {
		return fmt.Errorf("invalid module: %w", err)
	}
	if err := f.AffectedRanges.Validate(); err != nil {
		return err
	}
	if err := checkGoVersion(f.Version); err != nil {
		return fmt.Errorf("version: %w", err)
	}
	if !f.AffectedRanges.Contains(f.Version) {
		return fmt.Errorf("version %s lies outside every affected range", f.Version)
	}
	return nil
}

// decodeFacts decodes facts from JSON. With strict set, unknown members and
// trailing data are errors (expectations, which this package owns); without
// it, unknown members are ignored (metadata a SUT receives).
func decodeFacts(data []byte, strict bool) (*Facts, error) {
	if len(data) == 0 || string(data) == "null" {
		return nil, errors.New("missing: the case has no facts")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if strict {
		dec.DisallowUnknownFields()
	}
	var f Facts
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the object")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}
