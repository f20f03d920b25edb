package model

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func mustRate(t *testing.T, s string) Rate {
	t.Helper()
	r, err := ParseRate(s)
	if err != nil {
		t.Fatalf("ParseRate(%q): %v", s, err)
	}
	return r
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]string{
		"1.0834":         "1.0834",
		"1.083400000000": "1.0834", // as PostgreSQL returns numeric(24,12)
		"160.5":          "160.5",
		"2":              "2",
		"2.000":          "2",
		" 0.5 ":          "0.5",
		"0.000000000001": "0.000000000001",
		"1000000000000":  "1000000000000",
	} {
		if r, err := ParseRate(in); err != nil || r.String() != want {
			t.Errorf("ParseRate(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, in := range []string{"", "0", "0.000", "-1", "+1", "1.", ".5", "1e3", "abc", "1,5",
		"1.0000000000001", "99999999999999999999"} {
		if r, err := ParseRate(in); err == nil || !strings.Contains(err.Error(), in) {
			t.Errorf("ParseRate(%q) = %v, %v; want an error naming the input", in, r, err)
		}
	}
}

func TestConvert(t *testing.T) {
	tests := []struct {
		name string
		from Money
		to   Currency
		rate string
		mode RoundingMode
		want int64
	}{
		{"EUR to JPY: 1974.15 rounds down", Money{1230, EUR}, JPY, "160.5", HalfEven, 1974},
		{"KWD to EUR: 2.9876 rounds up", Money{1000, KWD}, EUR, "2.9876", HalfEven, 299},
		{"JPY to EUR: 12.29802", Money{1974, JPY}, EUR, "0.00623", HalfEven, 1230},
		{"USD to KWD gains a decimal", Money{100, USD}, KWD, "0.30705", HalfEven, 307},
		{"rate with database trailing zeros", Money{10000, EUR}, USD, "1.083400000000", HalfEven, 10834},
		{"tie 2.5 to even", Money{25, EUR}, USD, "0.1", HalfEven, 2},
		{"tie 3.5 to even", Money{35, EUR}, USD, "0.1", HalfEven, 4},
		{"tie 2.5 half-up", Money{25, EUR}, USD, "0.1", HalfUp, 3},
		{"tie 3.5 half-up", Money{35, EUR}, USD, "0.1", HalfUp, 4},
		{"negative tie -2.5 to even", Money{-25, EUR}, USD, "0.1", HalfEven, -2},
		{"negative tie -3.5 to even", Money{-35, EUR}, USD, "0.1", HalfEven, -4},
		{"negative tie -2.5 half-up", Money{-25, EUR}, USD, "0.1", HalfUp, -3},
		{"negative refund EUR to JPY", Money{-1230, EUR}, JPY, "160.5", HalfEven, -1974},
		{"not a tie just above half", Money{251, EUR}, USD, "0.01", HalfEven, 3},
		{"not a tie just below half", Money{249, EUR}, USD, "0.01", HalfUp, 2},
		{"zero", Money{0, EUR}, JPY, "160.5", HalfEven, 0},
		{"same currency at 1", Money{1230, EUR}, EUR, "1", HalfEven, 1230},
	}
	for _, tt := range tests {
		got, err := Convert(tt.from, tt.to, mustRate(t, tt.rate), tt.mode)
		want := Money{tt.want, tt.to}
		if err != nil || got != want {
			t.Errorf("%s: Convert(%v, %s, %s, %s) = %v, %v; want %v", tt.name, tt.from, tt.to, tt.rate, tt.mode, got, err, want)
		}
	}
}

func TestConvertRefuses(t *testing.T) {
	rate := mustRate(t, "1.5")
	if _, err := Convert(Money{100, "XYZ"}, EUR, rate, HalfEven); !errors.Is(err, ErrUnknownCurrency) {
		t.Errorf("from unknown currency: %v", err)
	}
	if _, err := Convert(Money{100, EUR}, "XYZ", rate, HalfEven); !errors.Is(err, ErrUnknownCurrency) {
		t.Errorf("to unknown currency: %v", err)
	}
	if _, err := Convert(Money{100, EUR}, USD, Rate{}, HalfEven); err == nil {
		t.Error("converting with the zero Rate succeeded")
	}
	if _, err := Convert(Money{100, EUR}, USD, rate, RoundingMode(0)); err == nil {
		t.Error("converting without a rounding mode succeeded")
	}
	big := mustRate(t, "1000")
	if _, err := Convert(Money{math.MaxInt64, JPY}, EUR, big, HalfEven); !errors.Is(err, ErrOverflow) {
		t.Errorf("huge conversion error = %v, want overflow", err)
	}
}

func TestTaxOf(t *testing.T) {
	tests := []struct {
		name string
		net  Money
		ppm  int64
		mode RoundingMode
		want int64
	}{
		{"20% of 10.00", Money{1000, EUR}, 200000, HalfUp, 200},
		{"20% of 0.99 = 0.198", Money{99, EUR}, 200000, HalfUp, 20},
		{"19% of 1.05 = 0.1995", Money{105, EUR}, 190000, HalfUp, 20},
		{"10% of 1234 JPY", Money{1234, JPY}, 100000, HalfUp, 123},
		{"5% of 1.010 KWD", Money{1010, KWD}, 50000, HalfUp, 51},
		{"tie 2.5 half-up", Money{5, EUR}, 500000, HalfUp, 3},
		{"tie 3.5 half-up", Money{7, EUR}, 500000, HalfUp, 4},
		{"tie 2.5 half-even", Money{5, EUR}, 500000, HalfEven, 2},
		{"tie 3.5 half-even", Money{7, EUR}, 500000, HalfEven, 4},
		{"7% of 0.50 = 0.035", Money{50, EUR}, 70000, HalfUp, 4},
		{"credit: tie -2.5 half-up away from zero", Money{-5, EUR}, 500000, HalfUp, -3},
		{"credit: tie -2.5 half-even", Money{-5, EUR}, 500000, HalfEven, -2},
		{"credit: 20% of -0.99", Money{-99, EUR}, 200000, HalfUp, -20},
		{"zero rate", Money{1000, EUR}, 0, HalfUp, 0},
		{"100%", Money{1234, EUR}, 1000000, HalfUp, 1234},
		{"no overflow on large amounts", Money{math.MaxInt64, EUR}, 1000000, HalfUp, math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := TaxOf(tt.net, tt.ppm, tt.mode)
		want := Money{tt.want, tt.net.Currency}
		if err != nil || got != want {
			t.Errorf("%s: TaxOf(%v, %d, %s) = %v, %v; want %v", tt.name, tt.net, tt.ppm, tt.mode, got, err, want)
		}
	}
	for _, ppm := range []int64{-1, 1000001} {
		if _, err := TaxOf(Money{100, EUR}, ppm, TaxRounding); err == nil {
			t.Errorf("TaxOf at %d ppm succeeded, want an error", ppm)
		}
	}
	if _, err := TaxOf(Money{100, EUR}, 200000, RoundingMode(0)); err == nil {
		t.Error("TaxOf without a rounding mode succeeded")
	}
	if TaxRounding != HalfUp || ConversionRounding != HalfEven {
		t.Error("default rounding modes changed: tax must be half-up, conversion half-even")
	}
}
