package stats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// specPath is the shared file of reference values, computed outside this package with
// 50-digit arithmetic. The tests skip when the checkout does not contain it.
const specPath = "../../../shared/spec/stats-vectors.json"

// specTolerance is the absolute or relative difference allowed against the reference
// values, which the file rounds to 12 significant digits.
const specTolerance = 1e-9

type specFile struct {
	Vectors          []specVector    `json:"vectors"`
	Paired           []specPaired    `json:"paired"`
	Quantiles        []specQuantile  `json:"quantiles"`
	GateMinN         []specGateMinN  `json:"gate_min_n"`
	TwoSidedContrast []specContrast  `json:"two_sided_contrast"`
	GateCases        []specGateCase  `json:"gate_cases"`
	PowerExactCP     []specPower     `json:"power_exact_cp"`
	Meta             json.RawMessage `json:"meta"`
}

type specVector struct {
	ID          string         `json:"id"`
	Description string         `json:"description"`
	Note        string         `json:"note"`
	Input       specRunInput   `json:"input"`
	Expected    specRunSummary `json:"expected"`
}

// specRunInput is either attempts per case (with optional clusters) or, for a run
// with unscored cases, scored_attempts plus a count of unscored cases.
type specRunInput struct {
	Attempts       [][]specScore `json:"attempts"`
	Clusters       []string      `json:"clusters"`
	PlannedCases   *int          `json:"planned_cases"`
	ScoredAttempts [][]specScore `json:"scored_attempts"`
	UnscoredCases  int           `json:"unscored_cases"`
	Complete       *bool         `json:"complete"`
}

type specRunSummary struct {
	N                      int                   `json:"n"`
	NPlanned               *int                  `json:"n_planned"`
	NUnscored              *int                  `json:"n_unscored"`
	MeanScore              specNumber            `json:"mean_score"`
	ScoreStddev            specNumber            `json:"score_stddev"`
	Stderr                 specNumber            `json:"stderr"`
	StderrUnclustered      specNumber            `json:"stderr_unclustered"`
	CIMethod               Method                `json:"ci_method"`
	LowerBound95           specNumber            `json:"lower_bound_95"`
	LowerBound95ScoredOnly specNumber            `json:"lower_bound_95_scored_only_not_used"`
	ByMethod               map[string]specNumber `json:"by_method"`
	Details                *specDetails          `json:"details"`
	Gate                   []specVectorGate      `json:"gate"`
}

type specDetails struct {
	KStar          float64    `json:"k_star"`
	BinaryAttempts bool       `json:"binary_attempts"`
	NAttempts      int        `json:"n_attempts"`
	T95DF          *float64   `json:"t95_df"`
	T95            specNumber `json:"t95"`
	G              *int       `json:"G"`
	T95DFCluster   *float64   `json:"t95_df_cluster"`
	T95Cluster     specNumber `json:"t95_cluster"`
	NEffRaw        specNumber `json:"n_eff_raw"`
	NEff           specNumber `json:"n_eff"`
	DesignEffect   specNumber `json:"design_effect"`
}

type specVectorGate struct {
	Threshold       float64 `json:"threshold"`
	MaxUnscoredFrac float64 `json:"max_unscored_frac"`
	Status          Status  `json:"status"`
	Reason          Reason  `json:"reason"`
}

type specPaired struct {
	ID          string `json:"id"`
	Description string `json:"description"`
	Note        string `json:"note"`
	Input       struct {
		Candidate [][]specScore `json:"candidate"`
		Incumbent [][]specScore `json:"incumbent"`
	} `json:"input"`
	Expected struct {
		NPairs                int        `json:"n_pairs"`
		MeanCandidate         float64    `json:"mean_candidate"`
		MeanIncumbent         float64    `json:"mean_incumbent"`
		MeanDiff              float64    `json:"mean_diff"`
		SDDiff                specNumber `json:"sd_diff"`
		StderrDiff            specNumber `json:"stderr_diff"`
		Correlation           specNumber `json:"correlation"`
		PairedTLowerBound95   specNumber `json:"paired_t_lower_bound_95"`
		T95DF                 float64    `json:"t95_df"`
		DiscordantCandOnly    *int       `json:"discordant_cand_only"`
		DiscordantIncOnly     *int       `json:"discordant_inc_only"`
		McNemarExactOneSidedP specNumber `json:"mcnemar_exact_one_sided_p"`
		PiLower95             specNumber `json:"pi_lower_95"`
		CIMethod              Method     `json:"ci_method"`
		DiffLowerBound95      specNumber `json:"diff_lower_bound_95"`
		GateMargin0           Status     `json:"gate_margin_0"`
	} `json:"expected"`
}

type specQuantile struct {
	Dist  string  `json:"dist"`
	DF    float64 `json:"df"`
	P     float64 `json:"p"`
	Value float64 `json:"value"`
}

type specGateMinN struct {
	Threshold               float64 `json:"threshold"`
	MinCasesAnyPassPossible int     `json:"min_cases_any_pass_possible"`
	MaxBoundAtMin           float64 `json:"max_bound_at_min"`
	MaxBoundOneLess         float64 `json:"max_bound_one_less"`
}

type specContrast struct {
	K             float64            `json:"k"`
	N             float64            `json:"n"`
	OneSided95    map[string]float64 `json:"one_sided_95"`
	TwoSided95Low map[string]float64 `json:"two_sided_95_lower_end"`
}

type specGateCase struct {
	Vector                    string  `json:"vector"`
	Threshold                 float64 `json:"threshold"`
	Complete                  bool    `json:"complete"`
	Policy                    Policy  `json:"policy"`
	LowerBound95              float64 `json:"lower_bound_95"`
	MaxAttainableLowerBound95 float64 `json:"max_attainable_lower_bound_95"`
	Status                    Status  `json:"status"`
	Reason                    Reason  `json:"reason"`
}

type specPower struct {
	Threshold     float64 `json:"threshold"`
	TrueMean      float64 `json:"true_mean"`
	NormalApproxN int     `json:"normal_approx_n"`
	ExactFirstN   int     `json:"exact_first_n"`
	ExactAllNFrom int     `json:"exact_all_n_from"`
}

// specScore is an attempt score, written as a JSON number or, for decimal fractions,
// as a string so that no tool rounds it on the way.
type specScore float64

func (s *specScore) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err == nil {
		v, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return fmt.Errorf("parse score %q: %w", text, err)
		}
		*s = specScore(v)
		return nil
	}
	var v float64
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("parse score %s: %w", data, err)
	}
	*s = specScore(v)
	return nil
}

// specNumber is an expected value that may be absent, null (undefined) or a number.
type specNumber struct {
	Present bool
	Value   *float64
}

func (n *specNumber) UnmarshalJSON(data []byte) error {
	n.Present = true
	return json.Unmarshal(data, &n.Value)
}

func loadSpec(t *testing.T) *specFile {
	t.Helper()
	data, err := os.ReadFile(specPath)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("reference vectors not found at %s, so the spec tests cannot run (they need the spec folder beside the repository)", specPath)
	}
	if err != nil {
		t.Fatalf("read reference vectors: %v", err)
	}

	// Unknown fields fail the load, so a value added to the file cannot go unchecked.
	var spec specFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&spec); err != nil {
		t.Fatalf("decode %s: %v", specPath, err)
	}
	if len(spec.Vectors) == 0 || len(spec.Paired) == 0 || len(spec.Quantiles) == 0 || len(spec.GateCases) == 0 {
		t.Fatalf("decode %s: a section of reference values is empty", specPath)
	}
	return &spec
}

// casesFromInput builds the planned cases of a vector. Unscored cases come last.
func casesFromInput(t *testing.T, in specRunInput) []Case {
	t.Helper()
	attempts := in.Attempts
	if in.ScoredAttempts != nil {
		attempts = in.ScoredAttempts
	}
	if in.Clusters != nil && len(in.Clusters) != len(attempts) {
		t.Fatalf("vector has %d clusters for %d cases", len(in.Clusters), len(attempts))
	}

	var cases []Case
	for i, scores := range attempts {
		c := Case{Scores: floats(scores)}
		if in.Clusters != nil {
			c.Cluster = in.Clusters[i]
		}
		cases = append(cases, c)
	}
	for range in.UnscoredCases {
		cases = append(cases, Case{})
	}
	if in.PlannedCases != nil && *in.PlannedCases != len(cases) {
		t.Fatalf("vector plans %d cases but lists %d", *in.PlannedCases, len(cases))
	}
	return cases
}

func floats(scores []specScore) []float64 {
	out := make([]float64, len(scores))
	for i, s := range scores {
		out[i] = float64(s)
	}
	return out
}

func near(got, want float64) bool {
	diff := math.Abs(got - want)
	return diff <= specTolerance || diff <= specTolerance*math.Abs(want)
}

func checkFloat(t *testing.T, name string, got, want float64) {
	t.Helper()
	if !near(got, want) {
		t.Errorf("%s = %.15g, want %.15g (diff %.3g)", name, got, want, got-want)
	}
}

// checkNumber compares a computed value with an expected one that is present in the
// file. A nil want is null, which requires a nil got.
func checkNumber(t *testing.T, name string, got *float64, want specNumber) {
	t.Helper()
	if !want.Present {
		t.Fatalf("%s: expected value missing from the reference file", name)
	}
	switch {
	case want.Value == nil && got != nil:
		t.Errorf("%s = %.15g, want null", name, *got)
	case want.Value != nil && got == nil:
		t.Errorf("%s = null, want %.15g", name, *want.Value)
	case want.Value != nil:
		checkFloat(t, name, *got, *want.Value)
	}
}

func TestSpecVectors(t *testing.T) {
	spec := loadSpec(t)
	for _, v := range spec.Vectors {
		t.Run(v.ID, func(t *testing.T) {
			cases := casesFromInput(t, v.Input)
			s := Summarize(cases)
			want := v.Expected

			if s.N != want.N {
				t.Errorf("N = %d, want %d", s.N, want.N)
			}
			if want.NPlanned != nil && s.NPlanned != *want.NPlanned {
				t.Errorf("NPlanned = %d, want %d", s.NPlanned, *want.NPlanned)
			}
			if want.NUnscored != nil && s.NUnscored != *want.NUnscored {
				t.Errorf("NUnscored = %d, want %d", s.NUnscored, *want.NUnscored)
			}
			checkNumber(t, "Mean", s.Mean, want.MeanScore)
			checkNumber(t, "Stddev", s.Stddev, want.ScoreStddev)
			checkNumber(t, "Stderr", s.Stderr, want.Stderr)
			if s.Method != want.CIMethod {
				t.Errorf("Method = %q, want %q", s.Method, want.CIMethod)
			}
			checkNumber(t, "LowerBound95", s.LowerBound95, want.LowerBound95)
			checkFloat(t, "MaxAttainableLowerBound95", *s.MaxAttainableLowerBound95, maxAttainableBound(len(cases)))

			if want.StderrUnclustered.Present {
				unclustered := Summarize(withoutClusters(cases))
				checkNumber(t, "unclustered Stderr", unclustered.Stderr, want.StderrUnclustered)
			}
			if want.LowerBound95ScoredOnly.Present {
				scoredOnly := Summarize(cases[:s.N])
				checkNumber(t, "scored-only LowerBound95", scoredOnly.LowerBound95, want.LowerBound95ScoredOnly)
			}
			if want.Details != nil {
				checkDetails(t, s, *want.Details)
			}
			for name, wantBound := range want.ByMethod {
				checkNumber(t, "by_method "+name, referenceBound(t, name, cases), wantBound)
			}
			for _, g := range want.Gate {
				checkVectorGate(t, s, v.Input, g)
			}
		})
	}
}

func withoutClusters(cases []Case) []Case {
	out := make([]Case, len(cases))
	for i, c := range cases {
		out[i] = Case{Scores: c.Scores}
	}
	return out
}

func checkDetails(t *testing.T, s Summary, want specDetails) {
	t.Helper()
	checkFloat(t, "KStar", s.KStar, want.KStar)
	if s.Binary != want.BinaryAttempts {
		t.Errorf("Binary = %v, want %v", s.Binary, want.BinaryAttempts)
	}
	if s.NAttempts != want.NAttempts {
		t.Errorf("NAttempts = %d, want %d", s.NAttempts, want.NAttempts)
	}
	if want.T95DF != nil {
		checkNumber(t, fmt.Sprintf("tQuantile(%v)", *want.T95DF), ptr(tQuantile(*want.T95DF)), want.T95)
	}
	if want.T95DFCluster != nil {
		checkNumber(t, fmt.Sprintf("tQuantile(%v)", *want.T95DFCluster), ptr(tQuantile(*want.T95DFCluster)), want.T95Cluster)
	}
	if want.G != nil && s.NClusters != *want.G {
		t.Errorf("NClusters = %d, want %d", s.NClusters, *want.G)
	}
	if want.NEffRaw.Present {
		checkNumber(t, "NEffRaw", s.NEffRaw, want.NEffRaw)
	}
	if want.NEff.Present {
		checkNumber(t, "NEff", s.NEff, want.NEff)
	}
	if want.DesignEffect.Present {
		checkNumber(t, "DesignEffect", s.DesignEffect, want.DesignEffect)
	}
}

func checkVectorGate(t *testing.T, s Summary, in specRunInput, want specVectorGate) {
	t.Helper()
	complete := in.Complete == nil || *in.Complete
	p := DefaultPolicy()
	p.MaxUnscoredFrac = want.MaxUnscoredFrac

	d := GateThreshold(s, complete, 0, want.Threshold, p)
	if d.Status != want.Status || d.Reason != want.Reason {
		t.Errorf("GateThreshold(T=%v, max_unscored_frac=%v) = %s (%q), want %s (%q)",
			want.Threshold, want.MaxUnscoredFrac, d.Status, d.Reason, want.Status, want.Reason)
	}
}

// referenceBound computes one of the alternative estimators that the reference file
// lists for comparison. Only clopper_pearson, student_t, cluster_t and
// clopper_pearson_kg_cluster exist in the package, and the rest are computed here from
// their textbook definitions, clipped to [0, 1], to check the file as a whole.
func referenceBound(t *testing.T, name string, cases []Case) *float64 {
	t.Helper()
	s := Summarize(cases)
	unclustered := Summarize(withoutClusters(cases))
	n := float64(s.NPlanned)
	k := s.KStar
	p := k / n
	z := distuv.UnitNormal.Quantile(1 - alpha)

	switch name {
	case "clopper_pearson":
		return ptr(clopperPearsonLower(k, n, alpha))
	case "clopper_pearson_kg_cluster":
		return s.LowerBound95
	case "student_t", "normal_z", "cluster_t":
		src, critical := unclustered, 0.0
		switch name {
		case "student_t":
			if s.NPlanned >= 2 {
				critical = tQuantile(n - 1)
			}
		case "normal_z":
			critical = z
		case "cluster_t":
			src = s
			critical = tQuantile(float64(s.NClusters - 1))
		}
		if src.Stderr == nil {
			return nil
		}
		return ptr(clip(*src.Mean - critical*(*src.Stderr)))
	case "wilson":
		return ptr(wilsonLower(p, n, z))
	case "jeffreys":
		if k == 0 {
			return ptr(0)
		}
		return ptr(distuv.Beta{Alpha: k + 0.5, Beta: n - k + 0.5}.Quantile(alpha))
	case "bootstrap_percentile_exact":
		// The percentile bootstrap of binary data resamples Binomial(n, p) successes.
		b := distuv.Binomial{N: n, P: p}
		for j := 0.0; j <= n; j++ {
			if b.CDF(j) >= alpha {
				return ptr(j / n)
			}
		}
		return ptr(1)
	}
	t.Fatalf("reference estimator %q unknown to the test; add it to referenceBound", name)
	return nil
}

func wilsonLower(p, n, z float64) float64 {
	z2 := z * z
	center := p + z2/(2*n)
	spread := z * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	return clip((center - spread) / (1 + z2/n))
}

func clip(x float64) float64 {
	return math.Max(0, math.Min(1, x))
}

func TestSpecGateCases(t *testing.T) {
	spec := loadSpec(t)
	byID := make(map[string]specVector)
	for _, v := range spec.Vectors {
		byID[v.ID] = v
	}

	for _, g := range spec.GateCases {
		name := fmt.Sprintf("%s/T=%v/complete=%v/min_clusters=%d/max_unscored=%v",
			g.Vector, g.Threshold, g.Complete, g.Policy.MinClusters, g.Policy.MaxUnscoredFrac)
		t.Run(name, func(t *testing.T) {
			v, ok := byID[g.Vector]
			if !ok {
				t.Fatalf("gate case names vector %q, which the file does not contain", g.Vector)
			}
			s := Summarize(casesFromInput(t, v.Input))
			d := GateThreshold(s, g.Complete, 0, g.Threshold, g.Policy)

			if d.Status != g.Status {
				t.Errorf("Status = %q, want %q", d.Status, g.Status)
			}
			if d.Reason != g.Reason {
				t.Errorf("Reason = %q, want %q", d.Reason, g.Reason)
			}
			if d.Threshold != g.Threshold {
				t.Errorf("Threshold = %v, want %v", d.Threshold, g.Threshold)
			}
			if d.Policy != g.Policy {
				t.Errorf("Policy = %+v, want %+v", d.Policy, g.Policy)
			}
			checkNumber(t, "LowerBound95", d.LowerBound95, specNumber{true, &g.LowerBound95})
			checkNumber(t, "MaxAttainableLowerBound95", d.MaxAttainableLowerBound95, specNumber{true, &g.MaxAttainableLowerBound95})
		})
	}
}

func TestSpecPaired(t *testing.T) {
	spec := loadSpec(t)
	for _, v := range spec.Paired {
		t.Run(v.ID, func(t *testing.T) {
			if len(v.Input.Candidate) != len(v.Input.Incumbent) {
				t.Fatalf("vector pairs %d candidate cases with %d incumbent cases", len(v.Input.Candidate), len(v.Input.Incumbent))
			}
			pairs := make([]Pair, len(v.Input.Candidate))
			for i := range pairs {
				pairs[i] = Pair{Candidate: floats(v.Input.Candidate[i]), Incumbent: floats(v.Input.Incumbent[i])}
			}
			r := Paired(pairs, false)
			want := v.Expected

			if r.NPairs != want.NPairs {
				t.Errorf("NPairs = %d, want %d", r.NPairs, want.NPairs)
			}
			checkFloat(t, "MeanCandidate", r.MeanCandidate, want.MeanCandidate)
			checkFloat(t, "MeanIncumbent", r.MeanIncumbent, want.MeanIncumbent)
			checkFloat(t, "MeanDiff", r.MeanDiff, want.MeanDiff)
			checkNumber(t, "SDDiff", r.SDDiff, want.SDDiff)
			checkNumber(t, "StderrDiff", r.StderrDiff, want.StderrDiff)
			checkNumber(t, "Correlation", r.Correlation, want.Correlation)
			checkNumber(t, "paired t bound", pairedTLower(r.MeanDiff, r.StderrDiff, r.NPairs), want.PairedTLowerBound95)
			if got := float64(r.NPairs - 1); got != want.T95DF {
				t.Errorf("t degrees of freedom = %v, want %v", got, want.T95DF)
			}
			if r.Method != want.CIMethod {
				t.Errorf("Method = %q, want %q", r.Method, want.CIMethod)
			}
			checkNumber(t, "DiffLowerBound95", r.DiffLowerBound95, want.DiffLowerBound95)

			if want.DiscordantCandOnly != nil && r.DiscordantCandidateOnly != *want.DiscordantCandOnly {
				t.Errorf("DiscordantCandidateOnly = %d, want %d", r.DiscordantCandidateOnly, *want.DiscordantCandOnly)
			}
			if want.DiscordantIncOnly != nil && r.DiscordantIncumbentOnly != *want.DiscordantIncOnly {
				t.Errorf("DiscordantIncumbentOnly = %d, want %d", r.DiscordantIncumbentOnly, *want.DiscordantIncOnly)
			}
			if want.McNemarExactOneSidedP.Present {
				checkNumber(t, "PValue", r.PValue, want.McNemarExactOneSidedP)
			}
			if want.PiLower95.Present {
				checkNumber(t, "PiLower95", r.PiLower95, want.PiLower95)
			}

			d := GateAgainst(r, true, true, 0, 0)
			if d.Status != want.GateMargin0 {
				t.Errorf("GateAgainst(margin 0) = %s (%q), want %s", d.Status, d.Reason, want.GateMargin0)
			}
		})
	}
}

func TestSpecQuantiles(t *testing.T) {
	spec := loadSpec(t)
	for _, q := range spec.Quantiles {
		t.Run(fmt.Sprintf("%s/df=%v/p=%v", q.Dist, q.DF, q.P), func(t *testing.T) {
			switch q.Dist {
			case "normal":
				checkFloat(t, "normal quantile", distuv.UnitNormal.Quantile(q.P), q.Value)
			case "student_t":
				checkFloat(t, "t quantile", distuv.StudentsT{Mu: 0, Sigma: 1, Nu: q.DF}.Quantile(q.P), q.Value)
				if q.P == 1-alpha {
					checkFloat(t, "tQuantile", tQuantile(q.DF), q.Value)
				}
			default:
				t.Fatalf("distribution %q unknown to the test", q.Dist)
			}
		})
	}
}

func TestSpecGateMinN(t *testing.T) {
	spec := loadSpec(t)
	for _, g := range spec.GateMinN {
		t.Run(fmt.Sprintf("T=%v", g.Threshold), func(t *testing.T) {
			m := g.MinCasesAnyPassPossible
			got, ok := MinPlannedCases(g.Threshold)
			if !ok || got != m {
				t.Errorf("MinPlannedCases(%v) = %d, %v, want %d, true", g.Threshold, got, ok, m)
			}

			perfect := Summarize(perfectRun(m))
			checkFloat(t, "MaxAttainableLowerBound95 at minimum", *perfect.MaxAttainableLowerBound95, g.MaxBoundAtMin)
			checkFloat(t, "LowerBound95 of a perfect run", *perfect.LowerBound95, g.MaxBoundAtMin)
			shorter := Summarize(perfectRun(m - 1))
			checkFloat(t, "MaxAttainableLowerBound95 one below", *shorter.MaxAttainableLowerBound95, g.MaxBoundOneLess)

			// With the minimum case counts lifted, the perfect run at the minimum passes and
			// a run one case shorter is underpowered even when perfect.
			p := Policy{MaxUnscoredFrac: 0.05}
			if d := GateThreshold(perfect, true, 0, g.Threshold, p); d.Status != StatusPass {
				t.Errorf("GateThreshold(%d perfect cases) = %s (%q), want pass", m, d.Status, d.Reason)
			}
			if d := GateThreshold(shorter, true, 0, g.Threshold, p); d.Status != StatusFail || d.Reason != ReasonUnderpowered {
				t.Errorf("GateThreshold(%d perfect cases) = %s (%q), want fail (underpowered)", m-1, d.Status, d.Reason)
			}
		})
	}
}

func perfectRun(m int) []Case {
	cases := make([]Case, m)
	for i := range cases {
		cases[i] = Case{Scores: []float64{1}}
	}
	return cases
}

func TestSpecTwoSidedContrast(t *testing.T) {
	spec := loadSpec(t)
	for _, c := range spec.TwoSidedContrast {
		t.Run(fmt.Sprintf("k=%v/n=%v", c.K, c.N), func(t *testing.T) {
			p := c.K / c.N
			checkFloat(t, "one-sided clopper_pearson", clopperPearsonLower(c.K, c.N, alpha), c.OneSided95["clopper_pearson"])
			checkFloat(t, "two-sided clopper_pearson", clopperPearsonLower(c.K, c.N, alpha/2), c.TwoSided95Low["clopper_pearson"])
			checkFloat(t, "one-sided wilson", wilsonLower(p, c.N, distuv.UnitNormal.Quantile(1-alpha)), c.OneSided95["wilson"])
			checkFloat(t, "two-sided wilson", wilsonLower(p, c.N, distuv.UnitNormal.Quantile(1-alpha/2)), c.TwoSided95Low["wilson"])
			if len(c.OneSided95) != 2 || len(c.TwoSided95Low) != 2 {
				t.Errorf("contrast lists estimators %v and %v, want clopper_pearson and wilson only", c.OneSided95, c.TwoSided95Low)
			}
		})
	}
}

// TestSpecPowerExactCP checks the sample sizes at which the Clopper–Pearson gate has
// 80% power. "Every n from there on" is checked over the next 300 sizes only.
func TestSpecPowerExactCP(t *testing.T) {
	spec := loadSpec(t)
	for _, row := range spec.PowerExactCP {
		t.Run(fmt.Sprintf("T=%v/mean=%v", row.Threshold, row.TrueMean), func(t *testing.T) {
			first := 0
			lastShort := 0
			for n := 1; n <= row.ExactAllNFrom+300; n++ {
				if power(n, row.Threshold, row.TrueMean) >= 0.8 {
					if first == 0 {
						first = n
					}
				} else {
					lastShort = n
				}
			}
			if first != row.ExactFirstN {
				t.Errorf("first n with power >= 0.8 = %d, want %d", first, row.ExactFirstN)
			}
			if lastShort+1 != row.ExactAllNFrom {
				t.Errorf("n from which power stays >= 0.8 = %d, want %d", lastShort+1, row.ExactAllNFrom)
			}

			z95 := distuv.UnitNormal.Quantile(0.95)
			z80 := distuv.UnitNormal.Quantile(0.80)
			T, p := row.Threshold, row.TrueMean
			approx := (z95*math.Sqrt(T*(1-T)) + z80*math.Sqrt(p*(1-p))) / (p - T)
			if got := int(math.Ceil(approx * approx)); got != row.NormalApproxN {
				t.Errorf("normal approximation n = %d, want %d", got, row.NormalApproxN)
			}
		})
	}
}

// power returns P(CP bound of X successes in n > threshold) for X ~ Binomial(n, mean).
func power(n int, threshold, mean float64) float64 {
	nf := float64(n)
	// The bound grows with k, so find the smallest passing k by bisection.
	lo, hi := -1, n+1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if clopperPearsonLower(float64(mid), nf, alpha) > threshold {
			hi = mid
		} else {
			lo = mid
		}
	}
	switch {
	case hi > n:
		return 0
	case hi == 0:
		return 1
	}
	return mathext.RegIncBeta(float64(hi), nf-float64(hi)+1, mean)
}
