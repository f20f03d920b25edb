package cli

import (
	"context"
	"strings"
	"testing"

	"oms/db/company"
	"oms/db/dbtest"
	"oms/db/invoicing"
)

// TestCompanyShowAndSet: the admin sets the address and tax settings a few flags at a time and
// oms company show prints them all; a malformed VAT number is a usage mistake, one of another
// country is refused by oms, and a back-office login is refused by the database.
func TestCompanyShowAndSet(t *testing.T) {
	owner := dbtest.New(t)
	if _, err := company.New(owner).Init(context.Background(), company.Company{Name: "Jansen Trading B.V.", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	_, admin := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"admin"}})
	_, bo := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})

	if out := omsOK(t, "company", "show", "--db", bo); out != `name:            Jansen Trading B.V.
country:         NL
base currency:   EUR
address:         (none: set one with oms company set --address-line1 … --city …)
phone:           (none)
e-mail:          (none)
VAT number:      (none)
tax rounding:    line
OSS registered:  no
over threshold:  no
GS1 prefix:      (none: parcels cannot get an SSCC)
` {
		t.Fatalf("show before: %q", out)
	}
	omsOK(t, "company", "set", "--db", admin, "--vat-number", "nl123456789b01", "--tax-rounding", "invoice", "--oss=true")
	out := omsOK(t, "company", "set", "--db", admin, "--address-line1", "Wijnhaven 3", "--postal-code", "3011 WG",
		"--city", "Rotterdam", "--region", "Zuid-Holland", "--phone", "+31 10 123 4567", "--email", "invoices@jansen.example",
		"--gs1-prefix", "8712345")
	want := `name:            Jansen Trading B.V.
country:         NL
base currency:   EUR
address:         Wijnhaven 3, 3011 WG Rotterdam, Zuid-Holland
phone:           +31 10 123 4567
e-mail:          invoices@jansen.example
VAT number:      NL123456789B01
tax rounding:    invoice
OSS registered:  yes
over threshold:  no
GS1 prefix:      8712345
`
	if out != want {
		t.Fatalf("set prints the company as it is now: %q", out)
	}
	if out := omsOK(t, "company", "show", "--db", admin); out != want {
		t.Fatalf("show after: %q", out)
	}

	for _, tt := range []struct {
		args   []string
		url    string
		code   int
		stderr string
	}{
		{[]string{"--vat-number", "NL12"}, admin, 2, `oms: invalid VAT number "NL12"`},
		{[]string{"--tax-rounding", "order"}, admin, 2, `oms: --tax-rounding "order": choose line or invoice`},
		{nil, admin, 2, "oms: say what to set"},
		{[]string{"--vat-number", "BE0123456789"}, admin, 1, "oms: VAT number BE0123456789 is from BE, but the company is established in NL"},
		{[]string{"--email", "jansen"}, admin, 1, "oms: the company's address was not changed: an e-mail address looks like invoices@example.com"},
		{[]string{"--over-threshold=true"}, bo, 1, "oms: your database role may not do that: permission denied"},
		{[]string{"--gs1-prefix", "12AB"}, admin, 1, `oms: GS1 company prefix "12AB": 7 to 11 digits, as GS1 assigned it`},
	} {
		code, stdout, stderr := oms(t, append([]string{"company", "set", "--db", tt.url}, tt.args...)...)
		if code != tt.code || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tt.args, code, stdout, stderr)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.stderr)
	}
	if out := omsOK(t, "company", "show", "--db", admin); out != want {
		t.Fatalf("a refusal changed the company: %q", out)
	}
}

// TestCustomersVAT: the back office sets a business customer's VAT number by channel and the
// channel's customer id; a malformed number is a usage mistake, an unknown customer exit 1.
func TestCustomersVAT(t *testing.T) {
	owner := dbtest.New(t)
	if _, err := owner.Exec(`
		INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web', 'webshop', 'EUR');
		INSERT INTO customers (channel_id, external_id, name, country, currency)
		SELECT id, '10042', 'Müller GmbH', 'DE', 'EUR' FROM channels WHERE code = 'web'`); err != nil {
		t.Fatal(err)
	}
	_, bo := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})
	if out := omsOK(t, "customers", "vat", "web", "10042", "DE 123 456 789", "--db", bo); out != "Müller GmbH (DE): DE123456789\n" {
		t.Fatalf("set: %q", out)
	}
	if out := omsOK(t, "customers", "vat", "web", "10042", "DE123456789", "--db", bo); out != "Müller GmbH (DE): DE123456789 (unchanged)\n" {
		t.Fatalf("again: %q", out)
	}
	code, stdout, stderr := oms(t, "customers", "vat", "web", "10042", "DE12", "--db", bo)
	if code != 2 || stdout != "" {
		t.Fatalf("malformed: exit %d %q %q", code, stdout, stderr)
	}
	oneLine(t, "malformed", stderr, `oms: invalid VAT number "DE12"`)
	code, _, stderr = oms(t, "customers", "vat", "web", "10043", "DE123456789", "--db", bo)
	if code != 1 {
		t.Fatalf("unknown customer: exit %d %q", code, stderr)
	}
	oneLine(t, "unknown customer", stderr, "oms: no such customer: channel web has no customer 10043")
	if out := omsOK(t, "customers", "vat", "web", "10042", "", "--db", bo); out != "Müller GmbH (DE): no VAT number (was DE123456789)\n" {
		t.Fatalf("remove: %q", out)
	}
}

// The seller's address the document carries is what oms invoice pdf prints in the seller's
// block: street lines, "postcode city", region; empty parts left out.
func TestInvoicePDFPrintsTheSellersAddress(t *testing.T) {
	d := invoicing.IssuedDocument{Number: "INV-2026-000001", Kind: invoicing.Invoice, Currency: "EUR", BaseCurrency: "EUR",
		Seller: invoicing.Party{Name: "Jansen Trading B.V.", Country: "NL", VATNumber: "NL123456789B01",
			Line1: "Wijnhaven 3", PostalCode: "3011 WG", City: "Rotterdam", Region: "Zuid-Holland"}}
	s := pdfDocument(d).Seller
	if s.Name != "Jansen Trading B.V." || s.Country != "NL" || s.VATNumber != "NL123456789B01" ||
		strings.Join(s.Address, " | ") != "Wijnhaven 3 | 3011 WG Rotterdam | Zuid-Holland" {
		t.Fatalf("seller as printed: %+v", s)
	}
	d.Seller = invoicing.Party{Name: "Jansen Trading B.V.", Country: "NL"}
	if s := pdfDocument(d).Seller; len(s.Address) != 0 {
		t.Fatalf("a company without an address prints %q", s.Address)
	}
}

// oms check lists a warning about an imported order whose tax differs from oms's own under its
// rule, still says all invariants hold and exits 0: warnings are for the back office to look
// at, not failures.
func TestCheckExitsZeroWithOnlyWarnings(t *testing.T) {
	url := dbtest.URL(t)
	owner := dbtest.Open(t, url)
	if _, err := company.New(owner).Init(context.Background(), company.Company{Name: "Jansen Trading B.V.", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(`
		INSERT INTO tax_rates (country, tax_category, name, rate_ppm, valid_from) VALUES ('NL', 'standard', 'BTW 21%', 210000, '2019-01-01');
		INSERT INTO products (sku, name, tax_category) VALUES ('MUG-1', 'Stoneware mug', 'standard');
		INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web shop', 'webshop', 'EUR');
		INSERT INTO customers (channel_id, external_id, name, country, currency) SELECT id, 'C1', 'Anna', 'NL', 'EUR' FROM channels;
		INSERT INTO addresses (customer_id, name, line1, city, country) SELECT id, 'Anna', 'Keizersgracht 1', 'Amsterdam', 'NL' FROM customers;
		INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
		                    subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
		SELECT 'SO-0001', ch.id, '1001', cu.id, 'Anna', a.id, 'EUR', 10000, 900, 10900, '2026-11-20T10:00:00Z', '2026-11-22T10:00:00Z'
		  FROM channels ch, customers cu, addresses a;
		INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, amount_minor, tax_minor, tax_rate_ppm, qty_ordered)
		SELECT o.id, 1, '1', p.id, 10000, 10000, 900, 90000, 1 FROM orders o, products p`); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := oms(t, "check", "--db", url)
	if code != 0 || stderr != "" || !strings.Contains(stdout, "all invariants hold") ||
		!strings.Contains(stdout, "     - Order SO-0001 (web): the channel's tax is EUR 9.00, oms's is EUR 21.00 (domestic, NL), EUR 12.00 apart\n") {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
}
