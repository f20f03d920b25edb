package bench

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// The status suite: order line stage changes, which the database turns into order statuses and
// queue counts. One operation sets the packed units of a random order's only line to 1 or 2 of
// the 2 picked, so the order moves between picked and packed; the -2 case changes two different
// orders in one transaction.
func init() {
	register(
		statusCase("status-1", 1),
		statusCase("status-2", 2),
	)
}

const (
	statusOrders   = 2000
	statusSKUs     = 100
	statusLineQty  = 2
	statusReceived = 1000 // units of each SKU received: 20 orders of 2 each need 40
)

func statusCase(name string, perTx int) Case {
	return Case{Name: name, Suite: "status", Setup: func(ctx context.Context, env Env) (*Workload, error) {
		f, err := setupStatus(ctx, env)
		if err != nil {
			return nil, err
		}
		cmds := orders.New(env.DB)
		return &Workload{
			OMS: func(ctx context.Context, c *Client) error {
				pick := f.pick(c, perTx)
				changes := make([]orders.Packed, len(pick))
				for i, p := range pick {
					changes[i] = orders.Packed{Line: p.line, Packed: p.packed}
				}
				return cmds.SetPacked(ctx, "", changes...)
			},
			Raw: func(ctx context.Context, c *Client) error {
				return f.rawSetPacked(ctx, f.pick(c, perTx))
			},
			Check: func(ctx context.Context) ([]string, error) {
				found, err := auditOMS(ctx, env.DB)
				if err != nil {
					return nil, err
				}
				raw, err := checkRawStatus(ctx, env.DB)
				return append(found, raw...), err
			},
		}, nil
	}}
}

// statusFixture is statusOrders orders of one line each, 2 units ordered, allocated, reserved
// and picked into a packing station; the raw baseline has plain copies of the orders' ids and
// statuses and of the lines' quantities.
type statusFixture struct {
	d     *db.DB
	lines []statusLine // in order id order; each order's line ids rise with it
}

type statusLine struct {
	Order   int64 `db:"order_id"`
	Line    int64 `db:"id"`
	Product int64 `db:"product_id"`
}

type packChange struct {
	order, line, packed int64
}

func setupStatus(ctx context.Context, env Env) (*statusFixture, error) {
	d := env.DB
	f := &statusFixture{d: d}
	var warehouse, bin, packing, supplier, channel, customer, address int64
	steps := []struct {
		dest  *int64
		query string
		args  []any
	}{
		{&warehouse, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
			VALUES ($1, 'Bench orders ' || $1, 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`, []any{env.Tag}},
		{&supplier, `SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1`, nil},
		{&channel, `INSERT INTO channels (code, name, kind, currency, warehouse_id)
			VALUES (lower($1), 'Bench web shop ' || $1, 'webshop', 'EUR', NULL) RETURNING id`, []any{env.Tag}},
		{&customer, `INSERT INTO customers (name, country, currency) VALUES ('Bench Customer', 'NL', 'EUR') RETURNING id`, nil},
	}
	for _, s := range steps {
		if err := d.GetContext(ctx, s.dest, s.query, s.args...); err != nil {
			return nil, err
		}
	}
	for _, s := range []struct {
		dest  *int64
		query string
		args  []any
	}{
		{&bin, `INSERT INTO locations (warehouse_id, code, kind, zone) VALUES ($1, 'A-01-01', 'bin', 'A') RETURNING id`, []any{warehouse}},
		{&packing, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'PACK-1', 'packing') RETURNING id`, []any{warehouse}},
		{&address, `INSERT INTO addresses (customer_id, name, line1, city, country)
			VALUES ($1, 'Bench Customer', 'Keizersgracht 1', 'Amsterdam', 'NL') RETURNING id`, []any{customer}},
	} {
		if err := d.GetContext(ctx, s.dest, s.query, s.args...); err != nil {
			return nil, err
		}
	}
	var products []int64
	if err := d.SelectContext(ctx, &products, `INSERT INTO products (sku, name, tax_category)
		SELECT $1 || '-' || lpad(i::text, 5, '0'), 'Bench item ' || i, 'standard'
		  FROM generate_series(1, $2) i RETURNING id`, env.Tag, statusSKUs); err != nil {
		return nil, err
	}
	slices.Sort(products)
	ledger := stock.New(d)
	receipts := make([]stock.Movement, len(products))
	for i, p := range products {
		receipts[i] = stock.Movement{Product: p, From: supplier, To: bin, Qty: statusReceived, Kind: model.MoveReceipt}
	}
	if err := ledger.Post(ctx, "", receipts...); err != nil {
		return nil, fmt.Errorf("receiving the fixture's stock: %w", err)
	}

	// The orders, routed to the warehouse, one line each.
	var orderIDs []int64
	if err := d.SelectContext(ctx, &orderIDs, `INSERT INTO orders (number, channel_id, external_id, customer_id,
			customer_name, ship_to_address_id, warehouse_id, currency, subtotal_minor, tax_minor, total_minor,
			ordered_at, promised_at)
		SELECT $1 || '-' || lpad(i::text, 6, '0'), $2, 'bench-' || i, $3, 'Bench Customer', $4, $5, 'EUR',
		       $6::bigint, 0, $6::bigint, now(), now() + interval '2 days'
		  FROM generate_series(1, $7) i ORDER BY i RETURNING id`,
		env.Tag, channel, customer, address, warehouse, statusLineQty*1000, statusOrders); err != nil {
		return nil, err
	}
	slices.Sort(orderIDs)
	lineProducts := make([]int64, len(orderIDs))
	for i := range orderIDs {
		lineProducts[i] = products[i%len(products)]
	}
	if err := d.SelectContext(ctx, &f.lines, `INSERT INTO order_lines (order_id, line_no, external_line_id,
			product_id, unit_price_minor, qty_ordered)
		SELECT o, 1, '1', p, 1000, $3 FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS x(o, p, n)
		 ORDER BY n RETURNING order_id, id, product_id`,
		pq.Array(orderIDs), pq.Array(lineProducts), statusLineQty); err != nil {
		return nil, err
	}
	slices.SortFunc(f.lines, func(a, b statusLine) int { return cmp.Compare(a.Order, b.Order) })
	lineIDs := make([]int64, len(f.lines))
	for i, l := range f.lines {
		lineIDs[i] = l.Line
	}

	// Allocate: reservations and allocated units change together (checked at commit).
	if err := d.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO reservations (order_line_id, location_id, product_id, qty)
			SELECT id, $2, product_id, qty_ordered FROM order_lines WHERE id = ANY($1) ORDER BY id`,
			pq.Array(lineIDs), bin); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE order_lines SET qty_allocated = qty_ordered WHERE id = ANY($1)`, pq.Array(lineIDs))
		return err
	}); err != nil {
		return nil, fmt.Errorf("allocating the fixture's orders: %w", err)
	}
	// Pick everything to the packing station through the ledger, in one posting.
	picks := make([]stock.Movement, len(f.lines))
	for i, l := range f.lines {
		picks[i] = stock.Movement{Product: l.Product, From: bin, To: packing, Qty: statusLineQty, Kind: model.MovePick, OrderLine: l.Line}
	}
	if err := ledger.Post(ctx, "", picks...); err != nil {
		return nil, fmt.Errorf("picking the fixture's orders: %w", err)
	}

	if err := prepareRawStatus(ctx, d); err != nil {
		return nil, err
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO oms_bench.orders (id, status)
		SELECT id, status FROM orders WHERE id = ANY($1)`, pq.Array(orderIDs)); err != nil {
		return nil, err
	}
	if _, err := d.ExecContext(ctx, `INSERT INTO oms_bench.order_lines (id, order_id, qty_ordered, qty_cancelled,
			qty_allocated, qty_picked, qty_packed, qty_shipped, qty_returned)
		SELECT id, order_id, qty_ordered, qty_cancelled, qty_allocated, qty_picked, qty_packed, qty_shipped, qty_returned
		  FROM order_lines WHERE id = ANY($1)`, pq.Array(lineIDs)); err != nil {
		return nil, err
	}
	var wrong int
	if err := d.GetContext(ctx, &wrong, `SELECT count(*) FROM orders WHERE id = ANY($1) AND status <> 'picked'`,
		pq.Array(orderIDs)); err != nil {
		return nil, err
	}
	if wrong > 0 {
		return nil, fmt.Errorf("the fixture has %d orders that are not picked", wrong)
	}
	return f, nil
}

// prepareRawStatus creates the baseline's plain copies once per database.
func prepareRawStatus(ctx context.Context, d *db.DB) error {
	for _, stmt := range []string{
		`CREATE TABLE IF NOT EXISTS oms_bench.orders (id bigint PRIMARY KEY, status text NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS oms_bench.order_lines (id bigint PRIMARY KEY, order_id bigint NOT NULL,
			qty_ordered bigint NOT NULL, qty_cancelled bigint NOT NULL, qty_allocated bigint NOT NULL,
			qty_picked bigint NOT NULL, qty_packed bigint NOT NULL, qty_shipped bigint NOT NULL,
			qty_returned bigint NOT NULL)`,
	} {
		if _, err := d.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("creating the raw order tables: %w", err)
		}
	}
	return nil
}

// pick chooses perTx different random orders and what to set their line's packed units to, in
// id order (lines and orders rise together here).
func (f *statusFixture) pick(c *Client, perTx int) []packChange {
	out := make([]packChange, 0, perTx)
	for len(out) < perTx {
		l := f.lines[c.Rand.IntN(len(f.lines))]
		if slices.ContainsFunc(out, func(p packChange) bool { return p.order == l.Order }) {
			continue
		}
		out = append(out, packChange{order: l.Order, line: l.Line, packed: 1 + c.Rand.Int64N(statusLineQty)})
	}
	slices.SortFunc(out, func(a, b packChange) int { return cmp.Compare(a.line, b.line) })
	return out
}

// rawSetPacked is the baseline: the lines' packed units, then the orders' statuses derived in
// Go by model.DeriveStatus from what the fixture made of the lines, one statement per table,
// rows in id order.
func (f *statusFixture) rawSetPacked(ctx context.Context, changes []packChange) error {
	n := len(changes)
	lines, packed, ordersIDs, statuses := make([]int64, n), make([]int64, n), make([]int64, n), make([]string, n)
	for i, c := range changes {
		lines[i], packed[i], ordersIDs[i] = c.line, c.packed, c.order
		statuses[i] = string(model.DeriveStatus(model.OrderFacts{}, []model.LineQty{{
			Ordered: statusLineQty, Allocated: statusLineQty, Picked: statusLineQty, Packed: c.packed}}))
	}
	tx, err := f.d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE oms_bench.order_lines l SET qty_packed = c.packed
		  FROM unnest($1::bigint[], $2::bigint[]) AS c(id, packed)
		 WHERE l.id = c.id AND c.packed <= l.qty_picked`, pq.Array(lines), pq.Array(packed))
	if err != nil {
		return err
	}
	if got, err := res.RowsAffected(); err != nil {
		return err
	} else if got != int64(n) {
		return fmt.Errorf("%w: %d of the raw lines %v could not be packed", ErrInvariant, int64(n)-got, lines)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE oms_bench.orders o SET status = c.status
		  FROM unnest($1::bigint[], $2::text[]) AS c(id, status)
		 WHERE o.id = c.id AND o.status <> c.status`, pq.Array(ordersIDs), pq.Array(statuses)); err != nil {
		return err
	}
	return tx.Commit()
}

// checkRawStatus proves every raw order's status is the one model.DeriveStatus gives its raw
// lines, and that the lines keep their quantity rules.
func checkRawStatus(ctx context.Context, d *db.DB) ([]string, error) {
	var rows []struct {
		ID     int64  `db:"id"`
		Status string `db:"status"`
		model.LineQty
	}
	err := d.SelectContext(ctx, &rows, `SELECT o.id, o.status, l.qty_ordered AS ordered, l.qty_cancelled AS cancelled,
			l.qty_allocated AS allocated, l.qty_picked AS picked, l.qty_packed AS packed,
			l.qty_shipped AS shipped, l.qty_returned AS returned
		  FROM oms_bench.orders o JOIN oms_bench.order_lines l ON l.order_id = o.id ORDER BY o.id, l.id`)
	if err != nil {
		return nil, err
	}
	var found []string
	for i := 0; i < len(rows) && len(found) < 10; {
		j := i
		var lines []model.LineQty
		for ; j < len(rows) && rows[j].ID == rows[i].ID; j++ {
			lines = append(lines, rows[j].LineQty)
			if err := rows[j].LineQty.Validate(); err != nil {
				found = append(found, fmt.Sprintf("raw orders: order %d: %v", rows[i].ID, err))
			}
		}
		if want := model.DeriveStatus(model.OrderFacts{}, lines); string(want) != rows[i].Status {
			found = append(found, fmt.Sprintf("raw orders: order %d reads %s, but its lines make it %s", rows[i].ID, rows[i].Status, want))
		}
		i = j
	}
	return found, nil
}
