package orders_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"oms/db"

	"oms/db/company"
	_ "oms/db/invoicing" // registers the tax of orders entered by hand
	"oms/db/orders"
	"oms/model"
)

func phoneOrder(ch int64, lines ...orders.ManualLine) orders.ManualOrder {
	return orders.ManualOrder{
		Channel:     ch,
		NewCustomer: model.IncomingCustomer{Name: "Piet Bakker", Email: "piet@example.com", Phone: "+31 6 1234 5678"},
		ShipTo:      model.Address{Name: "Piet Bakker", Line1: "Dorpsstraat 4", City: "Utrecht", PostalCode: "3511 AB", Country: "nl"},
		Lines:       lines,
		Notes:       "called at 10:00",
	}
}

// An order entered by hand is saved once per key, numbered from the order series, with its
// customer, address and lines at the prices agreed; the history says it was entered by hand;
// oms check finds nothing wrong. A second save of the same key returns the same number.
func TestAManualOrderIsSavedOncePerKey(t *testing.T) {
	owner, clerk := intakeBusiness(t)
	ctx := context.Background()
	mustExec(t, owner, `INSERT INTO channels (code, name, kind, currency, sla_hours) VALUES ('phone', 'Phone orders', 'manual', 'EUR', 72)`,
		`INSERT INTO product_prices (product_id, currency, price_minor) SELECT id, 'EUR', 1500 FROM products WHERE sku = 'TEE-1'`)
	chans, err := clerk.ManualChannels(ctx)
	if err != nil || len(chans) == 0 || chans[0].Code != "phone" {
		t.Fatalf("manual channels %+v, %v; want phone first", chans, err)
	}
	price, ok, err := clerk.CataloguePrice(ctx, idOf(t, owner, "TEE-1"), "EUR")
	if err != nil || !ok || price != 1500 {
		t.Fatalf("TEE-1's price %d %v %v", price, ok, err)
	}
	m := phoneOrder(chans[0].ID, orders.ManualLine{SKU: "TEE-1", Qty: 2, UnitMinor: 1500}, orders.ManualLine{SKU: "mug-1", Qty: 1, UnitMinor: 1200})
	first, err := clerk.CreateManualOrder(ctx, "manual-key-0001", m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := clerk.CreateManualOrder(ctx, "manual-key-0001", m)
	if err != nil || again != first {
		t.Fatalf("the same key again gave %q, %v; want %q", again, err, first)
	}
	var n int
	mustGet(t, owner, &n, `SELECT count(*) FROM orders`)
	if n != 1 {
		t.Fatalf("%d orders after saving twice with one key", n)
	}
	var got struct {
		Status   string `db:"status"`
		Total    int64  `db:"total_minor"`
		Customer string `db:"customer_name"`
		City     string `db:"city"`
		Country  string `db:"country"`
		Email    string `db:"email"`
		Lines    int    `db:"lines"`
		Event    string `db:"event"`
		Notes    string `db:"notes"`
		Due      bool   `db:"due"`
	}
	mustGet(t, owner, &got, `
		SELECT o.status, o.total_minor, o.customer_name, a.city, a.country, c.email, o.notes,
		       (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines,
		       (SELECT message FROM events e WHERE e.order_id = o.id AND e.kind = 'order.created') AS event,
		       o.promised_at = o.ordered_at + interval '72 hours' AS due
		  FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id JOIN customers c ON c.id = o.customer_id
		 WHERE o.number = $1`, first)
	if got.Status != "pending" || got.Total != 4200 || got.Customer != "Piet Bakker" || got.City != "Utrecht" ||
		got.Country != "NL" || got.Email != "piet@example.com" || got.Lines != 2 || !got.Due || got.Notes != "called at 10:00" {
		t.Errorf("stored %+v", got)
	}
	if got.Event != "entered by hand: 2 lines, 42.00 EUR" {
		t.Errorf("history %q", got.Event)
	}
	var description string
	mustGet(t, owner, &description, `SELECT description FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number = $1 AND l.line_no = 2`, first)
	if description != "Mug" {
		t.Errorf("line 2 describes itself as %q", description)
	}

	// The customer is found again by name, e-mail and phone, with the address of the last order.
	for _, q := range []string{"bakker", "PIET@example.com", "06 1234 5678"} {
		found, err := clerk.FindCustomers(ctx, q, 5)
		if err != nil || len(found) != 1 || found[0].LastTo.Line1 != "Dorpsstraat 4" {
			t.Errorf("finding %q: %+v, %v", q, found, err)
		}
	}
	// A second order for the same customer names them; it is another order.
	found, _ := clerk.FindCustomers(ctx, "bakker", 5)
	m2 := m
	m2.Customer, m2.NewCustomer = found[0].ID, model.IncomingCustomer{}
	m2.Lines = m.Lines[:1]
	second, err := clerk.CreateManualOrder(ctx, "manual-key-0002", m2)
	if err != nil || second == first {
		t.Fatalf("a second order: %q, %v", second, err)
	}
	mustGet(t, owner, &n, `SELECT count(DISTINCT customer_id) FROM orders`)
	if n != 1 {
		t.Errorf("the two orders have %d customers", n)
	}
	checkClean(t, owner)
}

// What cannot be saved is refused before anything is written, saying what and where.
func TestAManualOrderIsRefused(t *testing.T) {
	owner, clerk := intakeBusiness(t)
	ctx := context.Background()
	var ch int64
	mustGet(t, owner, &ch, `SELECT id FROM channels WHERE code = 'web-eu'`)
	for _, c := range []struct {
		name string
		m    orders.ManualOrder
		says string
	}{
		{"no lines", phoneOrder(ch), "it has no lines"},
		{"quantity 0", phoneOrder(ch, orders.ManualLine{SKU: "TEE-1", Qty: 1, UnitMinor: 100}, orders.ManualLine{SKU: "MUG-1", Qty: 0, UnitMinor: 100}),
			"line 2 (MUG-1): the quantity is 0"},
		{"unknown SKU", phoneOrder(ch, orders.ManualLine{SKU: "TEE-1", Qty: 1, UnitMinor: 100}, orders.ManualLine{SKU: "NOPE-9", Qty: 1, UnitMinor: 100}),
			`line 2: unknown SKU "NOPE-9"`},
		{"no city", func() orders.ManualOrder {
			m := phoneOrder(ch, orders.ManualLine{SKU: "TEE-1", Qty: 1})
			m.ShipTo.City = ""
			return m
		}(), "the ship-to address has no city"},
	} {
		_, err := clerk.CreateManualOrder(ctx, "refused-"+strings.ReplaceAll(c.name, " ", "-"), c.m)
		if !errors.Is(err, orders.ErrManualOrder) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want it to say %q", c.name, err, c.says)
		}
	}
	var n int
	mustGet(t, owner, &n, `SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM customers) + (SELECT count(*) FROM idempotency_keys)`)
	if n != 0 {
		t.Errorf("refused orders left %d rows", n)
	}
}

func idOf(t *testing.T, owner interface {
	Get(dest any, query string, args ...any) error
}, sku string) int64 {
	t.Helper()
	var id int64
	if err := owner.Get(&id, `SELECT id FROM products WHERE sku = $1`, sku); err != nil {
		t.Fatal(err)
	}
	return id
}

// taxDesk is the small business with tax rates for NL and DE, a VAT number, and two phone
// channels: phone (prices without tax) and phone-incl (prices with tax).
func taxDesk(t *testing.T) (owner *db.DB, clerk *orders.Store, excl, incl int64) {
	t.Helper()
	owner, clerk = intakeBusiness(t)
	if err := company.New(owner).SetTaxSettings(context.Background(), company.TaxSettings{VATNumber: "NL123456789B01"}); err != nil {
		t.Fatal(err)
	}
	mustExec(t, owner, `INSERT INTO tax_rates (country, tax_category, name, rate_ppm, valid_from) VALUES
		('NL', 'standard', 'BTW 21%', 210000, '2019-01-01'), ('DE', 'standard', 'USt 19%', 190000, '2007-01-01')`,
		`INSERT INTO channels (code, name, kind, currency, sla_hours, prices_include_tax) VALUES
		('phone', 'Phone orders', 'manual', 'EUR', 72, false), ('phone-incl', 'Phone orders (gross)', 'manual', 'EUR', 72, true)`)
	mustGet(t, owner, &excl, `SELECT id FROM channels WHERE code = 'phone'`)
	mustGet(t, owner, &incl, `SELECT id FROM channels WHERE code = 'phone-incl'`)
	return owner, clerk, excl, incl
}

type taxedOrder struct {
	Tax   int64  `db:"tax_minor"`
	Total int64  `db:"total_minor"`
	Lines string `db:"lines"`
	Event string `db:"event"`
}

func taxOf(t *testing.T, owner *db.DB, number string) taxedOrder {
	t.Helper()
	var got taxedOrder
	mustGet(t, owner, &got, `
		SELECT o.tax_minor, o.total_minor,
		       (SELECT string_agg(l.tax_minor || ' @ ' || l.tax_rate_ppm, ', ' ORDER BY l.line_no)
		          FROM order_lines l WHERE l.order_id = o.id) AS lines,
		       (SELECT message FROM events e WHERE e.order_id = o.id AND e.kind = 'order.created') AS event
		  FROM orders o WHERE o.number = $1`, number)
	return got
}

// A manual order to a consumer in the seller's own country carries the standard rate's tax on
// each line and in its totals from the start: added to the total when the channel's prices
// exclude tax, inside it when they include it.
func TestAManualOrderToADomesticConsumerCarriesTax(t *testing.T) {
	owner, clerk, excl, incl := taxDesk(t)
	ctx := context.Background()
	lines := []orders.ManualLine{{SKU: "TEE-1", Qty: 2, UnitMinor: 1500}, {SKU: "MUG-1", Qty: 1, UnitMinor: 1200}}
	number, err := clerk.CreateManualOrder(ctx, "manual-tax-0001", phoneOrder(excl, lines...))
	if err != nil {
		t.Fatal(err)
	}
	// 21% of 30.00 and of 12.00, added to 42.00.
	want := taxedOrder{Tax: 882, Total: 5082, Lines: "630 @ 210000, 252 @ 210000",
		Event: "entered by hand: 2 lines, 50.82 EUR including 8.82 EUR tax"}
	if got := taxOf(t, owner, number); got != want {
		t.Errorf("exclusive prices: stored %+v, want %+v", got, want)
	}
	number, err = clerk.CreateManualOrder(ctx, "manual-tax-0002", phoneOrder(incl, lines...))
	if err != nil {
		t.Fatal(err)
	}
	// 30.00 × 21/121 = 5.2066 → 5.21, 12.00 × 21/121 = 2.0826 → 2.08; the total stays 42.00.
	want = taxedOrder{Tax: 729, Total: 4200, Lines: "521 @ 210000, 208 @ 210000",
		Event: "entered by hand: 2 lines, 42.00 EUR including 7.29 EUR tax"}
	if got := taxOf(t, owner, number); got != want {
		t.Errorf("inclusive prices: stored %+v, want %+v", got, want)
	}
	checkClean(t, owner)
}

// A manual order to a business in another EU country with a valid VAT number is reverse
// charged: no tax, and it is saved. A line whose category has no tax rate for the destination
// refuses the order with FindTaxRate's sentence, and nothing is saved.
func TestAManualOrderToAnEUBusinessIsNotTaxed(t *testing.T) {
	owner, clerk, excl, _ := taxDesk(t)
	ctx := context.Background()
	var cust int64
	mustGet(t, owner, &cust, `INSERT INTO customers (name, email, country, currency, vat_number)
		VALUES ('Müller GmbH', 'einkauf@mueller.example', 'DE', 'EUR', 'DE123456789') RETURNING id`)
	m := phoneOrder(excl, orders.ManualLine{SKU: "TEE-1", Qty: 2, UnitMinor: 1500})
	m.Customer, m.NewCustomer = cust, model.IncomingCustomer{}
	m.ShipTo = model.Address{Name: "Müller GmbH", Line1: "Hauptstraße 1", City: "Köln", PostalCode: "50667", Country: "DE"}
	number, err := clerk.CreateManualOrder(ctx, "manual-tax-0003", m)
	if err != nil {
		t.Fatal(err)
	}
	want := taxedOrder{Tax: 0, Total: 3000, Lines: "0 @ 0", Event: "entered by hand: 1 line, 30.00 EUR"}
	if got := taxOf(t, owner, number); got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}

	mustExec(t, owner, `INSERT INTO products (sku, name, tax_category) VALUES ('BOOK-1', 'Book', 'reduced')`)
	m = phoneOrder(excl, orders.ManualLine{SKU: "TEE-1", Qty: 1, UnitMinor: 1500}, orders.ManualLine{SKU: "BOOK-1", Qty: 1, UnitMinor: 2000})
	_, err = clerk.CreateManualOrder(ctx, "manual-tax-0004", m)
	if !errors.Is(err, orders.ErrManualOrder) ||
		!strings.Contains(err.Error(), `cannot be saved: line 2 (BOOK-1): no tax rate: no "reduced" tax rate for country NL valid on `) {
		t.Errorf("a reduced-rate book without an NL reduced rate: %v", err)
	}
	var n int
	mustGet(t, owner, &n, `SELECT count(*) FROM orders`)
	if n != 1 {
		t.Errorf("%d orders; the refused one was saved", n)
	}
	checkClean(t, owner)
}
