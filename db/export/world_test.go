package export_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/stock"
	"oms/model"
)

// world is a small business: a distribution centre RTM1 with bins (one retired) and a packing
// station, a closed DC holding stock, a store AMS1 with one bin; a webshop channel "web" with a safety
// buffer of 2 and a store channel "ams" selling from AMS1; products MUG-01 and TEA-01; one
// customer with an address.
type world struct {
	owner                       *db.DB
	rtm, ams, old               int64
	binA, binB, binC, storeBin  int64
	pack, supplier, customerLoc int64
	bins                        []int64 // one per concurrent writer, so none waits on another's balance
	mug, tea                    int64
	web, shop                   int64
	customer, address, billing  int64
	orderSeq                    atomic.Int64
}

func mustGet(t testing.TB, q sqlx.QueryerContext, dest any, query string, args ...any) {
	t.Helper()
	if err := sqlx.GetContext(context.Background(), q, dest, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func mustExec(t testing.TB, d sqlx.ExecerContext, query string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func newWorld(t *testing.T) *world { return newWorldTB(t) }

func newWorldTB(t testing.TB) *world {
	t.Helper()
	w := &world{owner: dbtest.New(t)}
	o := w.owner
	mustGet(t, o, &w.rtm, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`)
	mustGet(t, o, &w.ams, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('AMS1', 'Amsterdam store', 'store', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`)
	mustGet(t, o, &w.old, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency, active)
		VALUES ('OLD1', 'Closed DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR', false) RETURNING id`)
	bin := func(wh int64, code string) (id int64) {
		mustGet(t, o, &id, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, $2, 'bin') RETURNING id`, wh, code)
		return id
	}
	w.binA, w.binB, w.binC = bin(w.rtm, "A-01"), bin(w.rtm, "B-01"), bin(w.rtm, "C-01")
	w.storeBin = bin(w.ams, "S-01")
	for i := range 24 {
		w.bins = append(w.bins, bin(w.rtm, fmt.Sprintf("W-%02d", i)))
	}
	oldBin := bin(w.old, "O-01")
	mustGet(t, o, &w.pack, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'PACK-1', 'packing') RETURNING id`, w.rtm)
	mustGet(t, o, &w.supplier, `SELECT id FROM locations WHERE code = 'SUPPLIER'`)
	mustGet(t, o, &w.customerLoc, `SELECT id FROM locations WHERE code = 'CUSTOMER'`)
	mustGet(t, o, &w.mug, `INSERT INTO products (sku, name, tax_category) VALUES ('MUG-01', 'Stoneware mug', 'standard') RETURNING id`)
	mustGet(t, o, &w.tea, `INSERT INTO products (sku, name, tax_category) VALUES ('TEA-01', 'Green tea', 'reduced') RETURNING id`)
	mustGet(t, o, &w.web, `INSERT INTO channels (code, name, kind, currency, safety_buffer) VALUES ('web', 'Web shop', 'webshop', 'EUR', 2) RETURNING id`)
	mustGet(t, o, &w.shop, `INSERT INTO channels (code, name, kind, currency, warehouse_id) VALUES ('ams', 'Amsterdam till', 'store', 'EUR', $1) RETURNING id`, w.ams)
	mustGet(t, o, &w.customer, `INSERT INTO customers (channel_id, name, email, phone, country, currency)
		VALUES ($1, 'Anna de Vries', 'anna@example.nl', '+31 6 1234 5678', 'NL', 'EUR') RETURNING id`, w.web)
	mustGet(t, o, &w.address, `INSERT INTO addresses (customer_id, name, line1, city, postal_code, country)
		VALUES ($1, 'Anna de Vries', 'Keizersgracht 1', 'Amsterdam', '1015 CJ', 'NL') RETURNING id`, w.customer)
	mustGet(t, o, &w.billing, `INSERT INTO addresses (customer_id, name, company, line1, line2, city, region, postal_code, country, phone)
		VALUES ($1, 'Anna de Vries', 'De Vries BV', 'Postbus 12', 't.a.v. boekhouding', 'Utrecht', 'UT', '3500 AA', 'NL', '+31 30 000') RETURNING id`, w.customer)

	ctx := context.Background()
	ledger := stock.New(o)
	receive := func(key string, product, to, qty int64) {
		if err := ledger.Post(ctx, key, stock.Movement{Product: product, From: w.supplier, To: to, Qty: qty, Kind: model.MoveReceipt}); err != nil {
			t.Fatal(err)
		}
	}
	receive("receive-mug-a-01", w.mug, w.binA, 10)
	receive("receive-mug-b-01", w.mug, w.binB, 5)
	receive("receive-mug-s-01", w.mug, w.storeBin, 4)
	receive("receive-mug-o-01", w.mug, oldBin, 9)
	receive("receive-tea-b-01", w.tea, w.binB, 1)
	// An empty bin retired: an inactive bin never holds stock (the database refuses it).
	mustExec(t, o, `UPDATE locations SET active = false WHERE id = $1`, w.binC)
	return w
}

// order inserts an order of the web channel with one line of qty MUG-01 at 5.00 (tax 21 %), in
// q (a transaction or the pool), and returns its id and its line's.
func (w *world) order(t testing.TB, q sqlx.QueryerContext, qty int64) (order, line int64) {
	t.Helper()
	n := w.orderSeq.Add(1)
	number := fmt.Sprintf("EX-%06d", n)
	amount, tax := 500*qty, 105*qty
	mustGet(t, q, &order, `INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name,
		ship_to_address_id, currency, subtotal_minor, tax_minor, total_minor, ordered_at, promised_at)
		VALUES ($1, $2, $3, $4, 'Anna de Vries', $5, 'EUR', $6::bigint, $7::bigint, $6::bigint + $7::bigint,
		        now(), now() + interval '2 days') RETURNING id`,
		number, w.web, fmt.Sprintf("W%d", n), w.customer, w.address, amount, tax)
	mustGet(t, q, &line, `INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor,
		tax_minor, tax_rate_ppm, qty_ordered) VALUES ($1, 1, 'L1', $2, 500, $3, 210000, $4) RETURNING id`,
		order, w.mug, tax, qty)
	return order, line
}
