package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"oms/channels"
	"oms/db"
	"oms/db/dbtest"
	dbexport "oms/db/export"
	"oms/db/seed"
	"oms/export"
)

// exportDemo is a fresh copy of a small seeded business, with shipped, packed and invoiced
// orders, and the URL of a back-office login to it.
func exportDemo(t *testing.T) (owner *db.DB, url string) {
	t.Helper()
	owner = dbtest.Filled(t, "export-demo", func(ctx context.Context, d *db.DB) error {
		_, err := seed.Run(ctx, d, seed.Options{Orders: 240, SKUs: 60, Warehouses: 3, Seed: 7,
			Now: time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)}, nil)
		return err
	})
	_, url = dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})
	return owner, url
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return recs
}

// cursorOf is the cursor an export printed: its standard error's only line.
func cursorOf(t *testing.T, stderr string) string {
	t.Helper()
	if !strings.HasPrefix(stderr, "cursor: ") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("standard error %q, want exactly one line \"cursor: …\"", stderr)
	}
	return strings.TrimSpace(strings.TrimPrefix(stderr, "cursor: "))
}

// A customer whose name is a formula reaches the CSV as text; a name that is a plain negative
// number stays a number.
func TestExportOrdersCSVNeutralisesFormulas(t *testing.T) {
	owner, url := exportDemo(t)
	names := []string{`=HYPERLINK("x")`, "+1", "@cmd", "-12.50"}
	want := []string{`'=HYPERLINK("x")`, "'+1", "'@cmd", "-12.50"}
	var numbers []string
	if err := owner.Select(&numbers, `SELECT number FROM orders ORDER BY id LIMIT 4`); err != nil {
		t.Fatal(err)
	}
	for i, n := range numbers {
		if _, err := owner.Exec(`UPDATE customers SET name = $2 WHERE id = (SELECT customer_id FROM orders WHERE number = $1)`, n, names[i]); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := oms(t, "export", "orders", "--format", "csv", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	cursorOf(t, stderr)
	recs := readCSV(t, stdout)
	if strings.Join(recs[0], ",") != strings.Join(export.Names(export.OrderColumns), ",") {
		t.Fatalf("header %v", recs[0])
	}
	byNumber := map[string][]string{}
	for _, r := range recs[1:] {
		byNumber[r[0]] = r
	}
	var total int
	if err := owner.Get(&total, `SELECT count(*) FROM orders`); err != nil || total != len(recs)-1 {
		t.Fatalf("%d rows for %d orders (%v)", len(recs)-1, total, err)
	}
	for i, n := range numbers {
		if got := byNumber[n][14]; got != want[i] {
			t.Errorf("order %s: customer_name %q, want %q", n, got, want[i])
		}
	}
}

// Mistakes in how export is called exit 2 with a sentence saying what would do, before or
// without reading anything.
func TestExportUsageMistakesExit2(t *testing.T) {
	_, url := exportDemo(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "parcels"}, `"parcels" is not a kind of export`},
		{[]string{"export", "orders", "--format", "shopify"}, "the formats of orders are csv, json"},
		{[]string{"export", "orders", "--format", "csv", "--follow"}, "--follow writes JSON lines"},
		{[]string{"export", "stock", "--format", "amazon"}, "needs --channel"},
		{[]string{"export", "orders", "--since", "last week"}, "is not a time"},
		{[]string{"export", "orders", "--channel", "NOPE"}, `there is no channel "NOPE"`},
		{[]string{"export", "movements", "--warehouse", "zz9"}, `there is no warehouse "zz9"`},
		{[]string{"export", "lines", "--after", "cursor please"}, "is not a cursor"},
		{[]string{"export", "lines", "--after", "999999999:999999999:"}, "ahead of this database"},
	} {
		code, stdout, stderr := oms(t, append(c.args, "--db", url)...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.HasPrefix(stderr, "cursor:") || strings.Contains(stderr, "\ncursor:") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 saying %q and no cursor", c.args, code, stderr, c.want)
		}
		if stdout != "" && !strings.HasPrefix(stdout, "number,") && !strings.HasPrefix(stdout, "order_number,") {
			t.Errorf("%v: wrote %q", c.args, stdout)
		}
	}
}

// A nightly job with one flag: the first run exports everything and keeps the cursor in the
// file, the next run nothing, and after a change only what changed. Codes are taken in any case.
func TestExportCursorFileExportsOnlyChanges(t *testing.T) {
	owner, url := exportDemo(t)
	file := filepath.Join(t.TempDir(), "lines.cursor")
	run := func() [][]string {
		t.Helper()
		code, stdout, stderr := oms(t, "export", "lines", "--channel", "WEB-EU", "--cursor-file", file, "--db", url)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		saved, err := os.ReadFile(file)
		if err != nil || strings.TrimSpace(string(saved)) != cursorOf(t, stderr) {
			t.Fatalf("cursor file %q, printed %q (%v)", saved, stderr, err)
		}
		return readCSV(t, stdout)
	}
	first := run()
	var want int
	if err := owner.Get(&want, `SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN channels c ON c.id = o.channel_id WHERE c.code = 'web-eu'`); err != nil {
		t.Fatal(err)
	}
	if len(first)-1 != want || want == 0 {
		t.Fatalf("first run: %d lines, want %d", len(first)-1, want)
	}
	if again := run(); len(again) != 1 {
		t.Fatalf("nothing changed, yet %d lines", len(again)-1)
	}
	var line string
	if err := owner.Get(&line, `UPDATE order_lines l SET description = 'gift wrap' FROM orders o, channels c
		WHERE o.id = l.order_id AND c.id = o.channel_id AND c.code = 'web-eu'
		  AND l.id = (SELECT min(l2.id) FROM order_lines l2 JOIN orders o2 ON o2.id = l2.order_id WHERE o2.channel_id = c.id)
		RETURNING o.number`); err != nil {
		t.Fatal(err)
	}
	changed := run()
	if len(changed) != 2 || changed[1][0] != line || changed[1][6] != "gift wrap" {
		t.Fatalf("after one change: %v", changed)
	}
}

// orders --format json is oms's own order format, read back by `oms import json` as the same
// orders, with oms's fields added; importing the export into another channel and exporting
// that reproduces every order.
func TestExportOrdersJSONRoundTripsThroughImport(t *testing.T) {
	owner, url := exportDemo(t)
	code, stdout, stderr := oms(t, "export", "orders", "--format", "json", "--channel", "web-eu", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) < 10 {
		t.Fatalf("%d orders", len(lines))
	}
	for _, l := range lines {
		keys, err := export.TopLevelKeys([]byte(l))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, k := range keys {
			if seen[k] {
				t.Fatalf("member %q twice in %s", k, l)
			}
			seen[k] = true
		}
		for _, k := range []string{"order_id", "lines", "total", "number", "channel", "status", "warehouse", "updated_at"} {
			if !seen[k] {
				t.Fatalf("no %q in %s", k, l)
			}
		}
	}
	// The reader takes every line as the order the database states.
	rd, err := channels.Open("json", strings.NewReader(stdout), channels.Options{File: "orders.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for {
		p, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil || p.Reason != "" {
			t.Fatalf("line %d: %v %s", p.Line, err, p.Reason)
		}
		want, err := dbexport.IncomingOrder(ctx, owner, "web-eu", p.Order.ExternalID)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(p.Order)
		b, _ := json.Marshal(want)
		if !bytes.Equal(a, b) {
			t.Fatalf("order %s read back as\n%s\nwant\n%s", p.ID, a, b)
		}
	}

	// Into a copy of the channel, through the importer, and out again.
	if _, err := owner.Exec(`INSERT INTO channels (code, name, kind, currency, warehouse_id, sla_hours, prices_include_tax, split_allowed, safety_buffer)
		SELECT 'copy-eu', 'Copy', kind, currency, warehouse_id, sla_hours, prices_include_tax, split_allowed, safety_buffer FROM channels WHERE code = 'web-eu'`); err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, "orders.jsonl", stdout)
	code, out, errOut := oms(t, "import", "json", "--channel", "copy-eu", file, "--db", url)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errOut)
	}
	code, again, stderr := oms(t, "export", "orders", "--format", "json", "--channel", "copy-eu", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	strip := func(s string) []string {
		var out []string
		for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatal(err)
			}
			for _, c := range export.OrderJSONExtras {
				delete(m, c.Name)
			}
			b, _ := json.Marshal(m)
			out = append(out, string(b))
		}
		return out
	}
	a, b := strip(stdout), strip(again)
	if len(a) != len(b) {
		t.Fatalf("exported %d orders, imported and exported %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("order %d:\n exported %s\n again    %s", i, a[i], b[i])
		}
	}
}

// Shipment confirmations in the channels' own files: Shopify's tracking CSV one row per
// package, Amazon's tab-separated confirmation one row per shipped line per package.
func TestExportShipmentsForShopifyAndAmazon(t *testing.T) {
	owner, url := exportDemo(t)
	var want struct {
		Packages int `db:"packages"`
		Lines    int `db:"lines"`
	}
	if err := owner.Get(&want, `SELECT count(DISTINCT pk.id) AS packages, count(pl.*) AS lines
		FROM shipments s JOIN packages pk ON pk.shipment_id = s.id LEFT JOIN package_lines pl ON pl.package_id = pk.id
		WHERE s.status IN ('shipped', 'delivered')`); err != nil {
		t.Fatal(err)
	}
	if want.Packages == 0 {
		t.Fatal("the demo has no shipped packages")
	}
	code, stdout, stderr := oms(t, "export", "shipments", "--format", "shopify", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := readCSV(t, stdout)
	if strings.Join(recs[0], ",") != "Name,Tracking Number,Tracking Company,Tracking URL,Shipped At" || len(recs)-1 != want.Packages {
		t.Fatalf("shopify: header %v, %d rows for %d packages", recs[0], len(recs)-1, want.Packages)
	}
	for _, r := range recs[1:] {
		if r[0] == "" || r[2] == "" || r[4] == "" {
			t.Fatalf("shopify row without an order name, carrier or date: %v", r)
		}
	}
	code, stdout, stderr = oms(t, "export", "shipments", "--format", "amazon", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if rows[0] != "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method" || len(rows)-1 != want.Lines {
		t.Fatalf("amazon: header %q, %d rows for %d package lines", rows[0], len(rows)-1, want.Lines)
	}
	for _, r := range rows[1:] {
		if f := strings.Split(r, "\t"); len(f) != 8 || f[0] == "" || f[1] == "" || f[2] == "0" {
			t.Fatalf("amazon row %q", r)
		}
	}
}

// Stock for Shopify is one row per SKU and location the channel sells from, for Amazon one per
// SKU; both never below 0 and after the channel's buffer.
func TestExportStockForTheChannels(t *testing.T) {
	owner, url := exportDemo(t)
	if _, err := owner.Exec(`UPDATE channels SET safety_buffer = 1000000 WHERE code = 'web-eu'`); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := oms(t, "export", "stock", "--format", "amazon", "--channel", "web-eu", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rows := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	var skus, dcs int
	if err := owner.Get(&skus, `SELECT count(*) FROM products WHERE active`); err != nil {
		t.Fatal(err)
	}
	if err := owner.Get(&dcs, `SELECT count(*) FROM warehouses WHERE active AND kind = 'dc'`); err != nil {
		t.Fatal(err)
	}
	if rows[0] != "sku\tprice\tquantity" || len(rows)-1 != skus {
		t.Fatalf("amazon: %q, %d rows for %d SKUs", rows[0], len(rows)-1, skus)
	}
	for _, r := range rows[1:] {
		if !strings.HasSuffix(r, "\t\t0") {
			t.Fatalf("a buffer of a million leaves %q", r)
		}
	}
	code, stdout, stderr = oms(t, "export", "stock", "--format", "shopify", "--channel", "Web-EU", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := readCSV(t, stdout)
	if strings.Join(recs[0], ",") != strings.Join(export.Names(export.ShopifyInventoryColumns), ",") || len(recs)-1 != skus*dcs {
		t.Fatalf("shopify: %v, %d rows for %d SKUs × %d DCs", recs[0], len(recs)-1, skus, dcs)
	}
	code, stdout, _ = oms(t, "export", "stock", "--db", url)
	recs = readCSV(t, stdout)
	if code != 0 || strings.Join(recs[0], ",") != "sku,warehouse,on_hand,reserved,buffer,available" {
		t.Fatalf("csv: exit %d, %v", code, recs[0])
	}
	positive := 0
	for _, r := range recs[1:] {
		if r[5] != "0" {
			positive++
		}
	}
	if positive == 0 {
		t.Fatal("no stock anywhere in the demo")
	}
}

// followOut is standard output for --follow: it tells the test what arrives, and once closed
// fails every write as a closed pipe does.
type followOut struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	closed bool
	wrote  chan struct{}
}

func (f *followOut) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	}
	f.buf.Write(p)
	select {
	case f.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (f *followOut) text() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.String()
}

// --follow writes the first pass, then each change as it commits, and ends cleanly with its last
// cursor when standard output closes.
func TestExportFollowStreamsChangesUntilOutputCloses(t *testing.T) {
	owner, url := exportDemo(t)
	out := &followOut{wrote: make(chan struct{}, 1)}
	var errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run([]string{"export", "movements", "--format", "json", "--follow", "--warehouse", "rtm1", "--db", url}, out, &errOut)
	}()
	waitFor := func(what string, ok func(string) bool) {
		t.Helper()
		for !ok(out.text()) {
			select {
			case <-out.wrote:
			case code := <-done:
				t.Fatalf("export ended (exit %d, %s) before %s", code, errOut.String(), what)
			case <-time.After(30 * time.Second):
				t.Fatalf("no %s after 30 s: %q", what, out.text())
			}
		}
	}
	waitFor("first pass", func(s string) bool { return strings.Count(s, "\n") > 10 })
	var first int
	if err := owner.Get(&first, `SELECT count(*) FROM stock_movements m JOIN locations fl ON fl.id = m.from_location_id
		JOIN locations tl ON tl.id = m.to_location_id JOIN warehouses w ON w.id IN (fl.warehouse_id, tl.warehouse_id) WHERE w.code = 'RTM1'`); err != nil {
		t.Fatal(err)
	}
	move := func(note string) {
		t.Helper()
		if _, err := owner.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind, note)
			SELECT (SELECT min(id) FROM products), (SELECT id FROM locations WHERE code = 'SUPPLIER'),
			       (SELECT min(l.id) FROM locations l JOIN warehouses w ON w.id = l.warehouse_id WHERE w.code = 'RTM1' AND l.kind = 'bin'),
			       1, 'receipt', $1`, note); err != nil {
			t.Fatal(err)
		}
	}
	move("followed")
	waitFor("the new movement", func(s string) bool { return strings.Contains(s, `"note":"followed"`) })
	text := out.text()
	if n := strings.Count(text, "\n"); n != first+1 {
		t.Errorf("%d lines for %d movements and one more", n, first)
	}
	out.mu.Lock()
	out.closed = true
	out.mu.Unlock()
	move("after close")
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("--follow went on after standard output closed")
	}
	c := cursorOf(t, errOut.String())
	// The last cursor is the pass that wrote "followed": the movement written after the close
	// comes with the next export from it.
	code, stdout, stderr := oms(t, "export", "movements", "--format", "json", "--warehouse", "RTM1", "--after", c, "--db", url)
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, `"note":"after close"`) {
		t.Fatalf("after the followed cursor: exit %d, %q %s", code, stdout, stderr)
	}
}

// A document in a foreign currency at a rate stored only the other way round (USD → EUR
// 0.9223) reaches finance with the rate as stored and fx_inverse true, the customer's VAT
// number, the order's date and the note; its credit note is negative and names the invoice;
// invoice-taxes has a row per document and rate. The same in json.
func TestExportInvoicesForFinance(t *testing.T) {
	owner := dbtest.New(t)
	for _, q := range []string{
		`INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web shop', 'webshop', 'USD')`,
		`INSERT INTO customers (channel_id, name, country, currency, vat_number)
		 SELECT id, 'Müller GmbH', 'DE', 'USD', 'DE123456789' FROM channels`,
		`INSERT INTO addresses (customer_id, name, line1, city, country) SELECT id, 'Müller GmbH', 'Hauptstraße 1', 'Berlin', 'DE' FROM customers`,
		`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
		     subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
		 SELECT 'SO-0001', ch.id, '1001', cu.id, cu.name, a.id, 'USD', 11000, 2190, 13190, '2026-11-26T09:30:00Z', '2026-11-28T09:30:00Z'
		   FROM channels ch, customers cu, addresses a`,
		`INSERT INTO fx_rates (base, quote, rate_date, rate) VALUES ('USD', 'EUR', '2026-11-27', 0.9223)`,
	} {
		if _, err := owner.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	issue := func(kind string, credits string, sub, tax, subBase, taxBase int64, lines, taxLines string) {
		t.Helper()
		tx := owner.MustBegin()
		var id int64
		if err := tx.Get(&id, `INSERT INTO invoices (series, kind, order_id, credited_invoice_id, currency, subtotal_minor, tax_minor, total_minor,
			base_currency, fx_rate, fx_inverse, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor, notes)
			SELECT $1, $1, o.id, (SELECT id FROM invoices WHERE number = nullif($2, '')), 'USD', $3::bigint, $4::bigint, $3::bigint + $4::bigint,
			       'EUR', 0.9223, true, '2026-11-27', $5::bigint, $6::bigint, $5::bigint + $6::bigint, 'Reverse charge'
			  FROM orders o RETURNING id`, kind, credits, sub, tax, subBase, taxBase); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{lines, taxLines} {
			if _, err := tx.Exec(q, id); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	issue("invoice", "", 11000, 2190, 10145, 2020,
		`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, discount_minor, tax_minor, total_minor)
		 VALUES ($1, 1, 'Mugs', 1, 10000, 210000, 0, 2100, 12100), ($1, 2, 'Tea', 1, 1000, 55000, 0, 90, 1090)`,
		`INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
		 VALUES ($1, 55000, 1000, 90, 922, 83), ($1, 210000, 10000, 2100, 9223, 1937)`)
	var number string
	if err := owner.Get(&number, `SELECT number FROM invoices`); err != nil {
		t.Fatal(err)
	}
	issue("credit_note", number, 1000, 90, 922, 83,
		`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, discount_minor, tax_minor, total_minor)
		 VALUES ($1, 1, 'Tea', 1, 1000, 55000, 0, 90, 1090)`,
		`INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
		 VALUES ($1, 55000, 1000, 90, 922, 83)`)
	var cn string
	if err := owner.Get(&cn, `SELECT number FROM invoices WHERE kind = 'credit_note'`); err != nil {
		t.Fatal(err)
	}
	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})

	code, stdout, stderr := oms(t, "export", "invoices", "--db", url)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	recs := readCSV(t, stdout)
	if strings.Join(recs[0], ",") != strings.Join(export.Names(export.InvoiceColumns), ",") || len(recs) != 3 {
		t.Fatalf("header %v, %d rows", recs[0], len(recs)-1)
	}
	row := func(rec []string) map[string]string {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = rec[i]
		}
		return m
	}
	inv, credit := row(recs[1]), row(recs[2])
	for k, want := range map[string]string{"number": number, "kind": "invoice", "order_number": "SO-0001", "currency": "USD",
		"subtotal": "110.00", "tax": "21.90", "total": "131.90", "base_currency": "EUR", "fx_rate": "0.9223",
		"fx_inverse": "true", "fx_date": "2026-11-27", "subtotal_base": "101.45", "tax_base": "20.20", "total_base": "121.65",
		"ordered_at": "2026-11-26T09:30:00Z", "customer_name": "Müller GmbH", "customer_country": "DE",
		"customer_vat_number": "DE123456789", "notes": "Reverse charge", "credited_number": ""} {
		if inv[k] != want {
			t.Errorf("invoice %s = %q, want %q", k, inv[k], want)
		}
	}
	for k, want := range map[string]string{"number": cn, "kind": "credit_note", "credited_number": number, "total": "-10.90",
		"total_base": "-10.05", "fx_inverse": "true"} {
		if credit[k] != want {
			t.Errorf("credit note %s = %q, want %q", k, credit[k], want)
		}
	}

	code, stdout, stderr = oms(t, "export", "invoice-taxes", "--db", url)
	if code != 0 {
		t.Fatalf("invoice-taxes: exit %d: %s", code, stderr)
	}
	recs = readCSV(t, stdout)
	var got []string
	for _, r := range recs[1:] {
		m := row(r)
		got = append(got, strings.Join([]string{m["number"], m["tax_rate"], m["tax_rate_ppm"], m["taxable"], m["tax"],
			m["fx_rate"], m["fx_inverse"], m["taxable_base"], m["tax_base"], m["customer_vat_number"]}, " "))
	}
	want := []string{
		number + " 5.5 55000 10.00 0.90 0.9223 true 9.22 0.83 DE123456789",
		number + " 21 210000 100.00 21.00 0.9223 true 92.23 19.37 DE123456789",
		cn + " 5.5 55000 -10.00 -0.90 0.9223 true -9.22 -0.83 DE123456789",
	}
	if strings.Join(recs[0], ",") != strings.Join(export.Names(export.InvoiceTaxColumns), ",") || strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("invoice-taxes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	code, stdout, stderr = oms(t, "export", "invoices", "--format", "json", "--db", url)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, stderr)
	}
	first := strings.SplitN(stdout, "\n", 2)[0]
	var doc map[string]any
	if err := json.Unmarshal([]byte(first), &doc); err != nil {
		t.Fatalf("%v: %s", err, first)
	}
	if doc["fx_inverse"] != true || doc["fx_rate"] != "0.9223" || doc["customer_vat_number"] != "DE123456789" ||
		doc["notes"] != "Reverse charge" || doc["total_base"] != "121.65" {
		t.Fatalf("json invoice: %s", first)
	}
}
