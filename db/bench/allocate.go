package bench

import (
	"context"
	"fmt"
	"sync/atomic"

	"oms/db/alloc"
)

// The allocate suite (BM2, BM3), as performance.md defines it: 16 allocators route and reserve
// orders of one to three lines over three warehouses (Amsterdam, Berlin, Paris; ship-to
// addresses in their three countries), through db/alloc as `oms allocate` runs it — a batch of
// orders a transaction: their lines locked, routing over every warehouse, the chosen bins
// locked in the ledger's order, the reservations, the lines, the statuses and warehouses, one
// history sentence each. allocate-hot puts 90% of the lines on one SKU (the rest on 99 others);
// allocate-spread spreads them over 10,000. The raw baseline is the single guarded UPDATE a
// hand-written allocator would make — reserve one unit of a product where enough is free, 90%
// of them on the hot product in allocate-hot — and the ratio compares units reserved with units
// reserved: every line of the fixture's orders wants one unit, so an order of three lines is
// three of the baseline's effects. The line's units/order= turns the figure back into orders.
func init() {
	register(
		allocCase("allocate-hot", 100, 0.9),
		allocCase("allocate-spread", 10_000, 0),
	)
}

// allocPool is how many orders each case makes: more than 16 allocators get through in the
// default measurement (20 s at up to about 5,000 orders a second, 2026-12-01), so no operation
// runs short; a longer --duration may run out and fail the point.
var allocPool = 160_000

// allocCase makes a case whose lines go to the first SKU with probability hot and otherwise to
// any of the skus SKUs (the first included) at random.
func allocCase(name string, skus int, hot float64) Case {
	return Case{Name: name, Suite: "allocate", Setup: func(ctx context.Context, env Env) (*Workload, error) {
		d := env.DB
		tag, n := env.Tag, allocPool
		perBin := 2*n/skus + 20 // every warehouse could serve all the orders of its country
		if hot > 0 {
			perBin = 2 * n
		}
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`SELECT setseed(0.42)`, nil},
			{`INSERT INTO warehouses (code, name, kind, country, time_zone, currency, latitude, longitude)
			  VALUES ($1 || 'A', 'Bench Amsterdam ' || $1, 'dc', 'NL', 'Europe/Amsterdam', 'EUR', 52.37, 4.90),
			         ($1 || 'B', 'Bench Berlin ' || $1, 'dc', 'DE', 'Europe/Berlin', 'EUR', 52.52, 13.40),
			         ($1 || 'C', 'Bench Paris ' || $1, 'dc', 'FR', 'Europe/Paris', 'EUR', 48.86, 2.35)`, []any{tag}},
			{`INSERT INTO products (sku, name, tax_category)
			  SELECT $1 || '-' || lpad(i::text, 5, '0'), 'Bench item ' || i, 'standard' FROM generate_series(1, $2) i`, []any{tag, skus}},
			{`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
			  SELECT w.id, 'A-' || lpad(i::text, 5, '0'), 'bin', i
			    FROM generate_series(1, $2) i, warehouses w WHERE w.code LIKE $1 || '_'`, []any{tag, skus}},
			{`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			  SELECT p.id, (SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1), l.id, $2, 'receipt'
			    FROM products p JOIN warehouses w ON w.code LIKE $1 || '_'
			    JOIN locations l ON l.warehouse_id = w.id AND l.code = 'A-' || right(p.sku, 5)
			   WHERE p.sku LIKE $1 || '-%' ORDER BY p.id, l.id`, []any{tag, perBin}},
			{`INSERT INTO channels (code, name, kind, currency) VALUES (lower($1), 'Bench allocation ' || $1, 'webshop', 'EUR')`, []any{tag}},
			{`INSERT INTO customers (channel_id, external_id, name, country, currency)
			  SELECT id, 'bench', 'Bench Customer', 'NL', 'EUR' FROM channels WHERE code = lower($1)`, []any{tag}},
			{`INSERT INTO addresses (customer_id, name, line1, city, country)
			  SELECT cu.id, 'Bench Customer', a.line1, a.city, a.country
			    FROM customers cu JOIN channels c ON c.id = cu.channel_id,
			         (VALUES ('Damrak 1', 'Amsterdam', 'NL'), ('Unter den Linden 1', 'Berlin', 'DE'),
			                 ('Rue de Rivoli 1', 'Paris', 'FR')) AS a(line1, city, country)
			   WHERE c.code = lower($1)`, []any{tag}},
			{`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
			                     subtotal_minor, total_minor, ordered_at, promised_at)
			  SELECT $1 || '-' || lpad(i::text, 6, '0'), c.id, 'a' || i, cu.id, 'Bench Customer', a.id, 'EUR', 0, 0,
			         now(), now() + interval '2 days'
			    FROM generate_series(1, $2) i JOIN channels c ON c.code = lower($1)
			    JOIN customers cu ON cu.channel_id = c.id
			    JOIN LATERAL (SELECT id FROM addresses WHERE customer_id = cu.id ORDER BY id OFFSET i % 3 LIMIT 1) a ON true`,
				[]any{tag, n}},
			{`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
			  SELECT o.id, k, k::text, p.id, 100, 1
			    FROM orders o JOIN channels c ON c.id = o.channel_id AND c.code = lower($1),
			         generate_series(1, 1 + (o.id % 3)::int) k,
			         LATERAL (SELECT CASE WHEN random() < $3 THEN 1 ELSE 1 + floor(random() * $2)::int END + 0 * o.id + 0 * k AS i) r
			    JOIN products p ON p.sku = $1 || '-' || lpad(r.i::text, 5, '0')`, []any{tag, skus, hot}},
			{`UPDATE orders o SET subtotal_minor = s.amount, total_minor = s.amount
			    FROM (SELECT order_id, sum(amount_minor) AS amount FROM order_lines GROUP BY 1) s
			   WHERE s.order_id = o.id AND o.channel_id = (SELECT id FROM channels WHERE code = lower($1))`, []any{tag}},
			{`CREATE TABLE oms_bench.alloc_` + env.Tag + ` (product bigint PRIMARY KEY, on_hand bigint NOT NULL,
			   reserved bigint NOT NULL CHECK (reserved BETWEEN 0 AND on_hand))`, nil},
			{`INSERT INTO oms_bench.alloc_` + env.Tag + ` SELECT p.id, 6 * $2, 0 FROM products p WHERE p.sku LIKE $1 || '-%'`, []any{tag, n}},
			{`ANALYZE`, nil},
		} {
			if _, err := d.ExecContext(ctx, st.q, st.args...); err != nil {
				return nil, fmt.Errorf("allocation fixture: %w", err)
			}
		}
		var orders, products []int64
		if err := d.SelectContext(ctx, &orders, `SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id
			WHERE c.code = lower($1) ORDER BY o.id`, env.Tag); err != nil {
			return nil, err
		}
		if err := d.SelectContext(ctx, &products, `SELECT id FROM products WHERE sku LIKE $1 || '-%' ORDER BY sku`, env.Tag); err != nil {
			return nil, err
		}
		a := alloc.New(d)
		var next, allocated, reserved atomic.Int64
		return &Workload{
			OMS: func(ctx context.Context, c *Client) error {
				n := next.Add(alloc.BatchSize) - alloc.BatchSize
				if n+alloc.BatchSize > int64(len(orders)) {
					return fmt.Errorf("%w: the fixture's %d orders are all allocated", ErrInvariant, len(orders))
				}
				rs, err := a.AllocateMany(ctx, orders[n:n+alloc.BatchSize], false)
				var units int64
				for _, r := range rs {
					if err == nil && r.Outcome != alloc.Allocated {
						err = fmt.Errorf("%w: order %d was %s: %s", ErrInvariant, r.OrderID, r.Outcome, r.Sentence)
					}
					units += r.Reserved
				}
				if err == nil {
					c.Made(units)
					allocated.Add(int64(len(rs)))
					reserved.Add(units)
				}
				return err
			},
			Raw: func(ctx context.Context, c *Client) error {
				p := products[c.Rand.IntN(len(products))]
				if c.Rand.Float64() < hot {
					p = products[0]
				}
				res, err := d.ExecContext(ctx, `UPDATE oms_bench.alloc_`+env.Tag+`
					SET reserved = reserved + 1 WHERE product = $1 AND on_hand - reserved >= 1`, p)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n != 1 {
					return fmt.Errorf("%w: no free unit of product %d", ErrInvariant, p)
				}
				return nil
			},
			Check: func(ctx context.Context) ([]string, error) { return auditOMS(ctx, d) },
			// Units an order reserved on average: oms= divided by it is orders a second.
			Figures: func() []string {
				return []string{fmt.Sprintf("units/order=%.2f", float64(reserved.Load())/float64(max(allocated.Load(), 1)))}
			},
		}, nil
	}}
}
