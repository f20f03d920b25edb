package invoicing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// Invoices and credit notes made from an order (migration 00027): what shipped and is not
// invoiced yet becomes an invoice, what came back and is not credited yet a credit note of the
// invoice that billed it. Each is one transaction under an idempotency key; the database checks
// the document and numbers it (00006).

// ErrNothingToInvoice is wrapped by *NothingError when an order has nothing to invoice or
// credit.
var ErrNothingToInvoice = errors.New("nothing to invoice")

// NothingError says that an order has nothing (more) to invoice or credit, in a sentence.
type NothingError struct {
	Order string
	What  string // "shipped that is not invoiced yet", "returned that is not credited yet"
}

func (e *NothingError) Error() string {
	return "order " + e.Order + " has nothing " + e.What
}

func (e *NothingError) Unwrap() error { return ErrNothingToInvoice }

// ErrNoOrder says there is no order of that number.
var ErrNoOrder = errors.New("no such order")

// OrderID is the id of the order numbered number.
func (s *Store) OrderID(ctx context.Context, number string) (int64, error) {
	var id int64
	err := s.d.GetContext(ctx, &id, `SELECT id FROM orders WHERE number = $1`, strings.ToUpper(strings.TrimSpace(number)))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, missing{ErrNoOrder, "there is no order " + strings.TrimSpace(number)}
	}
	return id, db.MapError(err)
}

// ToInvoice is an order with units shipped and not invoiced: the work of `oms invoice issue
// --shipped`. Shipped counts the order's shipped units, which makes a key for the run.
type ToInvoice struct {
	ID      int64  `db:"id"`
	Number  string `db:"number"`
	Shipped int64  `db:"shipped"`
}

// ShippedUninvoiced lists the orders of channels that invoice on shipment (channels.invoice_on)
// with units shipped and not invoiced yet, oldest first. It reads the lines with work through
// the partial index order_lines_uninvoiced (qty_shipped > qty_invoiced, migration 00033), so
// its cost follows the orders waiting to be invoiced, not every order ever shipped.
func (s *Store) ShippedUninvoiced(ctx context.Context) ([]ToInvoice, error) {
	var out []ToInvoice
	err := s.d.SelectContext(ctx, &out, shippedUninvoicedSQL)
	return out, db.MapError(err)
}

const shippedUninvoicedSQL = `
	SELECT o.id, o.number, (SELECT coalesce(sum(ol.qty_shipped), 0) FROM order_lines ol WHERE ol.order_id = o.id) AS shipped
	  FROM (SELECT DISTINCT order_id FROM order_lines WHERE qty_shipped > qty_invoiced) u
	  JOIN orders o ON o.id = u.order_id
	  JOIN channels c ON c.id = o.channel_id AND c.invoice_on = 'shipment'
	 WHERE o.status IN ('partially_shipped', 'shipped', 'delivered', 'partially_returned', 'returned', 'cancelled')
	 ORDER BY o.id`

// issueHook, when set (by tests), runs at the named stages of issuing a document from an order:
// "inserted" (written, not yet checked and numbered) and "numbered" (numbered, not committed).
var issueHook func(stage string, order int64)

func hook(stage string, order int64) {
	if issueHook != nil {
		issueHook(stage, order)
	}
}

// orderHead is what an issue reads of the order, its customer, addresses and the seller.
type orderHead struct {
	ID               int64  `db:"id"`
	Number           string `db:"number"`
	ChannelKind      string `db:"channel_kind"`
	Currency         string `db:"currency"`
	PricesIncludeTax bool   `db:"prices_include_tax"`
	ShippingMinor    int64  `db:"shipping_minor"`
	DiscountMinor    int64  `db:"discount_minor"` // the order's whole discount, its lines' included
	TaxMinor         int64  `db:"tax_minor"`
	ShipService      string `db:"ship_service"`
	CustomerVAT      string `db:"customer_vat"`
	BillCountry      string `db:"bill_country"`
	BillRegion       string `db:"bill_region"`
	BillCompany      string `db:"bill_company"`
	ShipCountry      string `db:"ship_country"`
	ShipRegion       string `db:"ship_region"`
	SellerCountry    string `db:"seller_country"`
	BaseCurrency     string `db:"base_currency"`
	SellerVAT        string `db:"seller_vat"`
	Rounding         string `db:"tax_rounding"`
	OSS              bool   `db:"oss_registered"`
	OverThreshold    bool   `db:"over_distance_threshold"`
	Today            string `db:"today"`
	ShippingBilled   bool   `db:"shipping_billed"`
}

const orderHeadSQL = `
	SELECT o.id, o.number, c.kind AS channel_kind, o.currency, o.prices_include_tax, o.shipping_minor, o.discount_minor,
	       o.tax_minor,
	       o.ship_service, cu.vat_number AS customer_vat,
	       coalesce(b.country, cu.country) AS bill_country, coalesce(b.region, '') AS bill_region,
	       coalesce(b.company, '') AS bill_company, st.country AS ship_country, st.region AS ship_region,
	       co.country AS seller_country, co.currency AS base_currency, co.vat_number AS seller_vat, co.tax_rounding,
	       co.oss_registered, co.over_distance_threshold,
	       to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today,
	       EXISTS (SELECT 1 FROM invoices i JOIN invoice_lines il ON il.invoice_id = i.id
	                WHERE i.order_id = o.id AND i.kind = 'invoice' AND il.order_line_id IS NULL) AS shipping_billed
	  FROM orders o
	  JOIN channels c ON c.id = o.channel_id
	  JOIN customers cu ON cu.id = o.customer_id
	  JOIN addresses st ON st.id = o.ship_to_address_id
	  LEFT JOIN addresses b ON b.id = o.bill_to_address_id
	  CROSS JOIN company co
	 WHERE o.id = $1`

// orderLine is an order line with what is invoiced (qty_invoiced, which the database keeps from
// the invoice lines, 00033) and credited of it.
type orderLine struct {
	ID          int64  `db:"id"`
	LineNo      int64  `db:"line_no"`
	SKU         string `db:"sku"`
	Description string `db:"description"`
	Category    string `db:"tax_category"`
	Amount      int64  `db:"amount_minor"`
	Discount    int64  `db:"discount_minor"`
	Tax         int64  `db:"tax_minor"`
	RatePPM     int64  `db:"tax_rate_ppm"`
	Ordered     int64  `db:"qty_ordered"`
	Shipped     int64  `db:"qty_shipped"`
	Returned    int64  `db:"qty_returned"`
	Invoiced    int64  `db:"invoiced"`
	Credited    int64  `db:"credited"`
}

const orderLinesSQL = `
	SELECT ol.id, ol.line_no, p.sku, coalesce(nullif(ol.description, ''), p.name) AS description, p.tax_category,
	       ol.amount_minor, ol.discount_minor, ol.tax_minor, ol.tax_rate_ppm, ol.qty_ordered, ol.qty_shipped, ol.qty_returned,
	       ol.qty_invoiced AS invoiced,
	       coalesce((SELECT sum(il.qty) FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id
	                  WHERE il.order_line_id = ol.id AND i.kind = 'credit_note'), 0) AS credited
	  FROM order_lines ol JOIN products p ON p.id = ol.product_id
	 WHERE ol.order_id = $1
	 ORDER BY ol.line_no`

// lockLines locks the order's lines in id order (ARCHITECTURE.md §3: lines first), so two
// issues for one order run one after the other and the second sees what the first invoiced.
func lockLines(ctx context.Context, tx *sqlx.Tx, order int64) error {
	_, err := tx.ExecContext(ctx, `SELECT 1 FROM order_lines WHERE order_id = $1 ORDER BY id FOR NO KEY UPDATE`, order)
	return err
}

// spreadOrderDiscount gives each line its share of the order's own discount: what
// orders.discount_minor holds beyond its lines' discounts (a voucher on the whole basket,
// Amazon's shipping promotion). Channels state the order's discount whole (channels.IncomingOrder:
// total = subtotal − discount + shipping + tax), so without this an invoice would bill more than
// the customer paid. The lines share it pro rata to their amounts after their own discounts (net,
// or gross where prices include tax), by largest remainder (model.Money.Allocate), so the shares
// add up to it exactly; each share is added to its line's discount, which every invoice then
// bills unit by unit (part) and every credit note gives back with the units it credits. What the
// lines cannot absorb (a discount beyond the goods) is returned, for the shipping.
func spreadOrderDiscount(h orderHead, lines []orderLine) (shipping int64, err error) {
	extra := h.DiscountMinor
	weights := make([]int64, len(lines))
	var goods int64
	for i, l := range lines {
		extra -= l.Discount
		weights[i] = max(l.Amount-l.Discount, 0)
		goods += weights[i]
	}
	if extra <= 0 {
		return 0, nil
	}
	spread := min(extra, goods)
	if spread > 0 {
		parts, err := model.Money{Minor: spread, Currency: model.Currency(h.Currency)}.Allocate(weights)
		if err != nil {
			return 0, fmt.Errorf("order %s: spreading its discount: %w", h.Number, err)
		}
		for i := range lines {
			lines[i].Discount += parts[i].Minor
		}
	}
	return min(extra-spread, h.ShippingMinor), nil
}

// share is x's part for units 0…k of q, rounded half up: the part of units k0+1…k1 is
// share(k1) − share(k0), so the parts of an order line add up to the whole when all q are billed.
func share(x, k, q int64) int64 {
	if q <= 0 || k <= 0 {
		return 0
	}
	if k >= q {
		return x
	}
	num := new(big.Int).Mul(big.NewInt(x), big.NewInt(2*k))
	num.Add(num, big.NewInt(q))
	return num.Quo(num, big.NewInt(2*q)).Int64()
}

func part(x, k0, n, q int64) int64 { return share(x, k0+n, q) - share(x, k0, q) }

// docLine is an invoice line for n units whose net is net after a discount and tax is tax.
// listNet is the net before the discount; the unit price is listNet / n rounded up and the
// discount whatever makes qty × unit − discount the net exactly.
func docLine(orderLine int64, desc string, n, listNet, net, tax, rate int64) Line {
	if listNet < net {
		listNet = net
	}
	unit := (listNet + n - 1) / n
	return Line{OrderLine: orderLine, Description: desc, InvoiceLine: model.InvoiceLine{
		Qty: n, UnitMinor: unit, DiscountMinor: n*unit - net, TaxMinor: tax, TaxRatePPM: rate}}
}

// listNetOf is the net before a discount d of a line whose net after it is net and whose
// amount after it was amount (gross when inclusive): the discount shrinks the tax with it.
func listNetOf(net, amount, d int64, inclusive bool) int64 {
	if !inclusive {
		return net + d
	}
	if amount <= 0 {
		return net
	}
	return net + share(d, net, amount)
}

// givenRate is the rate of an imported line: as stored, or, when the channel gave tax without a
// rate, the rate its tax is of its net, to the nearest 0.025 %.
func givenRate(rate, tax, net int64) int64 {
	if rate > 0 || tax <= 0 || net <= 0 {
		return rate
	}
	// tax × 10⁶ / net to the nearest multiple of 250 ppm, half up.
	num := new(big.Int).Mul(big.NewInt(tax), big.NewInt(1_000_000*2))
	den := big.NewInt(net * 250 * 2)
	num.Add(num, big.NewInt(net*250))
	ppm := num.Quo(num, den).Int64() * 250
	return min(ppm, 1_000_000)
}

// fxUse is the rate a document converts at, as the issue-time check wants it: the stored rate
// of fx_date in the direction it is stored (inverse: the document's currency → the base).
type fxUse struct {
	rate    model.Rate
	date    time.Time
	inverse bool
}

func (s *Store) fxFor(ctx context.Context, base, cur model.Currency, day time.Time) (fxUse, error) {
	if base == cur {
		one, err := model.ParseRate("1")
		return fxUse{rate: one, date: day}, err
	}
	f, err := s.FindRate(ctx, base, cur, day)
	if err != nil {
		return fxUse{}, err
	}
	return fxUse{rate: f.Stored, date: f.Date, inverse: f.Inverse}, nil
}

// totalsAt adds up lines and converts them at fx: model.Totals when the rate is stored base →
// currency; otherwise each tax line times the stored currency → base rate, exactly, half away
// from zero, as oms_check_invoice converts it (00027).
func totalsAt(lines []Line, cur, base model.Currency, fx fxUse) (model.InvoiceTotals, error) {
	ls := make([]model.InvoiceLine, len(lines))
	for i, l := range lines {
		ls[i] = l.InvoiceLine
	}
	if !fx.inverse {
		return model.Totals(ls, cur, base, fx.rate)
	}
	one, err := model.ParseRate("1")
	if err != nil {
		return model.InvoiceTotals{}, err
	}
	t, err := model.Totals(ls, cur, cur, one)
	if err != nil {
		return t, err
	}
	rate := model.FXRateOf(fx.rate)
	t.SubtotalBase, t.TaxBase = 0, 0
	for i, tl := range t.TaxLines {
		taxable, err := model.ConvertAt(model.Money{Minor: tl.TaxableMinor, Currency: cur}, base, rate, model.HalfUp)
		if err != nil {
			return t, err
		}
		tax, err := model.ConvertAt(model.Money{Minor: tl.TaxMinor, Currency: cur}, base, rate, model.HalfUp)
		if err != nil {
			return t, err
		}
		t.TaxLines[i].TaxableBaseMinor, t.TaxLines[i].TaxBaseMinor = taxable.Minor, tax.Minor
		t.SubtotalBase += taxable.Minor
		t.TaxBase += tax.Minor
	}
	t.TotalBase = t.SubtotalBase + t.TaxBase
	return t, nil
}

// written is a document to write with what Document has no room for.
type written struct {
	Document
	fx    fxUse
	notes string
}

// writeDoc inserts doc, has the database check and number it, records the key's result and
// returns the document's id and number.
func writeDoc(ctx context.Context, tx *sqlx.Tx, key string, w written) (Issued, error) {
	t, err := totalsAt(w.Lines, w.Currency, w.BaseCurrency, w.fx)
	if err != nil {
		return Issued{}, err
	}
	var out Issued
	if err := tx.GetContext(ctx, &out.ID, `
		INSERT INTO invoices (series, kind, order_id, credited_invoice_id, currency, subtotal_minor, tax_minor,
		                      total_minor, base_currency, fx_rate, fx_date, fx_inverse, subtotal_base_minor, tax_base_minor,
		                      total_base_minor, notes)
		VALUES ($1, $2, $3, nullif($4, 0), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		w.Series, string(w.Kind), w.Order, w.Credits, string(w.Currency), t.Subtotal, t.Tax, t.Total,
		string(w.BaseCurrency), w.fx.rate.String(), w.fx.date.Format(time.DateOnly), w.fx.inverse, t.SubtotalBase,
		t.TaxBase, t.TotalBase, w.notes); err != nil {
		return Issued{}, err
	}
	for i, l := range w.Lines {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO invoice_lines (invoice_id, line_no, order_line_id, description, qty, unit_price_minor,
			                           tax_rate_ppm, discount_minor, tax_minor, total_minor)
			VALUES ($1, $2, nullif($3, 0), $4, $5, $6, $7, $8, $9, $10)`,
			out.ID, i+1, l.OrderLine, l.Description, l.Qty, l.UnitMinor, l.TaxRatePPM, l.DiscountMinor, l.TaxMinor,
			l.Total()); err != nil {
			return Issued{}, err
		}
	}
	for _, tl := range t.TaxLines {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			out.ID, tl.RatePPM, tl.TaxableMinor, tl.TaxMinor, tl.TaxableBaseMinor, tl.TaxBaseMinor); err != nil {
			return Issued{}, err
		}
	}
	hook("inserted", w.Order)
	// Check and number the document now rather than at COMMIT (as Issue does), so the number
	// can be returned and only the commit runs while the series is locked.
	if _, err := tx.ExecContext(ctx, `SET CONSTRAINTS invoices_issue IMMEDIATE`); err != nil {
		return Issued{}, err
	}
	if err := tx.GetContext(ctx, &out.Number, `SELECT number FROM invoices WHERE id = $1`, out.ID); err != nil {
		return Issued{}, err
	}
	hook("numbered", w.Order)
	if key != "" {
		_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = coalesce(result, '[]'::jsonb) ||
			jsonb_build_array(jsonb_build_object('id', $2::bigint, 'number', $3::text)) WHERE key = $1`, key, out.ID, out.Number)
	}
	return out, err
}

// claimed returns the documents a committed command under key issued.
func claimed(ctx context.Context, tx *sqlx.Tx, key string) ([]Issued, error) {
	var out []Issued
	err := tx.SelectContext(ctx, &out, `
		SELECT (d->>'id')::bigint AS id, d->>'number' AS number
		  FROM idempotency_keys k CROSS JOIN LATERAL jsonb_array_elements(coalesce(k.result, '[]'::jsonb)) d
		 WHERE k.key = $1`, key)
	return out, err
}

// IssueForOrder invoices what has shipped of the order and is not invoiced yet, in one
// transaction under key: a retry with the same key returns the invoice the first attempt issued.
// Each order line is billed for its shipped units less those on earlier invoices, its amount,
// discount and tax pro rata; shipping goes on the order's first invoice.
//
// Tax: an order of a channel that states it (an import) keeps it as given, each line's share of
// its tax_minor at its tax_rate_ppm. An order entered by hand (a channel of kind manual) is
// taxed here: model.DecideTaxTreatment (seller: the company and its tax settings; buyer: the
// customer and bill-to address, a business when it has a VAT number or a company name; the
// ship-to address), the tax_rates of the day and model.ComputeDocumentTax at the seller's
// rounding level; the treatment's note (reverse charge, export) is printed on the invoice.
//
// The invoice converts to the company's currency at the rate in force on the day of issue
// (FindRate): fx_date is the date of that stored rate, and a rate stored only the other way is
// stated as stored (fx_inverse, migration 00027). No rate is a *NoRateError naming the pair and
// the day; nothing shipped and uninvoiced a *NothingError. Either way nothing is written.
func (s *Store) IssueForOrder(ctx context.Context, key string, orderID int64) (Issued, error) {
	var out Issued
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := lockLines(ctx, tx, orderID); err != nil {
			return err
		}
		var err error
		out, err = s.IssueWithin(ctx, tx, key, orderID)
		return err
	})
	if err != nil {
		return Issued{}, db.MapError(err)
	}
	return out, nil
}

// IssueWithin is IssueForOrder inside a transaction the caller holds, for a command whose
// effect includes the invoice (a shipment of a channel that invoices on shipment). The caller
// must hold the order's lines locked (ARCHITECTURE.md §3: lines first), so that two issues for
// one order run one after the other; the key is claimed in tx like any command's.
func (s *Store) IssueWithin(ctx context.Context, tx *sqlx.Tx, key string, orderID int64) (Issued, error) {
	done, err := db.ClaimKey(ctx, tx, key, "invoicing.issue_for_order", orderID)
	if err != nil {
		return Issued{}, err
	}
	if done {
		got, err := claimed(ctx, tx, key)
		if err != nil || len(got) == 0 {
			return Issued{}, errors.Join(err, fmt.Errorf("command key %s issued nothing", key))
		}
		return got[0], nil
	}
	doc, err := s.invoiceOf(ctx, tx, orderID)
	if err != nil {
		return Issued{}, err
	}
	return writeDoc(ctx, tx, key, doc)
}

func (s *Store) invoiceOf(ctx context.Context, tx *sqlx.Tx, orderID int64) (written, error) {
	var h orderHead
	err := tx.GetContext(ctx, &h, orderHeadSQL, orderID)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM company`); err == nil && n == 0 {
			return written{}, errors.New("the database has no company yet: run oms init first")
		}
		return written{}, missing{ErrNoOrder, fmt.Sprintf("there is no order with id %d", orderID)}
	}
	if err != nil {
		return written{}, err
	}
	var lines []orderLine
	if err := tx.SelectContext(ctx, &lines, orderLinesSQL, orderID); err != nil {
		return written{}, err
	}
	shipDisc, err := spreadOrderDiscount(h, lines)
	if err != nil {
		return written{}, err
	}
	day, err := time.Parse(time.DateOnly, h.Today)
	if err != nil {
		return written{}, err
	}
	cur, base := model.Currency(h.Currency), model.Currency(h.BaseCurrency)
	manual := h.ChannelKind == "manual"

	// What to bill: per line, units shipped and not yet invoiced, with their parts of the
	// line's amount, discount and tax.
	type bill struct {
		l                  orderLine
		n, amount, disc, t int64
	}
	var bills []bill
	var lineTax int64
	for _, l := range lines {
		lineTax += l.Tax
		n := l.Shipped - l.Invoiced
		if n <= 0 {
			continue
		}
		bills = append(bills, bill{l: l, n: n, amount: part(l.Amount, l.Invoiced, n, l.Ordered),
			disc: part(l.Discount, l.Invoiced, n, l.Ordered), t: part(l.Tax, l.Invoiced, n, l.Ordered)})
	}
	if len(bills) == 0 {
		return written{}, &NothingError{Order: h.Number, What: "shipped that is not invoiced yet"}
	}
	shipping := h.ShippingMinor > 0 && !h.ShippingBilled
	shipDesc := "Shipping"
	if strings.TrimSpace(h.ShipService) != "" {
		shipDesc += " — " + strings.TrimSpace(h.ShipService)
	}

	doc := written{Document: Document{Kind: Invoice, Series: "invoice", Order: orderID, Currency: cur, BaseCurrency: base}}
	if !manual {
		for _, b := range bills {
			net := b.amount - b.disc
			if h.PricesIncludeTax {
				net -= b.t
			}
			if net < 0 {
				return written{}, fmt.Errorf("order %s line %d (%s): its tax is more than its amount", h.Number, b.l.LineNo, b.l.SKU)
			}
			wholeNet := b.l.Amount - b.l.Discount
			if h.PricesIncludeTax {
				wholeNet -= b.l.Tax
			}
			rate := givenRate(b.l.RatePPM, b.l.Tax, wholeNet)
			doc.Lines = append(doc.Lines, docLine(b.l.ID, b.l.Description, b.n,
				listNetOf(net, b.amount-b.disc, b.disc, h.PricesIncludeTax), net, b.t, rate))
		}
		if shipping {
			t := max(h.TaxMinor-lineTax, 0)
			charged := h.ShippingMinor - shipDisc
			net := charged
			if h.PricesIncludeTax {
				net -= t
			}
			var rate int64
			if t > 0 {
				for _, l := range doc.Lines {
					rate = max(rate, l.TaxRatePPM)
				}
				rate = givenRate(rate, t, net)
			}
			if net >= 0 {
				doc.Lines = append(doc.Lines, docLine(0, shipDesc, 1, listNetOf(net, charged, shipDisc, h.PricesIncludeTax), net, t, rate))
			}
		}
	} else {
		var items []taxItem
		for _, b := range bills {
			items = append(items, taxItem{amount: b.amount - b.disc, category: b.l.Category, what: lineWhat(b.l)})
		}
		if shipping {
			items = append(items, taxItem{amount: h.ShippingMinor - shipDisc, category: model.TaxCategoryStandard, what: "shipping"})
		}
		taxed, treatment, err := manualTax(ctx, tx, h, day, items)
		if err != nil {
			return written{}, err
		}
		for i, b := range bills {
			tl := taxed.Lines[i]
			doc.Lines = append(doc.Lines, docLine(b.l.ID, b.l.Description, b.n,
				listNetOf(tl.NetMinor, b.amount-b.disc, b.disc, h.PricesIncludeTax), tl.NetMinor, tl.TaxMinor, tl.RatePPM))
		}
		if shipping {
			tl := taxed.Lines[len(bills)]
			doc.Lines = append(doc.Lines, docLine(0, shipDesc, 1, listNetOf(tl.NetMinor, h.ShippingMinor-shipDisc, shipDisc, h.PricesIncludeTax),
				tl.NetMinor, tl.TaxMinor, tl.RatePPM))
		}
		doc.notes = treatment.Note
	}
	if doc.fx, err = s.fxFor(ctx, base, cur, day); err != nil {
		return written{}, err
	}
	return doc, nil
}

// taxRatesOf reads the tax_rates of a country.
func taxRatesOf(ctx context.Context, tx *sqlx.Tx, country string) ([]model.TaxRate, error) {
	var rows []struct {
		Country  string       `db:"country"`
		Region   string       `db:"region"`
		Category string       `db:"tax_category"`
		Name     string       `db:"name"`
		PPM      int64        `db:"rate_ppm"`
		From     time.Time    `db:"valid_from"`
		To       sql.NullTime `db:"valid_to"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		SELECT country, region, tax_category, name, rate_ppm, valid_from, valid_to FROM tax_rates WHERE country = $1`,
		country); err != nil {
		return nil, err
	}
	out := make([]model.TaxRate, len(rows))
	for i, r := range rows {
		out[i] = model.TaxRate{Country: r.Country, Region: r.Region, Category: r.Category, Name: r.Name, PPM: r.PPM,
			ValidFrom: r.From.UTC()}
		if r.To.Valid {
			out[i].ValidTo = r.To.Time.UTC()
		}
	}
	return out, nil
}

// CreditReturns issues, in one transaction under key, a credit note for the units of the order
// that came back (order_lines.qty_returned, which the returns ledger keeps) and are not credited
// yet, against the invoices that billed them, oldest first: one credit note per invoice it
// touches. A credited unit carries its invoice line's price and its share of that line's
// discount and tax; the credit note converts at its invoice's rate, so its base amounts undo the
// invoice's, and repeats its note. The database refuses credits beyond an invoice's total
// (00006). Nothing returned and uncredited is a *NothingError.
func (s *Store) CreditReturns(ctx context.Context, key string, orderID int64) ([]Issued, error) {
	var out []Issued
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		out = nil
		done, err := db.ClaimKey(ctx, tx, key, "invoicing.credit_returns", orderID)
		if err != nil {
			return err
		}
		if done {
			out, err = claimed(ctx, tx, key)
			return err
		}
		if err := lockLines(ctx, tx, orderID); err != nil {
			return err
		}
		docs, err := creditsOf(ctx, tx, orderID, nil)
		if err != nil {
			return err
		}
		for _, d := range docs {
			iss, err := writeDoc(ctx, tx, key, d)
			if err != nil {
				return err
			}
			out = append(out, iss)
		}
		return nil
	})
	if err != nil {
		return nil, db.MapError(err)
	}
	return out, nil
}

// CreditUnitsWithin issues, inside a transaction the caller holds with the order's lines locked
// (a refund of a return, db/returns), credit notes for the given units (order line → units)
// against the invoices that billed them, oldest first; units no invoice billed, or already
// credited, are left out. Nothing left to credit is a *NothingError.
func (s *Store) CreditUnitsWithin(ctx context.Context, tx *sqlx.Tx, orderID int64, units map[int64]int64) ([]Issued, error) {
	docs, err := creditsOf(ctx, tx, orderID, units)
	if err != nil {
		return nil, err
	}
	var out []Issued
	for _, d := range docs {
		iss, err := writeDoc(ctx, tx, "", d)
		if err != nil {
			return nil, err
		}
		out = append(out, iss)
	}
	return out, nil
}

// creditsOf is the credit notes for the order's returned units not credited yet, or, when want
// is given, for those units of each line.
func creditsOf(ctx context.Context, tx *sqlx.Tx, orderID int64, want map[int64]int64) ([]written, error) {
	var number string
	err := tx.GetContext(ctx, &number, `SELECT number FROM orders WHERE id = $1`, orderID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, missing{ErrNoOrder, fmt.Sprintf("there is no order with id %d", orderID)}
	}
	if err != nil {
		return nil, err
	}
	var lines []orderLine
	if err := tx.SelectContext(ctx, &lines, orderLinesSQL, orderID); err != nil {
		return nil, err
	}
	left := map[int64]int64{} // order line → units to credit
	for _, l := range lines {
		n := min(l.Returned, l.Invoiced) - l.Credited
		if want != nil {
			n = min(want[l.ID], l.Invoiced-l.Credited)
		}
		if n > 0 {
			left[l.ID] = n
		}
	}
	if len(left) == 0 {
		return nil, &NothingError{Order: number, What: "returned that is not credited yet"}
	}
	var billed []struct {
		Invoice   int64  `db:"invoice_id"`
		Currency  string `db:"currency"`
		Base      string `db:"base_currency"`
		Rate      string `db:"fx_rate"`
		Date      string `db:"fx_date"`
		Inverse   bool   `db:"fx_inverse"`
		Notes     string `db:"notes"`
		OrderLine int64  `db:"order_line_id"`
		Desc      string `db:"description"`
		Qty       int64  `db:"qty"`
		Unit      int64  `db:"unit_price_minor"`
		Discount  int64  `db:"discount_minor"`
		Tax       int64  `db:"tax_minor"`
		RatePPM   int64  `db:"tax_rate_ppm"`
		Credited  int64  `db:"credited"`
	}
	// Two credits of one order run in turn: both lock its lines first (lockLines).
	if err := tx.SelectContext(ctx, &billed, `
		WITH inv AS (SELECT * FROM invoices WHERE order_id = $1 AND kind = 'invoice')
		SELECT i.id AS invoice_id, i.currency, i.base_currency, trim_scale(i.fx_rate)::text AS fx_rate,
		       to_char(i.fx_date, 'YYYY-MM-DD') AS fx_date, i.fx_inverse, i.notes, il.order_line_id, il.description,
		       il.qty, il.unit_price_minor, il.discount_minor, il.tax_minor, il.tax_rate_ppm,
		       coalesce((SELECT sum(cl.qty) FROM invoices c JOIN invoice_lines cl ON cl.invoice_id = c.id
		                  WHERE c.credited_invoice_id = i.id AND c.kind = 'credit_note'
		                    AND cl.order_line_id = il.order_line_id), 0) AS credited
		  FROM inv i JOIN invoice_lines il ON il.invoice_id = i.id
		 WHERE il.order_line_id IS NOT NULL
		 ORDER BY i.id, il.line_no`, orderID); err != nil {
		return nil, err
	}
	var docs []written
	for _, b := range billed {
		n := min(left[b.OrderLine], b.Qty-b.Credited)
		if n <= 0 {
			continue
		}
		left[b.OrderLine] -= n
		if len(docs) == 0 || docs[len(docs)-1].Credits != b.Invoice {
			rate, err := model.ParseRate(b.Rate)
			if err != nil {
				return nil, err
			}
			date, err := time.Parse(time.DateOnly, b.Date)
			if err != nil {
				return nil, err
			}
			docs = append(docs, written{Document: Document{Kind: CreditNote, Series: "credit_note", Order: orderID,
				Credits: b.Invoice, Currency: model.Currency(b.Currency), BaseCurrency: model.Currency(b.Base)},
				fx: fxUse{rate: rate, date: date, inverse: b.Inverse}, notes: b.Notes})
		}
		d := &docs[len(docs)-1]
		disc := part(b.Discount, b.Credited, n, b.Qty)
		d.Lines = append(d.Lines, Line{OrderLine: b.OrderLine, Description: b.Desc, InvoiceLine: model.InvoiceLine{
			Qty: n, UnitMinor: b.Unit, DiscountMinor: disc, TaxMinor: part(b.Tax, b.Credited, n, b.Qty), TaxRatePPM: b.RatePPM}})
	}
	if len(docs) == 0 {
		return nil, &NothingError{Order: number, What: "returned that is not credited yet"}
	}
	return docs, nil
}
