package stats

import (
	"encoding/json"
	"fmt"
)

// Policy holds the minimums that a run must meet before the gate judges its bound.
// A Decision stores the policy it applied.
type Policy struct {
	MinCasesBinary     int     `json:"min_cases_binary"`     // scored cases, binary runs
	MinCasesContinuous int     `json:"min_cases_continuous"` // scored cases, other runs
	MinClusters        int     `json:"min_clusters"`         // clustered runs only
	MaxUnscoredFrac    float64 `json:"max_unscored_frac"`    // unscored/planned cases, in [0, 1]
}

// DefaultPolicy returns the default gate policy: 10 binary or 30 continuous scored
// cases, 10 clusters when cases are clustered, and at most 5% unscored cases.
func DefaultPolicy() Policy {
	return Policy{
		MinCasesBinary:     10,
		MinCasesContinuous: 30,
		MinClusters:        10,
		MaxUnscoredFrac:    0.05,
	}
}

// Validate returns an error when a minimum is negative or MaxUnscoredFrac is outside
// [0, 1].
func (p Policy) Validate() error {
	switch {
	case p.MinCasesBinary < 0:
		return fmt.Errorf("invalid policy: min_cases_binary is %d, want 0 or more", p.MinCasesBinary)
	case p.MinCasesContinuous < 0:
		return fmt.Errorf("invalid policy: min_cases_continuous is %d, want 0 or more", p.MinCasesContinuous)
	case p.MinClusters < 0:
		return fmt.Errorf("invalid policy: min_clusters is %d, want 0 or more", p.MinClusters)
	case !(p.MaxUnscoredFrac >= 0 && p.MaxUnscoredFrac <= 1):
		return fmt.Errorf("invalid policy: max_unscored_frac is %v, want a value in [0, 1]", p.MaxUnscoredFrac)
	}
	return nil
}

// Status is the outcome of a gate.
type Status string

// Gate outcomes. Insufficient means the data cannot support a decision either way.
const (
	StatusPass         Status = "pass"
	StatusFail         Status = "fail"
	StatusInsufficient Status = "insufficient"
)

// Reason explains a fail or insufficient status. A pass and an ordinary fail, whose
// bound did not exceed the threshold, have the empty reason, which JSON encodes as null.
type Reason string

// Gate reasons, listed in the order in which GateThreshold checks them.
const (
	ReasonNone                 Reason = ""
	ReasonIncompleteRun        Reason = "incomplete_run"
	ReasonNoCases              Reason = "no_cases"
	ReasonTooManyUnscored      Reason = "too_many_unscored"
	ReasonTooFewCases          Reason = "too_few_cases"
	ReasonTooFewClusters       Reason = "too_few_clusters"
	ReasonBlockSeverityFailure Reason = "block_severity_failure"
	ReasonUnderpowered         Reason = "underpowered"
)

// MarshalJSON encodes the empty reason as null and any other reason as a string.
func (r Reason) MarshalJSON() ([]byte, error) {
	if r == ReasonNone {
		return []byte("null"), nil
	}
	return json.Marshal(string(r))
}

// UnmarshalJSON decodes null as the empty reason.
func (r *Reason) UnmarshalJSON(data []byte) error {
	var s *string
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("decode gate reason: %w", err)
	}
	*r = ReasonNone
	if s != nil {
		*r = Reason(*s)
	}
	return nil
}

// Decision is the result of a gate, with the inputs that it compared.
//
// For GateThreshold, Threshold is T and LowerBound95 is the run's lower_bound_95. For
// GateAgainst, Threshold is the margin, LowerBound95 is the lower bound of the
// improvement, and Policy and MaxAttainableLowerBound95 are unset.
//
//	{"status": "fail", "reason": "underpowered", "threshold": 0.9,
//	 "policy": {"min_cases_binary": 10, ...}, "lower_bound_95": 0.8609,
//	 "max_attainable_lower_bound_95": 0.8609}
type Decision struct {
	Status                    Status   `json:"status"`
	Reason                    Reason   `json:"reason"`
	Threshold                 float64  `json:"threshold"`
	Policy                    Policy   `json:"policy,omitzero"`
	LowerBound95              *float64 `json:"lower_bound_95"`
	MaxAttainableLowerBound95 *float64 `json:"max_attainable_lower_bound_95,omitempty"`
}

// GateThreshold decides whether a run passes threshold T, a score in [0, 1).
//
// complete reports whether every planned case ran, and blockModes is the number of
// distinct block-severity failure modes in the run. The first rule that matches decides:
//
//  1. An incomplete run is insufficient (incomplete_run).
//  2. A run with no planned case is insufficient (no_cases).
//  3. An unscored fraction above p.MaxUnscoredFrac is insufficient (too_many_unscored).
//  4. Fewer scored cases than the binary or continuous minimum is insufficient
//     (too_few_cases), and so is a nil bound of an unclustered run.
//  5. A clustered run with fewer than p.MinClusters clusters, or with a nil bound, is
//     insufficient (too_few_clusters).
//  6. Any block mode fails the run (block_severity_failure).
//  7. A lower_bound_95 above T passes.
//  8. Otherwise the run fails, with reason underpowered when 0.05^(1/m), the bound of
//     a perfect binary run over the m planned cases, is at most T.
func GateThreshold(s Summary, complete bool, blockModes int, threshold float64, p Policy) Decision {
	d := Decision{
		Threshold:                 threshold,
		Policy:                    p,
		LowerBound95:              s.LowerBound95,
		MaxAttainableLowerBound95: s.MaxAttainableLowerBound95,
	}
	minCases := p.MinCasesContinuous
	if s.Binary {
		minCases = p.MinCasesBinary
	}
	clustered := s.NClusters > 0

	switch {
	case !complete:
		return d.insufficient(ReasonIncompleteRun)
	case s.NPlanned == 0:
		return d.insufficient(ReasonNoCases)
	case float64(s.NUnscored)/float64(s.NPlanned) > p.MaxUnscoredFrac:
		return d.insufficient(ReasonTooManyUnscored)
	case s.N < minCases, s.LowerBound95 == nil && !clustered:
		return d.insufficient(ReasonTooFewCases)
	case clustered && (s.NClusters < p.MinClusters || s.LowerBound95 == nil):
		return d.insufficient(ReasonTooFewClusters)
	case blockModes > 0:
		d.Status, d.Reason = StatusFail, ReasonBlockSeverityFailure
		return d
	case *s.LowerBound95 > threshold:
		d.Status = StatusPass
		return d
	}

	d.Status = StatusFail
	if maxAttainableBound(s.NPlanned) <= threshold {
		d.Reason = ReasonUnderpowered
	}
	return d
}

func (d Decision) insufficient(r Reason) Decision {
	d.Status, d.Reason = StatusInsufficient, r
	return d
}

// MinPlannedCases returns the smallest number of planned cases m for which a perfect
// binary run, with bound 0.05^(1/m), exceeds threshold. It reports false when no m
// can, which is the case for a threshold of 1 or more and for NaN.
func MinPlannedCases(threshold float64) (int, bool) {
	if !(threshold < 1) {
		return 0, false
	}
	exceeds := func(m int) bool { return maxAttainableBound(m) > threshold }

	// The bound grows with m and rounds to 1 before m reaches 2^57, so doubling finds
	// an upper end for any threshold below 1. The search then runs on the same
	// comparison that GateThreshold makes, instead of on m > ln(0.05)/ln(T), so that
	// the two always agree at a boundary.
	hi := 1
	for !exceeds(hi) {
		hi *= 2
	}
	lo := hi / 2 // 0, or a size whose bound does not exceed the threshold
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if exceeds(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, true
}
