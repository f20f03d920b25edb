package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/bench"
	"oms/db/seed"
)

const importName = "import"

// importBenchOptions sizes BM1.
type importBenchOptions struct {
	Orders   int
	Progress func(stage string, done, total int64)
}

// importBenchResult is BM1's measurement: the same orders through `oms import` (a child process,
// so its resident set is its own) and through raw COPY + INSERT … ON CONFLICT, each twice.
type importBenchResult struct {
	Orders                 int
	Lines                  int
	FileMB                 float64
	OMS, Raw, ReOMS, ReRaw time.Duration
	RSSMB                  float64
	OMSOrders, RawOrders   int
	Messages               []string
}

// BM1 targets (performance.md): fresh ≥ 0.5 × raw, re-import ≥ 0.8 × raw, ≤ 150 MB resident.
const (
	importTarget   = 0.5
	reimportTarget = 0.8
	importRSSLimit = 150
)

func (r importBenchResult) ratio(oms, raw time.Duration) float64 {
	if oms <= 0 {
		return 0
	}
	return raw.Seconds() / oms.Seconds()
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func (r importBenchResult) OK() bool {
	return len(r.Messages) == 0 && r.ratio(r.OMS, r.Raw) >= importTarget && r.ratio(r.ReOMS, r.ReRaw) >= reimportTarget &&
		r.RSSMB <= importRSSLimit
}

// Line is BM1's one line of output.
func (r importBenchResult) Line() string {
	verdict := "ok"
	if !r.OK() {
		verdict = "FAIL"
	}
	return fmt.Sprintf("import orders=%d lines=%d file=%.0fMB oms=%.0f/s raw=%.0f/s ratio=%.2f target=%.1f "+
		"reimport oms=%.0f/s raw=%.0f/s ratio=%.2f target=%.1f (%.1fs) rss=%.0fMB limit=%dMB %s",
		r.Orders, r.Lines, r.FileMB, perSecond(r.Orders, r.OMS), perSecond(r.Orders, r.Raw), r.ratio(r.OMS, r.Raw), importTarget,
		perSecond(r.Orders, r.ReOMS), perSecond(r.Orders, r.ReRaw), r.ratio(r.ReOMS, r.ReRaw), reimportTarget,
		r.ReOMS.Seconds(), r.RSSMB, importRSSLimit, verdict)
}

// benchOrder is one generated order: what the Shopify file says and the raw path writes.
type benchOrder struct {
	id, name, email, customer string
	at                        time.Time
	lines                     []orderLineSpec
}

type orderLineSpec struct {
	sku   string
	qty   int
	price int64 // cents
}

func (o benchOrder) subtotal() int64 {
	var s int64
	for _, l := range o.lines {
		s += int64(l.qty) * l.price
	}
	return s
}

// benchOrders makes n orders of 1–3 lines over the SKUs, the same every run.
func benchOrders(n int, skus []string, visit func(benchOrder) error) error {
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		o := benchOrder{id: strconv.Itoa(7_000_000 + i), name: fmt.Sprintf("#B%07d", i),
			email: fmt.Sprintf("buyer%d@example.com", i%20_000), customer: fmt.Sprintf("Buyer %d", i%20_000),
			at: base.Add(time.Duration(i) * time.Second)}
		for l := range 1 + i%3 {
			o.lines = append(o.lines, orderLineSpec{sku: skus[(i*7+l*13)%len(skus)], qty: 1 + (i+l)%3, price: 500 + int64((i*31+l)%5000)})
		}
		if err := visit(o); err != nil {
			return err
		}
	}
	return nil
}

var shopifyBenchHeader = []string{"Name", "Id", "Email", "Financial Status", "Currency", "Subtotal", "Shipping", "Taxes", "Total",
	"Discount Amount", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
	"Shipping Name", "Shipping Address1", "Shipping City", "Shipping Zip", "Shipping Country"}

func cents(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

// writeShopifyFile writes the orders as a Shopify orders export: order fields on the first row.
func writeShopifyFile(path string, n int, skus []string) (lines int, size int64, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := csv.NewWriter(bw)
	_ = w.Write(shopifyBenchHeader)
	err = benchOrders(n, skus, func(o benchOrder) error {
		for k, l := range o.lines {
			row := make([]string, len(shopifyBenchHeader))
			row[0] = o.name
			if k == 0 {
				sub := o.subtotal()
				copy(row[1:11], []string{o.id, o.email, "paid", "EUR", cents(sub), "4.95", "0.00", cents(sub + 495), "0.00",
					o.at.Format("2006-01-02 15:04:05 -0700")})
				copy(row[15:], []string{o.customer, "Keizersgracht 1", "Amsterdam", "1015 AA", "NL"})
			}
			copy(row[11:15], []string{strconv.Itoa(l.qty), "Item " + l.sku, cents(l.price), l.sku})
			lines++
			if err := w.Write(row); err != nil {
				return err
			}
		}
		return nil
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	st, _ := f.Stat()
	if st != nil {
		size = st.Size()
	}
	return lines, size, err
}

// runImportBench is BM1 in a database of its own beside target, holding the demo catalogue.
func runImportBench(ctx context.Context, target *bench.Database, opts importBenchOptions) (res importBenchResult, err error) {
	progress := opts.Progress
	res.Orders = opts.Orders
	x, err := target.Sibling(ctx, "import")
	if err != nil {
		return res, err
	}
	defer func() {
		if cerr := x.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("removing the import database: %w", cerr)
		}
	}()
	progress("import: migrating", 0, 0)
	d, err := bench.Open(ctx, x.URL, 2)
	if err != nil {
		return res, err
	}
	defer d.Close()
	if _, err := seed.Run(ctx, d, seed.Options{Orders: 100, SKUs: 600, Warehouses: 3}, func(p seed.Progress) {
		progress("import: catalogue, "+p.Stage, p.Done, p.Total)
	}); err != nil {
		return res, fmt.Errorf("loading the catalogue: %w", err)
	}
	var skus []string
	if err := d.SelectContext(ctx, &skus, `SELECT sku FROM products ORDER BY sku`); err != nil {
		return res, err
	}
	if _, err := d.ExecContext(ctx, `
		INSERT INTO channels (code, name, kind, currency) VALUES ('bench-oms', 'BM1 oms', 'webshop', 'EUR'),
		                                                         ('bench-raw', 'BM1 raw', 'webshop', 'EUR')`); err != nil {
		return res, err
	}
	dir, err := os.MkdirTemp("", "oms-bm1-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "orders_export.csv")
	progress(fmt.Sprintf("import: writing %d Shopify orders", opts.Orders), 0, 0)
	var size int64
	if res.Lines, size, err = writeShopifyFile(file, opts.Orders, skus); err != nil {
		return res, err
	}
	res.FileMB = float64(size) / (1 << 20)

	// Alternate the paths so the machine's drift falls on both, and start each from a
	// vacuumed database, so neither pays for the other's dead rows, hint bits or autovacuum.
	settle := func() error {
		_, err := d.ExecContext(ctx, `VACUUM (ANALYZE) orders, order_lines, customers, addresses, events`)
		return err
	}
	steps := []struct {
		stage string
		run   func() error
	}{
		{"raw COPY + INSERT … ON CONFLICT", func() (err error) { res.Raw, err = rawImport(ctx, d, opts.Orders, skus); return err }},
		{"oms import", func() (err error) { res.OMS, res.RSSMB, err = omsImport(ctx, x.URL, file); return err }},
		{"oms import again", func() (err error) { res.ReOMS, _, err = omsImport(ctx, x.URL, file); return err }},
		{"raw again", func() (err error) { res.ReRaw, err = rawImport(ctx, d, opts.Orders, skus); return err }},
	}
	for _, s := range steps {
		progress("import: settling", 0, 0)
		if err := settle(); err != nil {
			return res, err
		}
		progress("import: "+s.stage, 0, 0)
		if err := s.run(); err != nil {
			return res, fmt.Errorf("%s: %w", s.stage, err)
		}
	}
	if err := d.GetContext(ctx, &res.OMSOrders, `SELECT count(*) FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = 'bench-oms'`); err != nil {
		return res, err
	}
	if err := d.GetContext(ctx, &res.RawOrders, `SELECT count(*) FROM orders o JOIN channels c ON c.id = o.channel_id WHERE c.code = 'bench-raw'`); err != nil {
		return res, err
	}
	if res.OMSOrders != opts.Orders || res.RawOrders != opts.Orders {
		res.Messages = append(res.Messages, fmt.Sprintf("orders after two imports: oms %d, raw %d, want %d each", res.OMSOrders, res.RawOrders, opts.Orders))
	}
	return res, nil
}

// omsImport runs `oms import` as a child process, as cron would, and returns its wall time and
// its peak resident set.
func omsImport(ctx context.Context, url, file string) (time.Duration, float64, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.CommandContext(ctx, self, "import", "shopify", "--channel", "bench-oms", "--no-allocate", file, "--db", url)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		if len(out) > 2000 {
			out = out[len(out)-2000:]
		}
		return took, 0, fmt.Errorf("oms import: %w\n%s", err, out)
	}
	rss := 0.0
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return took, rss, nil
}

// rawImport writes the same orders by hand: COPY into temporary tables, then one INSERT … ON
// CONFLICT per table, in one transaction — what a hand-written loader with no checks, no
// replay logic and no report would do.
func rawImport(ctx context.Context, d *db.DB, n int, skus []string) (time.Duration, error) {
	start := time.Now()
	tx, err := d.BeginTxx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	for _, s := range []string{
		`CREATE TEMP TABLE raw_orders (ext text, name text, email text, customer text, subtotal bigint, at timestamptz) ON COMMIT DROP`,
		`CREATE TEMP TABLE raw_lines (ext text, line_no int, sku text, qty int, price bigint) ON COMMIT DROP`,
	} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return 0, err
		}
	}
	ost, err := tx.PrepareContext(ctx, pq.CopyIn("raw_orders", "ext", "name", "email", "customer", "subtotal", "at"))
	if err != nil {
		return 0, err
	}
	var lines [][]any
	err = benchOrders(n, skus, func(o benchOrder) error {
		for k, l := range o.lines {
			lines = append(lines, []any{o.id, k + 1, l.sku, l.qty, l.price})
		}
		_, err := ost.ExecContext(ctx, o.id, o.name, o.email, o.customer, o.subtotal(), o.at)
		return err
	})
	if err != nil {
		return 0, err
	}
	if _, err := ost.ExecContext(ctx); err != nil {
		return 0, err
	}
	lst, err := tx.PrepareContext(ctx, pq.CopyIn("raw_lines", "ext", "line_no", "sku", "qty", "price"))
	if err != nil {
		return 0, err
	}
	for _, l := range lines {
		if _, err := lst.ExecContext(ctx, l...); err != nil {
			return 0, err
		}
	}
	if _, err := lst.ExecContext(ctx); err != nil {
		return 0, err
	}
	for _, s := range []string{
		`ANALYZE raw_orders`, `ANALYZE raw_lines`,
		`INSERT INTO customers (channel_id, external_id, name, email, country, currency)
		 SELECT DISTINCT ON (email) c.id, email, customer, email, 'NL', 'EUR'
		   FROM raw_orders, channels c WHERE c.code = 'bench-raw'
		 ON CONFLICT (channel_id, external_id) DO NOTHING`,
		`CREATE TEMP TABLE raw_new ON COMMIT DROP AS
		 SELECT r.*, nextval('addresses_id_seq') AS addr FROM raw_orders r
		  WHERE NOT EXISTS (SELECT 1 FROM orders o JOIN channels c ON c.id = o.channel_id
		                     WHERE c.code = 'bench-raw' AND o.external_id = r.ext)`,
		`ANALYZE raw_new`,
		`INSERT INTO addresses (id, customer_id, name, line1, city, postal_code, country)
		 SELECT n.addr, cu.id, n.customer, 'Keizersgracht 1', 'Amsterdam', '1015 AA', 'NL'
		   FROM raw_new n JOIN channels c ON c.code = 'bench-raw'
		   JOIN customers cu ON cu.channel_id = c.id AND cu.external_id = n.email`,
		`INSERT INTO orders (number, channel_id, external_id, external_name, customer_id, customer_name, ship_to_address_id,
		                     currency, subtotal_minor, shipping_minor, total_minor, ordered_at, promised_at)
		 SELECT 'RAW-' || n.ext, c.id, n.ext, n.name, cu.id, n.customer, n.addr, 'EUR', n.subtotal, 495, n.subtotal + 495,
		        n.at, n.at + interval '48 hours'
		   FROM raw_new n JOIN channels c ON c.code = 'bench-raw'
		   JOIN customers cu ON cu.channel_id = c.id AND cu.external_id = n.email
		 ON CONFLICT (channel_id, external_id) DO NOTHING`,
		`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
		 SELECT o.id, l.line_no, l.line_no::text, p.id, l.price, l.qty
		   FROM raw_lines l
		   JOIN orders o ON o.channel_id = (SELECT id FROM channels WHERE code = 'bench-raw') AND o.external_id = l.ext
		   JOIN products p ON p.sku = l.sku
		  WHERE l.ext IN (SELECT ext FROM raw_new)
		 ON CONFLICT DO NOTHING`,
	} {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return 0, fmt.Errorf("%.60s: %w", s, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
