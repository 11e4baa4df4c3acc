package vuln

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/mod/semver"
)

// proxyVersionsFile stores the version lists that the go command returned
// for the modules of the OSV records, so that tests can import with
// ResolveVersions and no network. TestBundledCasesUpToDate rewrites it
// when run with -refresh-proxy.
const proxyVersionsFile = "testdata/proxy-versions.json"

// proxyVersions is the content of proxyVersionsFile, and a VersionLister
// that replays it. A module without an entry is an error, so a record added
// without refreshing the file shows up as a version-list-failed skip.
type proxyVersions struct {
	// Versions maps a module path to its listed versions, sorted by semver.
	Versions map[string][]string `json:"versions"`
	// Errors maps a module path whose listing failed to the error message.
	Errors map[string]string `json:"errors"`
}

func (p *proxyVersions) ListVersions(ctx context.Context, modulePath string) ([]string, error) {
	if msg, ok := p.Errors[modulePath]; ok {
		return nil, errors.New(msg)
	}
	versions, ok := p.Versions[modulePath]
	if !ok {
		return nil, fmt.Errorf("module %s has no version list in %s: run the bundled-cases test with -refresh-proxy", modulePath, proxyVersionsFile)
	}
	return slices.Clone(versions), nil
}

// modules returns every module path the file has an entry for, sorted.
func (p *proxyVersions) modules() []string {
	var paths []string
	for path := range p.Versions {
		paths = append(paths, path)
	}
	for path := range p.Errors {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	return paths
}

func loadProxyVersions(t *testing.T) *proxyVersions {
	t.Helper()
	data, err := os.ReadFile(proxyVersionsFile)
	if err != nil {
		t.Fatalf("read the recorded version lists: %v", err)
	}
	var p proxyVersions
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode %s: %v", proxyVersionsFile, err)
	}
	return &p
}

// encodeProxyVersions renders p with sorted keys and one version a line,
// so that a refresh shows up in a diff as the versions added.
func encodeProxyVersions(p *proxyVersions) ([]byte, error) {
	if p.Versions == nil {
		p.Versions = map[string][]string{}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// recordingLister passes each request to lister and keeps what it
// returns. Import lists one module at a time, so it needs no lock.
type recordingLister struct {
	lister    VersionLister
	got       proxyVersions
	requested []string
}

func (r *recordingLister) ListVersions(ctx context.Context, modulePath string) ([]string, error) {
	r.requested = append(r.requested, modulePath)
	versions, err := r.lister.ListVersions(ctx, modulePath)
	if err != nil {
		if r.got.Errors == nil {
			r.got.Errors = map[string]string{}
		}
		r.got.Errors[modulePath] = err.Error()
		return nil, err
	}
	if r.got.Versions == nil {
		r.got.Versions = map[string][]string{}
	}
	sorted := append([]string{}, versions...)
	semver.Sort(sorted)
	r.got.Versions[modulePath] = sorted
	return versions, nil
}

// refreshProxyVersions lists through the go command the versions of every
// module that an import of the records in from requests, and rewrites
// proxyVersionsFile.
// It uses the network: the go command's GOPROXY setting applies.
func refreshProxyVersions(t *testing.T, from string) {
	t.Helper()
	rec := &recordingLister{lister: GoListLister{}}
	if _, err := Import(from, t.TempDir(), ImportOptions{ResolveVersions: true, Lister: rec}); err != nil {
		t.Fatalf("import with the go command's version lists: %v", err)
	}
	for path, msg := range rec.got.Errors {
		t.Logf("listing %s failed: %s", path, msg)
	}
	data, err := encodeProxyVersions(&rec.got)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(proxyVersionsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(proxyVersionsFile, data, 0o644); err != nil {
		t.Fatalf("write the version lists: %v", err)
	}
	t.Logf("wrote the version lists of %d modules and %d listing errors to %s", len(rec.got.Versions), len(rec.got.Errors), proxyVersionsFile)
}

// TestProxyVersionsFile checks that the recorded lists are valid Go
// versions in semver order, and that the file is in the form a refresh
// writes, so that hand edits show.
func TestProxyVersionsFile(t *testing.T) {
	p := loadProxyVersions(t)
	for path, versions := range p.Versions {
		for _, v := range versions {
			if !semver.IsValid(v) {
				t.Errorf("module %s: invalid version %q", path, v)
			}
		}
		if !slices.IsSortedFunc(versions, semver.Compare) {
			t.Errorf("module %s: the versions are not sorted by semver: %v", path, versions)
		}
		if _, ok := p.Errors[path]; ok {
			t.Errorf("module %s has both a version list and an error", path)
		}
	}

	data, err := os.ReadFile(proxyVersionsFile)
	if err != nil {
		t.Fatal(err)
	}
	want, err := encodeProxyVersions(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("%s is not in the form a refresh writes (sorted keys, two-space indent, final newline)", proxyVersionsFile)
	}
}
