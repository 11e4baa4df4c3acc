package distroless

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/codegenie/codegenie/internal/rubric"
)

// CheckKind is the rubric check kind this package registers.
const CheckKind = "distroless_migration"

// Register adds the distroless_migration check kind to reg.
func Register(reg *rubric.Registry) {
	reg.Register(CheckKind, newCheck)
}

// checkParams are the parameters of a distroless_migration check in
// task.yaml.
type checkParams struct {
	// Dockerfile is the workspace path of the Dockerfile when the case's
	// expectations name none; default "Dockerfile".
	Dockerfile string `json:"dockerfile"`
	// RequireNonroot makes runs-as-root fail the check.
	RequireNonroot bool `json:"require_nonroot"`
}

type check struct {
	params checkParams
}

func newCheck(raw json.RawMessage) (rubric.Check, error) {
	var p checkParams
	if err := rubric.DecodeParams(raw, &p); err != nil {
		return nil, err
	}
	if p.Dockerfile == "" {
		p.Dockerfile = "Dockerfile"
	}
	if !fs.ValidPath(p.Dockerfile) || p.Dockerfile == "." {
		return nil, fmt.Errorf("invalid dockerfile %q: use a slash-separated path relative to the workspace, without '..'", p.Dockerfile)
	}
	return &check{params: p}, nil
}

// Run scores the SUT's Dockerfile against the original and the case's
// expectations. It returns an error, leaving the attempt unscored, only
// when the bench itself is broken: invalid expectations, or an original
// Dockerfile that is missing or does not parse.
func (c *check) Run(ctx context.Context, env *rubric.Env) (rubric.Result, error) {
	exp, haveExp, err := DecodeExpectations(env.Expectations)
	if err != nil {
		return rubric.Result{}, err
	}
	rel := c.params.Dockerfile
	if exp.Dockerfile != "" {
		rel = exp.Dockerfile
	}

	if env.Original == "" {
		return rubric.Result{}, errors.New("distroless_migration needs the original workspace, and the harness gave none")
	}
	origData, found, err := readDockerfile(env.Original, rel)
	if err != nil || !found {
		return rubric.Result{}, fmt.Errorf("read the original %s of the case: %w", rel, orNotFound(err))
	}
	orig, err := ParseBytes(origData)
	if err != nil {
		return rubric.Result{}, fmt.Errorf("parse the original %s of the case: %w", rel, err)
	}
	if !haveExp {
		exp = Derive(orig).Expectations
	}

	data, found, err := readDockerfile(env.Workspace, rel)
	switch {
	case errors.Is(err, ErrTooLarge):
		return c.result([]Finding{{ModeDockerfileInvalid, fmt.Sprintf("%s: %v", rel, err)}}), nil
	case err != nil:
		return rubric.Result{}, err
	case !found:
		return c.result([]Finding{{ModeDockerfileMissing, fmt.Sprintf("%s is missing from the workspace or is not a regular file", rel)}}), nil
	}
	got, err := ParseBytes(data)
	if err != nil {
		return c.result([]Finding{{ModeDockerfileInvalid, fmt.Sprintf("%s: %v", rel, err)}}), nil
	}

	findings := Evaluate(orig, got, exp)
	return c.result(findings), nil
}

func orNotFound(err error) error {
	if err != nil {
		return err
	}
	return fs.ErrNotExist
}

// readDockerfile reads dir/rel as rubric.ReadFile does, and returns
// ErrTooLarge beyond MaxDockerfileBytes.
func readDockerfile(dir, rel string) (data []byte, found bool, err error) {
	data, found, err = rubric.ReadFile(dir, rel, MaxDockerfileBytes)
	if errors.Is(err, rubric.ErrFileTooLarge) {
		return nil, true, ErrTooLarge
	}
	return data, found, err
}

// Finding is one problem that Evaluate found: a failure mode id from Modes
// and a message naming the instruction or value at fault.
type Finding struct {
	Mode    string
	Message string
}

// result turns findings into a check result: one failure mode per id, its
// messages joined, and a pass unless a mode that fails the check occurred.
func (c *check) result(findings []Finding) rubric.Result {
	byMode := map[string][]string{}
	for _, f := range findings {
		byMode[f.Mode] = append(byMode[f.Mode], f.Message)
	}
	ids := make([]string, 0, len(byMode))
	for id := range byMode {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	res := rubric.Result{Passed: true, Score: 1}
	var failing []string
	for _, id := range ids {
		info := modeInfo(id)
		res.FailureModes = append(res.FailureModes, rubric.FailureMode{
			ID:       id,
			Severity: info.Severity,
			Message:  joinMessages(byMode[id]),
		})
		if info.Fails || (id == ModeRunsAsRoot && c.params.RequireNonroot) {
			failing = append(failing, id)
		}
	}
	if len(failing) > 0 {
		res.Passed, res.Score = false, 0
		res.Detail = "failed: " + strings.Join(failing, ", ")
	}
	return res
}

// joinMessages keeps a failure mode's message short: the first three
// messages and a count of the rest.
func joinMessages(msgs []string) string {
	const maxShown = 3
	if len(msgs) <= maxShown {
		return strings.Join(msgs, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(msgs[:maxShown], "; "), len(msgs)-maxShown)
}
