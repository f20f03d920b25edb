package shipping

import (
	"strconv"
	"strings"
)

// GramsPerPound is a pound as this package counts it: 453.59237 g rounded up to a whole gram.
// A whole number of grams is needed so that a card's pound breaks (1, 2, 3 lb …) stay exact
// multiples of its one-pound step; rounding up (not to 453) keeps a parcel of exactly n real
// pounds within n steps. The cost is that a parcel less than 0.1% over a whole pound is
// quoted at that pound where the carrier may bill the next one.
const GramsPerPound = 454

// unit is a unit a rate card file states a weight or a length in: one file unit is num/den
// base units (grams for weights, millimetres for lengths).
type unit struct {
	name     string
	num, den int64
}

var (
	kilogram = unit{"kg", 1000, 1}
	pound    = unit{"lb", GramsPerPound, 1}
	cm       = unit{"cm", 10, 1}
	inch     = unit{"in", 254, 10} // 25.4 mm, exactly
)

// weightUnit is the unit of a card's weight_unit column ("" means kg, as WeightUnit says).
func weightUnit(name string) (unit, bool) {
	switch name {
	case "kg", "":
		return kilogram, true
	case "lb":
		return pound, true
	}
	return unit{}, false
}

// lengthUnit is the unit of a card's dim_unit column, which also states its sides.
func lengthUnit(name string) (unit, bool) {
	switch name {
	case "cm":
		return cm, true
	case "in":
		return inch, true
	}
	return unit{}, false
}

// unitDecimals is how many decimals a weight or length in a file may have.
const unitDecimals = 3

// parse reads a non-negative decimal ("0.5", "108", "2.205") as whole base units, rounding
// half up: a file may say "0.1 lb" (45.4 g), which is 45 g.
func (u unit) parse(s string) (int, bool) {
	thousandths, ok := parseDecimal(s, unitDecimals)
	if !ok {
		return 0, false
	}
	return int(divRoundHalfUp(thousandths*u.num, u.den*1000)), true
}

// format writes base units in u with the fewest decimals that parse back to the same value,
// so 2743 mm is "108" in, not "107.99".
func (u unit) format(base int) string {
	for decimals := 0; ; decimals++ {
		scale := pow10(decimals)
		scaled := divRoundHalfUp(int64(base)*u.den*scale, u.num)
		text := formatDecimal(scaled, decimals)
		if back, _ := u.parse(text); back == base || decimals == unitDecimals {
			return text
		}
	}
}

// parseDecimal reads digits with an optional fraction of at most decimals digits and returns
// the value times 10^decimals. Signs, exponents and thousands separators are refused: a rate
// card has no negative weights, and "1,5" is more likely a decimal comma than fifteen.
func parseDecimal(s string, decimals int) (int64, bool) {
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || len(whole) > 9 || (hasPoint && frac == "") || len(frac) > decimals {
		return 0, false
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, false
	}
	n, err := strconv.ParseInt(whole+frac+strings.Repeat("0", decimals-len(frac)), 10, 64)
	return n, err == nil
}

// formatDecimal writes scaled/10^decimals without trailing zeros ("12.5", "3").
func formatDecimal(scaled int64, decimals int) string {
	digits := strconv.FormatInt(scaled, 10)
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

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// divRoundHalfUp is num/den for num ≥ 0, den > 0, rounded half up.
func divRoundHalfUp(num, den int64) int64 { return (2*num + den) / (2 * den) }

// divCeil is num/den for num ≥ 0, den > 0, rounded up.
func divCeil(num, den int64) int64 { return (num + den - 1) / den }

// roundUpTo rounds n ≥ 0 up to a multiple of step (step ≤ 0 leaves n as it is).
func roundUpTo(n, step int) int {
	if step <= 0 {
		return n
	}
	return int(divCeil(int64(n), int64(step))) * step
}

// formatPercentBP writes basis points as a percentage: 1875 is "18.75".
func formatPercentBP(bp int) string { return formatDecimal(int64(bp), 2) }
