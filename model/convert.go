package model

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// RoundingMode says how an exact result that falls between two minor units is rounded.
// The zero value is deliberately invalid so that every caller names its mode.
type RoundingMode int

const (
	// HalfEven rounds ties to the even neighbour (2.5 → 2, 3.5 → 4), "banker's rounding".
	// Used for currency conversion, where many conversions must not drift upwards on average.
	HalfEven RoundingMode = iota + 1
	// HalfUp rounds ties away from zero (2.5 → 3, −2.5 → −3). Used for tax, as tax
	// authorities and invoices expect.
	HalfUp
)

// The modes the rest of oms uses; callers pass these rather than choosing ad hoc.
const (
	ConversionRounding = HalfEven
	TaxRounding        = HalfUp
)

func (mode RoundingMode) String() string {
	switch mode {
	case HalfEven:
		return "half-even"
	case HalfUp:
		return "half-up"
	}
	return "RoundingMode(" + strconv.Itoa(int(mode)) + ")"
}

// maxRateDecimals matches the database column fx_rates.rate numeric(24,12).
const maxRateDecimals = 12

// Rate is an exchange rate held exactly as numerator / 10^scale: "1.0834" is 10834 / 10^4.
// Trailing zeros are dropped, so the database's "1.083400000000" is the same Rate.
// The zero value is no rate at all and Convert refuses it.
type Rate struct {
	numerator int64
	scale     int
}

// ParseRate reads a positive decimal rate with up to 12 decimals, as stored in fx_rates.
func ParseRate(s string) (Rate, error) {
	text := strings.TrimSpace(s)
	whole, frac, hasPoint := strings.Cut(text, ".")
	switch {
	case text == "":
		return Rate{}, fmt.Errorf("rate %q: empty", s)
	case whole == "" || (hasPoint && frac == ""):
		return Rate{}, fmt.Errorf("rate %q: needs digits on both sides of the decimal point", s)
	case firstNonDigit(whole) >= 0 || firstNonDigit(frac) >= 0:
		return Rate{}, fmt.Errorf("rate %q: only digits and one decimal point are allowed", s)
	}
	frac = strings.TrimRight(frac, "0")
	if len(frac) > maxRateDecimals {
		return Rate{}, fmt.Errorf("rate %q: more than %d decimals", s, maxRateDecimals)
	}
	numerator, ok := accumulateDigits(whole + frac)
	switch {
	case !ok:
		return Rate{}, fmt.Errorf("rate %q: too many significant digits", s)
	case numerator == 0:
		return Rate{}, fmt.Errorf("rate %q: must be greater than zero", s)
	}
	return Rate{numerator: numerator, scale: len(frac)}, nil
}

// String returns the rate as a plain decimal ("1.0834", "160.5", "2").
func (r Rate) String() string {
	return formatMinor(r.numerator, r.scale, false)
}

// Convert turns m into currency to at rate r (one unit of m's currency = r units of to),
// rounding the exact result to to's minor unit with mode. Exponents are honoured:
// 12.30 EUR at 160.5 is 1974.15 JPY, which rounds to 1974 JPY.
func Convert(m Money, to Currency, r Rate, mode RoundingMode) (Money, error) {
	return ConvertAt(m, to, FXRateOf(r), mode)
}

// ppm is one million: tax rates are stored in parts per million (20 % = 200000).
const ppm = 1_000_000

// TaxOf returns the tax on a net amount at ratePPM parts per million, rounded with mode
// (pass TaxRounding). Arithmetic is exact; a negative net (a credit) gives the negated tax of
// its magnitude, so refunds and sales round symmetrically.
func TaxOf(net Money, ratePPM int64, mode RoundingMode) (Money, error) {
	if ratePPM < 0 || ratePPM > ppm {
		return Money{}, fmt.Errorf("tax rate %d ppm is outside 0…%d", ratePPM, ppm)
	}
	num := new(big.Int).Mul(big.NewInt(net.Minor), big.NewInt(ratePPM))
	tax, err := divRound(num, big.NewInt(ppm), mode)
	if err != nil {
		return Money{}, fmt.Errorf("tax on %s: %w", net, err)
	}
	return Money{Minor: tax, Currency: net.Currency}, nil
}

func pow10(n int) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}

// divRound returns num/den (den > 0) rounded to an integer with mode. Ties are judged on the
// magnitude, so negative values round as the mirror image of positive ones.
func divRound(num, den *big.Int, mode RoundingMode) (int64, error) {
	if mode != HalfEven && mode != HalfUp {
		return 0, fmt.Errorf("rounding mode %s is not supported", mode)
	}
	quo, rem := new(big.Int).QuoRem(num, den, new(big.Int)) // truncates towards zero
	twiceRem := new(big.Int).Abs(rem)
	twiceRem.Lsh(twiceRem, 1)
	awayFromZero := false
	switch twiceRem.Cmp(den) {
	case 1:
		awayFromZero = true
	case 0:
		awayFromZero = mode == HalfUp || quo.Bit(0) == 1
	}
	if awayFromZero {
		quo.Add(quo, big.NewInt(int64(num.Sign())))
	}
	if !quo.IsInt64() || quo.Int64() == math.MinInt64 {
		return 0, errOverflowResult
	}
	return quo.Int64(), nil
}

var errOverflowResult = fmt.Errorf("%w: result does not fit in int64 minor units", ErrOverflow)
