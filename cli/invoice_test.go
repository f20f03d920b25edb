package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/company"
	"oms/db/dbtest"
	"oms/db/invoicing"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// invoiceWorld is a company (NL, EUR) with a DC, a mug in its bin, a webshop that invoices on
// shipment and a wholesale channel that invoices on demand, and three orders: SO-0001 and
// SO-0002 on the webshop, SO-0003 wholesale, each with its units shipped. It returns the owner,
// a back-office login's URL and the orders' ids and line ids.
func invoiceWorld(t *testing.T) (owner *db.DB, bo string, ids, lines map[string]int64, mug int64) {
	t.Helper()
	ctx := context.Background()
	owner = dbtest.New(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	get := func(dest any, q string, args ...any) {
		t.Helper()
		must(owner.Get(dest, q, args...))
	}
	_, err := company.New(owner).Init(ctx, company.Company{Name: "Jansen Trading B.V.", Country: "NL", Currency: "EUR"})
	must(err)
	must(company.New(owner).SetTaxSettings(ctx, company.TaxSettings{VATNumber: "NL123456789B01"}))
	var wh, bin, pack, cust, suppl int64
	get(&wh, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`)
	get(&bin, `INSERT INTO locations (warehouse_id, code, kind, pick_seq) VALUES ($1, 'A-01', 'bin', 1) RETURNING id`, wh)
	get(&pack, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'PACK-1', 'packing') RETURNING id`, wh)
	get(&cust, `SELECT id FROM locations WHERE kind = 'customer'`)
	get(&suppl, `SELECT id FROM locations WHERE kind = 'supplier'`)
	get(&mug, `INSERT INTO products (sku, name, tax_category) VALUES ('MUG-1', 'Stoneware mug', 'standard') RETURNING id`)
	ledger := stock.New(owner)
	must(ledger.Post(ctx, "receive-mugs", stock.Movement{Product: mug, From: suppl, To: bin, Qty: 100, Kind: model.MoveReceipt}))
	channel := map[string]int64{}
	for _, c := range []struct{ code, on string }{{"web", "shipment"}, {"wholesale", "demand"}} {
		var id int64
		get(&id, `INSERT INTO channels (code, name, kind, currency, warehouse_id, invoice_on) VALUES ($1, $1, 'webshop', 'EUR', $2, $3) RETURNING id`,
			c.code, wh, c.on)
		channel[c.code] = id
	}
	ids, lines = map[string]int64{}, map[string]int64{}
	for i, o := range []struct {
		number, channel string
		qty             int64
	}{{"SO-0001", "web", 2}, {"SO-0002", "web", 1}, {"SO-0003", "wholesale", 1}} {
		var custID, addr, id, line int64
		get(&custID, `INSERT INTO customers (channel_id, name, email, country, currency) VALUES ($1, 'Anna de Vries', $2, 'NL', 'EUR') RETURNING id`,
			channel[o.channel], fmt.Sprintf("anna%d@example.nl", i))
		get(&addr, `INSERT INTO addresses (customer_id, name, line1, city, postal_code, country)
			VALUES ($1, 'Anna de Vries', 'Keizersgracht 1', 'Amsterdam', '1015 CJ', 'NL') RETURNING id`, custID)
		amount, tax := 1000*o.qty, 210*o.qty
		get(&id, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
			subtotal_minor, tax_minor, total_minor, ordered_at, promised_at, warehouse_id)
			VALUES ($1, $2, $1, $3, 'Anna de Vries', $4, 'EUR', $5::bigint, $6::bigint, $5::bigint + $6::bigint, now(), now() + interval '2 days', $7) RETURNING id`,
			o.number, channel[o.channel], custID, addr, amount, tax, wh)
		get(&line, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, amount_minor,
			tax_minor, tax_rate_ppm, qty_ordered) VALUES ($1, 1, '1', $2, 1000, $3, $4, 210000, $5) RETURNING id`, id, mug, amount, tax, o.qty)
		k := o.number
		must(ledger.Reserve(ctx, "reserve-"+k, stock.Reservation{OrderLine: line, Location: bin, Product: mug, Qty: o.qty}))
		must(ledger.Post(ctx, "pick-"+k, stock.Movement{Product: mug, From: bin, To: pack, Qty: o.qty, Kind: model.MovePick, OrderLine: line}))
		must(orders.New(owner).SetPacked(ctx, "pack-"+k, orders.Packed{Line: line, Packed: o.qty}))
		must(ledger.Post(ctx, "ship-"+k, stock.Movement{Product: mug, From: pack, To: cust, Qty: o.qty, Kind: model.MoveShip, OrderLine: line}))
		ids[o.number], lines[o.number] = id, line
	}
	_, bo = dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})
	return owner, bo, ids, lines, mug
}

// TestInvoiceIssueCreditListAndPDF: the back office invoices one order by number, then every
// order shipped on a channel that invoices on shipment (the wholesale order waits for someone
// to ask), is told when there is nothing left, credits a returned unit, lists the documents by
// order, series and day, and prints one as an A4 PDF (the seller is Dutch).
func TestInvoiceIssueCreditListAndPDF(t *testing.T) {
	owner, bo, ids, lines, mug := invoiceWorld(t)
	year := time.Now().UTC().Format("2006")
	inv := func(n int) string { return fmt.Sprintf("INV-%s-%07d", year, n) }

	if out := omsOK(t, "invoice", "issue", "so-0001", "--db", bo); out != inv(1)+"  order SO-0001  20.00 + 4.20 tax = 24.20 EUR\n" {
		t.Fatalf("issue: %q", out)
	}
	if out := omsOK(t, "invoice", "issue", "--shipped", "--db", bo); out != inv(2)+"  order SO-0002  10.00 + 2.10 tax = 12.10 EUR\nissued 1 invoice\n" {
		t.Fatalf("issue --shipped: %q", out)
	}
	if out := omsOK(t, "invoice", "issue", "--shipped", "--db", bo); out != "issued 0 invoices\n" {
		t.Fatalf("issue --shipped again: %q", out)
	}
	code, stdout, stderr := oms(t, "invoice", "issue", "SO-0001", "--db", bo)
	if code != 1 || stdout != "" || stderr != "oms: order SO-0001 has nothing shipped that is not invoiced yet\n" {
		t.Fatalf("nothing left: exit %d, %q %q", code, stdout, stderr)
	}
	code, _, stderr = oms(t, "invoice", "issue", "SO-9999", "--db", bo)
	if code != 1 || stderr != "oms: there is no order SO-9999\n" {
		t.Fatalf("no such order: exit %d, %q", code, stderr)
	}
	// The wholesale channel invoices on demand: by name only.
	if out := omsOK(t, "invoice", "issue", "SO-0003", "--db", bo); !strings.HasPrefix(out, inv(3)+"  order SO-0003") {
		t.Fatalf("on demand: %q", out)
	}

	// One mug of SO-0001 comes back.
	var rma, rmaLine, ret, cust int64
	ctx := context.Background()
	mustGet(t, owner, &ret, `INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'RET-1', 'returns' FROM warehouses WHERE code = 'RTM1' RETURNING id`)
	mustGet(t, owner, &cust, `SELECT id FROM locations WHERE kind = 'customer'`)
	mustGet(t, owner, &rma, `INSERT INTO rmas (number, order_id, status) VALUES ('RMA-000001', $1, 'authorized') RETURNING id`, ids["SO-0001"])
	mustGet(t, owner, &rmaLine, `INSERT INTO rma_lines (rma_id, order_line_id, qty_requested) VALUES ($1, $2, 1) RETURNING id`, rma, lines["SO-0001"])
	if err := stock.New(owner).Post(ctx, "return-SO-0001", stock.Movement{Product: mug, From: cust, To: ret, Qty: 1,
		Kind: model.MoveReturn, OrderLine: lines["SO-0001"], RMALine: rmaLine}); err != nil {
		t.Fatal(err)
	}
	cn := fmt.Sprintf("CN-%s-%07d", year, 1)
	if out := omsOK(t, "invoice", "credit", "SO-0001", "--db", bo); out != cn+"  order SO-0001  10.00 + 2.10 tax = 12.10 EUR  credits "+inv(1)+"\n" {
		t.Fatalf("credit: %q", out)
	}
	code, _, stderr = oms(t, "invoice", "credit", "SO-0001", "--db", bo)
	if code != 1 || stderr != "oms: order SO-0001 has nothing returned that is not credited yet\n" {
		t.Fatalf("credit again: exit %d, %q", code, stderr)
	}

	today := time.Now().UTC().Format(time.DateOnly)
	out := omsOK(t, "invoice", "list", "--db", bo)
	if n := strings.Count(out, "\n"); n != 4 || !strings.HasPrefix(out, cn) || !strings.Contains(out, "credits "+inv(1)) {
		t.Fatalf("list: %q", out)
	}
	if out := omsOK(t, "invoice", "list", "--order", "SO-0002", "--db", bo); out != fmt.Sprintf("%-18s %s  %-12s %12s EUR\n", inv(2), today, "SO-0002", "12.10") {
		t.Fatalf("list --order: %q", out)
	}
	if out := omsOK(t, "invoice", "list", "--series", "credit_note", "--from", today, "--to", today, "--db", bo); strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, cn) {
		t.Fatalf("list --series: %q", out)
	}
	if out := omsOK(t, "invoice", "list", "--to", "2001-01-01", "--db", bo); out != "no invoices or credit notes\n" {
		t.Fatalf("list before any: %q", out)
	}

	file := filepath.Join(t.TempDir(), "invoice.pdf")
	if out := omsOK(t, "invoice", "pdf", inv(1), "-o", file, "--db", bo); out != "wrote "+file+": invoice "+inv(1)+" on A4\n" {
		t.Fatalf("pdf: %q", out)
	}
	pdf, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) || !bytes.Contains(pdf, []byte("/MediaBox [0 0 595.28 841.89]")) {
		t.Fatalf("not an A4 PDF: %q…", pdf[:min(len(pdf), 64)])
	}
	cnFile := filepath.Join(t.TempDir(), "credit.pdf")
	omsOK(t, "invoice", "pdf", cn, "-o", cnFile, "--db", bo)
}

// Invoicing is the back office's: a packer's login is refused by the database.
func TestInvoiceIssueIsTheBackOfficesWork(t *testing.T) {
	owner, _, _, _, _ := invoiceWorld(t)
	_, packer := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"packer"}})
	code, _, stderr := oms(t, "invoice", "issue", "SO-0001", "--db", packer)
	if code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("a packer invoicing: exit %d, %q", code, stderr)
	}
}

// Mistakes in how the commands are called are said before the database is asked (exit 2).
func TestInvoiceUsageMistakesExit2(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"invoice"}, "oms: say what to do: oms invoice issue, credit, list or pdf"},
		{[]string{"invoice", "issue"}, "oms: oms invoice issue needs ORDER-NUMBER, or --shipped"},
		{[]string{"invoice", "issue", "SO-1", "--shipped"}, "oms: give either an order number or --shipped, not both"},
		{[]string{"invoice", "credit"}, "oms: oms invoice credit needs ORDER-NUMBER"},
		{[]string{"invoice", "list", "--from", "30-11-2026"}, `oms: --from "30-11-2026" is not a date`},
		{[]string{"invoice", "list", "--series", "rma"}, `oms: --series "rma": the series are invoice and credit_note`},
		{[]string{"invoice", "pdf", "INV-2026-0000001"}, "oms: oms invoice pdf needs -o FILE.pdf"},
	} {
		code, stdout, stderr := oms(t, append(tt.args, "--db", unreachable)...)
		if code != 2 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tt.args, code, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
}

func mustGet(t *testing.T, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// TestInvoicingAsOrdersShip: a round of oms invoice issue --shipped --follow invoices the
// shipped orders of the channel that invoices on shipment (not the wholesale one, invoiced on
// demand), and the next round finds nothing to do.
func TestInvoicingAsOrdersShip(t *testing.T) {
	_, bo, _, _, _ := invoiceWorld(t)
	ctx := context.Background()
	s := invoicing.New(dbtest.Open(t, bo))
	var out strings.Builder
	told := map[string]bool{}
	if err := invoiceRound(ctx, s, &out, told); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "order SO-0001") || !strings.Contains(got, "order SO-0002") || strings.Contains(got, "SO-0003") ||
		strings.Count(got, "\n") != 2 {
		t.Fatalf("the first round printed %q", got)
	}
	out.Reset()
	if err := invoiceRound(ctx, s, &out, told); err != nil || out.String() != "" {
		t.Fatalf("the second round printed %q (%v)", out.String(), err)
	}
	if code, _, stderr := oms(t, "invoice", "issue", "SO-0001", "--follow", "--db", bo); code != 2 || !strings.Contains(stderr, "--follow goes with --shipped") {
		t.Errorf("--follow without --shipped: exit %d, %q", code, stderr)
	}
}
