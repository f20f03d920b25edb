package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

const (
	EUR Currency = "EUR"
	USD Currency = "USD"
	JPY Currency = "JPY"
	KWD Currency = "KWD"
)

func TestCurrencyTableMatchesDatabase(t *testing.T) {
	want := map[Currency]int{
		"AUD": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2, "CZK": 2,
		"DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "INR": 2, "ISK": 0, "JOD": 3,
		"JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PLN": 2,
		"SEK": 2, "SGD": 2, "TND": 3, "TRY": 2, "USD": 2, "ZAR": 2,
	}
	known := KnownCurrencies()
	if len(known) != len(want) {
		t.Fatalf("KnownCurrencies has %d currencies, want %d: %v", len(known), len(want), known)
	}
	if !slices.IsSorted(known) {
		t.Errorf("KnownCurrencies not sorted: %v", known)
	}
	for _, c := range known {
		exp, err := c.Exponent()
		if wantExp, ok := want[c]; err != nil || !ok || exp != wantExp {
			t.Errorf("%s.Exponent() = %d, %v; want %d (listed %v)", c, exp, err, wantExp, ok)
		}
	}
}

func TestLookupCurrency(t *testing.T) {
	for _, in := range []string{"EUR", "eur", " Eur\t", "jpy"} {
		c, err := LookupCurrency(in)
		if err != nil || string(c) != strings.ToUpper(strings.TrimSpace(in)) {
			t.Errorf("LookupCurrency(%q) = %q, %v", in, c, err)
		}
	}
	for _, in := range []string{"", "XYZ", "EURO", "€", "US D"} {
		_, err := LookupCurrency(in)
		if !errors.Is(err, ErrUnknownCurrency) || !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("LookupCurrency(%q) error = %v, want unknown currency naming the input", in, err)
		}
	}
	if _, err := Currency("XYZ").Exponent(); err == nil || !strings.Contains(err.Error(), "XYZ") {
		t.Errorf(`Currency("XYZ").Exponent() error = %v, want one naming XYZ`, err)
	}
}

func TestParseMoneyAccepts(t *testing.T) {
	tests := []struct {
		in    string
		cur   Currency
		minor int64
	}{
		{"12.30", EUR, 1230},
		{"12.3", EUR, 1230},
		{"12", EUR, 1200},
		{"-4.50", EUR, -450},
		{"0.5", EUR, 50},
		{"0.05", EUR, 5},
		{"1500", JPY, 1500},
		{"1.234", KWD, 1234},
		{"0.001", KWD, 1},
		{"1.2", KWD, 1200},
		{"+7.25", EUR, 725},
		{"  12.30  ", EUR, 1230},
		{"\t3\n", EUR, 300},
		{"1,234.56", EUR, 123456},
		{"1,234,567.89", EUR, 123456789},
		{"-1,234.5", EUR, -123450},
		{"999,999", EUR, 99999900},
		{"1,500", JPY, 1500},
		{"0", EUR, 0},
		{"-0", EUR, 0},
		{"0.00", EUR, 0},
		{"007.50", EUR, 750},
		{"92233720368547758.07", EUR, math.MaxInt64},
		{"-92233720368547758.07", EUR, -math.MaxInt64},
		{"9223372036854775807", JPY, math.MaxInt64},
		{"92,233,720,368,547,758.07", EUR, math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in, tt.cur)
		want := Money{Minor: tt.minor, Currency: tt.cur}
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q, %s) = %v, %v; want %v", tt.in, tt.cur, got, err, want)
		}
	}
}

func TestParseMoneyRejects(t *testing.T) {
	tests := []struct {
		in     string
		cur    Currency
		reason string // part of the message a user would read
	}{
		{"", EUR, "empty"},
		{"   ", EUR, "empty"},
		{"1.2.3", EUR, "more than one decimal point"},
		{"1e5", EUR, "'e'"},
		{"NaN", EUR, "'N'"},
		{"Inf", EUR, "'I'"},
		{"abc", EUR, "'a'"},
		{"0x10", EUR, "'x'"},
		{".", EUR, "before the decimal point"},
		{".5", EUR, "before the decimal point"},
		{"12.", EUR, "after the decimal point"},
		{"1500.5", JPY, "1 decimals, but JPY has 0"},
		{"1500.0", JPY, "JPY has 0"},
		{"12.345", EUR, "3 decimals, but EUR has 2"},
		{"12.300", EUR, "EUR has 2"},
		{"1.2345", KWD, "KWD has 3"},
		{"1,23.4", EUR, "groups of three"},
		{"1234,567", EUR, "groups of three"},
		{",123", EUR, "groups of three"},
		{"1,,234", EUR, "groups of three"},
		{"1,234,", EUR, "groups of three"},
		{"0,123", EUR, "groups of three"},
		{"12,30", EUR, "groups of three"},
		{"1.234,56", EUR, "','"},
		{"1,2345", EUR, "groups of three"},
		{"+-4", EUR, "'-'"},
		{"--4", EUR, "'-'"},
		{"-", EUR, "before the decimal point"},
		{"+", EUR, "before the decimal point"},
		{"- 4", EUR, "' '"},
		{"1 234", EUR, "' '"},
		{"€12", EUR, "'€'"},
		{"12€", EUR, "'€'"},
		{"1_000", EUR, "'_'"},
		{"١٢", EUR, "'١'"},
		{"92233720368547758.08", EUR, "too large"},
		{"-92233720368547758.08", EUR, "too large"},
		{"99999999999999999999", JPY, "too large"},
		{"9223372036854775807", EUR, "too large"},
		{"12.30", "XYZ", "unknown currency"},
		{"12.30", "", "unknown currency"},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in, tt.cur)
		if err == nil {
			t.Errorf("ParseMoney(%q, %s) = %v, want an error", tt.in, tt.cur, got)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrInvalidAmount) || !strings.Contains(msg, fmt.Sprintf("%q", tt.in)) ||
			!strings.Contains(msg, tt.reason) {
			t.Errorf("ParseMoney(%q, %s) error %q; want invalid amount naming the input and %q",
				tt.in, tt.cur, msg, tt.reason)
		}
	}
}

func TestMoneyFormatting(t *testing.T) {
	tests := []struct {
		m                      Money
		plain, grouped, String string
	}{
		{Money{1230, EUR}, "12.30", "12.30", "12.30 EUR"},
		{Money{1500, JPY}, "1500", "1,500", "1500 JPY"},
		{Money{1234, KWD}, "1.234", "1.234", "1.234 KWD"},
		{Money{-450, EUR}, "-4.50", "-4.50", "-4.50 EUR"},
		{Money{0, EUR}, "0.00", "0.00", "0.00 EUR"},
		{Money{0, JPY}, "0", "0", "0 JPY"},
		{Money{0, KWD}, "0.000", "0.000", "0.000 KWD"},
		{Money{5, EUR}, "0.05", "0.05", "0.05 EUR"},
		{Money{-5, EUR}, "-0.05", "-0.05", "-0.05 EUR"},
		{Money{-1, KWD}, "-0.001", "-0.001", "-0.001 KWD"},
		{Money{99999, EUR}, "999.99", "999.99", "999.99 EUR"},
		{Money{100000, EUR}, "1000.00", "1,000.00", "1000.00 EUR"},
		{Money{123456789, EUR}, "1234567.89", "1,234,567.89", "1234567.89 EUR"},
		{Money{-123456, EUR}, "-1234.56", "-1,234.56", "-1234.56 EUR"},
		{Money{-1234567, JPY}, "-1234567", "-1,234,567", "-1234567 JPY"},
		{Money{math.MaxInt64, EUR}, "92233720368547758.07", "92,233,720,368,547,758.07", "92233720368547758.07 EUR"},
		{Money{math.MinInt64, EUR}, "-92233720368547758.08", "-92,233,720,368,547,758.08", "-92233720368547758.08 EUR"},
		// An unknown currency shows raw minor units instead of inventing a decimal point.
		{Money{1230, "XYZ"}, "1230", "1,230", "1230 XYZ"},
	}
	for _, tt := range tests {
		if got := tt.m.Format(); got != tt.plain {
			t.Errorf("%#v.Format() = %q, want %q", tt.m, got, tt.plain)
		}
		if got := tt.m.FormatGrouped(); got != tt.grouped {
			t.Errorf("%#v.FormatGrouped() = %q, want %q", tt.m, got, tt.grouped)
		}
		if got := tt.m.String(); got != tt.String {
			t.Errorf("%#v.String() = %q, want %q", tt.m, got, tt.String)
		}
	}
}

// Whatever the screen shows, typing it back in gives the same amount.
func TestMoneyFormatParseRoundTrip(t *testing.T) {
	rng := newRand(t)
	const limit = 1_000_000_000_000_000
	for _, c := range KnownCurrencies() {
		for range 500 {
			m := Money{Minor: rng.Int64N(2*limit+1) - limit, Currency: c}
			for _, text := range []string{m.Format(), m.FormatGrouped()} {
				got, err := ParseMoney(text, c)
				if err != nil || got != m {
					t.Fatalf("ParseMoney(%q, %s) = %v, %v; want %v", text, c, got, err, m)
				}
			}
		}
	}
}

func TestMoneyAddSub(t *testing.T) {
	a, b := Money{1230, EUR}, Money{-450, EUR}
	if got, err := a.Add(b); err != nil || got != (Money{780, EUR}) {
		t.Errorf("12.30 + -4.50 = %v, %v; want 7.80 EUR", got, err)
	}
	if got, err := a.Sub(b); err != nil || got != (Money{1680, EUR}) {
		t.Errorf("12.30 - -4.50 = %v, %v; want 16.80 EUR", got, err)
	}

	yen := Money{1500, JPY}
	if _, err := a.Add(yen); !errors.Is(err, ErrCurrencyMismatch) ||
		!strings.Contains(err.Error(), "12.30 EUR") || !strings.Contains(err.Error(), "1500 JPY") {
		t.Errorf("EUR + JPY error = %v, want a currency mismatch naming both amounts", err)
	}
	if _, err := a.Sub(yen); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("EUR - JPY error = %v, want a currency mismatch", err)
	}

	max, min := Money{math.MaxInt64, EUR}, Money{-math.MaxInt64, EUR}
	one := Money{1, EUR}
	overflows := []struct {
		name string
		op   func() (Money, error)
	}{
		{"max + 1", func() (Money, error) { return max.Add(one) }},
		{"-max + -1", func() (Money, error) { return min.Add(one.Neg()) }},
		{"-max - 1", func() (Money, error) { return min.Sub(one) }},
		{"max - -1", func() (Money, error) { return max.Sub(one.Neg()) }},
		{"max + max", func() (Money, error) { return max.Add(max) }},
		{"0 - MinInt64", func() (Money, error) { return Money{0, EUR}.Sub(Money{math.MinInt64, EUR}) }},
	}
	for _, o := range overflows {
		if got, err := o.op(); !errors.Is(err, ErrOverflow) {
			t.Errorf("%s = %v, %v; want overflow error", o.name, got, err)
		}
	}
	if got, err := max.Add(min); err != nil || !got.IsZero() {
		t.Errorf("max + -max = %v, %v; want 0", got, err)
	}
}

func TestMoneyMulNegCmp(t *testing.T) {
	price := Money{1230, EUR}
	for _, tt := range []struct {
		n    int64
		want int64
	}{{3, 3690}, {0, 0}, {-2, -2460}, {1, 1230}} {
		if got, err := price.MulQty(tt.n); err != nil || got != (Money{tt.want, EUR}) {
			t.Errorf("12.30 × %d = %v, %v; want %d", tt.n, got, err, tt.want)
		}
	}
	if got, err := (Money{-450, EUR}).MulQty(-2); err != nil || got.Minor != 900 {
		t.Errorf("-4.50 × -2 = %v, %v; want 9.00", got, err)
	}
	for _, tt := range []struct {
		m Money
		n int64
	}{{Money{math.MaxInt64, EUR}, 2}, {Money{1 << 62, EUR}, -2}, {Money{2, EUR}, math.MinInt64}, {Money{-1, EUR}, math.MinInt64}} {
		if got, err := tt.m.MulQty(tt.n); !errors.Is(err, ErrOverflow) {
			t.Errorf("%d × %d = %v, %v; want overflow", tt.m.Minor, tt.n, got, err)
		}
	}

	if got := price.Neg(); got != (Money{-1230, EUR}) {
		t.Errorf("Neg(12.30) = %v", got)
	}
	if (Money{0, JPY}).IsZero() != true || price.IsZero() {
		t.Error("IsZero is wrong")
	}

	for _, tt := range []struct {
		a, b Money
		want int
	}{
		{Money{1, EUR}, Money{2, EUR}, -1},
		{Money{2, EUR}, Money{2, EUR}, 0},
		{Money{-1, EUR}, Money{-2, EUR}, 1},
	} {
		if got, err := tt.a.Cmp(tt.b); err != nil || got != tt.want {
			t.Errorf("%v.Cmp(%v) = %d, %v; want %d", tt.a, tt.b, got, err, tt.want)
		}
	}
	if _, err := price.Cmp(Money{1230, USD}); !errors.Is(err, ErrCurrencyMismatch) {
		t.Errorf("EUR.Cmp(USD) error = %v, want currency mismatch", err)
	}
}

func minors(parts []Money) []int64 {
	out := make([]int64, len(parts))
	for i, p := range parts {
		out[i] = p.Minor
	}
	return out
}

func TestAllocate(t *testing.T) {
	tests := []struct {
		amount  int64
		weights []int64
		want    []int64
	}{
		{100, []int64{1, 1, 1}, []int64{34, 33, 33}},
		{10, []int64{1, 1, 1}, []int64{4, 3, 3}},
		{-10, []int64{1, 1, 1}, []int64{-4, -3, -3}},
		{5, []int64{1, 0, 1}, []int64{3, 0, 2}},
		{1000, []int64{1, 2, 3}, []int64{167, 333, 500}},
		{1, []int64{1, 1, 1, 1}, []int64{1, 0, 0, 0}},
		{2, []int64{1, 3}, []int64{1, 1}}, // 0.5 and 1.5: tie goes to the earlier part
		{0, []int64{5, 7}, []int64{0, 0}},
		{999, []int64{1}, []int64{999}},
		// A discount of 10.00 spread over lines worth 19.99, 5.01 and 75.00.
		{1000, []int64{1999, 501, 7500}, []int64{200, 50, 750}},
		{math.MaxInt64, []int64{math.MaxInt64, math.MaxInt64}, []int64{math.MaxInt64/2 + 1, math.MaxInt64 / 2}},
	}
	for _, tt := range tests {
		parts, err := Money{tt.amount, EUR}.Allocate(tt.weights)
		if err != nil || !slices.Equal(minors(parts), tt.want) {
			t.Errorf("Allocate(%d, %v) = %v, %v; want %v", tt.amount, tt.weights, minors(parts), err, tt.want)
		}
	}
	for _, weights := range [][]int64{nil, {}, {0, 0}, {1, -1}, {math.MaxInt64, math.MaxInt64, math.MaxInt64}} {
		if _, err := (Money{100, EUR}).Allocate(weights); err == nil {
			t.Errorf("Allocate(%v) succeeded, want an error", weights)
		}
	}
}

// Spreading an amount never gains or loses a minor unit, and no part is more than one minor
// unit away from its exact share.
func TestAllocateProperty(t *testing.T) {
	rng := newRand(t)
	for range 5000 {
		amount := rng.Int64N(2_000_000_001) - 1_000_000_000
		weights := make([]int64, 1+rng.IntN(12))
		var total int64
		for i := range weights {
			weights[i] = rng.Int64N(100_000)
			total += weights[i]
		}
		if total == 0 {
			weights[0], total = 1, 1
		}
		parts, err := Money{amount, JPY}.Allocate(weights)
		if err != nil {
			t.Fatalf("Allocate(%d, %v): %v", amount, weights, err)
		}
		var sum int64
		for i, p := range parts {
			sum += p.Minor
			// |part − amount×weight/total| < 1, multiplied out to stay in integers.
			gap := p.Minor*total - amount*weights[i]
			if p.Currency != JPY || gap <= -total || gap >= total {
				t.Fatalf("Allocate(%d, %v) part %d = %v, more than one unit off its share", amount, weights, i, p)
			}
		}
		if sum != amount {
			t.Fatalf("Allocate(%d, %v) = %v sums to %d", amount, weights, minors(parts), sum)
		}
	}
}

// FuzzParseMoney: parsing never panics, and anything accepted reads back the same from both
// of its printed forms.
func FuzzParseMoney(f *testing.F) {
	for _, seed := range []string{"12.30", "-4.50", "1,234.56", "1500.5", "+0.001", " 7 ", "1e5",
		"92233720368547758.07", "1,23.4", "."} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, c := range []Currency{EUR, JPY, KWD} {
			m, err := ParseMoney(s, c)
			if err != nil {
				if !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
					t.Errorf("error %q does not name the input", err)
				}
				continue
			}
			for _, text := range []string{m.Format(), m.FormatGrouped()} {
				if back, err := ParseMoney(text, c); err != nil || back != m {
					t.Errorf("ParseMoney(%q, %s) = %v; printed %q reads back as %v, %v", s, c, m, text, back, err)
				}
			}
		}
	})
}
