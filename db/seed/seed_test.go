package seed_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/seed"
	"oms/model"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// fixedNow makes two runs comparable row for row.
var fixedNow = time.Date(2026, 3, 16, 14, 30, 0, 0, time.UTC)

func seeded(t *testing.T, opts seed.Options) (*db.DB, seed.Summary) {
	t.Helper()
	d := dbtest.New(t)
	sum, err := seed.Run(context.Background(), d, opts, nil)
	if err != nil {
		t.Fatalf("seed.Run(%+v): %v", opts, err)
	}
	return d, sum
}

func count(t *testing.T, d *db.DB, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := d.Get(&n, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// zero fails the test with the first rows of query when it returns any: each such query lists
// violations of one invariant that `oms check` audits.
func zero(t *testing.T, d *db.DB, what, query string) {
	t.Helper()
	var rows []string
	if err := d.Select(&rows, "SELECT x::text FROM ("+query+") x LIMIT 5"); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(rows) > 0 {
		t.Errorf("%s: %d+ violations, e.g. %s", what, len(rows), strings.Join(rows, "; "))
	}
}

func TestSeedSmallDataSetIsConsistent(t *testing.T) {
	d, sum := seeded(t, seed.Options{Orders: 300, SKUs: 60, Seed: 7, Now: fixedNow})

	var company string
	if err := d.Get(&company, `SELECT name || ' ' || country || ' ' || currency FROM company`); err != nil || company != "Demo Trading B.V. NL EUR" {
		t.Errorf("the demo company is %q (%v), want Demo Trading B.V. NL EUR, as oms init would record it", company, err)
	}

	for table, want := range map[string]int64{
		"warehouses": sum.Warehouses, "products": sum.Products, "channels": sum.Channels,
		"customers": sum.Customers, "orders": sum.Orders, "order_lines": sum.Lines,
		"stock_movements": sum.Movements, "events": sum.Events,
	} {
		if got := count(t, d, "SELECT count(*) FROM "+table); got != want || got == 0 {
			t.Errorf("%s: %d rows, summary says %d", table, got, want)
		}
	}
	if got := count(t, d, "SELECT count(*) FROM locations WHERE kind = 'bin'"); got != sum.Bins {
		t.Errorf("bins: %d, summary says %d", got, sum.Bins)
	}
	if sum.Orders != 300 {
		t.Errorf("orders = %d, want 300", sum.Orders)
	}
	for _, s := range seed.Statuses {
		n := count(t, d, "SELECT count(*) FROM orders WHERE status = $1", string(s))
		if n == 0 || n != sum.ByStatus[string(s)] {
			t.Errorf("status %s: %d orders, summary says %d (every status must appear)", s, n, sum.ByStatus[string(s)])
		}
	}
	checkDerivedStatuses(t, d)
	checkStockInvariants(t, d)
	checkDocuments(t, d)
	checkTaxes(t, d)
	audit(t, d)
}

// checkTaxes shows that the warning-free audit is not vacuous: the demo company declares EU
// distance sales through the One Stop Shop, so the webshop's German orders carry German VAT and
// Dutch ones Dutch VAT; US orders carry their state's sales tax; orders leaving the EU (the UK,
// Japan, Canada) are zero-rated exports, and their invoices say so.
func checkTaxes(t *testing.T, d *db.DB) {
	t.Helper()
	var oss bool
	var vat string
	if err := d.QueryRow(`SELECT oss_registered, vat_number FROM company`).Scan(&oss, &vat); err != nil || !oss || vat == "" {
		t.Errorf("the demo company is OSS-registered %v with VAT number %q (%v)", oss, vat, err)
	}
	for _, c := range []struct{ what, query string }{
		{"German webshop lines at 19 % or 7 %", `SELECT count(*) FROM order_lines ol JOIN orders o ON o.id = ol.order_id
			JOIN channels c ON c.id = o.channel_id AND c.code = 'web-eu' JOIN addresses a ON a.id = o.ship_to_address_id
			WHERE a.country = 'DE' AND ol.tax_rate_ppm IN (190000, 70000)`},
		{"Dutch webshop lines at 21 % or 9 %", `SELECT count(*) FROM order_lines ol JOIN orders o ON o.id = ol.order_id
			JOIN channels c ON c.id = o.channel_id AND c.code = 'web-eu' JOIN addresses a ON a.id = o.ship_to_address_id
			WHERE a.country = 'NL' AND ol.tax_rate_ppm IN (210000, 90000)`},
		{"US orders with sales tax", `SELECT count(*) FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id
			WHERE a.country = 'US' AND o.tax_minor > 0`},
		{"export invoices with the export note", `SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id
			JOIN addresses a ON a.id = o.ship_to_address_id WHERE a.country IN ('GB', 'JP', 'CA') AND i.tax_minor = 0
			AND i.notes LIKE 'Zero-rated export%'`},
	} {
		if n := count(t, d, c.query); n == 0 {
			t.Errorf("no %s in the demo", c.what)
		}
	}
	zero(t, d, "webshop lines taxed at another country's rate", `
		SELECT o.number, a.country, ol.tax_rate_ppm FROM order_lines ol JOIN orders o ON o.id = ol.order_id
		  JOIN channels c ON c.id = o.channel_id AND c.code = 'web-eu' JOIN addresses a ON a.id = o.ship_to_address_id
		  JOIN products p ON p.id = ol.product_id
		 WHERE ol.tax_rate_ppm <> (SELECT r.rate_ppm FROM tax_rates r WHERE r.country = a.country AND r.region = ''
		                             AND r.tax_category = p.tax_category AND r.valid_to IS NULL)`)
	zero(t, d, "exports charged tax", `
		SELECT o.number FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id
		 WHERE a.country IN ('GB', 'JP', 'CA') AND o.tax_minor <> 0`)
}

// audit runs what `oms check` runs and fails on its warnings too: the seed taxes every order as
// oms does (DecideTaxTreatment for the demo company, the seeded rates), so an imported order whose
// tax oms check would question is a seed that disagrees with oms.
func audit(t *testing.T, d *db.DB) {
	t.Helper()
	rep, err := d.Check(context.Background(), 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		kind := "oms check"
		if v.Warning {
			kind = "oms check warns"
		}
		t.Errorf("%s: %s: %s", kind, v.Rule, v.Message)
	}
	if n := rep.Warned(); n > 0 {
		t.Errorf("oms check warns about %d orders", n)
	}
}

// checkDerivedStatuses reads every order's lines and shipments back and derives its status with
// model.
func checkDerivedStatuses(t *testing.T, d *db.DB) {
	t.Helper()
	type row struct {
		ID        int64  `db:"id"`
		Status    string `db:"status"`
		OnHold    bool   `db:"on_hold"`
		Cancelled bool   `db:"cancelled"`
		PickUp    bool   `db:"pick_up"`
		Delivered bool   `db:"delivered"`
		Ordered   int64  `db:"qty_ordered"`
		Cancel    int64  `db:"qty_cancelled"`
		Allocated int64  `db:"qty_allocated"`
		Picked    int64  `db:"qty_picked"`
		Packed    int64  `db:"qty_packed"`
		Shipped   int64  `db:"qty_shipped"`
		Returned  int64  `db:"qty_returned"`
		Refunded  int64  `db:"qty_refunded"`
	}
	var rows []row
	err := d.Select(&rows, `SELECT o.id, o.status, o.on_hold, o.cancelled_at IS NOT NULL AS cancelled,
		o.pickup_warehouse_id IS NOT NULL AS pick_up,
		coalesce((SELECT bool_and(s.status = 'delivered') FROM shipments s WHERE s.order_id = o.id), false) AS delivered,
		l.qty_ordered, l.qty_cancelled, l.qty_allocated, l.qty_picked, l.qty_packed, l.qty_shipped,
		l.qty_returned, l.qty_refunded
		FROM orders o JOIN order_lines l ON l.order_id = o.id ORDER BY o.id, l.line_no`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(rows); {
		j, lines := i, []model.LineQty{}
		for ; j < len(rows) && rows[j].ID == rows[i].ID; j++ {
			r := rows[j]
			lines = append(lines, model.LineQty{Ordered: r.Ordered, Cancelled: r.Cancel, Allocated: r.Allocated,
				Picked: r.Picked, Packed: r.Packed, Shipped: r.Shipped, Returned: r.Returned, Refunded: r.Refunded})
		}
		o := rows[i]
		f := model.OrderFacts{OnHold: o.OnHold, Cancelled: o.Cancelled, PickUp: o.PickUp, Delivered: o.Delivered}
		if got := model.DeriveStatus(f, lines); string(got) != o.Status {
			t.Errorf("order %d: stored status %s, lines and shipments say %s", o.ID, o.Status, got)
		}
		i = j
	}
	zero(t, d, "stored status differs from the database's derivation", `
		SELECT id, status FROM orders
		 WHERE status <> oms_order_status(id, on_hold, cancelled_at IS NOT NULL, pickup_warehouse_id IS NOT NULL)`)
}

func checkStockInvariants(t *testing.T, d *db.DB) {
	t.Helper()
	zero(t, d, "balance differs from the ledger", `
		SELECT coalesce(b.location_id, m.loc), coalesce(b.product_id, m.product_id), coalesce(b.lot_id, m.lot_id),
		       b.on_hand, m.net AS ledger
		  FROM stock_balances b
		  FULL JOIN (SELECT loc, product_id, lot_id, sum(delta) AS net FROM (
		          SELECT to_location_id AS loc, product_id, lot_id, qty AS delta FROM stock_movements
		          UNION ALL SELECT from_location_id, product_id, lot_id, -qty FROM stock_movements) d
		          JOIN locations l ON l.id = d.loc AND NOT l.is_virtual
		        GROUP BY 1, 2, 3) m
		    ON m.loc = b.location_id AND m.product_id = b.product_id AND m.lot_id IS NOT DISTINCT FROM b.lot_id
		 WHERE coalesce(b.on_hand, 0) <> coalesce(m.net, 0)`)
	zero(t, d, "balance of a virtual location", `SELECT b.* FROM stock_balances b JOIN locations l ON l.id = b.location_id
		 WHERE b.location_virtual OR l.is_virtual`)
	zero(t, d, "negative stock in a real location", `
		SELECT b.* FROM stock_balances b WHERE NOT b.location_virtual AND b.on_hand < 0`)
	zero(t, d, "lot of another product, or a lot-tracked product without a lot", `
		SELECT m.id FROM stock_movements m JOIN products p ON p.id = m.product_id LEFT JOIN lots t ON t.id = m.lot_id
		 WHERE p.lot_tracked <> (m.lot_id IS NOT NULL) OR t.product_id <> m.product_id
		UNION ALL
		SELECT r.id FROM reservations r JOIN lots t ON t.id = r.lot_id WHERE t.product_id <> r.product_id
		UNION ALL
		SELECT b.location_id FROM stock_balances b JOIN lots t ON t.id = b.lot_id WHERE t.product_id <> b.product_id`)
	zero(t, d, "reservations differ from open allocation", `
		SELECT l.id, l.qty_allocated - l.qty_shipped AS open, coalesce(sum(r.qty), 0) AS reserved
		  FROM order_lines l LEFT JOIN reservations r ON r.order_line_id = l.id
		 GROUP BY l.id HAVING l.qty_allocated - l.qty_shipped <> coalesce(sum(r.qty), 0)`)
	zero(t, d, "balance.reserved differs from reservations", `
		SELECT b.location_id, b.product_id, b.reserved, coalesce(r.qty, 0) AS held
		  FROM stock_balances b
		  LEFT JOIN (SELECT location_id, product_id, lot_id, sum(qty) AS qty FROM reservations GROUP BY 1, 2, 3) r
		    ON r.location_id = b.location_id AND r.product_id = b.product_id AND r.lot_id IS NOT DISTINCT FROM b.lot_id
		 WHERE b.reserved <> coalesce(r.qty, 0)`)
	zero(t, d, "picked, shipped or returned units without their movements", `
		SELECT l.id FROM order_lines l
		 WHERE l.qty_picked <> coalesce((SELECT sum(CASE m.kind WHEN 'pick' THEN qty ELSE -qty END) FROM stock_movements m
		                                  WHERE m.order_line_id = l.id AND m.kind IN ('pick', 'unpick')), 0)
		    OR l.qty_shipped <> coalesce((SELECT sum(qty) FROM stock_movements m WHERE m.order_line_id = l.id AND m.kind = 'ship'), 0)
		    OR l.qty_returned <> coalesce((SELECT sum(qty) FROM stock_movements m WHERE m.order_line_id = l.id AND m.kind = 'return'), 0)`)
	zero(t, d, "a line's movement going where its kind cannot", `
		SELECT m.id, m.kind FROM stock_movements m
		  JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
		 WHERE m.order_line_id IS NOT NULL AND NOT CASE m.kind
		       WHEN 'ship' THEN NOT f.is_virtual AND t.kind = 'customer'
		       WHEN 'return' THEN f.kind = 'customer' AND t.kind = 'returns' AND m.rma_line_id IS NOT NULL
		       WHEN 'pick' THEN NOT f.is_virtual AND NOT t.is_virtual
		       ELSE false END`)
	zero(t, d, "history in the future or before the order", `
		SELECT e.id FROM events e JOIN orders o ON o.id = e.order_id
		 WHERE e.at < o.ordered_at OR e.at > '2026-03-16 14:30:00+00'`)
}

func checkDocuments(t *testing.T, d *db.DB) {
	t.Helper()
	zero(t, d, "invoice numbers with gaps", `
		SELECT series, year, count(*), min(seq), max(seq) FROM invoices GROUP BY 1, 2
		HAVING max(seq) <> count(*) OR min(seq) <> 1`)
	zero(t, d, "invoice number not prefix, year and seq", `
		SELECT i.number FROM invoices i JOIN number_series s ON s.code = i.series
		 WHERE i.number <> s.prefix || i.year || '-' || lpad(i.seq::text, s.width, '0')
		    OR i.year <> extract(year FROM i.issued_at AT TIME ZONE 'UTC')
		    OR i.series <> CASE i.kind WHEN 'invoice' THEN 'invoice' ELSE 'credit_note' END
		    OR i.created_xid IS NOT NULL`)
	zero(t, d, "invoice counters differ from the invoices", `
		SELECT coalesce(c.series, i.series), coalesce(c.year, i.year), c.last_seq, i.last_seq
		  FROM invoice_counters c FULL JOIN (SELECT series, year, max(seq) AS last_seq FROM invoices GROUP BY 1, 2) i
		    ON i.series = c.series AND i.year = c.year
		 WHERE c.last_seq IS DISTINCT FROM i.last_seq`)
	zero(t, d, "number series not advanced", `
		SELECT s.code FROM number_series s
		 WHERE (s.code IN ('invoice', 'credit_note') AND s.next_value <> 1)
		    OR (s.code = 'order' AND s.next_value <> 1 + (SELECT count(*) FROM orders))
		    OR (s.code = 'rma' AND s.next_value <> 1 + (SELECT count(*) FROM rmas))`)
	// The database's own check of a document as it is issued, run on every seeded one.
	if _, err := d.Exec(`SELECT oms_check_invoice(i) FROM invoices i ORDER BY i.id`); err != nil {
		t.Errorf("a seeded document fails the database's check: %v", err)
	}
	zero(t, d, "invoice line does not add up", `
		SELECT invoice_id, line_no FROM invoice_lines
		 WHERE total_minor <> qty::bigint * unit_price_minor - discount_minor + tax_minor
		    OR unit_price_minor < 0 OR discount_minor < 0 OR tax_minor < 0 OR qty::bigint * unit_price_minor < discount_minor`)
	zero(t, d, "invoice differs from its lines", `
		SELECT i.number FROM invoices i
		  LEFT JOIN (SELECT invoice_id, sum(qty::bigint * unit_price_minor - discount_minor) AS net, sum(tax_minor) AS tax
		               FROM invoice_lines GROUP BY 1) l ON l.invoice_id = i.id
		 WHERE (i.subtotal_minor, i.tax_minor) IS DISTINCT FROM (l.net, l.tax) OR i.subtotal_minor < 0 OR i.tax_minor < 0`)
	zero(t, d, "tax lines differ from the lines per rate", `
		SELECT coalesce(l.invoice_id, t.invoice_id), coalesce(l.tax_rate_ppm, t.tax_rate_ppm)
		  FROM (SELECT invoice_id, tax_rate_ppm, sum(qty::bigint * unit_price_minor - discount_minor) AS net, sum(tax_minor) AS tax
		          FROM invoice_lines GROUP BY 1, 2) l
		  FULL JOIN invoice_tax_lines t ON t.invoice_id = l.invoice_id AND t.tax_rate_ppm = l.tax_rate_ppm
		 WHERE (l.net, l.tax) IS DISTINCT FROM (t.taxable_minor, t.tax_minor)`)
	zero(t, d, "invoice not at the day's rate", `
		SELECT i.number, i.currency, i.fx_rate, i.fx_date FROM invoices i
		  LEFT JOIN LATERAL (SELECT r.rate_date, r.rate FROM fx_rates r
		                      WHERE r.base = 'EUR' AND r.quote = i.currency AND r.rate_date <= (i.issued_at AT TIME ZONE 'UTC')::date
		                      ORDER BY r.rate_date DESC LIMIT 1) r ON true
		 WHERE i.base_currency <> 'EUR'
		    OR CASE WHEN i.currency = 'EUR' THEN (i.fx_rate, i.fx_date) <> (1, (i.issued_at AT TIME ZONE 'UTC')::date)
		       ELSE (i.fx_date, i.fx_rate) IS DISTINCT FROM (r.rate_date, r.rate) END`)
	zero(t, d, "base amounts are not the document's at its rate", `
		SELECT i.number, t.tax_rate_ppm FROM invoices i JOIN invoice_tax_lines t ON t.invoice_id = i.id
		  JOIN currencies b ON b.code = i.base_currency JOIN currencies c ON c.code = i.currency
		 WHERE (t.taxable_base_minor, t.tax_base_minor) <>
		       (round(t.taxable_minor * 10.0 ^ (b.exponent - c.exponent) / i.fx_rate)::bigint,
		        round(t.tax_minor * 10.0 ^ (b.exponent - c.exponent) / i.fx_rate)::bigint)
		UNION ALL
		SELECT i.number, NULL FROM invoices i
		  LEFT JOIN (SELECT invoice_id, sum(taxable_base_minor) AS net, sum(tax_base_minor) AS tax
		               FROM invoice_tax_lines GROUP BY 1) t ON t.invoice_id = i.id
		 WHERE (i.subtotal_base_minor, i.tax_base_minor) IS DISTINCT FROM (t.net, t.tax)
		    OR i.total_base_minor <> i.subtotal_base_minor + i.tax_base_minor`)
	zero(t, d, "credit note beyond its invoice", `
		SELECT c.number FROM invoices c JOIN invoices i ON i.id = c.credited_invoice_id
		 WHERE c.kind = 'credit_note' AND (i.kind <> 'invoice' OR i.order_id <> c.order_id OR i.currency <> c.currency)
		UNION ALL
		SELECT i.number FROM invoices i
		 WHERE i.kind = 'invoice' AND i.total_minor < (SELECT coalesce(sum(total_minor), 0) FROM invoices c
		                                                WHERE c.credited_invoice_id = i.id AND c.kind = 'credit_note')`)
	zero(t, d, "refunds beyond their order", `
		SELECT f.id FROM refunds f JOIN orders o ON o.id = f.order_id LEFT JOIN rmas r ON r.id = f.rma_id
		 WHERE f.currency <> o.currency OR r.order_id <> f.order_id
		UNION ALL
		SELECT o.id FROM orders o
		 WHERE o.total_minor < (SELECT coalesce(sum(amount_minor), 0) FROM refunds f WHERE f.order_id = o.id AND f.status <> 'failed')`)
	zero(t, d, "refund differs from its credit note", `
		SELECT f.id FROM refunds f
		 WHERE f.amount_minor <> (SELECT sum(total_minor) FROM invoices c WHERE c.order_id = f.order_id AND c.kind = 'credit_note')`)
	zero(t, d, "RMA lines beyond what shipped or received", `
		SELECT l.id FROM order_lines l
		 WHERE l.qty_shipped < (SELECT coalesce(sum(rl.qty_requested), 0) FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id
		                         WHERE rl.order_line_id = l.id AND r.status <> 'cancelled')
		UNION ALL
		SELECT rl.id FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id JOIN order_lines l ON l.id = rl.order_line_id
		 WHERE rl.order_id <> r.order_id OR l.order_id <> rl.order_id
		    OR rl.qty_received <> (SELECT coalesce(sum(qty), 0) FROM rma_receipts x WHERE x.rma_line_id = rl.id)`)
	zero(t, d, "packages beyond what is packed", `
		SELECT l.id FROM order_lines l
		 WHERE l.qty_packed < (SELECT coalesce(sum(qty), 0) FROM package_lines pl WHERE pl.order_line_id = l.id)
		UNION ALL
		SELECT p.id FROM packages p JOIN shipments s ON s.id = p.shipment_id JOIN package_lines pl ON pl.package_id = p.id
		  JOIN order_lines l ON l.id = pl.order_line_id
		 WHERE p.order_id <> s.order_id OR pl.order_id <> p.order_id OR l.order_id <> p.order_id`)
	zero(t, d, "shipped orders without an invoice", `
		SELECT o.id FROM orders o WHERE o.status IN ('shipped', 'returned', 'partially_returned')
		   AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id AND i.kind = 'invoice')`)
	zero(t, d, "invoice total differs from the order", `
		SELECT o.id FROM orders o JOIN invoices i ON i.order_id = o.id AND i.kind = 'invoice'
		 WHERE i.total_minor <> o.total_minor`)
	zero(t, d, "shipped units without a shipped package", `
		SELECT l.id FROM order_lines l WHERE l.qty_shipped <> coalesce((SELECT sum(pl.qty) FROM package_lines pl
		  JOIN packages p ON p.id = pl.package_id JOIN shipments s ON s.id = p.shipment_id
		 WHERE pl.order_line_id = l.id AND s.status IN ('shipped', 'delivered')), 0)`)
	zero(t, d, "created_at is not ordered_at plus seconds", `
		SELECT id FROM orders WHERE created_at < ordered_at OR created_at > ordered_at + interval '1 minute'`)
	zero(t, d, "sequence behind the seeded ids", `
		SELECT 1 WHERE nextval('orders_id_seq') <= (SELECT max(id) FROM orders)
		            OR nextval('stock_movements_id_seq') <= (SELECT max(id) FROM stock_movements)`)
}

// fingerprint hashes the seeded rows. updated_at and change_xid are left out because they
// carry the time and transaction of the write.
func fingerprint(t *testing.T, d *db.DB) string {
	t.Helper()
	var parts []string
	for _, table := range []string{"orders", "order_lines", "stock_movements", "events", "reservations",
		"customers", "products", "invoices", "invoice_lines", "invoice_tax_lines", "shipments", "packages",
		"stock_balances", "invoice_counters", "fx_rates"} {
		var h string
		q := `SELECT coalesce(md5(string_agg(r, '|' ORDER BY r)), '')
		        FROM (SELECT (to_jsonb(x) - 'updated_at' - 'change_xid')::text AS r FROM ` + table + ` x) x`
		if err := d.Get(&h, q); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, table+"="+h)
	}
	return strings.Join(parts, " ")
}

func TestSeedIsDeterministic(t *testing.T) {
	opts := seed.Options{Orders: 200, SKUs: 60, Seed: 42, Now: fixedNow}
	a, _ := seeded(t, opts)
	b, _ := seeded(t, opts)
	if fa, fb := fingerprint(t, a), fingerprint(t, b); fa != fb {
		t.Errorf("same options, different rows:\n%s\n%s", fa, fb)
	}
	opts.Seed = 43
	c, _ := seeded(t, opts)
	fa, fc := fingerprint(t, a), fingerprint(t, c)
	if strings.Split(fa, " ")[0] == strings.Split(fc, " ")[0] {
		t.Errorf("seeds 42 and 43 gave the same orders: %s", fa)
	}
}

func TestSeedRefusesADatabaseWithData(t *testing.T) {
	d, sum := seeded(t, seed.Options{Orders: 50, SKUs: 50, Now: fixedNow})
	before := fingerprint(t, d)
	_, err := seed.Run(context.Background(), d, seed.Options{Orders: 50, SKUs: 50, Now: fixedNow}, nil)
	if err == nil || !strings.Contains(err.Error(), "already holds data (50 orders)") {
		t.Fatalf("second seed: err = %v, want it to refuse because the database already holds data", err)
	}
	if after := fingerprint(t, d); after != before || count(t, d, "SELECT count(*) FROM orders") != sum.Orders {
		t.Error("the refused seed changed the database")
	}
}

func TestSeedDefaultsLookLikeABusiness(t *testing.T) {
	d, sum := seeded(t, seed.Options{Orders: 50, Now: fixedNow})
	if n := count(t, d, "SELECT count(DISTINCT country) FROM warehouses"); n < 3 {
		t.Errorf("warehouses in %d countries, want at least 3", n)
	}
	if n := count(t, d, `SELECT count(*) FROM warehouses w WHERE w.kind = 'dc'
		AND (SELECT count(*) FROM locations l WHERE l.warehouse_id = w.id AND l.kind = 'bin') < 200`); n > 0 {
		t.Errorf("%d DCs have fewer than 200 bins", n)
	}
	var gtins []string
	if err := d.Select(&gtins, "SELECT gtin FROM products"); err != nil {
		t.Fatal(err)
	}
	if len(gtins) < 500 {
		t.Errorf("%d products, want at least 500", len(gtins))
	}
	for _, g := range gtins {
		if !model.ValidGTIN(g) {
			t.Errorf("product GTIN %q is not valid", g)
		}
	}
	if n := count(t, d, "SELECT count(*) FROM channels"); n < 3 {
		t.Errorf("%d channels, want at least 3", n)
	}
	if n := count(t, d, "SELECT count(DISTINCT country) FROM customers"); n < 4 {
		t.Errorf("customers in %d countries, want at least 4", n)
	}
	if n := count(t, d, "SELECT count(DISTINCT currency) FROM customers"); n < 3 {
		t.Errorf("customers pay in %d currencies, want at least 3", n)
	}
	for _, s := range seed.Statuses {
		if sum.ByStatus[string(s)] == 0 {
			t.Errorf("no %s order among 50", s)
		}
	}
	audit(t, d)
	zero(t, d, "lot-tracked stock without a lot", `
		SELECT m.id FROM stock_movements m JOIN products p ON p.id = m.product_id
		 WHERE p.lot_tracked <> (m.lot_id IS NOT NULL)`)
}

// The smallest data set the options allow still has an order in every status.
func TestSeedFewestOrdersHaveEveryStatus(t *testing.T) {
	d, sum := seeded(t, seed.Options{Orders: len(seed.Statuses), SKUs: 50, Now: fixedNow})
	for _, s := range seed.Statuses {
		if sum.ByStatus[string(s)] != 1 {
			t.Errorf("%d %s orders among %d, want 1 of each status", sum.ByStatus[string(s)], s, sum.Orders)
		}
	}
	checkDerivedStatuses(t, d)
	checkStockInvariants(t, d)
	checkDocuments(t, d)
	audit(t, d)
}

// Every warehouse of the list, the store and the Japanese marketplace included.
func TestSeedAllWarehouses(t *testing.T) {
	d, sum := seeded(t, seed.Options{Orders: 400, SKUs: 80, Warehouses: 8, Seed: 3, Now: fixedNow})
	if sum.Warehouses != 8 || sum.Channels < 7 {
		t.Errorf("%d warehouses and %d channels, want 8 and at least 7", sum.Warehouses, sum.Channels)
	}
	audit(t, d)
	checkStockInvariants(t, d)
	zero(t, d, "store orders shipped from elsewhere", `
		SELECT o.number FROM orders o JOIN channels c ON c.id = o.channel_id
		 WHERE c.kind = 'store' AND o.warehouse_id IS DISTINCT FROM c.warehouse_id AND o.warehouse_id IS NOT NULL`)
	if n := count(t, d, `SELECT count(*) FROM orders WHERE currency = 'JPY'`); n == 0 {
		t.Error("no orders in yen although Osaka is seeded")
	}
}

// Orders that span New Year: invoices and credit notes are numbered from 1 again in the new
// year, per series, and each converts at a rate published on or before its day.
func TestSeedAcrossNewYear(t *testing.T) {
	d, _ := seeded(t, seed.Options{Orders: 600, SKUs: 80, Warehouses: 8, Seed: 5,
		Now: time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC)})
	for _, kind := range []string{"invoice", "credit_note"} {
		if n := count(t, d, `SELECT count(DISTINCT year) FROM invoices WHERE kind = $1`, kind); n != 2 {
			t.Errorf("%s documents in %d years, want 2025 and 2026", kind, n)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM invoices WHERE number IN ('INV-2025-0000001', 'INV-2026-0000001')`); n != 2 {
		t.Errorf("%d of INV-2025-0000001 and INV-2026-0000001 exist, want both", n)
	}
	// Yen has no minor unit, so its base amounts are scaled as well as converted.
	if n := count(t, d, `SELECT count(DISTINCT currency) FROM invoices WHERE currency IN ('GBP', 'USD', 'JPY', 'PLN', 'CAD')`); n != 5 {
		t.Errorf("invoices in %d of GBP, USD, JPY, PLN and CAD, want all", n)
	}
	checkDerivedStatuses(t, d)
	checkStockInvariants(t, d)
	checkDocuments(t, d)
}

func TestSeedRejectsBadOptions(t *testing.T) {
	for _, opts := range []seed.Options{{Orders: 5}, {Orders: 20_000_000}, {SKUs: 10}, {Warehouses: 9}, {Warehouses: 2}} {
		if _, err := seed.Run(context.Background(), nil, opts, nil); err == nil {
			t.Errorf("Run(%+v) accepted options it should refuse", opts)
		}
	}
}

func TestSeedNeedsASuperuser(t *testing.T) {
	dbURL := dbtest.URL(t)
	admin := dbtest.Open(t, dbURL)
	_, err := admin.Exec(`DO $$ BEGIN CREATE ROLE oms_seed_clerk LOGIN PASSWORD 'clerk';
		EXCEPTION WHEN duplicate_object THEN NULL; END $$`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`GRANT SELECT ON goose_db_version TO oms_seed_clerk`); err != nil {
		t.Fatal(err)
	}
	clerk := dbtest.Open(t, asClerk(t, dbURL))
	_, err = seed.Run(context.Background(), clerk, seed.Options{Orders: 20, SKUs: 50, Now: fixedNow}, nil)
	if err == nil || !strings.Contains(err.Error(), "must run as a superuser") {
		t.Fatalf("seeding as a plain role: err = %v, want a refusal naming the superuser requirement", err)
	}
}

// asClerk is dbURL with the plain role's credentials.
func asClerk(t *testing.T, dbURL string) string {
	t.Helper()
	if !strings.Contains(dbURL, "://") {
		return dbURL + " user=oms_seed_clerk password=clerk"
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword("oms_seed_clerk", "clerk")
	return u.String()
}
