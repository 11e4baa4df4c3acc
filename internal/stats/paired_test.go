package stats

import (
	"errors"
	"math"
	"testing"
)

func binaryPairs(candidate, incumbent []float64) []Pair {
	pairs := make([]Pair, len(candidate))
	for i := range pairs {
		pairs[i] = Pair{Candidate: []float64{candidate[i]}, Incumbent: []float64{incumbent[i]}}
	}
	return pairs
}

func TestPairedNoPairs(t *testing.T) {
	r := Paired(nil, false)
	if r.NPairs != 0 || r.Method != MethodNone || r.DiffLowerBound95 != nil {
		t.Errorf("Paired(nil) = %+v, want no pairs, method none and a nil bound", r)
	}

	d := GateAgainst(r, true, true, 0, 0)
	if d.Status != StatusInsufficient || d.Reason != ReasonNoCases {
		t.Errorf("GateAgainst(no pairs) = %s (%q), want insufficient (no_cases)", d.Status, d.Reason)
	}
}

func TestPairedMcNemar(t *testing.T) {
	// 15 cases: 7 won by the candidate only, 3 by the incumbent only, 5 ties.
	candidate := []float64{1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0}
	incumbent := []float64{0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0}
	r := Paired(binaryPairs(candidate, incumbent), false)

	if r.Method != MethodMcNemarExact {
		t.Fatalf("Method = %q, want %q", r.Method, MethodMcNemarExact)
	}
	if r.DiscordantCandidateOnly != 7 || r.DiscordantIncumbentOnly != 3 {
		t.Errorf("discordant = %d, %d, want 7, 3", r.DiscordantCandidateOnly, r.DiscordantIncumbentOnly)
	}
	checkPtr(t, "PValue", r.PValue, 176.0/1024)
	checkPtr(t, "PiLower95", r.PiLower95, 0.39337578389458657)
	checkPtr(t, "DiffLowerBound95", r.DiffLowerBound95, -0.14216562147388457)
}

func TestPairedMcNemarEdges(t *testing.T) {
	tests := []struct {
		name      string
		candidate []float64
		incumbent []float64
		wantP     float64
		wantPi    *float64
		wantBound float64
	}{
		{name: "no discordant pair", candidate: []float64{1, 0, 1}, incumbent: []float64{1, 0, 1}, wantP: 1, wantBound: 0},
		{name: "incumbent wins only", candidate: []float64{0, 0, 0, 0, 0, 1}, incumbent: []float64{1, 1, 1, 0, 0, 1}, wantP: 1, wantPi: ptr(0), wantBound: -0.5},
		{name: "single winning pair", candidate: []float64{1}, incumbent: []float64{0}, wantP: 0.5, wantPi: ptr(0.05), wantBound: -0.9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Paired(binaryPairs(tt.candidate, tt.incumbent), false)
			if r.Method != MethodMcNemarExact {
				t.Fatalf("Method = %q, want %q", r.Method, MethodMcNemarExact)
			}
			checkPtr(t, "PValue", r.PValue, tt.wantP)
			if tt.wantPi == nil {
				checkNil(t, "PiLower95", r.PiLower95)
			} else {
				checkPtr(t, "PiLower95", r.PiLower95, *tt.wantPi)
			}
			checkPtr(t, "DiffLowerBound95", r.DiffLowerBound95, tt.wantBound)
		})
	}
}

func TestPairedTPath(t *testing.T) {
	binary := binaryPairs([]float64{1, 1, 0, 1}, []float64{0, 1, 0, 0})
	tests := []struct {
		name      string
		pairs     []Pair
		clustered bool
	}{
		{name: "clustered binary", pairs: binary, clustered: true},
		{name: "epochs", pairs: append([]Pair{{Candidate: []float64{1, 0}, Incumbent: []float64{0}}}, binary...)},
		{name: "partial credit", pairs: append([]Pair{{Candidate: []float64{0.5}, Incumbent: []float64{0}}}, binary...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Paired(tt.pairs, tt.clustered)
			if r.Method != MethodPairedT {
				t.Fatalf("Method = %q, want %q", r.Method, MethodPairedT)
			}
			if r.PValue != nil || r.DiscordantCandidateOnly != 0 {
				t.Errorf("t path sets McNemar fields: p %v, discordant %d", fmtPtr(r.PValue), r.DiscordantCandidateOnly)
			}
			want := r.MeanDiff - tQuantile(float64(r.NPairs-1))*(*r.StderrDiff)
			checkPtr(t, "DiffLowerBound95", r.DiffLowerBound95, want)
		})
	}
}

func TestPairedSinglePairTPath(t *testing.T) {
	r := Paired([]Pair{{Candidate: []float64{0.9}, Incumbent: []float64{0.1}}}, false)
	if r.Method != MethodPairedT {
		t.Fatalf("Method = %q, want %q", r.Method, MethodPairedT)
	}
	checkNil(t, "SDDiff", r.SDDiff)
	checkNil(t, "DiffLowerBound95", r.DiffLowerBound95)

	d := GateAgainst(r, true, true, 0, 0)
	if d.Status != StatusInsufficient || d.Reason != ReasonTooFewCases {
		t.Errorf("GateAgainst(one t pair) = %s (%q), want insufficient (too_few_cases)", d.Status, d.Reason)
	}
}

func TestPairedZeroSpreadHasNoFallback(t *testing.T) {
	// Two cases that each improve by exactly 1 over two epochs give sd_diff = 0, so the
	// paired t bound equals the mean difference and the gate passes on two cases.
	pairs := []Pair{
		{Candidate: []float64{1, 1}, Incumbent: []float64{0, 0}},
		{Candidate: []float64{1, 1}, Incumbent: []float64{0, 0}},
	}
	r := Paired(pairs, false)
	checkPtr(t, "DiffLowerBound95", r.DiffLowerBound95, 1)
	if d := GateAgainst(r, true, true, 0, 0); d.Status != StatusPass {
		t.Errorf("GateAgainst() = %s (%q), want pass", d.Status, d.Reason)
	}
}

func TestPairedMissingSide(t *testing.T) {
	// A side without a scored attempt takes the worse value for the candidate, so each
	// of these pairs is an incumbent-only win.
	pairs := []Pair{
		{Candidate: nil, Incumbent: []float64{1}},
		{Candidate: []float64{0}, Incumbent: nil},
		{Candidate: nil, Incumbent: nil},
		{Candidate: []float64{1}, Incumbent: []float64{1}},
	}
	r := Paired(pairs, false)

	if r.Method != MethodMcNemarExact {
		t.Fatalf("Method = %q, want %q", r.Method, MethodMcNemarExact)
	}
	if r.DiscordantCandidateOnly != 0 || r.DiscordantIncumbentOnly != 3 {
		t.Errorf("discordant = %d, %d, want 0, 3", r.DiscordantCandidateOnly, r.DiscordantIncumbentOnly)
	}
	checkFloat(t, "MeanCandidate", r.MeanCandidate, 0.25)
	checkFloat(t, "MeanIncumbent", r.MeanIncumbent, 1)
}

func TestPairedCorrelationUndefined(t *testing.T) {
	r := Paired(binaryPairs([]float64{1, 1, 1}, []float64{0, 1, 0}), false)
	checkNil(t, "Correlation", r.Correlation)
	if r.SDDiff == nil {
		t.Error("SDDiff = nil, want a value for 3 pairs")
	}
}

func TestPairValidate(t *testing.T) {
	if err := (Pair{Candidate: []float64{1}, Incumbent: []float64{0.5}}).Validate(); err != nil {
		t.Errorf("Validate(valid pair) = %v, want nil", err)
	}
	bad := []Pair{
		{Candidate: []float64{math.NaN()}},
		{Incumbent: []float64{0, -1}},
	}
	for _, p := range bad {
		if err := p.Validate(); !errors.Is(err, ErrInvalidScore) {
			t.Errorf("Validate(%+v) = %v, want an error wrapping ErrInvalidScore", p, err)
		}
	}
}

func TestGateAgainstRuleOrder(t *testing.T) {
	strong := Paired(binaryPairs(
		[]float64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
		[]float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}), false)
	weak := Paired(binaryPairs([]float64{1, 0, 1, 0}, []float64{0, 1, 1, 0}), false)
	tests := []struct {
		name                 string
		r                    PairedResult
		candidate, incumbent bool
		blockModes           int
		margin               float64
		wantStatus           Status
		wantReason           Reason
	}{
		{name: "candidate incomplete", r: strong, candidate: false, incumbent: true, blockModes: 1, wantStatus: StatusInsufficient, wantReason: ReasonIncompleteRun},
		{name: "incumbent incomplete", r: strong, candidate: true, incumbent: false, wantStatus: StatusInsufficient, wantReason: ReasonIncompleteRun},
		{name: "no pairs", r: PairedResult{Method: MethodNone}, candidate: true, incumbent: true, blockModes: 1, wantStatus: StatusInsufficient, wantReason: ReasonNoCases},
		{name: "block before pass", r: strong, candidate: true, incumbent: true, blockModes: 1, wantStatus: StatusFail, wantReason: ReasonBlockSeverityFailure},
		{name: "pass", r: strong, candidate: true, incumbent: true, wantStatus: StatusPass},
		{name: "margin too high", r: strong, candidate: true, incumbent: true, margin: 0.8, wantStatus: StatusFail},
		{name: "weak", r: weak, candidate: true, incumbent: true, wantStatus: StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := GateAgainst(tt.r, tt.candidate, tt.incumbent, tt.blockModes, tt.margin)
			if d.Status != tt.wantStatus || d.Reason != tt.wantReason {
				t.Errorf("GateAgainst() = %s (%q), want %s (%q); bound %v", d.Status, d.Reason, tt.wantStatus, tt.wantReason, fmtPtr(tt.r.DiffLowerBound95))
			}
			if d.Threshold != tt.margin || d.LowerBound95 != tt.r.DiffLowerBound95 {
				t.Errorf("GateAgainst() records margin %v and bound %v, want %v and %v", d.Threshold, fmtPtr(d.LowerBound95), tt.margin, fmtPtr(tt.r.DiffLowerBound95))
			}
		})
	}
}
