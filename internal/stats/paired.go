package stats

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Pair holds the scored attempts of one case that a candidate run and an incumbent run
// share, each score in [0, 1].
type Pair struct {
	Candidate []float64
	Incumbent []float64
}

// Validate returns an error wrapping ErrInvalidScore when a score on either side is NaN
// or outside [0, 1].
func (p Pair) Validate() error {
	if err := validateScores(p.Candidate); err != nil {
		return fmt.Errorf("candidate: %w", err)
	}
	if err := validateScores(p.Incumbent); err != nil {
		return fmt.Errorf("incumbent: %w", err)
	}
	return nil
}

// PairedResult is the comparison of a candidate run with an incumbent run over their
// shared cases. Diffs are candidate minus incumbent, per case. A nil pointer is a value
// that is undefined for the data.
type PairedResult struct {
	NPairs        int     `json:"n_pairs"`
	MeanCandidate float64 `json:"mean_candidate"`
	MeanIncumbent float64 `json:"mean_incumbent"`
	MeanDiff      float64 `json:"mean_diff"`

	SDDiff     *float64 `json:"sd_diff"`     // divisor n−1, nil when NPairs < 2
	StderrDiff *float64 `json:"stderr_diff"` // SDDiff/√n

	// Correlation is Pearson's r between the candidate and incumbent case scores. It is
	// nil when NPairs < 2 or either side is constant.
	Correlation *float64 `json:"correlation"`

	// Method is MethodMcNemarExact, MethodPairedT, or MethodNone when there is no pair.
	Method Method `json:"ci_method"`

	// The McNemar fields count the discordant pairs: cases that only the candidate
	// passed and cases that only the incumbent passed. They are zero on the t path.
	DiscordantCandidateOnly int `json:"discordant_cand_only"`
	DiscordantIncumbentOnly int `json:"discordant_inc_only"`

	// PValue is the exact one-sided McNemar p-value P(X ≥ b) for X ~ Binomial(b+c, 1/2).
	// PiLower95 is the Clopper–Pearson lower bound of b among the b+c discordant pairs,
	// nil when there is none. Both are nil on the t path.
	PValue    *float64 `json:"p_value"`
	PiLower95 *float64 `json:"pi_lower_95"`

	// DiffLowerBound95 is the one-sided 95% lower bound of the mean improvement. It is
	// at most 1, and the McNemar bound is at least −1. The t bound is not clipped, so it
	// can fall below −1 with few pairs. It is nil on the t path when NPairs < 2.
	DiffLowerBound95 *float64 `json:"diff_lower_bound_95"`
}

// Paired compares two runs over their shared cases. clustered reports whether the runs
// carry cluster labels, which rules out the McNemar test.
//
// When every pair has at most one attempt per side, every attempt is exactly 0 or 1
// and clustered is false, the bound comes from the exact one-sided McNemar (sign) test:
// with b candidate-only wins among m = b+c discordant pairs and n pairs,
// Δ_L = (m/n)(2π_L − 1), where π_L is the Clopper–Pearson lower bound of b among m, and
// Δ_L = 0 when m = 0. Otherwise the bound is the paired t bound
// mean_diff − t(0.95, n−1)·sd_diff/√n.
//
// A side without a scored attempt takes the worse score for the candidate, 0 for the
// candidate and 1 for the incumbent, so that an infrastructure failure never helps the
// candidate. Other scores outside [0, 1] are clamped as in Summarize.
func Paired(pairs []Pair, clustered bool) PairedResult {
	n := len(pairs)
	r := PairedResult{NPairs: n, Method: MethodNone}
	if n == 0 {
		return r
	}

	candidate := make([]float64, n)
	incumbent := make([]float64, n)
	diff := make([]float64, n)
	exact := !clustered
	for i, p := range pairs {
		c, cBinary := sideScore(p.Candidate, 0)
		b, bBinary := sideScore(p.Incumbent, 1)
		candidate[i], incumbent[i], diff[i] = c, b, c-b
		exact = exact && cBinary && bBinary && len(p.Candidate) <= 1 && len(p.Incumbent) <= 1
	}
	r.MeanCandidate = mean(candidate)
	r.MeanIncumbent = mean(incumbent)
	r.MeanDiff = mean(diff)
	r.describeDiffs(candidate, incumbent, diff)

	if exact {
		r.setMcNemarBound(candidate, incumbent)
	} else {
		r.Method = MethodPairedT
		r.DiffLowerBound95 = pairedTLower(r.MeanDiff, r.StderrDiff, n)
	}
	return r
}

// sideScore returns the mean of one side's attempts and reports whether they are all
// exactly 0 or 1. It returns missing when the side has no scored attempt.
func sideScore(scores []float64, missing float64) (float64, bool) {
	if len(scores) == 0 {
		return missing, true
	}
	return caseScore(scores)
}

// describeDiffs sets SDDiff, StderrDiff and Correlation.
func (r *PairedResult) describeDiffs(candidate, incumbent, diff []float64) {
	n := len(diff)
	if n < 2 {
		return
	}
	_, dev := deviations(diff)
	sd := sampleStddev(dev)
	r.SDDiff = ptr(sd)
	r.StderrDiff = ptr(sd / math.Sqrt(float64(n)))

	r.Correlation = correlation(candidate, incumbent)
}

// correlation returns Pearson's r, or nil when either side is constant. Each side's
// deviations are divided by their largest magnitude first, which leaves r unchanged
// but keeps tiny scores from underflowing when squared.
func correlation(x, y []float64) *float64 {
	dx := scaledDeviations(x)
	dy := scaledDeviations(y)
	if dx == nil || dy == nil {
		return nil
	}

	var sxy, sxx, syy float64
	for i := range dx {
		sxy += dx[i] * dy[i]
		sxx += dx[i] * dx[i]
		syy += dy[i] * dy[i]
	}
	// Rounding can carry |r| a few ulps past 1.
	return ptr(math.Max(-1, math.Min(1, sxy/math.Sqrt(sxx*syy))))
}

func scaledDeviations(x []float64) []float64 {
	_, dev := deviations(x)
	var largest float64
	for _, d := range dev {
		largest = math.Max(largest, math.Abs(d))
	}
	if largest == 0 {
		return nil
	}
	for i := range dev {
		dev[i] /= largest
	}
	return dev
}

// setMcNemarBound sets the exact McNemar fields from binary case scores.
func (r *PairedResult) setMcNemarBound(candidate, incumbent []float64) {
	r.Method = MethodMcNemarExact
	for i := range candidate {
		switch {
		case candidate[i] > incumbent[i]:
			r.DiscordantCandidateOnly++
		case candidate[i] < incumbent[i]:
			r.DiscordantIncumbentOnly++
		}
	}

	b := float64(r.DiscordantCandidateOnly)
	m := b + float64(r.DiscordantIncumbentOnly)
	if m == 0 {
		r.PValue = ptr(1)
		r.DiffLowerBound95 = ptr(0)
		return
	}

	// P(X ≥ b) for X ~ Binomial(m, 1/2) is the regularized incomplete beta
	// I_{1/2}(b, m−b+1), which keeps small tails accurate where 1 − CDF would not.
	pValue := 1.0
	if b > 0 {
		pValue = mathext.RegIncBeta(b, m-b+1, 0.5)
	}
	pi := clopperPearsonLower(b, m, alpha)
	r.PValue = ptr(pValue)
	r.PiLower95 = ptr(pi)
	r.DiffLowerBound95 = ptr(m / float64(len(candidate)) * (2*pi - 1))
}

// pairedTLower returns mean − t(0.95, n−1)·stderr, or nil when stderr is undefined.
//
// NOTE: unlike the single-run bound, the paired t bound has no fallback for a zero
// standard error. Two pairs that each differ by exactly 1 give a bound of 1.
func pairedTLower(meanDiff float64, stderr *float64, n int) *float64 {
	if stderr == nil {
		return nil
	}
	return ptr(meanDiff - tQuantile(float64(n-1))*(*stderr))
}

// GateAgainst decides whether a candidate run may replace an incumbent run, given
// their paired comparison. The first rule that matches decides:
//
//  1. Either run incomplete is insufficient (incomplete_run).
//  2. No shared case is insufficient (no_cases).
//  3. An undefined bound, from a single pair on the t path, is insufficient
//     (too_few_cases).
//  4. Any block-severity failure mode of the candidate fails it
//     (block_severity_failure).
//  5. A DiffLowerBound95 above margin passes.
//  6. Otherwise the candidate fails.
func GateAgainst(r PairedResult, candidateComplete, incumbentComplete bool, candidateBlockModes int, margin float64) Decision {
	d := Decision{Threshold: margin, LowerBound95: r.DiffLowerBound95}
	switch {
	case !candidateComplete || !incumbentComplete:
		return d.insufficient(ReasonIncompleteRun)
	case r.NPairs == 0:
		return d.insufficient(ReasonNoCases)
	case r.DiffLowerBound95 == nil:
		return d.insufficient(ReasonTooFewCases)
	case candidateBlockModes > 0:
		d.Status, d.Reason = StatusFail, ReasonBlockSeverityFailure
	case *r.DiffLowerBound95 > margin:
		d.Status = StatusPass
	default:
		d.Status = StatusFail
	}
	return d
}
