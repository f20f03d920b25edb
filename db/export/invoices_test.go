package export_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	dbexport "oms/db/export"
)

// A document in a foreign currency converted at a rate stored only the other way round
// (USD → EUR 0.9223, fx_inverse) is exported with everything a finance system books it by:
// the customer and their VAT number, the order's date, the rate as stored and that it is
// inverse, its date, the base amounts, the note, and its tax per rate in both currencies; its
// credit note names the invoice it credits.
func TestInvoicesCarryWhatFinanceBooks(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	o := w.owner
	mustExec(t, o, `UPDATE customers SET vat_number = 'NL123456789B01' WHERE id = $1`, w.customer)
	mustExec(t, o, `INSERT INTO fx_rates (base, quote, rate_date, rate) VALUES ('USD', 'EUR', '2026-11-27', 0.9223)`)
	var order int64
	mustGet(t, o, &order, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
		VALUES ('EX-USD-1', $1, 'W-USD-1', $2, 'Anna de Vries', $3, 'USD', 11000, 2190, 13190,
		        '2026-11-26T09:30:00Z', '2026-11-28T09:30:00Z') RETURNING id`, w.web, w.customer, w.address)
	// 100.00 at 21 % and 10.00 at 9 %; base amounts are each tax line's amounts × 0.9223,
	// rounded half away from zero: 9223 + 1936.83→1937, 922.3→922 + 83.007→83.
	tx := o.MustBegin()
	var inv, cn int64
	mustGet(t, tx, &inv, `INSERT INTO invoices (series, kind, order_id, currency, subtotal_minor, tax_minor, total_minor,
		base_currency, fx_rate, fx_inverse, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor, notes)
		VALUES ('invoice', 'invoice', $1, 'USD', 11000, 2190, 13190, 'EUR', 0.9223, true, '2026-11-27', 10145, 2020, 12165,
		        'Export: a note as the law asks') RETURNING id`, order)
	mustExec(t, tx, `INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm,
		discount_minor, tax_minor, total_minor) VALUES ($1, 1, 'Mugs', 1, 10000, 210000, 0, 2100, 12100),
		($1, 2, 'Tea', 1, 1000, 90000, 0, 90, 1090)`, inv)
	mustExec(t, tx, `INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
		VALUES ($1, 90000, 1000, 90, 922, 83), ($1, 210000, 10000, 2100, 9223, 1937)`, inv)
	if err := tx.Commit(); err != nil {
		t.Fatalf("issuing the invoice: %v", err)
	}
	tx = o.MustBegin()
	mustGet(t, tx, &cn, `INSERT INTO invoices (series, kind, order_id, credited_invoice_id, currency, subtotal_minor, tax_minor,
		total_minor, base_currency, fx_rate, fx_inverse, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor, notes)
		VALUES ('credit_note', 'credit_note', $1, $2, 'USD', 1000, 90, 1090, 'EUR', 0.9223, true, '2026-11-27', 922, 83, 1005,
		        'Export: a note as the law asks') RETURNING id`, order, inv)
	mustExec(t, tx, `INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm,
		discount_minor, tax_minor, total_minor) VALUES ($1, 1, 'Tea', 1, 1000, 90000, 0, 90, 1090)`, cn)
	mustExec(t, tx, `INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
		VALUES ($1, 90000, 1000, 90, 922, 83)`, cn)
	if err := tx.Commit(); err != nil {
		t.Fatalf("issuing the credit note: %v", err)
	}

	var got []dbexport.Invoice
	if _, err := dbexport.New(o).Run(ctx, dbexport.Filter{}, func(r *dbexport.Reader) error {
		return r.Invoices(ctx, func(v dbexport.Invoice) error {
			got = append(got, v)
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d documents exported, want 2: %+v", len(got), got)
	}
	v := got[0]
	view := fmt.Sprintf("%s %s credits=%q order=%s %s ordered=%s customer=%s (%s) vat=%s %s %d+%d=%d base %s %s inverse=%v of %s: %d+%d=%d notes=%q",
		v.Kind, v.OrderNumber, v.CreditedNumber, v.Channel, v.ExternalID, v.OrderedAt.Format(time.RFC3339), v.CustomerName,
		v.CustomerCountry, v.CustomerVAT, v.Currency, v.SubtotalMinor, v.TaxMinor, v.TotalMinor, v.BaseCurrency, v.FXRate,
		v.FXInverse, v.FXDate, v.SubtotalBase, v.TaxBase, v.TotalBase, v.Notes)
	want := `invoice EX-USD-1 credits="" order=web W-USD-1 ordered=2026-11-26T09:30:00Z customer=Anna de Vries (NL) vat=NL123456789B01 USD 11000+2190=13190 base EUR 0.9223 inverse=true of 2026-11-27: 10145+2020=12165 notes="Export: a note as the law asks"`
	if view != want {
		t.Errorf("invoice:\n got  %s\n want %s", view, want)
	}
	if fmt.Sprint(v.Taxes) != "[{90000 1000 90 922 83} {210000 10000 2100 9223 1937}]" {
		t.Errorf("tax per rate: %v", v.Taxes)
	}
	if c := got[1]; c.Kind != "credit_note" || c.CreditedNumber != v.Number || v.Number == "" || !c.FXInverse ||
		fmt.Sprint(c.Taxes) != "[{90000 1000 90 922 83}]" {
		t.Errorf("credit note: %+v", c)
	}
}
