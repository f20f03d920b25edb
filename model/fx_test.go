package model

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func convertAt(t *testing.T, minor int64, from, to Currency, f FXRate) Money {
	t.Helper()
	got, err := ConvertAt(Money{Minor: minor, Currency: from}, to, f, ConversionRounding)
	if err != nil {
		t.Fatalf("ConvertAt(%d %s → %s at %s): %v", minor, from, to, f, err)
	}
	return got
}

func TestFXRateIsExactBothWays(t *testing.T) {
	r := FXRateOf(mustRate(t, "1.0842"))
	if r.String() != "1.0842" {
		t.Errorf("1.0842 reads back as %s", r)
	}
	inv := r.Inverse()
	if n, d := inv.Fraction(); n != "5000" || d != "5421" {
		t.Errorf("1/1.0842 = %s/%s, want 5000/5421 in lowest terms", n, d)
	}
	if _, ok := inv.Decimal(); ok {
		t.Errorf("1/1.0842 has no exact decimal, yet Decimal says it has")
	}
	if got := inv.Approx(12); got != "0.922339051835" {
		t.Errorf("1/1.0842 ≈ %s", got)
	}
	if got := inv.Inverse().String(); got != "1.0842" {
		t.Errorf("the inverse of the inverse is %s", got)
	}
	if got := FXRateOf(mustRate(t, "0.8")).Inverse().String(); got != "1.25" {
		t.Errorf("1/0.8 = %s, want the exact decimal 1.25", got)
	}
	if !OneToOne().IsOne() || OneToOne().String() != "1" || r.IsOne() {
		t.Error("OneToOne is not exactly 1, or 1.0842 is")
	}
	if (FXRate{}).Valid() || FXRateOf(Rate{}).Valid() {
		t.Error("the zero rate is valid")
	}
}

// An amount converted at the inverse of a rate is what dividing by the rate gives, exactly,
// and rounded once: 100.00 USD at 1/1.0842 is 92.2339… EUR → 92.23, not 100 × 0.9223.
func TestConvertAtTheInversePair(t *testing.T) {
	eurUSD := FXRateOf(mustRate(t, "1.0842"))
	if got := convertAt(t, 10000, "USD", "EUR", eurUSD.Inverse()); got.String() != "92.23 EUR" {
		t.Errorf("100.00 USD at 1/1.0842 = %s, want 92.23 EUR", got)
	}
	if got := convertAt(t, 10000, "EUR", "USD", eurUSD); got.String() != "108.42 USD" {
		t.Errorf("100.00 EUR at 1.0842 = %s", got)
	}
	// 1 EUR = 160 JPY: 1000 JPY is 6.25 EUR exactly both ways.
	eurJPY := FXRateOf(mustRate(t, "160"))
	if got := convertAt(t, 1000, "JPY", "EUR", eurJPY.Inverse()); got.String() != "6.25 EUR" {
		t.Errorf("1000 JPY at 1/160 = %s", got)
	}
	// The decimal path and the fraction path agree on every stored rate.
	rnd := newRand(t)
	for range 2000 {
		r := Rate{numerator: rnd.Int64N(1_000_000_000) + 1, scale: rnd.IntN(10)}
		m := Money{Minor: rnd.Int64N(1_000_000_000_000) - 500_000_000_000, Currency: "EUR"}
		want, err1 := Convert(m, "KWD", r, ConversionRounding)
		got, err2 := ConvertAt(m, "KWD", FXRateOf(r), ConversionRounding)
		if (err1 == nil) != (err2 == nil) || got != want {
			t.Fatalf("%s at %s: Convert %v %v, ConvertAt %v %v", m, r, want, err1, got, err2)
		}
	}
}

// Ties go to the even minor unit, both signs: conversions must not drift one way.
func TestConvertAtRoundsTiesHalfEven(t *testing.T) {
	half := FXRateOf(mustRate(t, "0.5"))
	for _, tt := range []struct {
		minor int64
		want  string
	}{
		{1, "0.00 USD"},   // 0.005 → 0.00
		{3, "0.02 USD"},   // 0.015 → 0.02
		{5, "0.02 USD"},   // 0.025 → 0.02
		{7, "0.04 USD"},   // 0.035 → 0.04
		{-5, "-0.02 USD"}, // the mirror image
		{-7, "-0.04 USD"},
	} {
		if got := convertAt(t, tt.minor, "EUR", "USD", half); got.String() != tt.want {
			t.Errorf("0.0%d EUR × 0.5 = %s, want %s", tt.minor, got, tt.want)
		}
	}
	// A tie reached through an inverse: 1 EUR = 8 JPY, so 4 JPY is 0.50 EUR, 0.04 EUR is 0.32
	// JPY → 0; 12 EUR cents → 0.96 → 1 JPY; 1/8 of 1 JPY = 0.125 EUR → 0.12 (even).
	eurJPY := FXRateOf(mustRate(t, "8"))
	if got := convertAt(t, 1, "JPY", "EUR", eurJPY.Inverse()); got.String() != "0.12 EUR" {
		t.Errorf("1 JPY at 1/8 = %s, want 0.12 EUR (0.125, half-even)", got)
	}
	if got := convertAt(t, 3, "JPY", "EUR", eurJPY.Inverse()); got.String() != "0.38 EUR" {
		t.Errorf("3 JPY at 1/8 = %s, want 0.38 EUR (0.375, half-even)", got)
	}
}

// Minor units follow each currency's exponent: JPY has none, KWD three.
func TestConvertAtHonoursExponents(t *testing.T) {
	eurJPY := FXRateOf(mustRate(t, "160.5"))
	if got := convertAt(t, 1230, "EUR", "JPY", eurJPY); got.String() != "1974 JPY" {
		t.Errorf("12.30 EUR at 160.5 = %s, want 1974 JPY (1974.15)", got)
	}
	if got := convertAt(t, 1974, "JPY", "EUR", eurJPY.Inverse()); got.String() != "12.30 EUR" {
		t.Errorf("1974 JPY at 1/160.5 = %s, want 12.30 EUR (12.2990…)", got)
	}
	kwdEUR := FXRateOf(mustRate(t, "3.0125")) // 1 KWD = 3.0125 EUR
	if got := convertAt(t, 1000, "EUR", "KWD", kwdEUR.Inverse()); got.String() != "3.320 KWD" {
		t.Errorf("10.00 EUR at 1/3.0125 = %s, want 3.320 KWD (3.31950…)", got)
	}
	if got := convertAt(t, 1, "KWD", "JPY", FXRateOf(mustRate(t, "500"))); got.String() != "0 JPY" {
		t.Errorf("0.001 KWD at 500 = %s, want 0 JPY (0.5, half-even)", got)
	}
	if got := convertAt(t, 3, "KWD", "JPY", FXRateOf(mustRate(t, "500"))); got.String() != "2 JPY" {
		t.Errorf("0.003 KWD at 500 = %s, want 2 JPY (1.5, half-even)", got)
	}
}

// Large amounts are exact (no float, no int64 product) and an answer beyond int64 is an error.
func TestConvertAtLargeAmounts(t *testing.T) {
	huge := FXRateOf(mustRate(t, "999999999999.999999")) // numerator 999999999999999999
	m := Money{Minor: math.MaxInt64 / 4, Currency: "JPY"}
	got := convertAt(t, m.Minor, "JPY", "EUR", huge.Inverse())
	// Checked against big.Rat: minor × 100 / rate, rounded half-even.
	want := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(m.Minor), big.NewInt(100*1_000_000)), big.NewInt(999999999999999999))
	if exp := roundRat(want.Num(), want.Denom()).Int64(); got.Minor != exp {
		t.Errorf("%s at 1/999999999999.999999 = %d EUR cents, want %d", m, got.Minor, exp)
	}
	// MaxInt64 fils × 3 EUR per KWD = 2767011611056432742.1 cents: the product overflows int64
	// on the way, the answer does not.
	if got := convertAt(t, math.MaxInt64, "KWD", "EUR", FXRateOf(mustRate(t, "3"))); got.Minor != 2767011611056432742 {
		t.Errorf("MaxInt64 fils at 3 = %d cents, want 2767011611056432742", got.Minor)
	}
	if got := convertAt(t, math.MaxInt64, "EUR", "KWD", FXRateOf(mustRate(t, "30")).Inverse()); got.Minor != 3074457345618258602 {
		t.Errorf("MaxInt64 EUR cents at 1/30 = %d fils, want 3074457345618258602 (…602.33)", got.Minor)
	}
	_, err := ConvertAt(Money{Minor: math.MaxInt64, Currency: "EUR"}, "JPY", FXRateOf(mustRate(t, "160")), ConversionRounding)
	if !errors.Is(err, ErrOverflow) {
		t.Errorf("MaxInt64 EUR cents into yen: %v, want ErrOverflow", err)
	}
}

func TestConvertAtRefuses(t *testing.T) {
	r := FXRateOf(mustRate(t, "1.0842"))
	for name, call := range map[string]func() error{
		"no rate": func() error {
			_, err := ConvertAt(Money{Minor: 1, Currency: "EUR"}, "USD", FXRate{}, HalfEven)
			return err
		},
		"same, not 1":      func() error { _, err := ConvertAt(Money{Minor: 1, Currency: "EUR"}, "EUR", r, HalfEven); return err },
		"unknown currency": func() error { _, err := ConvertAt(Money{Minor: 1, Currency: "XAU"}, "EUR", r, HalfEven); return err },
		"no mode":          func() error { _, err := ConvertAt(Money{Minor: 1, Currency: "EUR"}, "USD", r, 0); return err },
	} {
		if call() == nil {
			t.Errorf("%s: converted", name)
		}
	}
	if got := convertAt(t, 1234, "EUR", "EUR", OneToOne()); got.String() != "12.34 EUR" {
		t.Errorf("12.34 EUR into EUR at 1 = %s", got)
	}
}

func TestCheckStorable(t *testing.T) {
	if err := CheckStorable(mustRate(t, "999999999999.999999")); err != nil {
		t.Errorf("12 whole digits: %v", err)
	}
	if err := CheckStorable(mustRate(t, "1000000000000")); err == nil {
		t.Error("13 whole digits were accepted; numeric(24,12) cannot hold them")
	}
}

func TestTaxPercent(t *testing.T) {
	for in, want := range map[string]int64{
		"21": 210000, "5.5": 55000, "8.875": 88750, "0": 0, "100": 1000000, "7.0000": 70000,
		" 19 % ": 190000, "0.0001": 1, "10.25%": 102500, "007": 70000,
	} {
		got, err := ParseTaxPercent(in)
		if err != nil || got != want {
			t.Errorf("ParseTaxPercent(%q) = %d, %v; want %d", in, got, err, want)
		}
		if back, _ := ParseTaxPercent(FormatTaxPercent(got)); back != got {
			t.Errorf("FormatTaxPercent(%d) = %q does not read back", got, FormatTaxPercent(got))
		}
	}
	for ppmIn, want := range map[int64]string{210000: "21", 55000: "5.5", 88750: "8.875", 0: "0", 1: "0.0001", 1000000: "100"} {
		if got := FormatTaxPercent(ppmIn); got != want {
			t.Errorf("FormatTaxPercent(%d) = %q, want %q", ppmIn, got, want)
		}
	}
	for _, in := range []string{"", "%", "5.55555", "0.00001", "100.0001", "101", "1000", "-5", "5,5", "5.", ".5", "x", "1e2"} {
		if got, err := ParseTaxPercent(in); err == nil {
			t.Errorf("ParseTaxPercent(%q) = %d; want an error", in, got)
		}
	}
}
