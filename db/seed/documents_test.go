package seed

import "testing"

// toBase must agree with the database's round(minor × 10^shift / rate): halves go away from
// zero, and yen (no minor unit) is scaled to cents.
func TestToBaseRoundsLikePostgres(t *testing.T) {
	for _, c := range []struct {
		minor     int64
		exp       int
		rateMicro int64
		want      int64
	}{
		{1, 2, 2_000_000, 1},        // 0.5 → 1
		{3, 2, 2_000_000, 2},        // 1.5 → 2
		{5, 2, 2_000_000, 3},        // 2.5 → 3, not 2
		{-5, 2, 2_000_000, -3},      // the mirror image
		{1, 2, 3_000_000, 0},        // 0.33…
		{1000, 0, 162_500_000, 615}, // ¥1000 at 162.5 is 6.1538… €
		{13, 0, 162_500_000, 8},     // ¥13 is 0.08 €, 8.0 cents exactly
		{845, 2, 845_000, 1000},     // £8.45 at 0.845 is €10
		{1234, 3, 1_000_000, 123},   // three decimals: 1.234 → 123.4 cents
		{777, 2, 0, 777},            // the euro itself
	} {
		got, err := toBase(c.minor, c.exp, c.rateMicro)
		if err != nil || got != c.want {
			t.Errorf("toBase(%d, %d, %d) = %d, %v; want %d", c.minor, c.exp, c.rateMicro, got, err, c.want)
		}
	}
}
