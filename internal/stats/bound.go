package stats

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// alpha is the one-tail error rate of every bound in this package: P(bound ≤ μ) ≥ 1−alpha.
const alpha = 0.05

// zeroStderr is the largest standard error that counts as zero. Round-off alone leaves
// a standard error of about 1e-16 for scores in [0, 1] whose true spread is 0 (an
// estimate from the float64 epsilon). The t bound would then equal the mean, so such
// data takes the Clopper–Pearson fallback instead.
const zeroStderr = 1e-12

// setLowerBound sets LowerBound95, Method and the Clopper–Pearson details from y, the
// scores of all planned cases with 0 for each unscored case. It expects Binary to be
// set already. groups is nil for an unclustered run.
func (s *Summary) setLowerBound(y []float64, groups []int, clusterCount int) {
	m := len(y)
	if m == 0 {
		s.Method = MethodNone
		return
	}

	// Clopper–Pearson needs k* ≤ m, and the cap keeps round-off in the sum from
	// breaking that.
	s.KStar = math.Min(sum(y), float64(m))

	switch {
	case s.Binary && groups == nil:
		s.Method = MethodClopperPearson
		s.NEff = ptr(float64(m))
		s.LowerBound95 = ptr(clopperPearsonLower(s.KStar, float64(m), alpha))
	case s.Binary:
		s.Method = MethodClopperPearsonKGCluster
		s.setKornGraubardBound(y, groups, clusterCount)
	default:
		s.setStudentTBound(y, groups, clusterCount)
	}
}

// setKornGraubardBound sets the Clopper–Pearson bound over the Korn–Graubard effective
// sample size of clustered binary scores:
//
//	p        = k*/m
//	nEffRaw  = p(1−p) / stderr_CR1²
//	nEff     = min(m, nEffRaw · (t(0.95, m−1) / t(0.95, G−1))²)
//	bound    = Clopper–Pearson lower bound of p·nEff successes in nEff trials
//
// The bound stays nil when fewer than two clusters leave the CR1 standard error
// undefined. A zero standard error (all scores equal, or every cluster's deviations
// summing to 0) carries no design effect, so nEff is m.
func (s *Summary) setKornGraubardBound(y []float64, groups []int, clusterCount int) {
	m := float64(len(y))
	_, dev := deviations(y)
	se, g := clusterStderr(dev, groups, clusterCount)
	if g < 2 {
		return
	}

	p := s.KStar / m
	nEff := m
	if se > zeroStderr {
		raw := p * (1 - p) / (se * se)
		ratio := tQuantile(m-1) / tQuantile(float64(g-1))
		nEff = math.Min(m, raw*ratio*ratio)
		s.NEffRaw = ptr(raw)
		s.DesignEffect = ptr(m / raw)
	}
	s.NEff = ptr(nEff)
	s.LowerBound95 = ptr(clopperPearsonLower(p*nEff, nEff, alpha))
}

// setStudentTBound sets the bound of continuous scores: max(0, ȳ − t(0.95, df)·stderr)
// with df = m−1 and stderr = s/√m, or with clusters df = G−1 and the CR1 stderr. It
// leaves the bound nil when m < 2 or G < 2, and falls back to Clopper–Pearson with k*
// successes in m trials when the standard error is zero.
func (s *Summary) setStudentTBound(y []float64, groups []int, clusterCount int) {
	m := len(y)
	ybar, dev := deviations(y)

	var se, df float64
	if groups == nil {
		s.Method = MethodStudentT
		if m < 2 {
			return
		}
		se = sampleStddev(dev) / math.Sqrt(float64(m))
		df = float64(m - 1)
	} else {
		s.Method = MethodClusterT
		var g int
		se, g = clusterStderr(dev, groups, clusterCount)
		if g < 2 {
			return
		}
		df = float64(g - 1)
	}

	// NOTE: the fallback is discontinuous. Thirty-one scores of 0.99 get 0.891 here,
	// but thirty of them plus one unscored case get the t bound 0.904, so one harness
	// failure can raise the bound of a continuous run.
	if se <= zeroStderr {
		s.Method = degenerateMethod(s.Method)
		s.NEff = ptr(float64(m))
		s.LowerBound95 = ptr(clopperPearsonLower(s.KStar, float64(m), alpha))
		return
	}
	s.LowerBound95 = ptr(math.Max(0, ybar-tQuantile(df)*se))
}

func degenerateMethod(m Method) Method {
	if m == MethodClusterT {
		return MethodClusterTDegenerateCP
	}
	return MethodStudentTDegenerateCP
}

// clopperPearsonLower returns the one-sided lower confidence bound at level 1−a for k
// successes in n trials: 0 when k = 0, a^(1/n) when k = n, and otherwise the a quantile
// of Beta(k, n−k+1). k and n may be fractional, with 0 ≤ k ≤ n and n > 0.
func clopperPearsonLower(k, n, a float64) float64 {
	switch {
	case k <= 0:
		return 0
	case k >= n:
		return math.Pow(a, 1/n)
	case k < minQuantileK:
		return 0
	}
	return distuv.Beta{Alpha: k, Beta: n - k + 1}.Quantile(a)
}

// minQuantileK is the smallest k for which clopperPearsonLower computes a Beta
// quantile. Below it the quantile is under 0.06^(1/k) < 1e-1200 and so rounds to 0 in
// float64, which gonum v0.17.0 returns for normal k. For subnormal k gonum returns NaN.
const minQuantileK = 1e-3

// tQuantile returns the 0.95 quantile of Student's t distribution with df degrees of
// freedom (df > 0), the one-sided critical value of every t bound here.
func tQuantile(df float64) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(1 - alpha)
}

// maxAttainableBound returns 0.05^(1/m), the Clopper–Pearson bound of m successes in
// m trials. It is the largest bound of a binary run over m planned cases, but a
// continuous run with a small spread near 1 can exceed it on the t path.
func maxAttainableBound(m int) float64 {
	return math.Pow(alpha, 1/float64(m))
}
