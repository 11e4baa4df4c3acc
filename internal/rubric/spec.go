package rubric

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
)

// Scoring names how check results combine into a case score.
type Scoring string

// The scoring rules. Binary gives 1 when every required check passes, else 0,
// and keeps the exact statistics of the binary path. Weighted gives the
// weighted mean of the check scores.
const (
	ScoringBinary   Scoring = "binary"
	ScoringWeighted Scoring = "weighted"
)

// Spec is the rubric section of task.yaml.
type Spec struct {
	Scoring Scoring     `yaml:"scoring" json:"scoring"`
	Checks  []CheckSpec `yaml:"checks" json:"checks"`
}

// CheckSpec declares one check: its id, kind, parameters, how it counts and
// which failure mode a plain failure records.
type CheckSpec struct {
	ID     string         `yaml:"id" json:"id"`
	Kind   string         `yaml:"kind" json:"kind"`
	Params map[string]any `yaml:"params" json:"params,omitempty"`
	// Required reports whether the check counts for binary scoring; default true.
	Required *bool `yaml:"required" json:"required,omitempty"`
	// Weight is the check's weight for weighted scoring; default 1.
	Weight *float64 `yaml:"weight" json:"weight,omitempty"`
	// FailureMode is recorded when the check fails and names no mode itself.
	// Its default is the check id with severity warn.
	FailureMode *FailureMode `yaml:"failure_mode" json:"failure_mode,omitempty"`
	// Severities overrides the severity of failure modes the check names.
	Severities map[string]Severity `yaml:"severities" json:"severities,omitempty"`
}

// Rubric is a compiled Spec, ready to score workspaces. It is safe for
// concurrent use when its checks are.
type Rubric struct {
	spec   Spec
	checks []Check
}

// Compile validates spec and builds every check with reg. The error names
// the check by id and position.
func Compile(spec Spec, reg *Registry) (*Rubric, error) {
	switch spec.Scoring {
	case "":
		spec.Scoring = ScoringBinary
	case ScoringBinary, ScoringWeighted:
	default:
		return nil, fmt.Errorf("invalid scoring %q: use binary or weighted", spec.Scoring)
	}
	if len(spec.Checks) == 0 {
		return nil, fmt.Errorf("rubric has no checks: add at least one under rubric.checks")
	}

	r := &Rubric{spec: spec}
	seen := map[string]bool{}
	for i, cs := range spec.Checks {
		where := fmt.Sprintf("rubric check %d (id %q)", i+1, cs.ID)
		if err := ValidateFailureModeID(cs.ID); err != nil {
			return nil, fmt.Errorf("%s: invalid check id: %w", where, err)
		}
		if seen[cs.ID] {
			return nil, fmt.Errorf("%s: duplicate check id", where)
		}
		seen[cs.ID] = true
		if cs.Weight != nil && (*cs.Weight < 0 || math.IsNaN(*cs.Weight) || math.IsInf(*cs.Weight, 0)) {
			return nil, fmt.Errorf("%s: invalid weight %v: use a finite number >= 0", where, *cs.Weight)
		}
		if fm := cs.FailureMode; fm != nil {
			if err := ValidateFailureModeID(fm.ID); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if err := fm.Severity.Validate(); err != nil {
				return nil, fmt.Errorf("%s: failure mode %q: %w", where, fm.ID, err)
			}
		}
		for id, sev := range cs.Severities {
			if err := sev.Validate(); err != nil {
				return nil, fmt.Errorf("%s: severities[%q]: %w", where, id, err)
			}
		}
		params, err := json.Marshal(cs.Params)
		if err != nil {
			return nil, fmt.Errorf("%s: encode parameters: %w", where, err)
		}
		c, err := reg.Build(cs.Kind, params)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		r.checks = append(r.checks, c)
	}
	if spec.Scoring == ScoringWeighted {
		total := 0.0
		for _, cs := range spec.Checks {
			total += cs.weight()
		}
		if total == 0 {
			return nil, fmt.Errorf("weighted rubric has a total weight of 0: give at least one check a positive weight")
		}
	}
	return r, nil
}

// ValidateCase runs every check that implements CaseValidator against a
// case's expectations and returns the first error, naming the check.
func (r *Rubric) ValidateCase(expectations json.RawMessage) error {
	for i, c := range r.checks {
		if v, ok := c.(CaseValidator); ok {
			if err := v.ValidateCase(expectations); err != nil {
				return fmt.Errorf("rubric check %q: %w", r.spec.Checks[i].ID, err)
			}
		}
	}
	return nil
}

// Spec returns the normalized spec the rubric was compiled from.
func (r *Rubric) Spec() Spec { return r.spec }

func (cs CheckSpec) required() bool { return cs.Required == nil || *cs.Required }

func (cs CheckSpec) weight() float64 {
	if cs.Weight == nil {
		return 1
	}
	return *cs.Weight
}

// Outcome is the rubric's verdict on one workspace.
type Outcome struct {
	Score        float64
	Checks       []CheckOutcome
	FailureModes []FailureMode // sorted by id, one entry per id
}

// CheckOutcome is one check's part of an Outcome.
type CheckOutcome struct {
	ID     string  `json:"id"`
	Passed bool    `json:"passed"`
	Score  float64 `json:"score"`
	Detail string  `json:"detail,omitempty"`
}

// Score runs every check against env and combines the results. It returns
// an error, and no outcome, when any check could not be evaluated: the
// attempt is then unscored rather than scored on partial evidence.
func (r *Rubric) Score(ctx context.Context, env *Env) (Outcome, error) {
	var out Outcome
	modes := map[string]FailureMode{}
	weighted, totalWeight := 0.0, 0.0
	allRequired := true

	for i, c := range r.checks {
		cs := r.spec.Checks[i]
		res, err := c.Run(ctx, env)
		if err != nil {
			return Outcome{}, fmt.Errorf("rubric check %q: %w", cs.ID, err)
		}
		score := res.Score
		if math.IsNaN(score) || score < 0 || score > 1 {
			return Outcome{}, fmt.Errorf("rubric check %q: score %v outside [0, 1]", cs.ID, score)
		}
		if res.Passed && len(res.FailureModes) == 0 && score == 0 {
			score = 1
		}
		if !res.Passed && len(res.FailureModes) == 0 {
			res.FailureModes = []FailureMode{cs.defaultFailureMode(res.Detail)}
		}
		for _, fm := range res.FailureModes {
			if sev, ok := cs.Severities[fm.ID]; ok {
				fm.Severity = sev
			}
			if _, dup := modes[fm.ID]; !dup {
				modes[fm.ID] = fm
			}
		}
		out.Checks = append(out.Checks, CheckOutcome{ID: cs.ID, Passed: res.Passed, Score: score, Detail: res.Detail})

		if cs.required() && !res.Passed {
			allRequired = false
		}
		weighted += cs.weight() * score
		totalWeight += cs.weight()
	}

	switch r.spec.Scoring {
	case ScoringWeighted:
		out.Score = weighted / totalWeight
	default:
		if allRequired {
			out.Score = 1
		}
	}
	out.FailureModes = SortFailureModes(modes)
	return out, nil
}

func (cs CheckSpec) defaultFailureMode(detail string) FailureMode {
	if cs.FailureMode != nil {
		fm := *cs.FailureMode
		if fm.Message == "" {
			fm.Message = detail
		}
		return fm
	}
	msg := detail
	if msg == "" {
		msg = fmt.Sprintf("check %q failed", cs.ID)
	}
	return FailureMode{ID: cs.ID, Severity: SeverityWarn, Message: msg}
}

// SortFailureModes returns the modes of m sorted by id.
func SortFailureModes(m map[string]FailureMode) []FailureMode {
	out := make([]FailureMode, 0, len(m))
	for _, fm := range m {
		out = append(out, fm)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}
