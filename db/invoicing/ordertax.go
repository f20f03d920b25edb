package invoicing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db/orders"
	"oms/model"
)

// An order entered by hand is taxed when it is saved by OrderTax (db/orders cannot import this
// package, whose tests import it).
func init() {
	orders.RegisterOrderTax(func(ctx context.Context, tx *sqlx.Tx, orderID int64, day time.Time) (map[int64]model.TaxedLine, int64, error) {
		t, err := OrderTax(ctx, tx, orderID, day)
		return t.Lines, t.TaxMinor, err
	})
}

// The tax of an order entered by hand (a channel of kind manual), worked out the one way both
// the order (db/orders createManual, when it is saved) and its invoice (invoiceOf) use, so the
// order shows the VAT its invoice will charge on the same day.

// ErrNoCompany says the database has no company yet (`oms init` was not run): there is no
// seller to decide the tax of a sale.
var ErrNoCompany = errors.New("the database has no company yet: run oms init first")

// taxItem is an amount to tax: a line's amount after its discount (gross when prices include
// tax) in a product tax category; what names it in errors ("line 2 (TEE-1)", "shipping").
type taxItem struct {
	amount   int64
	category string
	what     string
}

// manualTax taxes items as the seller, buyer and ship-to of h and the tax_rates of day say:
// model.DecideTaxTreatment, the rate of each item's category (treatment.Rate) and
// model.ComputeDocumentTax at the seller's rounding level, inclusive or exclusive as the
// order's prices are. The lines of the result are in the order of items.
func manualTax(ctx context.Context, tx *sqlx.Tx, h orderHead, day time.Time, items []taxItem) (model.DocumentTax, model.TaxTreatment, error) {
	treatment, err := model.DecideTaxTreatment(
		model.TaxSeller{Country: h.SellerCountry, VATNumber: h.SellerVAT, OSSRegistered: h.OSS, OverDistanceSaleThreshold: h.OverThreshold},
		model.NewTaxBuyer(h.BillCountry, h.BillRegion, h.CustomerVAT, h.BillCompany),
		model.Address{Country: h.ShipCountry, Region: h.ShipRegion})
	if err != nil {
		return model.DocumentTax{}, model.TaxTreatment{}, fmt.Errorf("order %s: %w", h.Number, err)
	}
	var rates []model.TaxRate
	if treatment.ChargesTax() {
		if rates, err = taxRatesOf(ctx, tx, treatment.Country); err != nil {
			return model.DocumentTax{}, model.TaxTreatment{}, err
		}
	}
	basis := model.TaxExclusive
	if h.PricesIncludeTax {
		basis = model.TaxInclusive
	}
	taxable := make([]model.TaxableLine, 0, len(items))
	for _, it := range items {
		r, err := treatment.Rate(rates, it.category, day)
		if err != nil {
			return model.DocumentTax{}, model.TaxTreatment{}, fmt.Errorf("order %s %s: %w", h.Number, it.what, err)
		}
		taxable = append(taxable, model.TaxableLine{AmountMinor: it.amount, RatePPM: r.PPM})
	}
	level := model.RoundTaxPerLine
	if h.Rounding == "invoice" {
		level = model.RoundTaxPerInvoice
	}
	taxed, err := model.ComputeDocumentTax(taxable, basis, level)
	if err != nil {
		return model.DocumentTax{}, model.TaxTreatment{}, fmt.Errorf("order %s: %w", h.Number, err)
	}
	return taxed, treatment, nil
}

func lineWhat(l orderLine) string { return fmt.Sprintf("line %d (%s)", l.LineNo, l.SKU) }

// OrderTaxResult is the tax of a whole order: per order line (by its id) and of its shipping,
// their sum, and the note the treatment makes its invoice print (reverse charge, export) or "".
type OrderTaxResult struct {
	Lines    map[int64]model.TaxedLine
	Shipping model.TaxedLine
	TaxMinor int64
	Note     string
}

// OrderTax works out, inside tx, the tax of the stored order orderID on day as its invoice
// would charge it for an order entered by hand (see IssueForOrder): every line's amount after
// its discount and its share of the order's own discount (spreadOrderDiscount) in its product's
// tax category, and the shipping at the standard rate, taxed by
// manualTax. A rate missing for the destination and category is an error wrapping
// model.ErrNoTaxRate and naming the order and line; no company is ErrNoCompany.
func OrderTax(ctx context.Context, tx *sqlx.Tx, orderID int64, day time.Time) (OrderTaxResult, error) {
	var h orderHead
	err := tx.GetContext(ctx, &h, orderHeadSQL, orderID)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM company`); err == nil && n == 0 {
			return OrderTaxResult{}, ErrNoCompany
		}
		return OrderTaxResult{}, missing{ErrNoOrder, fmt.Sprintf("there is no order with id %d", orderID)}
	}
	if err != nil {
		return OrderTaxResult{}, err
	}
	var lines []orderLine
	if err := tx.SelectContext(ctx, &lines, orderLinesSQL, orderID); err != nil {
		return OrderTaxResult{}, err
	}
	shipDisc, err := spreadOrderDiscount(h, lines)
	if err != nil {
		return OrderTaxResult{}, err
	}
	items := make([]taxItem, 0, len(lines)+1)
	for _, l := range lines {
		items = append(items, taxItem{amount: l.Amount - l.Discount, category: l.Category, what: lineWhat(l)})
	}
	if h.ShippingMinor > 0 {
		items = append(items, taxItem{amount: h.ShippingMinor - shipDisc, category: model.TaxCategoryStandard, what: "shipping"})
	}
	taxed, treatment, err := manualTax(ctx, tx, h, day, items)
	if err != nil {
		return OrderTaxResult{}, err
	}
	out := OrderTaxResult{Lines: make(map[int64]model.TaxedLine, len(lines)), TaxMinor: taxed.TaxMinor, Note: treatment.Note}
	for i, l := range lines {
		out.Lines[l.ID] = taxed.Lines[i]
	}
	if h.ShippingMinor > 0 {
		out.Shipping = taxed.Lines[len(lines)]
	}
	return out, nil
}
