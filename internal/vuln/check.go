package vuln

import (
	"context"
	"encoding/json"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"

	"github.com/codegenie/codegenie/internal/rubric"
)

// CheckKind is the rubric check kind that Register adds.
const CheckKind = "go_mod_remediation"

// The failure modes of the go_mod_remediation check.
const (
	// FailureStillVulnerable: the module's effective version lies in an
	// affected range. A wrong fix lowers the score but does not block a
	// promotion, so the severity is warn.
	FailureStillVulnerable = "still-vulnerable"
	// FailureUnrelatedChanged: another requirement was added, removed,
	// changed or replaced. Recorded; the check still passes when the
	// target is fixed.
	FailureUnrelatedChanged = "unrelated-requirement-changed"
	// FailureTargetRemoved: the requirement of the affected module is gone
	// and nothing imports it any more, so the program lost what it used.
	FailureTargetRemoved = "target-requirement-removed"
	// FailureTargetReplacedByOtherModule: a replace directive points the
	// affected module at another module path, which the advisory's ranges
	// do not cover.
	FailureTargetReplacedByOtherModule = "target-replaced-by-other-module"
	// FailureGoModInvalid: go.mod is missing, unreadable or does not parse.
	FailureGoModInvalid = "go-mod-invalid"
	// FailureLocalReplace: a replace directive that the original did not
	// have points a module at a directory, such as a local stub.
	FailureLocalReplace = "dependency-replaced-with-local-path"
	// FailureRemovedWhileImported: a requirement was removed although the
	// workspace's Go files still import its packages.
	FailureRemovedWhileImported = "requirement-removed-while-imported"
)

// Limits of what the check reads from a workspace the SUT wrote.
const (
	maxGoModBytes  = 1 << 20
	maxGoFileBytes = 1 << 20
	maxGoFiles     = 10000
)

// Register adds the go_mod_remediation check kind to reg.
func Register(reg *rubric.Registry) {
	reg.Register(CheckKind, newRemediationCheck)
}

// remediationCheck scores one workspace. Parameters: {"path": "go.mod"},
// the go.mod to check relative to the workspace.
type remediationCheck struct {
	Path string `json:"path"`
}

func newRemediationCheck(params json.RawMessage) (rubric.Check, error) {
	c := &remediationCheck{}
	if err := rubric.DecodeParams(params, c); err != nil {
		return nil, err
	}
	if c.Path == "" {
		c.Path = "go.mod"
	}
	if !fs.ValidPath(c.Path) || c.Path == "." {
		return nil, fmt.Errorf("invalid path %q: use a slash-separated path relative to the workspace, without '..'", c.Path)
	}
	return c, nil
}

// Run compares the workspace's go.mod with the original's. It returns an
// error only when the case itself is broken (invalid expectations, an
// unreadable original); whatever the SUT did is a Result.
func (c *remediationCheck) Run(ctx context.Context, env *rubric.Env) (rubric.Result, error) {
	facts, err := decodeFacts(env.Expectations, true)
	if err != nil {
		return rubric.Result{}, fmt.Errorf("invalid expectations: %w", err)
	}
	origData, found, err := readRootFile(env.Original, c.Path, maxGoModBytes)
	if err != nil || !found {
		return rubric.Result{}, fmt.Errorf("read original %s: %v", c.Path, orNotFound(err))
	}
	orig, err := modfile.Parse(c.Path, origData, nil)
	if err != nil {
		return rubric.Result{}, fmt.Errorf("parse original %s: %w", c.Path, err)
	}

	data, found, err := readRootFile(env.Workspace, c.Path, maxGoModBytes)
	if err != nil || !found {
		return failWith(FailureGoModInvalid, rubric.SeverityBlock, fmt.Sprintf("%s could not be read: %v", c.Path, orNotFound(err))), nil
	}
	got, err := modfile.Parse(c.Path, data, nil)
	if err != nil {
		return failWith(FailureGoModInvalid, rubric.SeverityBlock, fmt.Sprintf("%s does not parse: %v", c.Path, err)), nil
	}
	if got.Module == nil {
		return failWith(FailureGoModInvalid, rubric.SeverityBlock, fmt.Sprintf("%s has no module directive", c.Path)), nil
	}
	imports, err := workspaceImports(env.Workspace, path.Dir(c.Path))
	if err != nil {
		return rubric.Result{}, err
	}

	j := judgement{facts: facts, orig: orig, got: got, imports: imports}
	return j.result(), nil
}

func orNotFound(err error) error {
	if err == nil {
		return fs.ErrNotExist
	}
	return err
}

func failWith(id string, sev rubric.Severity, msg string) rubric.Result {
	return rubric.Fail(rubric.FailureMode{ID: id, Severity: sev, Message: msg})
}

// judgement compares one finished go.mod with the original.
type judgement struct {
	facts   *Facts
	orig    *modfile.File
	got     *modfile.File
	imports []string // import paths of the workspace's Go files
	modes   []rubric.FailureMode
	failed  bool
	detail  string
}

func (j *judgement) add(id string, sev rubric.Severity, fails bool, msg string) {
	j.modes = append(j.modes, rubric.FailureMode{ID: id, Severity: sev, Message: msg})
	j.failed = j.failed || fails
}

func (j *judgement) result() rubric.Result {
	j.checkLocalReplaces()
	j.checkRemovedRequirements()
	j.checkTarget()
	j.checkUnrelated()

	res := rubric.Result{Passed: !j.failed, FailureModes: j.modes, Detail: j.detail}
	if res.Passed {
		res.Score = 1
	}
	return res
}

// checkLocalReplaces flags every replace directive to a directory that the
// original go.mod did not have, whichever module it replaces.
func (j *judgement) checkLocalReplaces() {
	for _, r := range j.got.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		had := slices.ContainsFunc(j.orig.Replace, func(o *modfile.Replace) bool {
			return o.Old == r.Old && o.New == r.New
		})
		if !had {
			j.add(FailureLocalReplace, rubric.SeverityBlock, true,
				fmt.Sprintf("replace %s => %s points the module at a local directory instead of a published version", formatModVersion(r.Old), r.New.Path))
		}
	}
}

// checkRemovedRequirements flags requirements of the original that are
// gone: a block when the workspace still imports the module, a warning for
// an unused unrelated module, and a failure for the target.
func (j *judgement) checkRemovedRequirements() {
	origPaths := requiredPaths(j.orig)
	for _, p := range origPaths {
		if requirement(j.got, p) != nil {
			continue
		}
		used := importsModule(j.imports, p, origPaths)
		switch {
		case used != "":
			j.add(FailureRemovedWhileImported, rubric.SeverityBlock, true,
				fmt.Sprintf("the requirement of %s was removed, but the workspace still imports %s", p, used))
		case p == j.facts.Module:
			j.add(FailureTargetRemoved, rubric.SeverityWarn, true,
				fmt.Sprintf("the requirement of %s was removed together with every import of it, instead of moving it to a fixed version", p))
		default:
			j.add(FailureUnrelatedChanged, rubric.SeverityWarn, false,
				fmt.Sprintf("the requirement of %s was removed", p))
		}
	}
}

// checkTarget judges the effective version of the affected module.
func (j *judgement) checkTarget() {
	mod := j.facts.Module
	req := requirement(j.got, mod)
	if req == nil {
		// checkRemovedRequirements recorded why; a target that was never
		// required in the original is a broken case, caught by Validate.
		j.failed = true
		j.detail = fmt.Sprintf("%s is no longer required", mod)
		return
	}
	eff := effective(j.got, req.Mod)
	if modfile.IsDirectoryPath(eff.Path) {
		j.failed = true
		j.detail = fmt.Sprintf("%s is replaced by the directory %s", mod, eff.Path)
		return
	}
	if eff.Path != mod {
		j.add(FailureTargetReplacedByOtherModule, rubric.SeverityWarn, true,
			fmt.Sprintf("%s is replaced by %s, which the advisory's affected ranges do not cover, so the fix cannot be confirmed", mod, formatModVersion(eff)))
		return
	}
	if j.facts.AffectedRanges.Contains(eff.Version) {
		j.add(FailureStillVulnerable, rubric.SeverityWarn, true,
			fmt.Sprintf("%s is at %s, inside the affected ranges %s", mod, eff.Version, formatRanges(j.facts.AffectedRanges)))
		j.detail = fmt.Sprintf("%s %s is still affected", mod, eff.Version)
		return
	}
	j.detail = fmt.Sprintf("%s moved from %s to %s, outside every affected range", mod, j.facts.Version, eff.Version)
}

// checkUnrelated flags requirements other than the target that were added
// (directly, not "// indirect"), or whose effective version changed.
// Removals were flagged by checkRemovedRequirements.
func (j *judgement) checkUnrelated() {
	for _, r := range j.got.Require {
		p := r.Mod.Path
		if p == j.facts.Module {
			continue
		}
		o := requirement(j.orig, p)
		if o == nil {
			if !r.Indirect {
				j.add(FailureUnrelatedChanged, rubric.SeverityWarn, false,
					fmt.Sprintf("a requirement of %s %s was added", p, r.Mod.Version))
			}
			continue
		}
		before, after := effective(j.orig, o.Mod), effective(j.got, r.Mod)
		if before != after {
			j.add(FailureUnrelatedChanged, rubric.SeverityWarn, false,
				fmt.Sprintf("the requirement of %s changed from %s to %s", p, formatModVersion(before), formatModVersion(after)))
		}
	}
}

func requiredPaths(f *modfile.File) []string {
	var paths []string
	for _, r := range f.Require {
		if !slices.Contains(paths, r.Mod.Path) {
			paths = append(paths, r.Mod.Path)
		}
	}
	return paths
}

func requirement(f *modfile.File, modPath string) *modfile.Require {
	for _, r := range f.Require {
		if r.Mod.Path == modPath {
			return r
		}
	}
	return nil
}

// effective applies f's replace directives to m as the go command does: a
// replace of m's exact version wins over a replace of every version.
func effective(f *modfile.File, m module.Version) module.Version {
	var any *modfile.Replace
	for _, r := range f.Replace {
		if r.Old.Path != m.Path {
			continue
		}
		if r.Old.Version == m.Version {
			return r.New
		}
		if r.Old.Version == "" {
			any = r
		}
	}
	if any != nil {
		return any.New
	}
	return m
}

func formatModVersion(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + " " + m.Version
}

// importsModule returns the first import path that belongs to modPath, or
// "". An import belongs to the required module with the longest path that
// is a prefix of it, so that a nested module (example.com/a/b) is
// distinguished from its parent (example.com/a).
func importsModule(imports []string, modPath string, required []string) string {
	for _, imp := range imports {
		owner := ""
		for _, m := range required {
			if (imp == m || strings.HasPrefix(imp, m+"/")) && len(m) > len(owner) {
				owner = m
			}
		}
		if owner == modPath {
			return imp
		}
	}
	return ""
}

// workspaceImports returns the sorted, distinct import paths of the Go
// files of the module rooted at dir in the workspace. Like the go command,
// it skips vendor and testdata directories, names that start with '.' or
// '_', and nested modules. It reads through os.Root, so a symbolic link
// cannot lead it outside the workspace, and it does not follow links.
// Build constraints are ignored: an import in any file counts.
func workspaceImports(workspace, dir string) ([]string, error) {
	root, err := os.OpenRoot(workspace)
	if err != nil {
		return nil, fmt.Errorf("open workspace %q: %w", workspace, err)
	}
	defer root.Close()

	seen := map[string]bool{}
	files := 0
	fset := token.NewFileSet()
	walkErr := fs.WalkDir(root.FS(), dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable directory is the SUT's doing; what is left is
			// still judged.
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p == dir {
				return nil
			}
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return fs.SkipDir
			}
			if st, err := root.Lstat(path.Join(p, "go.mod")); err == nil && st.Mode().IsRegular() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			return nil
		}
		files++
		if files > maxGoFiles {
			// NOTE: imports in the files past the cap are not seen, so a
			// removed requirement used only there counts as unused.
			return fs.SkipAll
		}
		src, found, err := readFromRoot(root, p, maxGoFileBytes)
		if err != nil || !found {
			return nil
		}
		// A file that does not parse still yields the imports before the
		// error, which is what matters here.
		f, _ := parser.ParseFile(fset, p, src, parser.ImportsOnly)
		if f == nil {
			return nil
		}
		for _, spec := range f.Imports {
			if ip, err := strconv.Unquote(spec.Path.Value); err == nil {
				seen[ip] = true
			}
		}
		return nil
	})
	if walkErr != nil {
		return nil, fmt.Errorf("scan workspace imports: %w", walkErr)
	}
	imports := make([]string, 0, len(seen))
	for ip := range seen {
		imports = append(imports, ip)
	}
	slices.Sort(imports)
	return imports, nil
}

func readRootFile(dir, rel string, limit int64) ([]byte, bool, error) {
	return rubric.ReadFile(dir, rel, limit)
}

func readFromRoot(root *os.Root, rel string, limit int64) ([]byte, bool, error) {
	return rubric.ReadRootFile(root, rel, limit)
}
