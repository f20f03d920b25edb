package model

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Money is an amount in integer minor units of a currency: 12.30 EUR is {1230, "EUR"},
// 1500 JPY is {1500, "JPY"}. There is no float anywhere in its life, so sums never drift.
//
// Arithmetic keeps amounts within ±math.MaxInt64 (math.MinInt64 is treated as overflow) so
// that Neg can never overflow.
type Money struct {
	Minor    int64
	Currency Currency
}

var (
	// ErrInvalidAmount is wrapped by every ParseMoney error; the message names the input.
	ErrInvalidAmount = errors.New("invalid amount")
	// ErrCurrencyMismatch is wrapped when two amounts of different currencies meet.
	ErrCurrencyMismatch = errors.New("currencies differ")
	// ErrOverflow is wrapped when a result does not fit in int64 minor units.
	ErrOverflow = errors.New("amount out of range")
)

// ParseMoney reads a decimal amount exactly, without going through float: "12.3" EUR is 1230
// minor units. It accepts surrounding spaces, a leading '+' or '-', and ',' as a thousands
// separator in groups of three ("1,234.56"). It rejects more decimals than the currency has
// (JPY "1500.5", EUR "12.300") because they usually mean the wrong currency was assumed, and
// a point without digits on both sides ("12.", ".5").
func ParseMoney(s string, c Currency) (Money, error) {
	exp, err := c.Exponent()
	if err != nil {
		return Money{}, fmt.Errorf("%w %q: %w", ErrInvalidAmount, s, err)
	}
	minor, reason := parseMinor(s, exp, c)
	if reason != "" {
		return Money{}, fmt.Errorf("%w %q: %s", ErrInvalidAmount, s, reason)
	}
	return Money{Minor: minor, Currency: c}, nil
}

// parseMinor returns the amount in minor units, or a non-empty reason why s is not an amount.
func parseMinor(s string, exp int, c Currency) (int64, string) {
	text := strings.TrimSpace(s)
	if text == "" {
		return 0, "empty"
	}
	negative := false
	switch text[0] {
	case '+':
		text = text[1:]
	case '-':
		negative = true
		text = text[1:]
	}
	whole, frac, hasPoint := strings.Cut(text, ".")
	if whole == "" {
		return 0, "no digits before the decimal point"
	}
	if strings.Contains(frac, ".") {
		return 0, "more than one decimal point"
	}
	if hasPoint && frac == "" {
		return 0, "no digits after the decimal point"
	}
	wholeDigits, reason := ungroup(whole)
	if reason != "" {
		return 0, reason
	}
	if bad := firstNonDigit(frac); bad >= 0 {
		return 0, unexpectedCharacter(frac, bad)
	}
	if len(frac) > exp {
		return 0, fmt.Sprintf("%d decimals, but %s has %d", len(frac), c, exp)
	}
	digits := wholeDigits + frac + strings.Repeat("0", exp-len(frac))
	magnitude, ok := accumulateDigits(digits)
	if !ok {
		return 0, "too large"
	}
	if negative {
		return -magnitude, ""
	}
	return magnitude, ""
}

// ungroup checks the digits before the decimal point and removes thousands separators.
// Groups must be exact ("1,234,567"), and a grouped number may not start with 0, because
// "0,123" or "12,30" are far more likely decimal commas than thousands.
func ungroup(whole string) (string, string) {
	if !strings.Contains(whole, ",") {
		if bad := firstNonDigit(whole); bad >= 0 {
			return "", unexpectedCharacter(whole, bad)
		}
		return whole, ""
	}
	groups := strings.Split(whole, ",")
	for i, g := range groups {
		if bad := firstNonDigit(g); bad >= 0 {
			return "", unexpectedCharacter(g, bad)
		}
		first := i == 0
		if (first && (len(g) < 1 || len(g) > 3 || g[0] == '0')) || (!first && len(g) != 3) {
			return "", "thousands separators ',' must split the digits into groups of three"
		}
	}
	return strings.Join(groups, ""), ""
}

// firstNonDigit returns the index of the first byte of s that is not an ASCII digit, or -1.
func firstNonDigit(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return i
		}
	}
	return -1
}

// unexpectedCharacter names the whole character at byte i, so "€12" reports '€'.
func unexpectedCharacter(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return fmt.Sprintf("unexpected character %q", r)
}

// accumulateDigits converts ASCII digits to an int64, reporting false on overflow.
func accumulateDigits(digits string) (int64, bool) {
	var n int64
	for i := 0; i < len(digits); i++ {
		d := int64(digits[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// String shows the amount with its currency code, as on an invoice line: "12.30 EUR".
func (m Money) String() string {
	return m.Format() + " " + string(m.Currency)
}

// Format shows the amount without the currency code, with exactly as many decimals as the
// currency has ("12.30", "1500", "1.234", "-4.50"). An unknown currency is shown in plain
// minor units rather than guessing where the point goes.
func (m Money) Format() string {
	return formatMinor(m.Minor, m.exponentOrZero(), false)
}

// FormatGrouped is Format with thousands separators: "1,234,567.89". ParseMoney accepts it.
func (m Money) FormatGrouped() string {
	return formatMinor(m.Minor, m.exponentOrZero(), true)
}

func (m Money) exponentOrZero() int {
	exp, err := m.Currency.Exponent()
	if err != nil {
		return 0
	}
	return exp
}

func formatMinor(minor int64, exp int, grouped bool) string {
	magnitude := uint64(minor)
	if minor < 0 {
		magnitude = -magnitude // two's complement: also right for math.MinInt64
	}
	digits := strconv.FormatUint(magnitude, 10)
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	whole, frac := digits[:len(digits)-exp], digits[len(digits)-exp:]
	if grouped {
		whole = groupThousands(whole)
	}
	var b strings.Builder
	if minor < 0 {
		b.WriteByte('-')
	}
	b.WriteString(whole)
	if exp > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func groupThousands(digits string) string {
	var b strings.Builder
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

// Add returns m + o. Adding different currencies or overflowing int64 is an error.
func (m Money) Add(o Money) (Money, error) {
	if err := m.sameCurrency(o, "add"); err != nil {
		return Money{}, err
	}
	sum := m.Minor + o.Minor
	if (o.Minor > 0 && sum < m.Minor) || (o.Minor < 0 && sum > m.Minor) || sum == math.MinInt64 {
		return Money{}, fmt.Errorf("%w: %s + %s", ErrOverflow, m, o)
	}
	return Money{Minor: sum, Currency: m.Currency}, nil
}

// Sub returns m − o. Subtracting different currencies or overflowing int64 is an error.
func (m Money) Sub(o Money) (Money, error) {
	if err := m.sameCurrency(o, "subtract"); err != nil {
		return Money{}, err
	}
	diff := m.Minor - o.Minor
	if (o.Minor > 0 && diff > m.Minor) || (o.Minor < 0 && diff < m.Minor) || diff == math.MinInt64 {
		return Money{}, fmt.Errorf("%w: %s - %s", ErrOverflow, m, o)
	}
	return Money{Minor: diff, Currency: m.Currency}, nil
}

// MulQty returns the amount times a quantity (unit price × units), erroring on overflow.
func (m Money) MulQty(n int64) (Money, error) {
	hi, lo := bits.Mul64(absUint64(m.Minor), absUint64(n))
	if hi != 0 || lo > math.MaxInt64 {
		return Money{}, fmt.Errorf("%w: %s × %d", ErrOverflow, m, n)
	}
	product := int64(lo)
	if (m.Minor < 0) != (n < 0) {
		product = -product
	}
	return Money{Minor: product, Currency: m.Currency}, nil
}

// Neg returns −m (a refund of m). It cannot overflow for amounts built by this package.
func (m Money) Neg() Money {
	return Money{Minor: -m.Minor, Currency: m.Currency}
}

// IsZero reports whether the amount is zero, whatever its currency.
func (m Money) IsZero() bool {
	return m.Minor == 0
}

// Cmp returns -1, 0 or +1 as m is less than, equal to or greater than o. Amounts in different
// currencies cannot be compared without a rate, so that is an error rather than a guess.
func (m Money) Cmp(o Money) (int, error) {
	if err := m.sameCurrency(o, "compare"); err != nil {
		return 0, err
	}
	switch {
	case m.Minor < o.Minor:
		return -1, nil
	case m.Minor > o.Minor:
		return 1, nil
	}
	return 0, nil
}

func (m Money) sameCurrency(o Money, verb string) error {
	if m.Currency != o.Currency {
		return fmt.Errorf("%w: cannot %s %s and %s", ErrCurrencyMismatch, verb, m, o)
	}
	return nil
}

func absUint64(n int64) uint64 {
	if n < 0 {
		return -uint64(n)
	}
	return uint64(n)
}

// Allocate splits m into len(weights) parts proportional to the weights so that the parts add
// up to exactly m — a discount or tax spread over order lines never gains or loses a cent.
// Each part gets its exact share rounded towards zero; the minor units left over go one each
// to the parts with the largest remainders, ties to the earliest part (largest remainder
// method). A negative amount is split like its magnitude, then negated, so the split is
// symmetric. Weights must be non-negative with a positive total.
func (m Money) Allocate(weights []int64) ([]Money, error) {
	total, err := weightTotal(weights)
	if err != nil {
		return nil, err
	}
	magnitude := absUint64(m.Minor)
	shares := make([]uint64, len(weights))
	remainders := make([]uint64, len(weights))
	leftover := magnitude
	for i, w := range weights {
		// magnitude×w/total ≤ magnitude < 2^64, so the 128-bit division cannot overflow.
		hi, lo := bits.Mul64(magnitude, uint64(w))
		shares[i], remainders[i] = bits.Div64(hi, lo, total)
		leftover -= shares[i]
	}
	for _, i := range byLargestRemainder(remainders)[:leftover] {
		shares[i]++
	}
	parts := make([]Money, len(weights))
	for i, share := range shares {
		parts[i] = Money{Minor: int64(share), Currency: m.Currency}
		if m.Minor < 0 {
			parts[i].Minor = -parts[i].Minor
		}
	}
	return parts, nil
}

func weightTotal(weights []int64) (uint64, error) {
	if len(weights) == 0 {
		return 0, errors.New("allocate: no parts to split into")
	}
	var total uint64
	for i, w := range weights {
		if w < 0 {
			return 0, fmt.Errorf("allocate: part %d has negative weight %d", i+1, w)
		}
		var carry uint64
		total, carry = bits.Add64(total, uint64(w), 0)
		if carry != 0 {
			return 0, errors.New("allocate: weights add up to more than 2^64")
		}
	}
	if total == 0 {
		return 0, errors.New("allocate: all weights are zero")
	}
	return total, nil
}

// byLargestRemainder returns part indexes ordered by remainder, largest first; the stable
// sort keeps ties in part order so the earliest part wins.
func byLargestRemainder(remainders []uint64) []int {
	order := make([]int, len(remainders))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case remainders[a] > remainders[b]:
			return -1
		case remainders[a] < remainders[b]:
			return 1
		}
		return 0
	})
	return order
}
