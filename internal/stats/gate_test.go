package stats

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// passing returns k passes followed by failures, m binary cases in all.
func passing(k, m int) []Case {
	cases := binaryCases(make([]float64, m)...)
	for i := range k {
		cases[i].Scores[0] = 1
	}
	return cases
}

func clustered(cases []Case, clusters int) []Case {
	out := make([]Case, len(cases))
	for i, c := range cases {
		out[i] = Case{Scores: c.Scores, Cluster: string(rune('A' + i%clusters))}
	}
	return out
}

func continuous(m int, score float64) []Case {
	cases := make([]Case, m)
	for i := range cases {
		// Alternate around score so that the t path has a nonzero spread.
		x := score + 0.05
		if i%2 == 1 {
			x = score - 0.05
		}
		cases[i] = Case{Scores: []float64{x}}
	}
	return cases
}

func TestGateThresholdRuleOrder(t *testing.T) {
	withUnscored := append(passing(19, 19), Case{}, Case{})
	tests := []struct {
		name       string
		cases      []Case
		complete   bool
		blockModes int
		threshold  float64
		policy     Policy
		wantStatus Status
		wantReason Reason
	}{
		{name: "incomplete before all", cases: nil, complete: false, blockModes: 2, wantStatus: StatusInsufficient, wantReason: ReasonIncompleteRun},
		{name: "no cases", cases: nil, complete: true, blockModes: 1, wantStatus: StatusInsufficient, wantReason: ReasonNoCases},
		{name: "unscored before few cases", cases: []Case{{}, {Scores: []float64{1}}}, complete: true, blockModes: 1, wantStatus: StatusInsufficient, wantReason: ReasonTooManyUnscored},
		{name: "unscored 2 of 21", cases: withUnscored, complete: true, threshold: 0.5, wantStatus: StatusInsufficient, wantReason: ReasonTooManyUnscored},
		{name: "all unscored under lax policy", cases: make([]Case, 12), complete: true, policy: Policy{MinCasesBinary: 10, MaxUnscoredFrac: 1}, wantStatus: StatusInsufficient, wantReason: ReasonTooFewCases},
		{name: "few binary cases before block", cases: passing(9, 9), complete: true, blockModes: 1, threshold: 0.1, wantStatus: StatusInsufficient, wantReason: ReasonTooFewCases},
		{name: "ten binary cases", cases: passing(10, 10), complete: true, threshold: 0.7, wantStatus: StatusPass},
		{name: "29 continuous cases", cases: continuous(29, 0.9), complete: true, threshold: 0.5, wantStatus: StatusInsufficient, wantReason: ReasonTooFewCases},
		{name: "30 continuous cases", cases: continuous(30, 0.9), complete: true, threshold: 0.5, wantStatus: StatusPass},
		{name: "few clusters before block", cases: clustered(passing(20, 20), 9), complete: true, blockModes: 1, wantStatus: StatusInsufficient, wantReason: ReasonTooFewClusters},
		{name: "ten clusters", cases: clustered(passing(20, 20), 10), complete: true, threshold: 0.8, wantStatus: StatusPass},
		{name: "block before pass", cases: passing(20, 20), complete: true, blockModes: 1, threshold: 0.5, wantStatus: StatusFail, wantReason: ReasonBlockSeverityFailure},
		{name: "block on a weak run", cases: passing(2, 20), complete: true, blockModes: 3, threshold: 0.5, wantStatus: StatusFail, wantReason: ReasonBlockSeverityFailure},
		{name: "plain fail", cases: passing(15, 20), complete: true, threshold: 0.6, wantStatus: StatusFail},
		{name: "underpowered", cases: passing(15, 20), complete: true, threshold: 0.9, wantStatus: StatusFail, wantReason: ReasonUnderpowered},
		{name: "perfect but underpowered", cases: passing(10, 10), complete: true, threshold: 0.75, wantStatus: StatusFail, wantReason: ReasonUnderpowered},
		// A continuous run with a small spread near 1 can beat 0.05^(1/m) on the t path,
		// so it passes a threshold that a perfect binary run of the same size cannot.
		{name: "continuous above attainable", cases: continuous(30, 0.94), complete: true, threshold: 0.9, wantStatus: StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.policy
			if p == (Policy{}) {
				p = DefaultPolicy()
			}
			s := Summarize(tt.cases)
			d := GateThreshold(s, tt.complete, tt.blockModes, tt.threshold, p)

			if d.Status != tt.wantStatus || d.Reason != tt.wantReason {
				t.Errorf("GateThreshold() = %s (%q), want %s (%q); bound %v", d.Status, d.Reason, tt.wantStatus, tt.wantReason, fmtPtr(s.LowerBound95))
			}
			if d.Policy != p || d.Threshold != tt.threshold {
				t.Errorf("GateThreshold() records policy %+v and threshold %v, want %+v and %v", d.Policy, d.Threshold, p, tt.threshold)
			}
		})
	}
}

func fmtPtr(x *float64) any {
	if x == nil {
		return "null"
	}
	return *x
}

func TestGateThresholdBoundEqualsThreshold(t *testing.T) {
	// The rule is lower_bound_95 > T, so a bound exactly at T fails.
	s := Summarize(passing(20, 20))
	d := GateThreshold(s, true, 0, *s.LowerBound95, DefaultPolicy())
	if d.Status != StatusFail || d.Reason != ReasonUnderpowered {
		t.Errorf("GateThreshold(T = bound) = %s (%q), want fail (underpowered)", d.Status, d.Reason)
	}

	d = GateThreshold(s, true, 0, math.Nextafter(*s.LowerBound95, 0), DefaultPolicy())
	if d.Status != StatusPass {
		t.Errorf("GateThreshold(T just below bound) = %s (%q), want pass", d.Status, d.Reason)
	}
}

func TestGateThresholdUndefinedBound(t *testing.T) {
	tests := []struct {
		name       string
		cases      []Case
		wantReason Reason
	}{
		{name: "one continuous case", cases: []Case{{Scores: []float64{0.5}}}, wantReason: ReasonTooFewCases},
		{name: "one cluster", cases: clustered(passing(5, 10), 1), wantReason: ReasonTooFewClusters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A policy without minimums still cannot pass a run whose bound is undefined.
			s := Summarize(tt.cases)
			d := GateThreshold(s, true, 0, 0, Policy{MaxUnscoredFrac: 0.05})
			if d.Status != StatusInsufficient || d.Reason != tt.wantReason {
				t.Errorf("GateThreshold() = %s (%q), want insufficient (%q)", d.Status, d.Reason, tt.wantReason)
			}
		})
	}
}

func TestDecisionJSON(t *testing.T) {
	s := Summarize(passing(20, 20))
	d := GateThreshold(s, true, 0, 0.9, DefaultPolicy())
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("Marshal() error: %v", err)
	}
	want := `{"status":"fail","reason":"underpowered","threshold":0.9,` +
		`"policy":{"min_cases_binary":10,"min_cases_continuous":30,"min_clusters":10,"max_unscored_frac":0.05},` +
		`"lower_bound_95":0.8608916593317348,"max_attainable_lower_bound_95":0.8608916593317348}`
	if string(data) != want {
		t.Errorf("Marshal() mismatch (-want +got):\n%s", cmp.Diff(want, string(data)))
	}

	var back Decision
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal() error: %v", err)
	}
	if diff := cmp.Diff(d, back); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestDecisionJSONNullReason(t *testing.T) {
	r := Paired([]Pair{{Candidate: []float64{1}, Incumbent: []float64{0}}}, false)
	d := GateAgainst(r, true, true, 0, -1)
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("Marshal() error: %v", err)
	}
	want := `{"status":"pass","reason":null,"threshold":-1,"lower_bound_95":-0.9}`
	if string(data) != want {
		t.Errorf("Marshal() mismatch (-want +got):\n%s", cmp.Diff(want, string(data)))
	}

	var back Decision
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Unmarshal() error: %v", err)
	}
	if back.Reason != ReasonNone {
		t.Errorf("Unmarshal() reason = %q, want empty", back.Reason)
	}
}

func TestReasonUnmarshalInvalid(t *testing.T) {
	var r Reason
	if err := json.Unmarshal([]byte(`42`), &r); err == nil {
		t.Errorf("Unmarshal(42) = nil error, reason %q; want an error", r)
	}
}

func TestPolicyValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Errorf("DefaultPolicy().Validate() = %v, want nil", err)
	}
	invalid := []Policy{
		{MinCasesBinary: -1},
		{MinCasesContinuous: -1},
		{MinClusters: -1},
		{MaxUnscoredFrac: -0.1},
		{MaxUnscoredFrac: 1.5},
		{MaxUnscoredFrac: math.NaN()},
	}
	for _, p := range invalid {
		if err := p.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", p)
		}
	}
}

func TestMinPlannedCases(t *testing.T) {
	tests := []struct {
		threshold float64
		want      int
		wantOK    bool
	}{
		{threshold: -1, want: 1, wantOK: true},
		{threshold: 0, want: 1, wantOK: true},
		{threshold: 0.0499, want: 1, wantOK: true},
		{threshold: 0.05, want: 2, wantOK: true},
		{threshold: 0.8, want: 14, wantOK: true},
		{threshold: 1, wantOK: false},
		{threshold: 2, wantOK: false},
		{threshold: math.NaN(), wantOK: false},
	}
	for _, tt := range tests {
		got, ok := MinPlannedCases(tt.threshold)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("MinPlannedCases(%v) = %d, %v, want %d, %v", tt.threshold, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestMinPlannedCasesAgreesWithGate(t *testing.T) {
	thresholds := []float64{0.3, 0.6, 0.75, 0.9, 0.99, 0.999, 0.999999, math.Nextafter(1, 0)}
	for _, threshold := range thresholds {
		m, ok := MinPlannedCases(threshold)
		if !ok {
			t.Errorf("MinPlannedCases(%v) reports no size", threshold)
			continue
		}
		if maxAttainableBound(m) <= threshold {
			t.Errorf("MinPlannedCases(%v) = %d, whose bound %v does not exceed it", threshold, m, maxAttainableBound(m))
		}
		if m > 1 && maxAttainableBound(m-1) > threshold {
			t.Errorf("MinPlannedCases(%v) = %d, but %d cases already exceed it", threshold, m, m-1)
		}
	}
}
