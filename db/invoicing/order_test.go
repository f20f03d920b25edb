package invoicing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"oms/db"
	"oms/db/company"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// shop is a business to invoice from: Jansen Trading B.V. (NL, EUR, VAT NL123456789B01) with a
// DC whose bin holds mugs and tea, a webshop per currency (EUR, USD, GBP) that states its tax,
// a phone channel (kind manual) whose orders oms taxes, and the tax rates of NL, DE and FR.
type shop struct {
	owner, bo                       *db.DB
	s                               *Store // as a back-office clerk
	wh, bin, pack, ret, cust, suppl int64
	mug, tea                        int64
	channel                         map[string]int64
	n                               atomic.Int64
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustGet(t *testing.T, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func newShop(t *testing.T) *shop {
	t.Helper()
	ctx := context.Background()
	w := &shop{owner: dbtest.New(t), channel: map[string]int64{}}
	o := w.owner
	if _, err := company.New(o).Init(ctx, company.Company{Name: "Jansen Trading B.V.", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if err := company.New(o).SetTaxSettings(ctx, company.TaxSettings{VATNumber: "nl 1234.56789.B01"}); err != nil {
		t.Fatal(err)
	}
	mustGet(t, o, &w.wh, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`)
	mustGet(t, o, &w.bin, `INSERT INTO locations (warehouse_id, code, kind, pick_seq) VALUES ($1, 'A-01', 'bin', 1) RETURNING id`, w.wh)
	mustGet(t, o, &w.pack, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'PACK-1', 'packing') RETURNING id`, w.wh)
	mustGet(t, o, &w.ret, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'RET-1', 'returns') RETURNING id`, w.wh)
	mustGet(t, o, &w.cust, `SELECT id FROM locations WHERE kind = 'customer'`)
	mustGet(t, o, &w.suppl, `SELECT id FROM locations WHERE kind = 'supplier'`)
	mustGet(t, o, &w.mug, `INSERT INTO products (sku, name, tax_category) VALUES ('MUG-1', 'Stoneware mug', 'standard') RETURNING id`)
	mustGet(t, o, &w.tea, `INSERT INTO products (sku, name, tax_category) VALUES ('TEA-1', 'Green tea', 'reduced') RETURNING id`)
	for _, p := range []int64{w.mug, w.tea} {
		if err := stock.New(o).Post(ctx, fmt.Sprintf("receive-%d", p), stock.Movement{Product: p, From: w.suppl, To: w.bin, Qty: 500, Kind: model.MoveReceipt}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ code, kind, cur string }{
		{"web", "webshop", "EUR"}, {"web-us", "webshop", "USD"}, {"web-uk", "webshop", "GBP"}, {"phone", "manual", "EUR"},
	} {
		var id int64
		mustGet(t, o, &id, `INSERT INTO channels (code, name, kind, currency, warehouse_id) VALUES ($1, $1, $2, $3, $4) RETURNING id`,
			c.code, c.kind, c.cur, w.wh)
		w.channel[c.code] = id
	}
	mustExec(t, o, `INSERT INTO tax_rates (country, tax_category, name, rate_ppm, valid_from) VALUES
		('NL', 'standard', 'BTW 21%', 210000, '2019-01-01'), ('NL', 'reduced', 'BTW 9%', 90000, '2019-01-01'),
		('DE', 'standard', 'USt 19%', 190000, '2007-01-01'), ('DE', 'reduced', 'USt 7%', 70000, '2007-01-01'),
		('FR', 'standard', 'TVA 20%', 200000, '2014-01-01'), ('FR', 'reduced', 'TVA 5,5%', 55000, '2014-01-01')`)
	w.bo = dbtest.LoginAs(t, o, "backoffice")
	w.s = New(w.bo)
	return w
}

// buyer is who orders: a customer with a country and maybe a VAT number, shipped to Country
// (and billed there, with Company on the bill-to address when set).
type buyer struct {
	Name, Country, VAT, Company string
}

// line is an order line as a channel states it: qty units for amount, less discount, with tax
// at rate.
type line struct {
	product                    int64
	qty, amount, discount, tax int64
	rate                       int64
}

// orderSpec is an order to make.
type orderSpec struct {
	channel   string
	buyer     buyer
	inclusive bool
	shipping  int64
	shipTax   int64
	discount  int64 // the order's own discount, on top of its lines'
	lines     []line
}

// order makes the order and returns its id, number and its lines' ids.
func (w *shop) order(t *testing.T, o orderSpec) (id int64, number string, lines []int64) {
	t.Helper()
	d := w.owner
	n := w.n.Add(1)
	number = fmt.Sprintf("SO-%04d", n)
	if o.buyer.Name == "" {
		o.buyer = buyer{Name: "Anna de Vries", Country: "NL"}
	}
	var cur string
	mustGet(t, d, &cur, `SELECT currency FROM channels WHERE id = $1`, w.channel[o.channel])
	var cust, addr int64
	mustGet(t, d, &cust, `INSERT INTO customers (channel_id, external_id, name, email, country, currency, vat_number)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, w.channel[o.channel], number, o.buyer.Name,
		strings.ToLower(number)+"@example.com", o.buyer.Country, cur, o.buyer.VAT)
	mustGet(t, d, &addr, `INSERT INTO addresses (customer_id, name, company, line1, city, postal_code, country)
		VALUES ($1, $2, $3, 'Hauptstraße 1', 'Somewhere', '12345', $4) RETURNING id`, cust, o.buyer.Name, o.buyer.Company, o.buyer.Country)
	var subtotal, tax int64
	discount := o.discount
	for _, l := range o.lines {
		subtotal += l.amount
		discount += l.discount
		tax += l.tax
	}
	tax += o.shipTax
	total := subtotal - discount + o.shipping
	if !o.inclusive {
		total += tax
	}
	mustGet(t, d, &id, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
		bill_to_address_id, currency, subtotal_minor, discount_minor, shipping_minor, tax_minor, total_minor,
		prices_include_tax, ordered_at, promised_at, warehouse_id)
		VALUES ($1, $2, $1, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, now(), now() + interval '2 days', $13) RETURNING id`,
		number, w.channel[o.channel], cust, o.buyer.Name, addr, cur, subtotal, discount, o.shipping, tax, total, o.inclusive, w.wh)
	for i, l := range o.lines {
		var lid int64
		mustGet(t, d, &lid, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor,
			amount_minor, discount_minor, tax_minor, tax_rate_ppm, qty_ordered)
			VALUES ($1, $2::int, $2::text, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			id, i+1, l.product, l.amount/l.qty, l.amount, l.discount, l.tax, l.rate, l.qty)
		lines = append(lines, lid)
	}
	return id, number, lines
}

// ship takes qty units of an order line through reservation, picking, packing and shipping.
func (w *shop) ship(t *testing.T, lineID, product, qty int64) {
	t.Helper()
	ctx := context.Background()
	k := fmt.Sprintf("%d-%d", lineID, w.n.Add(1))
	ledger := stock.New(w.owner)
	var packed int64
	mustGet(t, w.owner, &packed, `SELECT qty_packed FROM order_lines WHERE id = $1`, lineID)
	for _, err := range []error{
		ledger.Reserve(ctx, "reserve-"+k, stock.Reservation{OrderLine: lineID, Location: w.bin, Product: product, Qty: qty}),
		ledger.Post(ctx, "pick-"+k, stock.Movement{Product: product, From: w.bin, To: w.pack, Qty: qty, Kind: model.MovePick, OrderLine: lineID}),
		orders.New(w.owner).SetPacked(ctx, "pack-"+k, orders.Packed{Line: lineID, Packed: packed + qty}),
		ledger.Post(ctx, "ship-"+k, stock.Movement{Product: product, From: w.pack, To: w.cust, Qty: qty, Kind: model.MoveShip, OrderLine: lineID}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// giveBack receives qty units of an order line back from the customer on an RMA.
func (w *shop) giveBack(t *testing.T, order, lineID, product, qty int64) {
	t.Helper()
	var rma, rmaLine int64
	mustGet(t, w.owner, &rma, `INSERT INTO rmas (number, order_id, status) VALUES ($1, $2, 'authorized') RETURNING id`,
		fmt.Sprintf("RMA-%06d", w.n.Add(1)), order)
	mustGet(t, w.owner, &rmaLine, `INSERT INTO rma_lines (rma_id, order_line_id, qty_requested) VALUES ($1, $2, $3) RETURNING id`, rma, lineID, qty)
	if err := stock.New(w.owner).Post(context.Background(), fmt.Sprintf("return-%d", rmaLine), stock.Movement{Product: product,
		From: w.cust, To: w.ret, Qty: qty, Kind: model.MoveReturn, OrderLine: lineID, RMALine: rmaLine}); err != nil {
		t.Fatal(err)
	}
}

func (w *shop) today(t *testing.T) string {
	t.Helper()
	var d string
	mustGet(t, w.owner, &d, `SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`)
	return d
}

func (w *shop) daysAgo(t *testing.T, n int) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, w.today(t))
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, -n)
}

func (w *shop) setRate(t *testing.T, base, quote model.Currency, on time.Time, r string) {
	t.Helper()
	rate, err := model.ParseRate(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.SetRate(context.Background(), FXEntry{Base: base, Quote: quote, Date: on, Rate: rate}); err != nil {
		t.Fatal(err)
	}
}

func (w *shop) doc(t *testing.T, number string) IssuedDocument {
	t.Helper()
	d, err := w.s.Document(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// lineView is a document line as "SKU qty×unit−discount+tax@rate=total".
func lineView(l DocLine) string {
	return strings.TrimSpace(fmt.Sprintf("%s %d×%d−%d+%d@%d=%d", l.SKU, l.Qty, l.UnitMinor, l.DiscountMinor, l.TaxMinor, l.TaxRatePPM, l.TotalMinor))
}

func linesView(d IssuedDocument) string {
	var out []string
	for _, l := range d.Lines {
		out = append(out, lineView(l))
	}
	return strings.Join(out, "; ")
}

func taxView(d IssuedDocument) string {
	var out []string
	for _, tl := range d.TaxLines {
		out = append(out, fmt.Sprintf("%d: %d/%d → %d/%d", tl.RatePPM, tl.TaxableMinor, tl.TaxMinor, tl.TaxableBaseMinor, tl.TaxBaseMinor))
	}
	return strings.Join(out, "; ")
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	mustGet(t, d, &n, q, args...)
	return n
}

// An imported USD order, partly shipped: the invoice bills the shipped units with their share
// of each line's amount, discount and tax as the channel stated them, plus shipping, converted to
// EUR at the rate in force (stored three days ago: the invoice names that date). The same key
// again returns the same invoice; with another key there is nothing left, in a sentence; the
// last unit shipped later is billed with the rest of its line, without shipping again.
func TestIssueForAShippedImportedOrder(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	w.setRate(t, "EUR", "USD", w.daysAgo(t, 3), "1.0842")
	w.setRate(t, "EUR", "USD", w.daysAgo(t, 30), "1.2")
	id, number, lines := w.order(t, orderSpec{channel: "web-us", shipping: 495, shipTax: 104, lines: []line{
		{product: w.mug, qty: 3, amount: 1999, discount: 300, tax: 357, rate: 210000},
		{product: w.tea, qty: 2, amount: 1000, tax: 90, rate: 90000},
	}})
	w.ship(t, lines[0], w.mug, 2)
	w.ship(t, lines[1], w.tea, 2)

	first, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(first.Number, "INV-") {
		t.Fatalf("issued %+v", first)
	}
	d := w.doc(t, first.Number)
	// MUG: 2 of 3 units: 1333 of 1999, 200 of 300 discount, 238 of 357 tax; net 1133 as
	// 2 × 6.67 less 2.01. TEA: both units. Shipping: the order's tax less the lines' (551 − 447).
	if got, want := linesView(d), "MUG-1 2×667−201+238@210000=1371; TEA-1 2×500−0+90@90000=1090; 1×495−0+104@210000=599"; got != want {
		t.Errorf("lines\n got  %s\n want %s", got, want)
	}
	if d.Subtotal != 2628 || d.Tax != 432 || d.Total != 3060 || d.Currency != "USD" || d.BaseCurrency != "EUR" {
		t.Errorf("totals %d + %d = %d %s (base %s)", d.Subtotal, d.Tax, d.Total, d.Currency, d.BaseCurrency)
	}
	// Base amounts per tax line at 1.0842 USD per EUR, half away from zero.
	if got, want := taxView(d), "90000: 1000/90 → 922/83; 210000: 1628/342 → 1502/315"; got != want {
		t.Errorf("tax lines\n got  %s\n want %s", got, want)
	}
	if d.SubtotalBase != 2424 || d.TaxBase != 398 || d.TotalBase != 2822 {
		t.Errorf("base totals %d + %d = %d", d.SubtotalBase, d.TaxBase, d.TotalBase)
	}
	if d.FXRate != "1.0842" || d.FXInverse || d.FXDate.Format(time.DateOnly) != w.daysAgo(t, 3).Format(time.DateOnly) || d.Notes != "" {
		t.Errorf("fx %s (inverse %v) of %s, notes %q", d.FXRate, d.FXInverse, d.FXDate.Format(time.DateOnly), d.Notes)
	}

	again, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
	if err != nil || again != first {
		t.Fatalf("the same key again: %+v, %v; want %+v", again, err, first)
	}
	_, err = w.s.IssueForOrder(ctx, "issue-"+number+"-b", id)
	var nothing *NothingError
	if !errors.As(err, &nothing) || !errors.Is(err, ErrNothingToInvoice) ||
		err.Error() != "order "+number+" has nothing shipped that is not invoiced yet" {
		t.Fatalf("nothing more to invoice: %v", err)
	}
	if n := count(t, w.owner, `SELECT count(*) FROM invoices WHERE order_id = $1`, id); n != 1 {
		t.Fatalf("%d invoices, want 1", n)
	}

	w.ship(t, lines[0], w.mug, 1)
	second, err := w.s.IssueForOrder(ctx, "issue-"+number+"-c", id)
	if err != nil {
		t.Fatal(err)
	}
	d2 := w.doc(t, second.Number)
	if got, want := linesView(d2), "MUG-1 1×666−100+119@210000=685"; got != want {
		t.Errorf("the last unit: %s, want %s", got, want)
	}
	var billed struct {
		Net int64 `db:"net"`
		Tax int64 `db:"tax"`
	}
	mustGet(t, w.owner, &billed, `SELECT sum(qty * unit_price_minor - discount_minor) AS net, sum(tax_minor) AS tax
		FROM invoice_lines WHERE order_line_id = $1`, lines[0])
	if billed.Net != 1999-300 || billed.Tax != 357 {
		t.Errorf("the mug line was billed %d net and %d tax in all, want the order's 1699 and 357", billed.Net, billed.Tax)
	}
}

// A GBP order when only GBP → EUR is stored: the invoice states the stored rate the way it is
// stored (fx_inverse) and its base amounts are its amounts times it, which the database's
// issue-time check accepts (migration 00027).
func TestIssueAtAnInverseRate(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	w.setRate(t, "GBP", "EUR", w.daysAgo(t, 1), "1.1737")
	id, _, lines := w.order(t, orderSpec{channel: "web-uk", lines: []line{{product: w.mug, qty: 1, amount: 1999, tax: 400, rate: 200000}}})
	w.ship(t, lines[0], w.mug, 1)
	iss, err := w.s.IssueForOrder(ctx, "issue-gbp", id)
	if err != nil {
		t.Fatal(err)
	}
	d := w.doc(t, iss.Number)
	// 19.99 × 1.1737 = 23.462… → 23.46; 4.00 × 1.1737 = 4.6948 → 4.69.
	if !d.FXInverse || d.FXRate != "1.1737" || d.FXDate.Format(time.DateOnly) != w.daysAgo(t, 1).Format(time.DateOnly) ||
		d.SubtotalBase != 2346 || d.TaxBase != 469 || d.TotalBase != 2815 {
		t.Errorf("fx %s inverse %v of %s; base %d + %d = %d", d.FXRate, d.FXInverse, d.FXDate.Format(time.DateOnly),
			d.SubtotalBase, d.TaxBase, d.TotalBase)
	}
}

// No rate of the pair either way on or before the day: the error names the pair and the day, and
// nothing is written, not even the key.
func TestIssueWithoutARateWritesNothing(t *testing.T) {
	w := newShop(t)
	id, _, lines := w.order(t, orderSpec{channel: "web-us", lines: []line{{product: w.mug, qty: 1, amount: 1000}}})
	w.ship(t, lines[0], w.mug, 1)
	w.setRate(t, "EUR", "USD", w.daysAgo(t, -1), "1.08") // tomorrow's does not count
	_, err := w.s.IssueForOrder(context.Background(), "issue-no-rate", id)
	var nr *NoRateError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "no EUR→USD rate on or before "+w.today(t)) {
		t.Fatalf("without a rate: %v", err)
	}
	if n := count(t, w.owner, `SELECT count(*) FROM invoices`) + count(t, w.owner, `SELECT count(*) FROM idempotency_keys WHERE key = 'issue-no-rate'`); n != 0 {
		t.Fatalf("%d rows written", n)
	}
}

// Orders entered by hand are taxed by oms. To a German business with a valid VAT number: reverse
// charge, no VAT and the mention on the invoice. To a French consumer while the seller is in the
// One Stop Shop: French VAT. Three lines of 0.99 at 20 % carry 60 cents rounded per line and 59
// per invoice (model's TestDocumentTaxPerLineAndPerInvoiceDiffer).
func TestManualOrdersAreTaxedHere(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	issue := func(o orderSpec) IssuedDocument {
		t.Helper()
		id, number, lines := w.order(t, o)
		for i, l := range lines {
			w.ship(t, l, o.lines[i].product, o.lines[i].qty)
		}
		iss, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
		if err != nil {
			t.Fatal(err)
		}
		return w.doc(t, iss.Number)
	}

	b2b := issue(orderSpec{channel: "phone", buyer: buyer{Name: "Müller GmbH", Country: "DE", VAT: "DE123456789", Company: "Müller GmbH"},
		lines: []line{{product: w.mug, qty: 2, amount: 2000}, {product: w.tea, qty: 1, amount: 500}}})
	if b2b.Tax != 0 || b2b.Total != 2500 || b2b.Notes != model.ReverseChargeNote || linesView(b2b) != "MUG-1 2×1000−0+0@0=2000; TEA-1 1×500−0+0@0=500" {
		t.Errorf("reverse charge: %s, tax %d, total %d, notes %q", linesView(b2b), b2b.Tax, b2b.Total, b2b.Notes)
	}
	if b2b.Buyer.VATNumber != "DE123456789" || b2b.Seller.VATNumber != "NL123456789B01" {
		t.Errorf("VAT numbers: buyer %q seller %q", b2b.Buyer.VATNumber, b2b.Seller.VATNumber)
	}

	if err := company.New(w.owner).SetTaxSettings(ctx, company.TaxSettings{VATNumber: "NL123456789B01", OSSRegistered: true}); err != nil {
		t.Fatal(err)
	}
	cents := []line{{product: w.mug, qty: 1, amount: 99}, {product: w.mug, qty: 1, amount: 99}, {product: w.mug, qty: 1, amount: 99}}
	perLine := issue(orderSpec{channel: "phone", buyer: buyer{Name: "Claire Dubois", Country: "FR"}, lines: cents})
	if perLine.Tax != 60 || perLine.Total != 357 || perLine.Notes != "" || taxView(perLine) != "200000: 297/60 → 297/60" {
		t.Errorf("OSS, per line: tax %d total %d notes %q %s", perLine.Tax, perLine.Total, perLine.Notes, taxView(perLine))
	}
	if err := company.New(w.owner).SetTaxSettings(ctx, company.TaxSettings{VATNumber: "NL123456789B01", OSSRegistered: true,
		Rounding: company.RoundPerInvoice}); err != nil {
		t.Fatal(err)
	}
	perInvoice := issue(orderSpec{channel: "phone", buyer: buyer{Name: "Claire Dubois", Country: "FR"}, lines: cents})
	if perInvoice.Tax != 59 || perInvoice.Total != 356 || linesView(perInvoice) != "MUG-1 1×99−0+20@200000=119; MUG-1 1×99−0+20@200000=119; MUG-1 1×99−0+19@200000=118" {
		t.Errorf("OSS, per invoice: tax %d total %d: %s", perInvoice.Tax, perInvoice.Total, linesView(perInvoice))
	}

	// Not in the One Stop Shop and under the threshold: the seller's own (Dutch) VAT.
	if err := company.New(w.owner).SetTaxSettings(ctx, company.TaxSettings{VATNumber: "NL123456789B01"}); err != nil {
		t.Fatal(err)
	}
	origin := issue(orderSpec{channel: "phone", buyer: buyer{Name: "Claire Dubois", Country: "FR"}, lines: []line{{product: w.tea, qty: 1, amount: 1000}}})
	if origin.Tax != 90 {
		t.Errorf("distance sale at origin: tax %d, want NL's 9 %% of 10.00", origin.Tax)
	}
}

// The seller's tax settings: a VAT number that is not well formed, or of another country, is
// refused; the back office may not change them.
func TestSellerTaxSettings(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	admin := company.New(dbtest.LoginAs(t, w.owner, "admin"))
	if err := admin.SetTaxSettings(ctx, company.TaxSettings{VATNumber: "NL12345"}); err == nil || !errors.Is(err, model.ErrInvalidVATNumber) {
		t.Errorf("a short number: %v", err)
	}
	if err := admin.SetTaxSettings(ctx, company.TaxSettings{VATNumber: "DE123456789"}); err == nil ||
		err.Error() != "VAT number DE123456789 is from DE, but the company is established in NL" {
		t.Errorf("another country's number: %v", err)
	}
	if err := admin.SetTaxSettings(ctx, company.TaxSettings{VATNumber: "NL123456789B01", Rounding: company.RoundPerInvoice, OverDistanceThreshold: true}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := admin.TaxSettings(ctx)
	if !ok || err != nil || got != (company.TaxSettings{VATNumber: "NL123456789B01", Rounding: "invoice", OverDistanceThreshold: true}) {
		t.Errorf("read back %+v %v %v", got, ok, err)
	}
	if err := company.New(w.bo).SetTaxSettings(ctx, company.TaxSettings{}); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("the back office set the seller's tax settings: %v", err)
	}
}

// Units returned after they were invoiced are credited against that invoice, at its prices and
// rate, once; the database refuses any credit beyond the invoice's total, in a sentence.
func TestCreditReturnedUnits(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	id, number, lines := w.order(t, orderSpec{channel: "web", shipping: 495, shipTax: 104, lines: []line{
		{product: w.mug, qty: 3, amount: 1999, discount: 300, tax: 357, rate: 210000}}})
	if _, err := w.s.CreditReturns(ctx, "credit-none", id); err == nil ||
		err.Error() != "order "+number+" has nothing returned that is not credited yet" {
		t.Fatalf("before anything came back: %v", err)
	}
	w.ship(t, lines[0], w.mug, 3)
	inv, err := w.s.IssueForOrder(ctx, "issue-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	w.giveBack(t, id, lines[0], w.mug, 2)
	notes, err := w.s.CreditReturns(ctx, "credit-"+number, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0].Number, "CN-") {
		t.Fatalf("credit notes %+v", notes)
	}
	cn := w.doc(t, notes[0].Number)
	if cn.Kind != CreditNote || cn.Credits != inv.Number || linesView(cn) != "MUG-1 2×667−201+238@210000=1371" {
		t.Errorf("credit note %s of %q: %s", cn.Kind, cn.Credits, linesView(cn))
	}
	if again, err := w.s.CreditReturns(ctx, "credit-"+number, id); err != nil || len(again) != 1 || again[0] != notes[0] {
		t.Errorf("the same key again: %+v, %v", again, err)
	}
	if _, err := w.s.CreditReturns(ctx, "credit-"+number+"-b", id); !errors.Is(err, ErrNothingToInvoice) {
		t.Errorf("credited already: %v", err)
	}

	// A credit note for more than is left of the invoice (12.84 of the invoice's 26.55 is left).
	_, err = w.s.Issue(ctx, "credit-too-much", Document{Kind: CreditNote, Series: "credit_note", Order: id,
		Credits: w.doc(t, inv.Number).ID, Currency: "EUR", BaseCurrency: "EUR", FXRate: "1", FXDate: time.Now().UTC(),
		Lines: []Line{{OrderLine: lines[0], Description: "Stoneware mug", InvoiceLine: model.InvoiceLine{Qty: 1, UnitMinor: 2000}}}})
	want := "the credit note for order " + number + " would bring the credits on " + inv.Number + " to 33.71 EUR, more than its total of 26.55 EUR"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("crediting too much: %v\nwant %s", err, want)
	}
	if n := count(t, w.owner, `SELECT count(*) FROM invoices WHERE kind = 'credit_note'`); n != 1 {
		t.Fatalf("%d credit notes, want 1", n)
	}
}

// Issuing documents is the back office's work: a packer is refused by the database.
func TestOnlyTheBackOfficeIssues(t *testing.T) {
	w := newShop(t)
	id, _, lines := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.mug, qty: 1, amount: 1000}}})
	w.ship(t, lines[0], w.mug, 1)
	_, err := New(dbtest.LoginAs(t, w.owner, "packer")).IssueForOrder(context.Background(), "issue-packer", id)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("a packer issued an invoice: %v", err)
	}
}
