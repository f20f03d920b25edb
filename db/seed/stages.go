package seed

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// idTable is a table whose ids the seed assigns, with the idBase field it feeds.
type idTable struct {
	table string
	max   *int64
}

func idTables(ids *idBase) []idTable {
	return []idTable{
		{"warehouses", &ids.warehouses}, {"locations", &ids.locations}, {"products", &ids.products},
		{"lots", &ids.lots}, {"carriers", &ids.carriers}, {"carrier_services", &ids.services},
		{"carrier_rates", &ids.rates}, {"tax_rates", &ids.taxRates}, {"staff", &ids.staff},
		{"channels", &ids.channels}, {"customers", &ids.customers}, {"addresses", &ids.addresses},
		{"orders", &ids.orders}, {"order_lines", &ids.lines}, {"reservations", &ids.reservations},
		{"stock_movements", &ids.movements}, {"shipments", &ids.shipments}, {"packages", &ids.packages},
		{"invoices", &ids.invoices}, {"rmas", &ids.rmas}, {"rma_lines", &ids.rmaLines},
		{"rma_receipts", &ids.rmaReceipts}, {"refunds", &ids.refunds}, {"events", &ids.events},
	}
}

// readIDs reads the largest id of every table the seed writes, in one round trip.
func readIDs(ctx context.Context, tx *sql.Tx) (idBase, error) {
	var ids idBase
	tables := idTables(&ids)
	parts := make([]string, len(tables))
	dest := make([]any, len(tables))
	for i, t := range tables {
		parts[i] = fmt.Sprintf("(SELECT coalesce(max(id), 0) FROM %s)", t.table)
		dest[i] = t.max
	}
	err := tx.QueryRowContext(ctx, "SELECT "+strings.Join(parts, ", ")).Scan(dest...)
	return ids, err
}

func readSeries(ctx context.Context, tx *sql.Tx) (series, error) {
	var s series
	want := map[string]*numberSeries{"order": &s.order, "invoice": &s.invoice, "credit_note": &s.creditNote, "rma": &s.rma}
	rows, err := tx.QueryContext(ctx, `SELECT code, prefix, next_value, width FROM number_series
		WHERE code IN ('order', 'invoice', 'credit_note', 'rma')`)
	if err != nil {
		return s, err
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var ns numberSeries
		if err := rows.Scan(&ns.code, &ns.prefix, &ns.next, &ns.width); err != nil {
			return s, err
		}
		*want[ns.code] = ns
		found++
	}
	if err := rows.Err(); err != nil {
		return s, err
	}
	if found != len(want) {
		return s, fmt.Errorf("number_series lacks one of order, invoice, credit_note, rma: is the schema complete?")
	}
	return s, nil
}

// demoCompany records the demo business, unless the database has its company already (`oms
// init`), and returns the seller's tax settings the orders are taxed with. The demo business is
// a Dutch web shop keeping its books in euros that sells to consumers across the EU and so
// declares its distance sales through the One Stop Shop (destination VAT from the first euro),
// with a Dutch VAT number and its address, as `oms init` and `oms company set` would record them.
func demoCompany(ctx context.Context, tx *sql.Tx) (model.TaxSeller, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO company (name, country, currency, vat_number, oss_registered,
		line1, postal_code, city)
		VALUES ('Demo Trading B.V.', 'NL', 'EUR', 'NL859123456B01', true, 'Westblaak 180', '3012 KN', 'Rotterdam')
		ON CONFLICT (id) DO NOTHING`); err != nil {
		return model.TaxSeller{}, fmt.Errorf("recording the demo company: %w", err)
	}
	var seller model.TaxSeller
	err := tx.QueryRowContext(ctx, `SELECT country, vat_number, oss_registered, over_distance_threshold FROM company`).
		Scan(&seller.Country, &seller.VATNumber, &seller.OSSRegistered, &seller.OverDistanceSaleThreshold)
	return seller, err
}

// readCounters reads the last document number taken per series and year (invoice_counters),
// so seeded invoices and credit notes continue each sequence without a gap.
func readCounters(ctx context.Context, tx *sql.Tx) (map[seqKey]int64, error) {
	taken := map[seqKey]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT series, year, last_seq FROM invoice_counters`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k seqKey
		var last int64
		if err := rows.Scan(&k.series, &k.year, &last); err != nil {
			return nil, err
		}
		taken[k] = last
	}
	return taken, rows.Err()
}

// readVirtual finds the virtual locations the migration created (SUPPLIER, CUSTOMER, …).
func readVirtual(ctx context.Context, tx *sql.Tx) (map[string]int64, error) {
	virt := map[string]int64{}
	rows, err := tx.QueryContext(ctx, `SELECT code, id FROM locations WHERE warehouse_id IS NULL`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		virt[code] = id
	}
	for _, code := range []string{"SUPPLIER", "CUSTOMER", "SCRAP"} {
		if virt[code] == 0 {
			return nil, fmt.Errorf("the virtual location %s is missing: is the schema complete?", code)
		}
	}
	return virt, rows.Err()
}

// plan draws every order once, without writing, to learn how many units each slot gives out.
func (s *seeder) plan(context.Context) error {
	w := s.w
	plan, cust := newRNG(), newRNG()
	total := int64(w.opts.Orders)
	for i := range w.opts.Orders {
		p, err := w.planOrder(plan, cust, i)
		if err != nil {
			return err
		}
		for _, l := range p.lines {
			if l.slot >= 0 {
				w.slots[l.slot].need += l.q.Allocated
			}
		}
		if done := int64(i + 1); done%100_000 == 0 || done == total {
			s.progress(Progress{Stage: "plan", Done: done, Total: total})
		}
	}
	w.setReorderPoints()
	return w.productRows(newRNG().reset(w.opts.Seed, streamCatalog, 1), s.ref)
}

// reference writes warehouses, bins, products and the other small tables.
func (s *seeder) reference(ctx context.Context) error {
	tables := s.ref.all()
	for i, t := range tables {
		if err := s.load.copyIn(ctx, t); err != nil {
			return err
		}
		s.progress(Progress{Stage: "reference", Done: int64(i + 1), Total: int64(len(tables))})
	}
	w := s.w
	s.sum.Warehouses, s.sum.Products, s.sum.Channels = int64(len(w.warehouses)), int64(len(w.products)), int64(len(w.channels))
	for _, wh := range w.warehouses {
		s.sum.Bins += int64(len(wh.bins))
	}
	return nil
}

// stock receives every slot's need plus a surplus, before any order movement is written.
func (s *seeder) stock(ctx context.Context) error {
	w := s.w
	t := newTable("stock_movements", movementCols...)
	s.movements = w.ids.movements
	err := w.stockRows(newRNG(), &s.movements, func(row []any) error {
		t.rows = append(t.rows, row)
		if len(t.rows) < receiptBatch {
			return nil
		}
		s.sum.Movements += int64(len(t.rows))
		return s.load.copyIn(ctx, t)
	})
	if err != nil {
		return err
	}
	s.sum.Movements += int64(len(t.rows))
	if err := s.load.copyIn(ctx, t); err != nil {
		return err
	}
	s.progress(Progress{Stage: "stock", Done: int64(len(w.slots)), Total: int64(len(w.slots))})
	return nil
}

// customers writes every customer with their addresses, in batches.
func (s *seeder) customers(ctx context.Context) error {
	w := s.w
	r := newRNG()
	b := newBatch()
	total := int64(w.customerCount)
	for i := range w.customerCount {
		c := w.customerAt(r, i)
		c.rows(b)
		if done := int64(i + 1); done%customerBatch == 0 || done == total {
			if err := s.load.copyAll(ctx, b.customers, b.addresses); err != nil {
				return err
			}
			s.progress(Progress{Stage: "customers", Done: done, Total: total})
		}
	}
	s.sum.Customers = total
	return nil
}

// orders renders batches of orders on one goroutine while this one copies the previous batch
// in, so generating and loading overlap on a two-core machine. Rendering stays sequential, so
// ids and numbers are the same on every run.
func (s *seeder) orders(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	full, free := make(chan *batch, 1), make(chan *batch, 2)
	free <- newBatch()
	free <- newBatch()
	go s.render(ctx, full, free)
	var err error
	for b := range full {
		if err == nil {
			err = b.err
		}
		if err == nil {
			err = s.write(ctx, b)
		}
		if err != nil {
			cancel() // stop the renderer; keep draining so it can finish
			continue
		}
		free <- b
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

func (s *seeder) render(ctx context.Context, full chan<- *batch, free <-chan *batch) {
	defer close(full)
	g := newRenderer(s.w, s.movements)
	n := s.w.opts.Orders
	for start := 0; start < n; start += orderBatch {
		var b *batch
		select {
		case b = <-free:
		case <-ctx.Done():
			return
		}
		end := min(n, start+orderBatch)
		for i := start; i < end && b.err == nil; i++ {
			b.err = g.renderOrder(i, b)
		}
		b.done = int64(end)
		full <- b
		if b.err != nil {
			return
		}
	}
}

func (s *seeder) write(ctx context.Context, b *batch) error {
	s.sum.Orders += int64(len(b.orders.rows))
	s.sum.Lines += int64(len(b.lines.rows))
	s.sum.Movements += int64(len(b.movements.rows))
	s.sum.Events += int64(len(b.events.rows))
	for _, status := range Statuses {
		if n := b.byStatus[string(status)]; n > 0 {
			s.sum.ByStatus[string(status)] += n
		}
	}
	clear(b.byStatus)
	if err := s.load.copyAll(ctx, b.tables()...); err != nil {
		return err
	}
	s.progress(Progress{Stage: "orders", Done: b.done, Total: int64(s.w.opts.Orders)})
	return nil
}

// finish derives what the database would have kept had every row gone in with its triggers —
// stock balances from the ledger and the reservations, the invoice counters from the invoices —
// proves the foreign keys of everything loaded without row checks, folds the queue counts, moves
// the sequences past the ids written and advances the order and RMA number series.
func (s *seeder) finish(ctx context.Context) error {
	if err := s.load.exec(ctx, "stock_balances", balancesSQL); err != nil {
		return fmt.Errorf("computing stock balances from the ledger: %w", err)
	}
	if err := s.load.exec(ctx, "invoice_counters", countersSQL); err != nil {
		return fmt.Errorf("writing the invoice counters: %w", err)
	}
	if err := s.load.verifyReferences(ctx, s.progress); err != nil {
		return err
	}
	// The count triggers fire even in replica mode and fold their deltas now and then; fold
	// the rest so order_counts alone is complete.
	if _, err := s.tx.ExecContext(ctx, `SELECT oms_fold_order_counts()`); err != nil {
		return fmt.Errorf("folding the order counts: %w", err)
	}
	var ids idBase
	for _, t := range idTables(&ids) {
		q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), max(id)) FROM %s`, t.table, t.table)
		if _, err := s.tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return s.advanceSeries(ctx)
}

// balancesSQL writes stock_balances in one statement: per real location, product and lot, on
// hand is what the ledger moved in less what it moved out, and reserved is what the
// reservations hold there. Virtual locations keep no balance. Keys where both are zero are
// left out. The table's CHECKs refuse negative stock and reservations beyond what is on hand,
// a reservation at a virtual location included (nothing is on hand there).
const balancesSQL = `
	INSERT INTO stock_balances (location_id, location_virtual, product_id, lot_id, on_hand, reserved, updated_at)
	SELECT k.location_id, false, k.product_id, k.lot_id, sum(k.on_hand), sum(k.reserved), now()
	  FROM (SELECT m.location_id, m.product_id, m.lot_id, m.qty AS on_hand, 0 AS reserved
	          FROM (SELECT to_location_id AS location_id, product_id, lot_id, qty FROM stock_movements
	                UNION ALL
	                SELECT from_location_id, product_id, lot_id, -qty FROM stock_movements) m
	          JOIN locations l ON l.id = m.location_id AND NOT l.is_virtual
	        UNION ALL
	        SELECT location_id, product_id, lot_id, 0, qty FROM reservations) k
	 GROUP BY k.location_id, k.product_id, k.lot_id
	HAVING sum(k.on_hand) <> 0 OR sum(k.reserved) <> 0`

// countersSQL records the last number taken per series and year, as issuing would have.
const countersSQL = `
	INSERT INTO invoice_counters AS c (series, year, last_seq)
	SELECT series, year, max(seq) FROM invoices GROUP BY 1, 2
	ON CONFLICT (series, year) DO UPDATE SET last_seq = greatest(c.last_seq, EXCLUDED.last_seq)`

// advanceSeries moves the order and RMA series past the numbers used. Invoices and credit
// notes are numbered per year from invoice_counters instead.
func (s *seeder) advanceSeries(ctx context.Context) error {
	var rmas int64
	if err := s.tx.QueryRowContext(ctx, `SELECT count(*) FROM rmas`).Scan(&rmas); err != nil {
		return err
	}
	n := s.w.next
	for _, u := range []struct {
		code string
		next int64
	}{{"order", n.order.next + int64(s.w.opts.Orders)}, {"rma", n.rma.next + rmas}} {
		if _, err := s.tx.ExecContext(ctx, `UPDATE number_series SET next_value = $2 WHERE code = $1`, u.code, u.next); err != nil {
			return err
		}
	}
	return nil
}

// bigTables are analyzed after the commit so the planner sees their real sizes at once.
var bigTables = []string{"customers", "addresses", "orders", "order_lines", "reservations",
	"stock_movements", "stock_balances", "shipments", "packages", "package_lines", "invoices",
	"invoice_lines", "invoice_tax_lines", "rmas", "rma_lines", "rma_receipts", "refunds", "events"}

func analyze(ctx context.Context, d *db.DB, progress func(Progress)) error {
	return d.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
			return err
		}
		for i, t := range bigTables {
			if _, err := tx.ExecContext(ctx, "ANALYZE "+t); err != nil {
				return fmt.Errorf("analyzing %s: %w", t, err)
			}
			progress(Progress{Stage: "analyze", Done: int64(i + 1), Total: int64(len(bigTables))})
		}
		return nil
	})
}
