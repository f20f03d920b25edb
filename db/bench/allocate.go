package bench

import (
	"context"
	"fmt"
	"sync/atomic"

	"oms/db/alloc"
)

// The allocate suite (BM2, BM3): allocators route and reserve one-line orders, each a whole
// allocation through db/alloc (the order's lines locked, routing over every warehouse, the
// chosen bins locked in the ledger's order, the reservation, the line, the status, the history
// sentence). The raw baseline is the single guarded UPDATE a hand-written allocator would make:
// reserve one unit of the product where enough is free. allocate-hot puts every order on one
// SKU; allocate-spread on 1,000.
func init() {
	register(
		allocCase("allocate-hot", 1),
		allocCase("allocate-spread", 1000),
	)
}

// allocPool is how many orders each case makes: more than 16 allocators get through in the
// longest measurement at the speeds measured (about 300 a second), so no operation finds its
// order already allocated.
const allocPool = 40_000

func allocCase(name string, skus int) Case {
	return Case{Name: name, Suite: "allocate", Setup: func(ctx context.Context, env Env) (*Workload, error) {
		d := env.DB
		var wh int64
		if err := d.GetContext(ctx, &wh, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency, latitude, longitude)
			VALUES ($1, 'Bench allocation ' || $1, 'dc', 'NL', 'Europe/Amsterdam', 'EUR', 52.37, 4.90) RETURNING id`, env.Tag); err != nil {
			return nil, err
		}
		tag, n := env.Tag, allocPool
		for _, st := range []struct {
			q    string
			args []any
		}{
			{`INSERT INTO products (sku, name, tax_category)
			 SELECT $1 || '-' || lpad(i::text, 5, '0'), 'Bench item ' || i, 'standard' FROM generate_series(1, $2) i`, []any{tag, skus}},
			{`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
			 SELECT $2, 'A-' || lpad(i::text, 5, '0'), 'bin', i FROM generate_series(1, $1) i`, []any{skus, wh}},
			{`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			 SELECT p.id, (SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1), l.id, 2 * $4 / $2 + 2, 'receipt'
			   FROM products p JOIN locations l ON l.warehouse_id = $3 AND l.code = 'A-' || right(p.sku, 5)
			  WHERE p.sku LIKE $1 || '-%' ORDER BY p.id`, []any{tag, skus, wh, n}},
			{`INSERT INTO channels (code, name, kind, currency) VALUES (lower($1), 'Bench allocation ' || $1, 'webshop', 'EUR')`, []any{tag}},
			{`INSERT INTO customers (channel_id, external_id, name, country, currency)
			 SELECT id, 'bench', 'Bench Customer', 'NL', 'EUR' FROM channels WHERE code = lower($1)`, []any{tag}},
			{`INSERT INTO addresses (customer_id, name, line1, city, country)
			 SELECT cu.id, 'Bench Customer', 'Damrak 1', 'Amsterdam', 'NL'
			   FROM customers cu JOIN channels c ON c.id = cu.channel_id WHERE c.code = lower($1)`, []any{tag}},
			{`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
			                    subtotal_minor, total_minor, ordered_at, promised_at)
			 SELECT $1 || '-' || lpad(i::text, 6, '0'), c.id, 'a' || i, cu.id, 'Bench Customer', a.id, 'EUR', 100, 100,
			        now(), now() + interval '2 days'
			   FROM generate_series(1, $2) i, channels c JOIN customers cu ON cu.channel_id = c.id
			   JOIN addresses a ON a.customer_id = cu.id WHERE c.code = lower($1)`, []any{tag, n}},
			{`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
			 SELECT o.id, 1, '1', p.id, 100, 1
			   FROM orders o JOIN channels c ON c.id = o.channel_id AND c.code = lower($1)
			   JOIN products p ON p.sku = $1 || '-' || lpad((1 + (o.id % $2))::text, 5, '0')`, []any{tag, skus}},
			{`CREATE TABLE oms_bench.alloc_` + env.Tag + ` (product bigint PRIMARY KEY, on_hand bigint NOT NULL,
			   reserved bigint NOT NULL CHECK (reserved BETWEEN 0 AND on_hand))`, []any{}},
			{`INSERT INTO oms_bench.alloc_` + env.Tag + ` SELECT p.id, 2 * $2, 0 FROM products p WHERE p.sku LIKE $1 || '-%'`, []any{tag, n}},
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
		if err := d.SelectContext(ctx, &products, `SELECT id FROM products WHERE sku LIKE $1 || '-%' ORDER BY id`, env.Tag); err != nil {
			return nil, err
		}
		a := alloc.New(d)
		var next, rawNext atomic.Int64
		return &Workload{
			OMS: func(ctx context.Context, c *Client) error {
				n := next.Add(1) - 1
				if n >= int64(len(orders)) {
					return fmt.Errorf("%w: the fixture's %d orders are all allocated", ErrInvariant, len(orders))
				}
				r, err := a.Allocate(ctx, orders[n], false)
				if err == nil && r.Outcome != alloc.Allocated {
					err = fmt.Errorf("%w: order %d was %s: %s", ErrInvariant, orders[n], r.Outcome, r.Sentence)
				}
				return err
			},
			Raw: func(ctx context.Context, c *Client) error {
				p := products[rawNext.Add(1)%int64(len(products))]
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
		}, nil
	}}
}
