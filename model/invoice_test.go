package model

import (
	"slices"
	"testing"
)

func TestToBaseDividesByTheRateAndRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		minor     int64
		cur, base Currency
		rate      string
		want      int64
	}{
		{1974, "JPY", "EUR", "160.5", 1230}, // 1974 JPY / 160.5 = 12.2990… EUR
		{125, "GBP", "EUR", "2", 63},        // 0.625 EUR: a tie, away from zero (half-even would give 62)
		{-125, "GBP", "EUR", "2", -63},      // a credit mirrors a charge
		{1000, "KWD", "EUR", "0.331", 302},  // 1.000 KWD / 0.331 = 3.0211… EUR
		{999, "EUR", "EUR", "1", 999},
	}
	for _, c := range cases {
		got, err := ToBase(c.minor, c.cur, c.base, mustRate(t, c.rate))
		if err != nil || got != c.want {
			t.Errorf("ToBase(%d %s → %s at %s) = %d, %v; want %d", c.minor, c.cur, c.base, c.rate, got, err, c.want)
		}
	}
	if _, err := ToBase(100, "EUR", "EUR", mustRate(t, "1.1")); err == nil {
		t.Error("a currency converted into itself at 1.1")
	}
}

func TestTotalsAddLinesPerRateAndConvertEachTaxLine(t *testing.T) {
	lines := []InvoiceLine{
		{Qty: 2, UnitMinor: 1250, DiscountMinor: 250, TaxMinor: 473, TaxRatePPM: 210000}, // 22.50 net
		{Qty: 1, UnitMinor: 899, TaxMinor: 81, TaxRatePPM: 90000},
		{Qty: 3, UnitMinor: 100, TaxMinor: 63, TaxRatePPM: 210000},
	}
	got, err := Totals(lines, "USD", "EUR", mustRate(t, "1.0834"))
	if err != nil {
		t.Fatal(err)
	}
	if got.Subtotal != 2250+899+300 || got.Tax != 473+81+63 || got.Total != got.Subtotal+got.Tax {
		t.Errorf("totals %+v", got)
	}
	want := []TaxLine{
		{RatePPM: 90000, TaxableMinor: 899, TaxMinor: 81, TaxableBaseMinor: 830, TaxBaseMinor: 75},
		{RatePPM: 210000, TaxableMinor: 2550, TaxMinor: 536, TaxableBaseMinor: 2354, TaxBaseMinor: 495},
	}
	if !slices.Equal(got.TaxLines, want) {
		t.Errorf("tax lines %+v, want %+v", got.TaxLines, want)
	}
	if got.SubtotalBase != 830+2354 || got.TaxBase != 75+495 || got.TotalBase != got.SubtotalBase+got.TaxBase {
		t.Errorf("base totals %+v", got)
	}
	if _, err := Totals([]InvoiceLine{{Qty: 1, UnitMinor: 100, DiscountMinor: 200}}, "EUR", "EUR", mustRate(t, "1")); err == nil {
		t.Error("a line with a negative net was accepted")
	}
}
