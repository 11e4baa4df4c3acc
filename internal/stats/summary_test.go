package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gonum.org/v1/gonum/mathext"
)

// The expected values in these tests were computed outside Go with mpmath 1.3.0 at 40
// significant digits, with the t and Beta quantiles found by root search on the
// regularized incomplete beta function.

func binaryCases(scores ...float64) []Case {
	cases := make([]Case, len(scores))
	for i, x := range scores {
		cases[i] = Case{Scores: []float64{x}}
	}
	return cases
}

func checkNil(t *testing.T, name string, got *float64) {
	t.Helper()
	if got != nil {
		t.Errorf("%s = %v, want nil", name, *got)
	}
}

func checkPtr(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s = nil, want %.15g", name, want)
		return
	}
	checkFloat(t, name, *got, want)
}

func TestSummarizeNoCases(t *testing.T) {
	for _, cases := range [][]Case{nil, {}} {
		s := Summarize(cases)
		want := Summary{Binary: true, Method: MethodNone}
		if diff := cmp.Diff(want, s); diff != "" {
			t.Errorf("Summarize(%v) mismatch (-want +got):\n%s", cases, diff)
		}
	}
}

func TestSummarizeSingleCase(t *testing.T) {
	tests := []struct {
		name       string
		scores     []float64
		wantMethod Method
		wantBound  *float64
	}{
		{name: "binary pass", scores: []float64{1}, wantMethod: MethodClopperPearson, wantBound: ptr(0.05)},
		{name: "binary fail", scores: []float64{0}, wantMethod: MethodClopperPearson, wantBound: ptr(0)},
		{name: "continuous", scores: []float64{0.7}, wantMethod: MethodStudentT},
		{name: "epochs", scores: []float64{1, 0.5}, wantMethod: MethodStudentT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize([]Case{{Scores: tt.scores}})

			if s.N != 1 || s.NPlanned != 1 || s.NAttempts != len(tt.scores) {
				t.Errorf("counts N=%d NPlanned=%d NAttempts=%d, want 1, 1, %d", s.N, s.NPlanned, s.NAttempts, len(tt.scores))
			}
			checkPtr(t, "Mean", s.Mean, mean(tt.scores))
			checkNil(t, "Stddev", s.Stddev)
			checkNil(t, "Stderr", s.Stderr)
			if s.Method != tt.wantMethod {
				t.Errorf("Method = %q, want %q", s.Method, tt.wantMethod)
			}
			if tt.wantBound == nil {
				checkNil(t, "LowerBound95", s.LowerBound95)
			} else {
				checkPtr(t, "LowerBound95", s.LowerBound95, *tt.wantBound)
			}
			checkPtr(t, "MaxAttainableLowerBound95", s.MaxAttainableLowerBound95, 0.05)
		})
	}
}

func TestSummarizeAllUnscored(t *testing.T) {
	s := Summarize(make([]Case, 5))

	if s.N != 0 || s.NUnscored != 5 || s.NAttempts != 0 {
		t.Errorf("counts N=%d NUnscored=%d NAttempts=%d, want 0, 5, 0", s.N, s.NUnscored, s.NAttempts)
	}
	checkNil(t, "Mean", s.Mean)
	checkNil(t, "Stddev", s.Stddev)
	checkNil(t, "Stderr", s.Stderr)
	if !s.Binary {
		t.Error("Binary = false, want true for a run without scored attempts")
	}
	// Every unscored case counts as 0, so the bound is the Clopper–Pearson bound of 0 of 5.
	if s.Method != MethodClopperPearson {
		t.Errorf("Method = %q, want %q", s.Method, MethodClopperPearson)
	}
	checkPtr(t, "LowerBound95", s.LowerBound95, 0)
	checkPtr(t, "MaxAttainableLowerBound95", s.MaxAttainableLowerBound95, math.Pow(0.05, 0.2))
}

func TestSummarizeMixedScores(t *testing.T) {
	// Binary, partial-credit and mixed-epoch cases plus one unscored case: the run
	// takes the t path over all 12 planned cases.
	cases := []Case{
		{Scores: []float64{1}}, {Scores: []float64{1}}, {Scores: []float64{0.9}},
		{Scores: []float64{0.8, 1}}, {Scores: []float64{1}}, {Scores: []float64{0.7}},
		{Scores: []float64{1, 1, 0}}, {Scores: []float64{1}}, {Scores: []float64{0.95}},
		{Scores: []float64{1}}, {Scores: []float64{0.85}}, {},
	}
	s := Summarize(cases)

	if s.N != 11 || s.NPlanned != 12 || s.NUnscored != 1 || s.NAttempts != 14 {
		t.Errorf("counts N=%d NPlanned=%d NUnscored=%d NAttempts=%d, want 11, 12, 1, 14", s.N, s.NPlanned, s.NUnscored, s.NAttempts)
	}
	if s.Binary {
		t.Error("Binary = true, want false")
	}
	checkPtr(t, "Mean", s.Mean, 0.90606060606060606)
	checkPtr(t, "Stddev", s.Stddev, 0.12208210517533028)
	checkPtr(t, "Stderr", s.Stderr, 0.036809139680297787)
	checkFloat(t, "KStar", s.KStar, 9.9666666666666667)
	if s.Method != MethodStudentT {
		t.Errorf("Method = %q, want %q", s.Method, MethodStudentT)
	}
	checkPtr(t, "LowerBound95", s.LowerBound95, 0.6821356260878478)
	checkNil(t, "NEff", s.NEff)
}

func TestSummarizeClusteredContinuous(t *testing.T) {
	scores := []float64{0.9, 0.8, 1.0, 0.6, 0.7, 0.65, 1.0, 0.95, 0.9, 0.5, 0.8, 0.7}
	cases := make([]Case, len(scores))
	for i, x := range scores {
		cases[i] = Case{Scores: []float64{x}, Cluster: string(rune('A' + i/3))}
	}
	s := Summarize(cases)

	if s.NClusters != 4 {
		t.Errorf("NClusters = %d, want 4", s.NClusters)
	}
	checkPtr(t, "Mean", s.Mean, 0.79166666666666667)
	checkPtr(t, "Stddev", s.Stddev, 0.16353111093129724)
	checkPtr(t, "Stderr", s.Stderr, 0.077728158775740125)
	if s.Method != MethodClusterT {
		t.Errorf("Method = %q, want %q", s.Method, MethodClusterT)
	}
	checkPtr(t, "LowerBound95", s.LowerBound95, 0.60874405994936936)
}

func TestSummarizeClusteredBinaryUnscored(t *testing.T) {
	// The unscored last case of cluster E enters the Korn–Graubard bound as a 0, while
	// the mean and the CR1 standard error cover the 19 scored cases only.
	scores := []float64{1, 1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0}
	var cases []Case
	for i, x := range scores {
		cases = append(cases, Case{Scores: []float64{x}, Cluster: string(rune('A' + i/4))})
	}
	cases = append(cases, Case{Cluster: "E"})
	s := Summarize(cases)

	if s.N != 19 || s.NUnscored != 1 || s.NClusters != 5 {
		t.Errorf("counts N=%d NUnscored=%d NClusters=%d, want 19, 1, 5", s.N, s.NUnscored, s.NClusters)
	}
	checkPtr(t, "Mean", s.Mean, 0.63157894736842105)
	checkPtr(t, "Stderr", s.Stderr, 0.13176106364570947)
	checkFloat(t, "KStar", s.KStar, 12)
	if s.Method != MethodClopperPearsonKGCluster {
		t.Errorf("Method = %q, want %q", s.Method, MethodClopperPearsonKGCluster)
	}
	checkPtr(t, "NEffRaw", s.NEffRaw, 14.769230769230769)
	checkPtr(t, "NEff", s.NEff, 9.7163377269172821)
	checkPtr(t, "DesignEffect", s.DesignEffect, 1.3541666666666667)
	checkPtr(t, "LowerBound95", s.LowerBound95, 0.29920742607905622)
}

func TestSummarizeZeroStderr(t *testing.T) {
	tests := []struct {
		name       string
		cases      []Case
		wantMethod Method
		wantK      float64
	}{
		{
			// Ten scores of 0.1 sum to 0.9999999999999999 in naive float64 addition,
			// which must not leave a tiny nonzero spread behind.
			name:       "constant 0.1",
			cases:      binaryCases(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1),
			wantMethod: MethodStudentTDegenerateCP,
			wantK:      1,
		},
		{
			name: "clusters with equal sums",
			cases: []Case{
				{Scores: []float64{0.3}, Cluster: "a"}, {Scores: []float64{0.7}, Cluster: "a"},
				{Scores: []float64{0.3}, Cluster: "b"}, {Scores: []float64{0.7}, Cluster: "b"},
			},
			wantMethod: MethodClusterTDegenerateCP,
			wantK:      2,
		},
		{
			name:       "constant clusters",
			cases:      []Case{{Scores: []float64{0.5}, Cluster: "a"}, {Scores: []float64{0.5}, Cluster: "b"}},
			wantMethod: MethodClusterTDegenerateCP,
			wantK:      1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize(tt.cases)
			m := float64(len(tt.cases))

			if s.Method != tt.wantMethod {
				t.Errorf("Method = %q, want %q", s.Method, tt.wantMethod)
			}
			checkFloat(t, "KStar", s.KStar, tt.wantK)
			checkPtr(t, "NEff", s.NEff, m)
			checkPtr(t, "LowerBound95", s.LowerBound95, clopperPearsonLower(tt.wantK, m, alpha))
		})
	}
}

func TestSummarizeConstantMeanExact(t *testing.T) {
	s := Summarize(binaryCases(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1))
	if *s.Mean != 0.1 || *s.Stddev != 0 || *s.Stderr != 0 {
		t.Errorf("Mean, Stddev, Stderr = %v, %v, %v, want exactly 0.1, 0, 0", *s.Mean, *s.Stddev, *s.Stderr)
	}
}

func TestSummarizeSingleCluster(t *testing.T) {
	for _, binary := range []bool{true, false} {
		score := 0.5
		if binary {
			score = 1
		}
		cases := []Case{
			{Scores: []float64{score}, Cluster: "repo"},
			{Scores: []float64{0}, Cluster: "repo"},
			{Scores: []float64{score}, Cluster: "repo"},
		}
		s := Summarize(cases)

		if s.NClusters != 1 {
			t.Errorf("binary=%v: NClusters = %d, want 1", binary, s.NClusters)
		}
		checkNil(t, "Stderr", s.Stderr)
		checkNil(t, "LowerBound95", s.LowerBound95)
		if s.Stddev == nil {
			t.Errorf("binary=%v: Stddev = nil, want a value for 3 cases", binary)
		}
	}
}

func TestSummarizeUnlabeledCasesAreSingletons(t *testing.T) {
	scores := []float64{0.2, 0.9, 0.4, 0.8, 0.6}
	plain := binaryCases(scores...)
	labeled := binaryCases(scores...)
	labeled[0].Cluster = "x"
	s := Summarize(labeled)
	u := Summarize(plain)

	// One label among unlabeled cases gives five singleton clusters, and with one case
	// per cluster CR1 reduces to s/√n.
	if s.NClusters != 5 {
		t.Errorf("NClusters = %d, want 5", s.NClusters)
	}
	if u.NClusters != 0 {
		t.Errorf("unclustered NClusters = %d, want 0", u.NClusters)
	}
	checkPtr(t, "Stderr", s.Stderr, *u.Stderr)
	if s.Method != MethodClusterT {
		t.Errorf("Method = %q, want %q", s.Method, MethodClusterT)
	}
}

func TestSummarizeInvalidScores(t *testing.T) {
	tests := []struct {
		name       string
		scores     []float64
		wantScore  float64
		wantBinary bool
	}{
		{name: "NaN", scores: []float64{math.NaN()}, wantScore: 0, wantBinary: true},
		{name: "negative", scores: []float64{-0.5}, wantScore: 0, wantBinary: true},
		{name: "above one", scores: []float64{1.5}, wantScore: 1, wantBinary: true},
		{name: "infinite", scores: []float64{math.Inf(1), 0.5}, wantScore: 0.75, wantBinary: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Case{Scores: tt.scores}
			if err := c.Validate(); !errors.Is(err, ErrInvalidScore) {
				t.Errorf("Validate() = %v, want an error wrapping ErrInvalidScore", err)
			}

			s := Summarize([]Case{c, c})
			checkPtr(t, "Mean", s.Mean, tt.wantScore)
			if s.Binary != tt.wantBinary {
				t.Errorf("Binary = %v, want %v", s.Binary, tt.wantBinary)
			}
		})
	}
}

func TestCaseValidate(t *testing.T) {
	valid := []Case{{}, {Scores: []float64{0, 1, 0.5}}, {Scores: []float64{math.Copysign(0, -1)}}}
	for _, c := range valid {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%v) = %v, want nil", c.Scores, err)
		}
	}

	err := Case{Scores: []float64{1, 2}}.Validate()
	want := "invalid score: attempt 1 has score 2, want a value in [0, 1]"
	if err == nil || err.Error() != want {
		t.Errorf("Validate([1 2]) = %v, want %q", err, want)
	}
}

func TestSummarizeDeterministic(t *testing.T) {
	cases := randomCases(rand.New(rand.NewPCG(1, 2)), 200, true, false)
	first := Summarize(cases)
	for range 5 {
		if diff := cmp.Diff(first, Summarize(cases)); diff != "" {
			t.Fatalf("Summarize() differs between calls (-first +again):\n%s", diff)
		}
	}
}

// randomCases returns n cases with up to three attempts each. About one case in
// twenty is unscored.
func randomCases(r *rand.Rand, n int, clustered, binary bool) []Case {
	cases := make([]Case, n)
	for i := range cases {
		if clustered {
			cases[i].Cluster = string(rune('a' + r.IntN(8)))
		}
		if r.IntN(20) == 0 {
			continue
		}
		attempts := 1 + r.IntN(3)
		for range attempts {
			x := r.Float64()
			if binary {
				x = float64(r.IntN(2))
			}
			cases[i].Scores = append(cases[i].Scores, x)
		}
	}
	return cases
}

func TestBoundAtMostPlannedMean(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 2000 {
		clustered, binary := trial%2 == 0, trial%3 == 0
		cases := randomCases(r, 1+r.IntN(60), clustered, binary)
		s := Summarize(cases)
		if s.LowerBound95 == nil {
			continue
		}

		plannedMean := s.KStar / float64(s.NPlanned)
		if *s.LowerBound95 > plannedMean+1e-12 {
			t.Fatalf("trial %d (%s): LowerBound95 = %v above the planned mean %v", trial, s.Method, *s.LowerBound95, plannedMean)
		}
		if *s.LowerBound95 < 0 {
			t.Fatalf("trial %d (%s): LowerBound95 = %v, want at least 0", trial, s.Method, *s.LowerBound95)
		}
		if s.Binary && *s.LowerBound95 > *s.MaxAttainableLowerBound95 {
			t.Fatalf("trial %d (%s): LowerBound95 = %v above the attainable %v", trial, s.Method, *s.LowerBound95, *s.MaxAttainableLowerBound95)
		}
	}
}

func TestClopperPearsonMonotoneInK(t *testing.T) {
	for m := 1; m <= 200; m++ {
		prev := -1.0
		for k := 0; k <= m; k++ {
			cases := binaryCases(make([]float64, m)...)
			for i := range k {
				cases[i].Scores[0] = 1
			}
			bound := *Summarize(cases).LowerBound95
			if bound <= prev {
				t.Fatalf("m=%d: bound at k=%d is %v, not above %v at k=%d", m, k, bound, prev, k-1)
			}
			prev = bound
		}
	}
}

func TestClopperPearsonMonotoneFractionalK(t *testing.T) {
	// Fractional k* comes from epochs. Steps of 1/3 from 0 to m must raise the bound.
	const m = 12
	prev := -1.0
	for step := 0; step <= 3*m; step++ {
		bound := clopperPearsonLower(float64(step)/3, m, alpha)
		if bound <= prev {
			t.Fatalf("bound at k=%d/3 is %v, not above %v", step, bound, prev)
		}
		prev = bound
	}
}

func TestClopperPearsonInvertsBinomialTail(t *testing.T) {
	// The bound π_L of k successes in n solves P(X ≥ k | Binomial(n, π_L)) = 0.05.
	for _, n := range []float64{1, 2, 7, 30, 164, 1000} {
		for _, k := range []float64{1, math.Ceil(n / 3), n - 1} {
			if k < 1 || k >= n {
				continue
			}
			pi := clopperPearsonLower(k, n, alpha)
			tail := mathext.RegIncBeta(k, n-k+1, pi)
			if math.Abs(tail-alpha) > 1e-12 {
				t.Errorf("P(X >= %v | Binomial(%v, %v)) = %v, want 0.05", k, n, pi, tail)
			}
		}
	}
}

func TestClopperPearsonTinyK(t *testing.T) {
	// A subnormal score (from a corrupted or adversarial rubric) must not yield NaN.
	for _, k := range []float64{5e-324, 2.6e-310, 1e-300, 1e-5, math.Nextafter(minQuantileK, 0), minQuantileK} {
		for _, n := range []float64{1, 2, 20, 1e6} {
			if got := clopperPearsonLower(k, n, alpha); got != 0 {
				t.Errorf("clopperPearsonLower(%v, %v) = %v, want 0", k, n, got)
			}
		}
	}
}

func TestClopperPearsonExtremeK(t *testing.T) {
	tests := []struct{ k, n float64 }{
		{1e-300, 10}, {1e-12, 1}, {10 - 1e-12, 10}, {0.5, 1e6}, {1e6 - 1, 1e6}, {0.01, 0.02},
	}
	for _, tt := range tests {
		got := clopperPearsonLower(tt.k, tt.n, alpha)
		if math.IsNaN(got) || got < 0 || got > math.Pow(alpha, 1/tt.n) {
			t.Errorf("clopperPearsonLower(%v, %v) = %v, want a value in [0, 0.05^(1/n)]", tt.k, tt.n, got)
		}
	}
}

func TestUnscoredCaseCanRaiseContinuousBound(t *testing.T) {
	// This pins a known gap of the zero-spread fallback: a run whose scores are all
	// equal gets the Clopper–Pearson bound, which can be lower than the t bound of the
	// same run with one case unscored. Change this test when the fallback changes.
	all := make([]Case, 31)
	for i := range all {
		all[i] = Case{Scores: []float64{0.99}}
	}
	oneUnscored := append(append([]Case{}, all[:30]...), Case{})
	scored := Summarize(all)
	withGap := Summarize(oneUnscored)

	if scored.Method != MethodStudentTDegenerateCP || withGap.Method != MethodStudentT {
		t.Fatalf("methods = %q, %q, want %q, %q", scored.Method, withGap.Method, MethodStudentTDegenerateCP, MethodStudentT)
	}
	if *withGap.LowerBound95 <= *scored.LowerBound95 {
		t.Errorf("bound with an unscored case = %v, want above %v", *withGap.LowerBound95, *scored.LowerBound95)
	}
	const threshold = 0.895
	if got := GateThreshold(withGap, true, 0, threshold, DefaultPolicy()).Status; got != StatusPass {
		t.Errorf("GateThreshold(one unscored) = %s, want pass", got)
	}
	if got := GateThreshold(scored, true, 0, threshold, DefaultPolicy()).Status; got != StatusFail {
		t.Errorf("GateThreshold(all scored) = %s, want fail", got)
	}
}
