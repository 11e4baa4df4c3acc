// Package stats turns per-case scores into the summary statistics of a run and the
// promotion gate that keys on them.
//
// A case is the unit of analysis. Its score x_i is the mean of its scored attempts
// (epochs), so epochs never increase the number of cases n. The central output is
// lower_bound_95, a one-sided 95% lower confidence bound of the population mean score,
// computed over every planned case with unscored cases counted as 0. Binary scores
// get an exact Clopper–Pearson bound and other scores a Student t bound, with a
// cluster-robust variant when cases carry cluster labels. The gate passes a run only
// when that bound exceeds the threshold.
//
// Distribution quantiles come from gonum.org/v1/gonum/stat/distuv. Every function in
// this package is pure and safe for concurrent use.
package stats

import (
	"errors"
	"fmt"
	"math"
)

// Case is one planned case of a run.
//
// Scores contains the scores of its scored attempts only, each in [0, 1]. A case with
// no scored attempt is unscored, which happens when the harness itself failed on every
// attempt. Cluster is a label that groups correlated cases (for example, cases taken
// from the same repository), or "" when the case belongs to no cluster.
type Case struct {
	Scores  []float64 // scored attempts only
	Cluster string    // "" when unclustered
}

// ErrInvalidScore is wrapped by the errors of Case.Validate and Pair.Validate.
var ErrInvalidScore = errors.New("invalid score")

// Validate returns an error wrapping ErrInvalidScore when a score is NaN or outside
// [0, 1]. Summarize does not reject such scores, so callers validate first.
func (c Case) Validate() error {
	return validateScores(c.Scores)
}

func validateScores(scores []float64) error {
	for i, x := range scores {
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("%w: attempt %d has score %v, want a value in [0, 1]", ErrInvalidScore, i, x)
		}
	}
	return nil
}

// Method names the estimator behind lower_bound_95, as the report's ci_method stores it,
// or the paired test behind a PairedResult.
type Method string

// Estimators of lower_bound_95.
const (
	MethodClopperPearson          Method = "clopper_pearson"
	MethodClopperPearsonKGCluster Method = "clopper_pearson_kg_cluster"
	MethodStudentT                Method = "student_t"
	MethodClusterT                Method = "cluster_t"
	MethodStudentTDegenerateCP    Method = "student_t_degenerate_cp"
	MethodClusterTDegenerateCP    Method = "cluster_t_degenerate_cp"
	MethodNone                    Method = "none"
)

// Paired tests of a candidate run against an incumbent run.
const (
	MethodMcNemarExact Method = "mcnemar_exact_conditional"
	MethodPairedT      Method = "paired_student_t"
)

// Summary holds the statistics of one run.
//
// Mean, Stddev and Stderr describe the N scored cases. LowerBound95 covers all
// NPlanned cases, with each unscored case counted as 0. A nil pointer is a value that
// is undefined for the data (JSON null), such as Stddev when N < 2.
type Summary struct {
	NPlanned  int `json:"n_planned"`
	N         int `json:"n"`
	NUnscored int `json:"n_unscored_cases"`
	NAttempts int `json:"n_attempts"` // scored attempts over all cases

	// NClusters is the number of distinct clusters among the planned cases, counting
	// each unlabeled case as a cluster of its own. It is 0 when no case has a label.
	NClusters int `json:"n_clusters,omitempty"`

	// Binary reports whether every scored attempt is exactly 0 or 1. It is true when
	// there is no scored attempt at all.
	Binary bool `json:"binary"`

	Mean         *float64 `json:"mean_score"`
	Stddev       *float64 `json:"score_stddev"`
	Stderr       *float64 `json:"stderr"`
	LowerBound95 *float64 `json:"lower_bound_95"`
	Method       Method   `json:"ci_method"`

	// MaxAttainableLowerBound95 is 0.05^(1/NPlanned), the bound that a run scoring 1 on
	// every planned case would get. It is nil when NPlanned is 0. A continuous run with a
	// small spread near 1 can get a higher bound on the t path.
	MaxAttainableLowerBound95 *float64 `json:"max_attainable_lower_bound_95"`

	// KStar is the sum of the case scores over the planned cases, the success count k*
	// of Clopper–Pearson. It is fractional when epochs split a case's score.
	KStar float64 `json:"k_star"`

	// NEff is the sample size that a Clopper–Pearson bound used: NPlanned, or the
	// Korn–Graubard effective size with clusters. It is nil on the t paths.
	NEff *float64 `json:"n_eff,omitempty"`

	// NEffRaw is p(1−p)/stderr², before the degrees-of-freedom scaling and the cap.
	// DesignEffect is NPlanned/NEffRaw. Both are set only by the Korn–Graubard bound
	// with a nonzero standard error.
	NEffRaw      *float64 `json:"n_eff_raw,omitempty"`
	DesignEffect *float64 `json:"design_effect,omitempty"`
}

// Summarize computes the statistics of a run from its planned cases.
//
// It expects every score in [0, 1] (see Case.Validate). So that no input can move the
// bound out of [0, 1], it clamps a score outside that range to the nearest end and
// counts a NaN score as 0.
func Summarize(cases []Case) Summary {
	s := Summary{NPlanned: len(cases), Binary: true}
	groups, clusterCount := clusterGroups(cases)
	if groups != nil {
		s.NClusters = clusterCount
	}

	// planned has one score per planned case, 0 for an unscored case. scored and
	// scoredGroups keep only the cases with a score.
	planned := make([]float64, len(cases))
	var scored []float64
	var scoredGroups []int
	for i, c := range cases {
		if len(c.Scores) == 0 {
			s.NUnscored++
			continue
		}
		x, binary := caseScore(c.Scores)
		s.NAttempts += len(c.Scores)
		s.Binary = s.Binary && binary
		planned[i] = x
		scored = append(scored, x)
		if groups != nil {
			scoredGroups = append(scoredGroups, groups[i])
		}
	}
	s.N = len(scored)

	s.describeScored(scored, scoredGroups, clusterCount)
	s.setLowerBound(planned, groups, clusterCount)
	if s.NPlanned > 0 {
		s.MaxAttainableLowerBound95 = ptr(maxAttainableBound(s.NPlanned))
	}
	return s
}

// describeScored sets Mean, Stddev and Stderr from the scored cases.
func (s *Summary) describeScored(x []float64, groups []int, clusterCount int) {
	n := len(x)
	if n == 0 {
		return
	}
	mean, dev := deviations(x)
	s.Mean = ptr(mean)
	if n < 2 {
		return
	}
	sd := sampleStddev(dev)
	s.Stddev = ptr(sd)

	if groups == nil {
		s.Stderr = ptr(sd / math.Sqrt(float64(n)))
		return
	}
	if se, g := clusterStderr(dev, groups, clusterCount); g >= 2 {
		s.Stderr = ptr(se)
	}
}

// caseScore returns the mean of a case's scored attempts, after clamping each score
// into [0, 1], and reports whether every attempt was exactly 0 or 1.
func caseScore(scores []float64) (float64, bool) {
	binary := true
	clamped := make([]float64, len(scores))
	for i, x := range scores {
		x = clampScore(x)
		clamped[i] = x
		binary = binary && (x == 0 || x == 1)
	}
	return mean(clamped), binary
}

func clampScore(x float64) float64 {
	switch {
	case math.IsNaN(x), x < 0:
		return 0
	case x > 1:
		return 1
	}
	return x
}

// clusterGroups assigns each case a dense cluster index in order of first appearance
// and returns the indexes with their count. An unlabeled case gets an index of its own,
// because nothing ties it to another case. The indexes are nil when no case has a label.
func clusterGroups(cases []Case) ([]int, int) {
	labeled := false
	for _, c := range cases {
		if c.Cluster != "" {
			labeled = true
			break
		}
	}
	if !labeled {
		return nil, 0
	}

	groups := make([]int, len(cases))
	index := make(map[string]int)
	count := 0
	for i, c := range cases {
		if c.Cluster == "" {
			groups[i] = count
			count++
			continue
		}
		g, ok := index[c.Cluster]
		if !ok {
			g = count
			index[c.Cluster] = g
			count++
		}
		groups[i] = g
	}
	return groups, count
}

func ptr(x float64) *float64 {
	return &x
}
