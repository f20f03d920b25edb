package model

import (
	"fmt"
	"math/big"
	"slices"
)

// InvoiceLine is one line of an invoice or credit note: Qty units at UnitMinor each, less
// DiscountMinor, plus TaxMinor at TaxRatePPM. Credit notes carry positive amounts too; the
// document's kind says which way the money goes.
type InvoiceLine struct {
	Qty, UnitMinor, DiscountMinor, TaxMinor int64
	TaxRatePPM                              int64
}

// Net is what the line charges before tax.
func (l InvoiceLine) Net() int64 { return l.Qty*l.UnitMinor - l.DiscountMinor }

// Total is what the line charges with tax.
func (l InvoiceLine) Total() int64 { return l.Net() + l.TaxMinor }

// TaxLine is a document's tax at one rate, in its own currency and in the base currency.
type TaxLine struct {
	RatePPM                        int64
	TaxableMinor, TaxMinor         int64
	TaxableBaseMinor, TaxBaseMinor int64
}

// InvoiceTotals are a document's header amounts, in its currency and in the base currency.
type InvoiceTotals struct {
	Subtotal, Tax, Total             int64
	SubtotalBase, TaxBase, TotalBase int64
	TaxLines                         []TaxLine // by rate, ascending
}

// Totals adds up lines in currency cur and converts each tax line into the base currency at
// rate (units of cur per unit of base, as fx_rates stores base → quote), rounding half away
// from zero. The database checks a document against exactly these rules when it is issued.
func Totals(lines []InvoiceLine, cur, base Currency, rate Rate) (InvoiceTotals, error) {
	var t InvoiceTotals
	byRate := map[int64]*TaxLine{}
	for i, l := range lines {
		if l.Qty <= 0 || l.UnitMinor < 0 || l.DiscountMinor < 0 || l.TaxMinor < 0 || l.Net() < 0 {
			return t, fmt.Errorf("line %d: quantities must be positive and amounts must not be negative", i+1)
		}
		tl := byRate[l.TaxRatePPM]
		if tl == nil {
			tl = &TaxLine{RatePPM: l.TaxRatePPM}
			byRate[l.TaxRatePPM] = tl
		}
		tl.TaxableMinor += l.Net()
		tl.TaxMinor += l.TaxMinor
		t.Subtotal += l.Net()
		t.Tax += l.TaxMinor
	}
	t.Total = t.Subtotal + t.Tax
	for _, tl := range byRate {
		var err error
		if tl.TaxableBaseMinor, err = ToBase(tl.TaxableMinor, cur, base, rate); err != nil {
			return t, err
		}
		if tl.TaxBaseMinor, err = ToBase(tl.TaxMinor, cur, base, rate); err != nil {
			return t, err
		}
		t.SubtotalBase += tl.TaxableBaseMinor
		t.TaxBase += tl.TaxBaseMinor
		t.TaxLines = append(t.TaxLines, *tl)
	}
	t.TotalBase = t.SubtotalBase + t.TaxBase
	slices.SortFunc(t.TaxLines, func(a, b TaxLine) int { return int(a.RatePPM - b.RatePPM) })
	return t, nil
}

// ToBase converts minor units of cur into the base currency at rate, which counts units of cur
// per unit of base (fx_rates' base → quote direction), rounding half away from zero as the
// database's round() does. The same currency needs a rate of exactly 1.
func ToBase(minor int64, cur, base Currency, rate Rate) (int64, error) {
	curExp, err := cur.Exponent()
	if err != nil {
		return 0, err
	}
	baseExp, err := base.Exponent()
	if err != nil {
		return 0, err
	}
	if rate.numerator <= 0 {
		return 0, fmt.Errorf("convert %d %s to %s: no exchange rate given", minor, cur, base)
	}
	if cur == base && rate.String() != "1" {
		return 0, fmt.Errorf("%s to %s must convert at 1, not %s", cur, base, rate)
	}
	// base minor = minor / 10^curExp / (numerator / 10^scale) × 10^baseExp
	num := new(big.Int).Mul(big.NewInt(minor), pow10(rate.scale+baseExp))
	den := new(big.Int).Mul(big.NewInt(rate.numerator), pow10(curExp))
	return divRound(num, den, HalfUp)
}
