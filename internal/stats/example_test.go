package stats_test

import (
	"fmt"

	"github.com/codegenie/codegenie/internal/stats"
)

func ExampleGateThreshold() {
	// Twenty binary cases that all pass. The mean is 1, but 20 cases only support a
	// bound of 0.05^(1/20).
	cases := make([]stats.Case, 20)
	for i := range cases {
		cases[i] = stats.Case{Scores: []float64{1}}
	}
	s := stats.Summarize(cases)
	fmt.Printf("%s: mean %.3f, lower_bound_95 %.3f\n", s.Method, *s.Mean, *s.LowerBound95)

	for _, threshold := range []float64{0.8, 0.9} {
		d := stats.GateThreshold(s, true, 0, threshold, stats.DefaultPolicy())
		fmt.Printf("T=%.1f: %s (reason %q)\n", threshold, d.Status, d.Reason)
	}
	m, _ := stats.MinPlannedCases(0.9)
	fmt.Println("cases needed for T=0.9:", m)
	// Output:
	// clopper_pearson: mean 1.000, lower_bound_95 0.861
	// T=0.8: pass (reason "")
	// T=0.9: fail (reason "underpowered")
	// cases needed for T=0.9: 29
}

func ExamplePaired() {
	// Twenty shared binary cases: the candidate alone passes 4, the incumbent alone none.
	pairs := make([]stats.Pair, 20)
	for i := range pairs {
		candidate, incumbent := 1.0, 1.0
		switch {
		case i < 4:
			incumbent = 0
		case i < 6:
			candidate, incumbent = 0, 0
		}
		pairs[i] = stats.Pair{Candidate: []float64{candidate}, Incumbent: []float64{incumbent}}
	}
	r := stats.Paired(pairs, false)
	d := stats.GateAgainst(r, true, true, 0, 0)
	fmt.Printf("%s: p = %.4f, improvement bound %.4f, %s\n", r.Method, *r.PValue, *r.DiffLowerBound95, d.Status)
	// Output:
	// mcnemar_exact_conditional: p = 0.0625, improvement bound -0.0109, fail
}
