package vuln

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// ImportOptions controls Import.
type ImportOptions struct {
	// ResolveVersions picks, for each module, the newest version that the
	// Lister reports inside an affected range. A release wins over a
	// pre-release. Modules for which it lists none in a range fall back to
	// the versions the record names. Without it, only those are used:
	// introduced and last_affected versions and the base tags of
	// pseudo-version fixed versions.
	ResolveVersions bool
	// Lister lists published versions when ResolveVersions is set. Nil
	// means GoListLister{}, which may reach the network through the go
	// command.
	Lister VersionLister
}

// ImportReport lists what Import wrote and what it skipped, both sorted.
type ImportReport struct {
	// Records is the number of OSV files read.
	Records int            `json:"records"`
	Cases   []ImportedCase `json:"cases"`
	Skipped []Skip         `json:"skipped"`
}

// ImportedCase is one case Import wrote.
type ImportedCase struct {
	ID            string `json:"id"`
	AdvisoryID    string `json:"advisory_id"`
	Module        string `json:"module"`
	Version       string `json:"version"`
	VersionSource string `json:"version_source"`
}

// Skip is one record, or one module of a record, that produced no case.
type Skip struct {
	File       string     `json:"file"`                  // base name of the OSV file
	AdvisoryID string     `json:"advisory_id,omitempty"` // empty when the file did not parse
	Module     string     `json:"module,omitempty"`      // empty when the whole record was skipped
	Reason     SkipReason `json:"reason"`
	Detail     string     `json:"detail"`
}

// SkipReason classifies a Skip, so that reports can group them.
type SkipReason string

// The reasons a record or module yields no case.
const (
	SkipInvalidRecord    SkipReason = "invalid-record"     // not a parsable OSV record
	SkipWithdrawn        SkipReason = "withdrawn"          // the advisory was withdrawn
	SkipNoAffected       SkipReason = "no-affected-module" // no affected entry at all
	SkipNotGo            SkipReason = "ecosystem-not-go"   // an entry of another ecosystem
	SkipStandardLibrary  SkipReason = "standard-library"   // "stdlib" or "toolchain", not a module a go.mod requires
	SkipInvalidModule    SkipReason = "invalid-module"     // the package name is not a valid module path
	SkipUnsupportedRange SkipReason = "unsupported-range"  // ranges that are not SEMVER or do not parse
	SkipNoFix            SkipReason = "no-fixed-version"   // no interval has a fixed version
	SkipNoVersion        SkipReason = "no-version-in-range"
	SkipListFailed       SkipReason = "version-list-failed"
)

// ErrNoCases is returned, together with the report, when every record or
// module was skipped. Nothing is written then.
var ErrNoCases = errors.New("no cases to write")

// Import reads the OSV records (*.json) in fromDir and writes one case per
// affected third-party Go module that has a fixed version, as
// outDir/cases/<case id>/{case.yaml, workspace/}. It replaces outDir/cases
// as a whole, and refuses to when that directory holds anything other than
// case directories. It does not write task.yaml. The same input and options
// give byte-identical output.
//
// Import returns an error, and writes nothing, when fromDir holds no
// records, a file cannot be read, or no case results (ErrNoCases, with the
// report of the skips). A record that does not parse is a skip, not an
// error.
func Import(fromDir, outDir string, opts ImportOptions) (ImportReport, error) {
	return ImportContext(context.Background(), fromDir, outDir, opts)
}

// ImportContext is Import with a context that bounds the version listing.
func ImportContext(ctx context.Context, fromDir, outDir string, opts ImportOptions) (ImportReport, error) {
	if opts.ResolveVersions && opts.Lister == nil {
		opts.Lister = GoListLister{}
	}
	files, err := recordFiles(fromDir)
	if err != nil {
		return ImportReport{}, err
	}

	rep := ImportReport{Records: len(files)}
	var cases []*caseSpec
	for _, path := range files {
		cs, skips, err := planRecord(ctx, path, opts)
		if err != nil {
			return ImportReport{}, err
		}
		cases = append(cases, cs...)
		rep.Skipped = append(rep.Skipped, skips...)
	}
	assignCaseIDs(cases)
	sort.Slice(cases, func(i, j int) bool { return cases[i].id < cases[j].id })
	for _, c := range cases {
		rep.Cases = append(rep.Cases, ImportedCase{
			ID:            c.id,
			AdvisoryID:    c.facts.AdvisoryID,
			Module:        c.facts.Module,
			Version:       c.facts.Version,
			VersionSource: c.facts.VersionSource,
		})
	}
	sort.SliceStable(rep.Skipped, func(i, j int) bool {
		a, b := rep.Skipped[i], rep.Skipped[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Module < b.Module
	})
	if len(cases) == 0 {
		return rep, fmt.Errorf("import OSV records from %q: %w: all %d records were skipped", fromDir, ErrNoCases, len(files))
	}

	err = replaceCases(outDir, func(dir string) error {
		for _, c := range cases {
			if err := writeCase(filepath.Join(dir, c.id), c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ImportReport{}, err
	}
	return rep, nil
}

// recordFiles returns the *.json files of dir, sorted.
func recordFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read OSV directory: %w", err)
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".json") {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no OSV records (*.json files) in %q", dir)
	}
	sort.Strings(files)
	return files, nil
}

// caseSpec is one planned case before it is written.
type caseSpec struct {
	id    string
	facts Facts
}

// planRecord reads one OSV file and plans a case for each of its modules.
// It returns an error only when the file cannot be read.
func planRecord(ctx context.Context, path string, opts ImportOptions) ([]*caseSpec, []Skip, error) {
	file := filepath.Base(path)
	data, err := readCapped(path, maxRecordBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("read OSV record: %w", err)
	}
	rec, err := ParseRecord(data)
	if err != nil {
		return nil, []Skip{{File: file, Reason: SkipInvalidRecord, Detail: err.Error()}}, nil
	}
	skipRecord := func(reason SkipReason, detail string) []Skip {
		return []Skip{{File: file, AdvisoryID: rec.ID, Reason: reason, Detail: detail}}
	}
	if rec.Withdrawn != "" {
		return nil, skipRecord(SkipWithdrawn, "withdrawn on "+rec.Withdrawn), nil
	}
	if len(rec.Affected) == 0 {
		return nil, skipRecord(SkipNoAffected, "the record lists no affected package"), nil
	}

	var cases []*caseSpec
	var skips []Skip
	for _, a := range rec.Affected {
		if a.Package.Ecosystem != ecosystemGo {
			skips = append(skips, Skip{File: file, AdvisoryID: rec.ID, Module: a.Package.Name, Reason: SkipNotGo,
				Detail: fmt.Sprintf("ecosystem %q is not Go", a.Package.Ecosystem)})
		}
	}
	for _, modPath := range rec.modulePaths() {
		c, skip := planModule(ctx, rec, modPath, opts)
		if skip != nil {
			skip.File, skip.AdvisoryID, skip.Module = file, rec.ID, modPath
			skips = append(skips, *skip)
			continue
		}
		cases = append(cases, c)
	}
	return cases, skips, nil
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", path, err)
	}
	return data, nil
}

// planModule plans the case of one module, or returns a Skip with the
// reason there is none.
func planModule(ctx context.Context, rec *Record, modPath string, opts ImportOptions) (*caseSpec, *Skip) {
	if modPath == packageStdlib || modPath == packageToolchain {
		return nil, &Skip{Reason: SkipStandardLibrary, Detail: fmt.Sprintf("%q is part of the Go distribution, not a module that go.mod requires", modPath)}
	}
	if err := module.CheckPath(modPath); err != nil {
		return nil, &Skip{Reason: SkipInvalidModule, Detail: err.Error()}
	}
	m, err := ModuleAffected(rec, modPath)
	if err != nil {
		return nil, &Skip{Reason: SkipUnsupportedRange, Detail: err.Error()}
	}
	if len(m.Ranges.Fixes()) == 0 {
		return nil, &Skip{Reason: SkipNoFix, Detail: fmt.Sprintf("no affected range has a fixed version (%s)", formatRanges(m.Ranges))}
	}
	version, source, skip := chooseVersion(ctx, m, opts)
	if skip != nil {
		return nil, skip
	}
	return &caseSpec{facts: Facts{
		AdvisoryID:     rec.ID,
		Aliases:        slices.Clone(rec.Aliases),
		Module:         modPath,
		Package:        importablePackage(m),
		Version:        version,
		VersionSource:  source,
		AffectedRanges: m.Ranges,
	}}, nil
}

// candidate is a version the workspace could require, with the rank of its
// source: lower ranks win, and within a rank the newest version wins.
type candidate struct {
	version string
	source  string
	rank    int
}

// The ranks of the version sources. Listed versions are published, so they
// win over versions taken from the record. A release wins over a
// pre-release, the preference the go command applies to version queries
// such as @latest. A version the record names wins
// over the base of a pseudo-version, which the record names only through
// the pseudo-version's form.
const (
	rankListedRelease = iota
	rankListedPrerelease
	rankRecordNamed
	rankPseudoVersionBase
)

// chooseVersion picks the version the workspace requires. The version must
// lie in an affected range, suit the module path's major version, and have
// a fixed version above it that leaves every range, so that the case can be
// solved without the network. A listed "+incompatible" version counts like
// any other: it is the only form a path without a major suffix can require
// from v2 on.
func chooseVersion(ctx context.Context, m Module, opts ImportOptions) (string, string, *Skip) {
	var cands []candidate
	var listErr error
	if opts.ResolveVersions {
		listed, err := opts.Lister.ListVersions(ctx, m.Path)
		if err != nil {
			listErr = err
			if ctx.Err() != nil {
				return "", "", &Skip{Reason: SkipListFailed, Detail: err.Error()}
			}
			// A proxy that refuses one module must not lose its case: the
			// versions the record names are published ones too. The case's
			// version_source then names the record, so the fallback shows.
			listed = nil
		}
		for _, v := range listed {
			rank := rankListedRelease
			if semver.Prerelease(v) != "" {
				rank = rankListedPrerelease
			}
			cands = append(cands, candidate{v, SourceModuleProxy, rank})
		}
	}
	cands = append(cands, recordVersions(m)...)

	var best *candidate
	for i := range cands {
		c := &cands[i]
		if !solvable(m, c.version) {
			continue
		}
		if best == nil || c.rank < best.rank || (c.rank == best.rank && semver.Compare(c.version, best.version) > 0) {
			best = c
		}
	}
	if best == nil && listErr != nil {
		return "", "", &Skip{Reason: SkipListFailed, Detail: listErr.Error() + "; the record names no usable version either"}
	}
	if best == nil {
		detail := fmt.Sprintf("the record names no version (introduced, last_affected or the base tag of a pseudo-version) "+
			"that lies in an affected range %s with a fixed version above it; resolving versions through the module proxy may find one", formatRanges(m.Ranges))
		if opts.ResolveVersions {
			detail = fmt.Sprintf("neither the module proxy nor the record gives a version in an affected range %s with a fixed version above it", formatRanges(m.Ranges))
		}
		return "", "", &Skip{Reason: SkipNoVersion, Detail: detail}
	}
	return best.version, best.source, nil
}

// recordVersions returns the versions the record names for m: every
// introduced version other than "0", every last_affected version, and the
// tag that a pseudo-version fixed version is built on. A pseudo-version
// names its base tag: Go writes vX.Y.(Z+1)-0.<time>-<commit> for a commit
// after tag vX.Y.Z and vX.Y.Z-pre.0.<time>-<commit> for one after
// vX.Y.Z-pre, and since Go 1.13 the go command rejects a pseudo-version
// whose base tag is not on an ancestor of the commit. The form
// vX.0.0-<time>-<commit> has no base tag and gives nothing.
// No version is derived from a fixed version in any other way: a guessed
// predecessor such as v1.4.0 for v1.4.1 may never have been published.
func recordVersions(m Module) []candidate {
	var cands []candidate
	for _, iv := range m.Ranges {
		if iv.LastAffected != "" {
			cands = append(cands, candidate{iv.LastAffected, SourceLastAffected, rankRecordNamed})
		}
		if iv.Introduced != "" {
			cands = append(cands, candidate{iv.Introduced, SourceIntroduced, rankRecordNamed})
		}
		if iv.Fixed == "" || !module.IsPseudoVersion(iv.Fixed) {
			continue
		}
		if base, err := module.PseudoVersionBase(iv.Fixed); err == nil && base != "" {
			cands = append(cands, candidate{base, SourcePseudoVersionBase, rankPseudoVersionBase})
		}
	}
	return cands
}

// solvable reports whether v is a version the workspace can require for m
// and that a fixed version of the record remediates.
func solvable(m Module, v string) bool {
	if checkGoVersion(v) != nil {
		return false
	}
	_, pathMajor, _ := module.SplitPathVersion(m.Path)
	if module.CheckPathMajor(v, pathMajor) != nil {
		return false
	}
	if !m.Ranges.Contains(v) {
		return false
	}
	_, ok := m.Ranges.SafeFix(m.Path, v)
	return ok
}

// importablePackage returns the first vulnerable package of m that another
// module may import (no "internal" element), or the module path when there
// is none.
// NOTE: the module path is a guess when the record names no package: some
// modules have no package at their root.
func importablePackage(m Module) string {
	for _, p := range m.Packages {
		if p != m.Path && !strings.HasPrefix(p, m.Path+"/") {
			continue
		}
		if module.CheckImportPath(p) != nil {
			continue
		}
		if slices.Contains(strings.Split(p, "/"), "internal") {
			continue
		}
		return p
	}
	return m.Path
}

func formatRanges(rs Ranges) string {
	parts := make([]string, len(rs))
	for i, iv := range rs {
		parts[i] = iv.String()
	}
	return strings.Join(parts, " ")
}

// maxCaseIDLen keeps case directory names well below file system limits.
const maxCaseIDLen = 100

// assignCaseIDs gives each case the id <advisory id>-<module path>,
// lowercased, with every character outside [a-z0-9._-] replaced by '-'.
// Two modules that differ only in case, or an id longer than 100
// characters, get a short hash of the module path appended.
func assignCaseIDs(cases []*caseSpec) {
	seen := map[string]bool{}
	for _, c := range cases {
		id := sanitizeID(c.facts.AdvisoryID) + "-" + sanitizeID(c.facts.Module)
		if len(id) > maxCaseIDLen || seen[id] {
			suffix := "-" + shortHash(c.facts.AdvisoryID+"\x00"+c.facts.Module)
			id = strings.TrimRight(id[:min(len(id), maxCaseIDLen-len(suffix))], "-.") + suffix
		}
		seen[id] = true
		c.id = id
	}
}

// sanitizeID lowercases s and replaces every character outside
// [a-z0-9._-] by '-', so the result can be part of a case id.
func sanitizeID(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			b[i] = '-'
		}
	}
	return strings.TrimLeft(string(b), "._-")
}
