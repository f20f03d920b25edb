package simulate

import (
	"math"
	"slices"
	"strconv"
	"time"
)

// Latency summarises the latencies of one kind of operation: how many, and the 50th, 95th and
// 99th percentiles and the slowest, each by the nearest-rank method (the smallest latency at
// least p % of the operations did not exceed), so every figure is a latency that happened.
type Latency struct {
	N             int
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// Summarize computes the summary of ds, which it does not change. No latencies give zeros.
func Summarize(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	sorted := slices.Clone(ds)
	slices.Sort(sorted)
	return Latency{N: len(sorted), P50: Percentile(sorted, 50), P95: Percentile(sorted, 95),
		P99: Percentile(sorted, 99), Max: sorted[len(sorted)-1]}
}

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted latencies: the one at
// rank ⌈p/100 × n⌉.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// PerMinute is a throughput: n operations over d, per minute.
func PerMinute(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Minutes()
}

// ms shows a latency in milliseconds with one decimal below 10 ms.
func ms(d time.Duration) string {
	f := float64(d) / float64(time.Millisecond)
	if f < 10 {
		return trimFloat(f, 1) + "ms"
	}
	return trimFloat(f, 0) + "ms"
}

func trimFloat(f float64, decimals int) string {
	return strconv.FormatFloat(f, 'f', decimals, 64)
}
