package stats

import "math"

// sum adds x with Neumaier's compensated summation, so that the mean of many scores
// such as 0.1 is not off by the round-off of a naive running sum.
func sum(x []float64) float64 {
	var total, compensation float64
	for _, v := range x {
		t := total + v
		if math.Abs(total) >= math.Abs(v) {
			compensation += (total - t) + v
		} else {
			compensation += (v - t) + total
		}
		total = t
	}
	return total + compensation
}

// mean returns the arithmetic mean of x, or 0 for an empty x. Equal values return that
// value exactly, so that their deviations are exactly 0 and a zero standard error is
// recognized as zero.
func mean(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	if constant(x) {
		return x[0]
	}
	return sum(x) / float64(len(x))
}

func constant(x []float64) bool {
	for _, v := range x[1:] {
		if v != x[0] {
			return false
		}
	}
	return true
}

// deviations returns the mean of a non-empty x and each value's deviation from it, the
// first pass of the two-pass variance.
func deviations(x []float64) (float64, []float64) {
	m := mean(x)
	dev := make([]float64, len(x))
	for i, v := range x {
		dev[i] = v - m
	}
	return m, dev
}

// sampleStddev returns the sample standard deviation, divisor n−1, from the deviations
// of at least two values.
func sampleStddev(dev []float64) float64 {
	var squares float64
	for _, d := range dev {
		squares += d * d
	}
	return math.Sqrt(squares / float64(len(dev)-1))
}

// clusterStderr returns the CR1 cluster-robust standard error of the mean,
// sqrt(G/(G−1) · Σ_g e_g²)/n, where e_g is the sum of the deviations in cluster g and G
// counts the clusters that occur in groups. Each entry of groups is in
// [0, clusterCount). It also returns G, and the standard error is undefined (returned
// as 0) when G < 2.
func clusterStderr(dev []float64, groups []int, clusterCount int) (float64, int) {
	sums := make([]float64, clusterCount)
	seen := make([]bool, clusterCount)
	for i, d := range dev {
		sums[groups[i]] += d
		seen[groups[i]] = true
	}

	// Summing in cluster index order keeps the result identical from run to run.
	g := 0
	var squares float64
	for i, e := range sums {
		if seen[i] {
			g++
			squares += e * e
		}
	}
	if g < 2 {
		return 0, g
	}
	gf := float64(g)
	return math.Sqrt(gf/(gf-1)*squares) / float64(len(dev)), g
}
