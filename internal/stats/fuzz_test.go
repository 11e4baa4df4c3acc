package stats

import (
	"encoding/binary"
	"math"
	"testing"
)

// casesFromBytes decodes fuzz input into cases. The first byte picks clustering and the
// score encoding (binary, byte/255, or raw float64 bits, which include NaN and ±Inf).
// Each case then takes a header byte, whose low two bits give its attempt count (0 is
// an unscored case) and whose high bits give its cluster label.
func casesFromBytes(data []byte) []Case {
	if len(data) == 0 {
		return nil
	}
	mode := data[0]
	data = data[1:]

	var cases []Case
	for len(data) > 0 && len(cases) < 1000 {
		head := data[0]
		data = data[1:]
		var c Case
		if mode&1 != 0 {
			// Label 0 leaves the case unlabeled, so labeled and unlabeled cases mix.
			if label := head >> 5; label > 0 {
				c.Cluster = string(rune('a' + label))
			}
		}
		encoding := (mode >> 1) % 3
		width := 1
		if encoding == 2 {
			width = 8
		}
		for range head & 3 {
			if len(data) < width {
				break
			}
			var x float64
			switch encoding {
			case 0:
				x = float64(data[0] & 1)
			case 1:
				x = float64(data[0]) / 255
			case 2:
				x = math.Float64frombits(binary.LittleEndian.Uint64(data))
			}
			data = data[width:]
			c.Scores = append(c.Scores, x)
		}
		cases = append(cases, c)
	}
	return cases
}

func FuzzSummarize(f *testing.F) {
	f.Add([]byte{0, 1, 1, 1, 0, 1, 1, 0})
	f.Add([]byte{1, 0x21, 1, 0x41, 0, 0x61, 1, 0x21, 0})
	f.Add([]byte{2, 1, 200, 1, 100, 2, 3, 250, 0})
	f.Add([]byte{3, 0x21, 10, 0x41, 128, 0x21, 255, 0x41, 0})
	f.Add([]byte{4, 1, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f})
	f.Add([]byte{2, 1, 7, 1, 7, 1, 7, 1, 7})

	f.Fuzz(func(t *testing.T, data []byte) {
		cases := casesFromBytes(data)
		s := Summarize(cases)

		if s.N+s.NUnscored != s.NPlanned || s.NPlanned != len(cases) {
			t.Fatalf("counts N=%d NUnscored=%d NPlanned=%d for %d cases", s.N, s.NUnscored, s.NPlanned, len(cases))
		}
		for name, v := range map[string]*float64{"Mean": s.Mean, "Stddev": s.Stddev, "Stderr": s.Stderr, "NEff": s.NEff} {
			if v != nil && (math.IsNaN(*v) || math.IsInf(*v, 0) || *v < 0) {
				t.Fatalf("%s = %v, want a finite value of at least 0", name, *v)
			}
		}
		if s.Mean != nil && *s.Mean > 1 {
			t.Fatalf("Mean = %v, want at most 1", *s.Mean)
		}
		if s.LowerBound95 != nil {
			b := *s.LowerBound95
			if math.IsNaN(b) || b < 0 || b > 1 {
				t.Fatalf("LowerBound95 = %v (%s), want a value in [0, 1]", b, s.Method)
			}
			if b > s.KStar/float64(s.NPlanned)+1e-12 {
				t.Fatalf("LowerBound95 = %v (%s) above the planned mean %v", b, s.Method, s.KStar/float64(s.NPlanned))
			}
		}
		if (s.NPlanned == 0) != (s.Method == MethodNone) {
			t.Fatalf("Method = %q for %d planned cases", s.Method, s.NPlanned)
		}

		d := GateThreshold(s, true, 0, 0.5, DefaultPolicy())
		if d.Status == StatusPass && (s.LowerBound95 == nil || *s.LowerBound95 <= 0.5) {
			t.Fatalf("GateThreshold() passes with bound %v", fmtPtr(s.LowerBound95))
		}
	})
}

func FuzzPaired(f *testing.F) {
	f.Add([]byte{0, 1, 1, 1, 0, 1, 0, 1, 1}, false)
	f.Add([]byte{2, 1, 200, 1, 100, 2, 3, 250, 0}, true)
	f.Add([]byte{4, 1, 0, 0, 0, 0, 0, 0, 0xf8, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f}, false)

	f.Fuzz(func(t *testing.T, data []byte, clustered bool) {
		// Consecutive decoded cases form the candidate and incumbent sides of a pair.
		cases := casesFromBytes(data)
		var pairs []Pair
		for i := 0; i+1 < len(cases); i += 2 {
			pairs = append(pairs, Pair{Candidate: cases[i].Scores, Incumbent: cases[i+1].Scores})
		}
		r := Paired(pairs, clustered)

		if b := r.DiffLowerBound95; b != nil {
			if math.IsNaN(*b) || *b > r.MeanDiff+1e-12 {
				t.Fatalf("DiffLowerBound95 = %v (%s), want a number at most MeanDiff %v", *b, r.Method, r.MeanDiff)
			}
			if r.Method == MethodMcNemarExact && *b < -1 {
				t.Fatalf("DiffLowerBound95 = %v (%s), want at least -1", *b, r.Method)
			}
		}
		if math.Abs(r.MeanDiff) > 1 {
			t.Fatalf("MeanDiff = %v, want a value in [-1, 1]", r.MeanDiff)
		}
		if p := r.PValue; p != nil && !(*p >= 0 && *p <= 1) {
			t.Fatalf("PValue = %v, want a value in [0, 1]", *p)
		}
		if c := r.Correlation; c != nil && !(*c >= -1-1e-12 && *c <= 1+1e-12) {
			t.Fatalf("Correlation = %v, want a value in [-1, 1]", *c)
		}
		d := GateAgainst(r, true, true, 0, 0)
		if d.Status == StatusPass && (r.DiffLowerBound95 == nil || *r.DiffLowerBound95 <= 0) {
			t.Fatalf("GateAgainst() passes with bound %v", fmtPtr(r.DiffLowerBound95))
		}
	})
}
