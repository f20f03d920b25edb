package model

import (
	"fmt"
	"math/big"
	"strings"
)

// FXRate is an exchange rate held as an exact fraction: one unit of the base currency is
// Num/Den units of the quote currency. A stored rate (a Rate, numerator / 10^scale) becomes one
// without loss, and so does its inverse (10^scale / numerator), which no decimal of any length
// holds exactly: 1 / 1.0842 is 5000/5421. The zero value is no rate at all; conversions refuse it.
type FXRate struct {
	num, den *big.Int // in lowest terms, both > 0
}

// FXRateOf is the stored decimal rate r as an exact fraction.
func FXRateOf(r Rate) FXRate {
	if r.numerator <= 0 {
		return FXRate{}
	}
	return newFXRate(big.NewInt(r.numerator), pow10(r.scale))
}

// OneToOne is the rate of a currency into itself: exactly 1.
func OneToOne() FXRate { return newFXRate(big.NewInt(1), big.NewInt(1)) }

func newFXRate(num, den *big.Int) FXRate {
	g := new(big.Int).GCD(nil, nil, num, den)
	return FXRate{num: new(big.Int).Quo(num, g), den: new(big.Int).Quo(den, g)}
}

// Valid says whether f is a rate (not the zero value).
func (f FXRate) Valid() bool { return f.num != nil && f.num.Sign() > 0 && f.den.Sign() > 0 }

// Inverse is the rate the other way round, exactly: quote → base.
func (f FXRate) Inverse() FXRate {
	if !f.Valid() {
		return FXRate{}
	}
	return FXRate{num: new(big.Int).Set(f.den), den: new(big.Int).Set(f.num)}
}

// IsOne says whether f is exactly 1.
func (f FXRate) IsOne() bool { return f.Valid() && f.num.Cmp(f.den) == 0 }

// Fraction returns the rate's numerator and denominator in lowest terms, as decimal strings.
func (f FXRate) Fraction() (num, den string) {
	if !f.Valid() {
		return "0", "1"
	}
	return f.num.String(), f.den.String()
}

// Decimal returns the rate as a plain decimal when one holds it exactly ("1.0842", "2") and
// ok = false otherwise (1/1.0842).
func (f FXRate) Decimal() (s string, ok bool) {
	if !f.Valid() {
		return "", false
	}
	// Exact in decimal iff den = 2^a × 5^b; then den divides 10^max(a, b).
	d := new(big.Int).Set(f.den)
	twos, fives := 0, 0
	for d.Bit(0) == 0 {
		d.Rsh(d, 1)
		twos++
	}
	five, rem := big.NewInt(5), new(big.Int)
	for {
		q, r := new(big.Int).QuoRem(d, five, rem)
		if r.Sign() != 0 {
			break
		}
		d = q
		fives++
	}
	if d.Cmp(big.NewInt(1)) != 0 {
		return "", false
	}
	return f.Approx(max(twos, fives)), true
}

// Approx returns the rate rounded half-even to the given number of decimals, without trailing
// zeros: for showing a rate that has no exact decimal (1/1.0842 ≈ 0.922339051835).
func (f FXRate) Approx(decimals int) string {
	if !f.Valid() {
		return "0"
	}
	scaled := roundRat(new(big.Int).Mul(f.num, pow10(decimals)), f.den)
	digits := scaled.String()
	if decimals == 0 {
		return digits
	}
	if len(digits) <= decimals {
		digits = strings.Repeat("0", decimals-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-decimals], strings.TrimRight(digits[len(digits)-decimals:], "0")
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

// String is the exact decimal when there is one, else "num/den".
func (f FXRate) String() string {
	if s, ok := f.Decimal(); ok {
		return s
	}
	n, d := f.Fraction()
	return n + "/" + d
}

// roundRat is num/den (both ≥ 0, den > 0) rounded half-even, with no bound on its size.
func roundRat(num, den *big.Int) *big.Int {
	quo, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	switch new(big.Int).Lsh(rem, 1).Cmp(den) {
	case 1:
		quo.Add(quo, big.NewInt(1))
	case 0:
		if quo.Bit(0) == 1 {
			quo.Add(quo, big.NewInt(1))
		}
	}
	return quo
}

// ConvertAt turns m into currency to at rate f (one unit of m's currency = f units of to),
// rounding the exact result to to's minor unit with mode (pass ConversionRounding). Exponents
// are honoured (EUR has 2 decimals, JPY none, KWD 3), the arithmetic is exact for any amount, and
// a result beyond int64 minor units is an error, never a wrapped number. Converting a currency
// into itself needs a rate of exactly 1.
func ConvertAt(m Money, to Currency, f FXRate, mode RoundingMode) (Money, error) {
	fromExp, err := m.Currency.Exponent()
	if err != nil {
		return Money{}, fmt.Errorf("convert %s: %w", m, err)
	}
	toExp, err := to.Exponent()
	if err != nil {
		return Money{}, fmt.Errorf("convert %s: %w", m, err)
	}
	if !f.Valid() {
		return Money{}, fmt.Errorf("convert %s to %s: no exchange rate given", m, to)
	}
	if m.Currency == to && !f.IsOne() {
		return Money{}, fmt.Errorf("%s to %s must convert at 1, not %s", m.Currency, to, f)
	}
	// to minor = m.Minor / 10^fromExp × num / den × 10^toExp
	num := new(big.Int).Mul(big.NewInt(m.Minor), f.num)
	num.Mul(num, pow10(toExp))
	den := new(big.Int).Mul(f.den, pow10(fromExp))
	minor, err := divRound(num, den, mode)
	if err != nil {
		return Money{}, fmt.Errorf("convert %s to %s at %s: %w", m, to, f, err)
	}
	return Money{Minor: minor, Currency: to}, nil
}

// maxRateWholeDigits is what numeric(24,12) leaves before the decimal point.
const maxRateWholeDigits = 12

// CheckStorable refuses a rate fx_rates cannot hold: more than 12 digits before the decimal
// point (ParseRate already refuses more than 12 after it).
func CheckStorable(r Rate) error {
	if r.numerator <= 0 {
		return fmt.Errorf("no rate given")
	}
	if big.NewInt(r.numerator).Cmp(new(big.Int).Mul(pow10(maxRateWholeDigits), pow10(r.scale))) >= 0 {
		return fmt.Errorf("rate %s: more than %d digits before the decimal point", r, maxRateWholeDigits)
	}
	return nil
}

// maxPercentDecimals: a percentage with 4 decimals is a whole number of parts per million.
const maxPercentDecimals = 4

// ParseTaxPercent reads a tax rate written as a percentage ("21", "5.5", "8.875", "0", an
// optional "%") into parts per million, exactly: 5.5 % is 55000 ppm. More than 4 decimals (finer
// than a millionth) and anything outside 0…100 % are refused.
func ParseTaxPercent(s string) (int64, error) {
	text := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, hasPoint := strings.Cut(text, ".")
	switch {
	case text == "":
		return 0, fmt.Errorf("rate %q: empty; write a percentage such as 21 or 5.5", s)
	case whole == "" || (hasPoint && frac == ""):
		return 0, fmt.Errorf("rate %q: needs digits on both sides of the decimal point", s)
	case firstNonDigit(whole) >= 0 || firstNonDigit(frac) >= 0:
		return 0, fmt.Errorf("rate %q is not a percentage such as 21 or 5.5", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > maxPercentDecimals {
		return 0, fmt.Errorf("rate %q: more than %d decimals (tax rates are kept in parts per million)", s, maxPercentDecimals)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 3 {
		return 0, fmt.Errorf("rate %q: a tax rate is 0 to 100 %%", s)
	}
	v, _ := accumulateDigits(whole + frac + strings.Repeat("0", maxPercentDecimals-len(frac)))
	ratePPM := v // 4 decimals of a percent are millionths
	if ratePPM > ppm {
		return 0, fmt.Errorf("rate %q: a tax rate is 0 to 100 %%", s)
	}
	return ratePPM, nil
}

// FormatTaxPercent writes parts per million as the percentage ParseTaxPercent reads: "21",
// "5.5", "8.875".
func FormatTaxPercent(ratePPM int64) string {
	s := formatMinor(ratePPM, maxPercentDecimals, false)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
