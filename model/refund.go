package model

import (
	"errors"
	"fmt"
	"math"
	"math/big"
)

// ShippingRefund is how a refund treats what the customer paid for shipping.
type ShippingRefund string

const (
	ShippingNotRefunded     ShippingRefund = "none"         // shipping is never paid back
	ShippingShare           ShippingRefund = "share"        // in proportion to the units returned
	ShippingWhenAllReturned ShippingRefund = "all_returned" // whole, once every shipped unit is refunded
)

// Valid reports whether s is one of the shipping treatments.
func (s ShippingRefund) Valid() bool {
	return s == ShippingNotRefunded || s == ShippingShare || s == ShippingWhenAllReturned
}

// RefundPolicy is how a shop pays returns back.
type RefundPolicy struct {
	Shipping ShippingRefund
	FeePPM   map[string]int64 // restocking fee per return reason code, in millionths of the goods refunded
	RaisePPM int64            // how far a supervisor may raise the computed total, in millionths of it (CheckAdjusted)
}

// RefundLine is an order line as a refund sees it: its amounts as the channel stated them for
// Ordered units, and the units to pay back now.
type RefundLine struct {
	OrderLine      int64
	SKU            string
	Ordered        int64  // the units the line's amounts are for (> 0)
	AmountMinor    int64  // the line's amount before discount as the channel stated it (gross when tax is included)
	DiscountMinor  int64  // the line's discount
	TaxMinor       int64  // the line's tax (contained in the amount when tax is included)
	RefundedBefore int64  // units of the line refunded by earlier refunds
	Qty            int64  // units to refund now
	Reason         string // the return reason code: its restocking fee
}

// RefundInput is everything QuoteRefund needs: the order's lines and money, what earlier
// refunds paid back, and the policy.
type RefundInput struct {
	Currency               Currency
	TaxIncluded            bool // amounts are gross (tax included) rather than net with tax on top
	Lines                  []RefundLine
	ShippingPaidMinor      int64 // what the customer paid for shipping, its tax included
	ShippedUnits           int64 // units shipped on the order: the shipping share's denominator
	UnitsRefundedBefore    int64 // units of the order refunded by earlier refunds
	ShippingRefundedBefore int64 // shipping paid back by earlier refunds
	PaidMinor              int64 // what the customer paid for the order
	RefundedBeforeMinor    int64 // what earlier refunds paid back
	Policy                 RefundPolicy
}

// RefundQuoteLine is what one order line pays back.
type RefundQuoteLine struct {
	OrderLine  int64
	SKU        string
	Qty        int64
	GoodsMinor int64 // paid for these units, tax included
	TaxMinor   int64 // of which tax
	FeeMinor   int64 // restocking fee kept
	TotalMinor int64 // goods − fee
}

// RefundQuote is what a refund pays back, line by line and in all.
type RefundQuote struct {
	Currency      Currency
	Lines         []RefundQuoteLine // the lines with units to refund, in input order
	GoodsMinor    int64             // Σ lines' goods, tax included
	TaxMinor      int64             // Σ lines' tax
	ShippingMinor int64             // shipping paid back
	FeesMinor     int64             // Σ restocking fees kept
	TotalMinor    int64             // goods − fees + shipping, at most MaxMinor
	MaxMinor      int64             // what may still be paid back on the order: paid − refunded before
	Capped        bool              // the total was cut to MaxMinor
}

// QuoteRefund computes what a refund of in's units pays back, exactly, in integer minor units.
//
// A line's paid amount is amount − discount (+ tax unless tax is included). The units k0+1…k0+n
// of a line for q units get part(x, k0, n, q) = share(x, k0+n, q) − share(x, k0, q) of each
// amount x, where share(x, k, q) = x·k/q rounded half up: successive partial refunds of a line
// add up exactly to its whole. A line keeps a restocking fee of its goods × FeePPM[reason] / 10^6,
// rounded half up. Shipping is paid back as the policy says: never; its part for the units
// refunded now out of the units shipped; or what is left of it once every shipped unit is
// refunded. The total is goods − fees + shipping, cut to what may still be paid back on the
// order (paid − refunded before, never below 0).
func QuoteRefund(in RefundInput) (RefundQuote, error) {
	if err := checkRefundInput(in); err != nil {
		return RefundQuote{}, err
	}
	q := RefundQuote{Currency: in.Currency}
	var units int64
	var err error
	for _, l := range in.Lines {
		if err := checkRefundLine(l, in.Currency); err != nil {
			return RefundQuote{}, err
		}
		if l.Qty == 0 {
			continue
		}
		fee, ok := in.Policy.FeePPM[l.Reason]
		if ok && (fee < 0 || fee > ppm) {
			return RefundQuote{}, fmt.Errorf("%s: the restocking fee for reason %q is %s%%, outside 0…100%%",
				refundLineName(l), l.Reason, FormatTaxPercent(fee))
		}
		paid := l.AmountMinor - l.DiscountMinor
		if !in.TaxIncluded {
			if paid, err = addMinor(paid, l.TaxMinor); err != nil {
				return RefundQuote{}, fmt.Errorf("%s: %w", refundLineName(l), err)
			}
		}
		ql := RefundQuoteLine{
			OrderLine:  l.OrderLine,
			SKU:        l.SKU,
			Qty:        l.Qty,
			GoodsMinor: unitPart(paid, l.RefundedBefore, l.Qty, l.Ordered),
			TaxMinor:   unitPart(l.TaxMinor, l.RefundedBefore, l.Qty, l.Ordered),
		}
		ql.FeeMinor = ppmOf(ql.GoodsMinor, fee)
		ql.TotalMinor = ql.GoodsMinor - ql.FeeMinor
		q.Lines = append(q.Lines, ql)
		add := func(to *int64, x int64) {
			if err == nil {
				*to, err = addMinor(*to, x)
			}
		}
		add(&q.GoodsMinor, ql.GoodsMinor)
		add(&q.TaxMinor, ql.TaxMinor)
		add(&q.FeesMinor, ql.FeeMinor)
		add(&q.TotalMinor, ql.TotalMinor)
		add(&units, ql.Qty)
		if err != nil {
			return RefundQuote{}, fmt.Errorf("adding up the refund: %w", err)
		}
	}
	if len(q.Lines) == 0 {
		return RefundQuote{}, errors.New("nothing to refund")
	}
	q.ShippingMinor = refundShipping(in, units)
	if q.TotalMinor, err = addMinor(q.TotalMinor, q.ShippingMinor); err != nil {
		return RefundQuote{}, fmt.Errorf("adding up the refund: %w", err)
	}
	q.MaxMinor = max(in.PaidMinor-in.RefundedBeforeMinor, 0)
	if q.TotalMinor > q.MaxMinor {
		q.TotalMinor, q.Capped = q.MaxMinor, true
	}
	return q, nil
}

// refundShipping is the shipping paid back with units refunded now.
func refundShipping(in RefundInput, units int64) int64 {
	after, err := addMinor(in.UnitsRefundedBefore, units)
	if err != nil {
		after = math.MaxInt64 // past any number of units shipped: the share is the whole
	}
	switch in.Policy.Shipping {
	case ShippingShare:
		return unitShare(in.ShippingPaidMinor, after, in.ShippedUnits) -
			unitShare(in.ShippingPaidMinor, in.UnitsRefundedBefore, in.ShippedUnits)
	case ShippingWhenAllReturned:
		if after >= in.ShippedUnits {
			return max(in.ShippingPaidMinor-in.ShippingRefundedBefore, 0)
		}
	}
	return 0
}

func checkRefundInput(in RefundInput) error {
	if _, err := in.Currency.Exponent(); err != nil {
		return fmt.Errorf("a refund needs a known currency: %w", err)
	}
	if !in.Policy.Shipping.Valid() {
		return fmt.Errorf("the refund policy's shipping %q is not one of %q, %q or %q",
			string(in.Policy.Shipping), ShippingNotRefunded, ShippingShare, ShippingWhenAllReturned)
	}
	for _, a := range []struct {
		what  string
		minor int64
	}{
		{"the shipping paid", in.ShippingPaidMinor},
		{"the shipping refunded before", in.ShippingRefundedBefore},
		{"the amount paid", in.PaidMinor},
		{"the amount refunded before", in.RefundedBeforeMinor},
	} {
		if a.minor < 0 {
			return fmt.Errorf("%s is negative (%s)", a.what, Money{Minor: a.minor, Currency: in.Currency})
		}
	}
	switch {
	case in.ShippedUnits < 0:
		return fmt.Errorf("the order has %d units shipped; it cannot be fewer than 0", in.ShippedUnits)
	case in.UnitsRefundedBefore < 0:
		return fmt.Errorf("the order has %d units refunded before; it cannot be fewer than 0", in.UnitsRefundedBefore)
	}
	return nil
}

func checkRefundLine(l RefundLine, c Currency) error {
	name := refundLineName(l)
	for _, a := range []struct {
		what  string
		minor int64
	}{{"amount", l.AmountMinor}, {"discount", l.DiscountMinor}, {"tax", l.TaxMinor}} {
		if a.minor < 0 {
			return fmt.Errorf("%s: the line's %s is negative (%s)", name, a.what, Money{Minor: a.minor, Currency: c})
		}
	}
	switch {
	case l.DiscountMinor > l.AmountMinor:
		return fmt.Errorf("%s: the line's discount %s is more than its amount %s", name,
			Money{Minor: l.DiscountMinor, Currency: c}, Money{Minor: l.AmountMinor, Currency: c})
	case l.Ordered <= 0:
		return fmt.Errorf("%s: the line is for %d units; it needs at least 1", name, l.Ordered)
	case l.RefundedBefore < 0 || l.RefundedBefore > l.Ordered:
		return fmt.Errorf("%s: %d units refunded before, but the line is for %d", name, l.RefundedBefore, l.Ordered)
	case l.Qty < 0:
		return fmt.Errorf("%s: %d units to refund; a refund cannot take units back", name, l.Qty)
	case l.Qty > l.Ordered-l.RefundedBefore:
		return fmt.Errorf("%s: %d units to refund, but only %d of %d are not refunded yet",
			name, l.Qty, l.Ordered-l.RefundedBefore, l.Ordered)
	}
	return nil
}

// refundLineName names a line in an error: its SKU, or its order line when it has none.
func refundLineName(l RefundLine) string {
	if l.SKU != "" {
		return l.SKU
	}
	return fmt.Sprintf("order line %d", l.OrderLine)
}

// CheckAdjusted checks an amount a supervisor sets in place of the computed total: more than
// 0, no more than what is still unrefunded on the order (MaxMinor), and no more than the
// computed total raised by the policy's RaisePPM (rounded half up).
func (q RefundQuote) CheckAdjusted(amount int64, p RefundPolicy) error {
	money := func(minor int64) string { return Money{Minor: minor, Currency: q.Currency}.String() }
	if p.RaisePPM < 0 {
		return fmt.Errorf("the refund policy lets a supervisor raise a refund by %s%%; it cannot be negative",
			FormatTaxPercent(p.RaisePPM))
	}
	// limit = total + total × raise / 10^6, exact: it may exceed int64 when the raise is huge.
	raise := new(big.Int).Mul(big.NewInt(q.TotalMinor), big.NewInt(p.RaisePPM))
	raise.Add(raise, big.NewInt(ppm/2))
	raise.Quo(raise, big.NewInt(ppm))
	limit := raise.Add(raise, big.NewInt(q.TotalMinor))
	switch {
	case amount <= 0:
		return fmt.Errorf("a refund of %s is not more than 0", money(amount))
	case amount > q.MaxMinor:
		return fmt.Errorf("a refund of %s is more than the %s still unrefunded on the order",
			money(amount), money(q.MaxMinor))
	case limit.Cmp(big.NewInt(amount)) < 0:
		return fmt.Errorf("a refund of %s is more than the %s a supervisor may give (the computed %s + %s%%)",
			money(amount), money(limit.Int64()), money(q.TotalMinor), FormatTaxPercent(p.RaisePPM))
	}
	return nil
}

// InBase is the quote's total converted to the base currency at rate (one unit of the
// quote's currency = rate units of base), rounded half-even, for showing beside the amount in
// the order's currency.
func (q RefundQuote) InBase(base Currency, rate FXRate) (Money, error) {
	m, err := ConvertAt(Money{Minor: q.TotalMinor, Currency: q.Currency}, base, rate, ConversionRounding)
	if err != nil {
		return Money{}, fmt.Errorf("refund in %s: %w", base, err)
	}
	return m, nil
}

// unitShare is x's part for units 1…k of q, rounded half up (x ≥ 0): 0 for no units, x for
// all of them. The product x·k is taken exactly, so no amount can overflow.
func unitShare(x, k, q int64) int64 {
	if q <= 0 || k <= 0 {
		return 0
	}
	if k >= q {
		return x
	}
	num := new(big.Int).Mul(big.NewInt(x), big.NewInt(k))
	num.Lsh(num, 1)
	num.Add(num, big.NewInt(q))
	return num.Quo(num, new(big.Int).Lsh(big.NewInt(q), 1)).Int64() // ≤ x: fits
}

// unitPart is x's part for units k0+1…k0+n of q: the parts of successive refunds add up to x.
func unitPart(x, k0, n, q int64) int64 { return unitShare(x, k0+n, q) - unitShare(x, k0, q) }

// ppmOf is x × rate / 10^6 rounded half up, for 0 ≤ x and 0 ≤ rate ≤ 10^6 (so it fits).
func ppmOf(x, ratePPM int64) int64 {
	num := new(big.Int).Mul(big.NewInt(x), big.NewInt(ratePPM))
	num.Add(num, big.NewInt(ppm/2))
	return num.Quo(num, big.NewInt(ppm)).Int64()
}

// addMinor is a + b for amounts ≥ 0, or an error when the sum does not fit in int64.
func addMinor(a, b int64) (int64, error) {
	s := a + b
	if s < a {
		return 0, errOverflowResult
	}
	return s, nil
}
