package seed

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"time"

	"oms/model"
)

// baseCurrency is the currency every document also states its amounts in: the base of every
// seeded exchange rate.
const baseCurrency = "EUR"

// docLine is one line of an invoice or credit note: qty units at unit, less discount, plus tax.
// orderLine is 0 for the shipping charge.
type docLine struct {
	orderLine                      int64
	desc                           string
	qty, unit, discount, rate, tax int64
}

func (d docLine) net() int64 { return d.qty*d.unit - d.discount }

// seqKey is a numbering sequence of documents: one per series and calendar year.
type seqKey struct {
	series string
	year   int
}

// billLine is the invoice or credit note line for n units of l: the line's own discount and tax
// when n covers every unit ordered, otherwise the units' share of the discount (rounded down)
// and the tax on what they cost after it.
func billLine(l lineCtx, n int64, cur string) (docLine, error) {
	d := docLine{orderLine: l.id, desc: l.product.name, qty: n, unit: l.unit, rate: l.ratePP,
		discount: l.discount, tax: l.tax}
	if n == l.q.Ordered {
		return d, nil
	}
	d.discount = l.discount * n / l.q.Ordered
	tax, err := model.TaxOf(model.Money{Minor: d.net(), Currency: model.Currency(cur)}, l.ratePP, model.TaxRounding)
	d.tax = tax.Minor
	return d, err
}

// document writes an invoice (credited = 0) or a credit note of credited with its lines and
// its tax lines per rate, numbered in its series and issue year without gaps, and converted to
// the base currency at the rate published on or before the day it was issued. Every amount is
// positive: the kind says which way the money goes. It returns the id, number and total.
func (g *renderer) document(o *orderCtx, b *batch, credited int64, issued time.Time, lines []docLine) (int64, string, int64, error) {
	kind, series := "invoice", g.w.next.invoice
	if credited != 0 {
		kind, series = "credit_note", g.w.next.creditNote
	}
	g.n.invoice++
	id := g.n.invoice
	year := issued.UTC().Year()
	key := seqKey{series.code, year}
	g.n.docSeq[key]++
	seq := g.n.docSeq[key]
	number := fmt.Sprintf("%s%d-%0*d", series.prefix, year, series.width, seq)

	rate, fxDate, micro := "1", issued.UTC().Format(time.DateOnly), int64(0)
	if o.cur != baseCurrency {
		day, err := g.w.fx.on(o.cur, issued)
		if err != nil {
			return 0, "", 0, err
		}
		rate, fxDate, micro = formatMicro(day.micro), day.day.Format(time.DateOnly), day.micro
	}
	exp, err := model.Currency(o.cur).Exponent()
	if err != nil {
		return 0, "", 0, err
	}

	var subtotal, tax, subtotalBase, taxBase int64
	type taxLine struct{ rate, taxable, tax int64 }
	var perRate []taxLine
	for i, d := range lines {
		b.invoiceLines.add(id, int64(i+1), nullable(d.orderLine), d.desc, d.qty, d.unit, d.rate,
			d.discount, d.tax, d.net()+d.tax)
		subtotal += d.net()
		tax += d.tax
		k := slices.IndexFunc(perRate, func(t taxLine) bool { return t.rate == d.rate })
		if k < 0 {
			perRate = append(perRate, taxLine{rate: d.rate})
			k = len(perRate) - 1
		}
		perRate[k].taxable += d.net()
		perRate[k].tax += d.tax
	}
	slices.SortFunc(perRate, func(a, b taxLine) int { return cmp.Compare(a.rate, b.rate) })
	for _, t := range perRate {
		taxableBase, err := toBase(t.taxable, exp, micro)
		if err != nil {
			return 0, "", 0, err
		}
		tBase, err := toBase(t.tax, exp, micro)
		if err != nil {
			return 0, "", 0, err
		}
		b.invoiceTaxLines.add(id, t.rate, t.taxable, t.tax, taxableBase, tBase)
		subtotalBase += taxableBase
		taxBase += tBase
	}
	b.invoices.add(id, series.code, int64(year), seq, number, kind, o.id, nullable(credited), o.cur,
		subtotal, tax, subtotal+tax, issued, baseCurrency, rate, fxDate, subtotalBase, taxBase,
		subtotalBase+taxBase, o.taxNote)
	return id, number, subtotal + tax, nil
}

// toBase converts minor units of a currency with exponent exp into euro cents at rateMicro
// micro-units of that currency per euro (0 for the euro itself), exactly as the database
// checks it: round(minor × 10^(2 − exp) / rate), halves away from zero. Integer arithmetic, so
// no rounding happens before the last step.
func toBase(minor int64, exp int, rateMicro int64) (int64, error) {
	if rateMicro == 0 {
		return minor, nil
	}
	baseExp, err := model.Currency(baseCurrency).Exponent()
	if err != nil {
		return 0, err
	}
	num := new(big.Int).Mul(big.NewInt(minor), big.NewInt(1_000_000))
	den := big.NewInt(rateMicro)
	if shift := baseExp - exp; shift >= 0 {
		num.Mul(num, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(shift)), nil))
	} else {
		den.Mul(den, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(-shift)), nil))
	}
	q, r := new(big.Int).QuoRem(num, den, new(big.Int)) // truncates towards zero
	if r.Abs(r).Lsh(r, 1).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	if !q.IsInt64() {
		return 0, fmt.Errorf("seed: %d minor units at %s do not fit in euro cents", minor, formatMicro(rateMicro))
	}
	return q.Int64(), nil
}

// invoice bills an order once everything open on it has shipped: one line per order line for
// the shipped units, one for shipping.
func (g *renderer) invoice(o *orderCtx, b *batch) error {
	if !fullyShipped(o.p.status) {
		return nil
	}
	var lines []docLine
	for _, l := range o.lines {
		if l.q.Shipped == 0 {
			continue
		}
		d, err := billLine(l, l.q.Shipped, o.cur)
		if err != nil {
			return err
		}
		lines = append(lines, d)
	}
	if o.shipping > 0 {
		lines = append(lines, docLine{desc: "Shipping — " + o.svc.name, qty: 1, unit: o.shipping,
			rate: o.shipRate, tax: o.shipTax})
	}
	var err error
	o.invoiceID, o.invoiceNumber, _, err = g.document(o, b, 0, o.t.ship, lines)
	return err
}

func fullyShipped(s model.OrderStatus) bool {
	return s == model.StatusShipped || s == model.StatusDelivered || s == model.StatusPartiallyReturned ||
		s == model.StatusReturned
}
