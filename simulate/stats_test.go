package simulate

import (
	"testing"
	"time"
)

func durations(msList ...int) []time.Duration {
	var ds []time.Duration
	for _, m := range msList {
		ds = append(ds, time.Duration(m)*time.Millisecond)
	}
	return ds
}

func TestPercentilesAreNearestRank(t *testing.T) {
	// 1..100 ms in reverse: rank ⌈p·n⌉ is p itself.
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	got := Summarize(ds)
	want := Latency{N: 100, P50: 50 * time.Millisecond, P95: 95 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if got != want {
		t.Errorf("1..100 ms: %+v, want %+v", got, want)
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("Summarize sorted its argument")
	}
	for _, tt := range []struct {
		in            []time.Duration
		p50, p95, p99 time.Duration
	}{
		{durations(7), 7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond},
		{durations(1, 2), 1 * time.Millisecond, 2 * time.Millisecond, 2 * time.Millisecond},
		{durations(5, 1, 3), 3 * time.Millisecond, 5 * time.Millisecond, 5 * time.Millisecond},
		// One slow operation in twenty shows at p99 and p95 only when it is more than 1 % / 5 %.
		{append(durations(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), 900*time.Millisecond),
			1 * time.Millisecond, 1 * time.Millisecond, 900 * time.Millisecond},
	} {
		got := Summarize(tt.in)
		if got.P50 != tt.p50 || got.P95 != tt.p95 || got.P99 != tt.p99 || got.N != len(tt.in) {
			t.Errorf("%v: %+v, want p50 %v p95 %v p99 %v", tt.in, got, tt.p50, tt.p95, tt.p99)
		}
	}
	if (Summarize(nil) != Latency{}) {
		t.Error("no latencies should summarise to zeros")
	}
}

func TestThroughputAndLatencyText(t *testing.T) {
	if got := PerMinute(30, 2*time.Minute); got != 15 {
		t.Errorf("30 in 2 min: %v/min", got)
	}
	if got := PerMinute(5, 0); got != 0 {
		t.Errorf("no time: %v", got)
	}
	for d, want := range map[time.Duration]string{
		1500 * time.Microsecond: "1.5ms", 12400 * time.Microsecond: "12ms", 2 * time.Second: "2000ms", 0: "0.0ms",
	} {
		if got := ms(d); got != want {
			t.Errorf("ms(%v) = %q, want %q", d, got, want)
		}
	}
}
