package alloc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// Store runs allocation on one database.
type Store struct{ d *db.DB }

// New returns the allocator of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Outcome is what one allocation did.
type Outcome int

const (
	// Skipped orders had nothing to allocate, or are held or cancelled.
	Skipped Outcome = iota
	// Allocated orders have every open unit reserved in one warehouse.
	Allocated
	// Split orders have every open unit reserved, in more than one warehouse.
	Split
	// Backordered orders wait for some or all of their units.
	Backordered
)

func (o Outcome) String() string {
	return [...]string{"skipped", "allocated", "split", "backordered"}[o]
}

// Result is the allocation of one order: what was decided and the sentence that says why.
type Result struct {
	OrderID   int64
	Number    string
	Outcome   Outcome
	Warehouse string // the warehouse that ships most of it
	Reserved  int64  // units reserved now
	Waiting   int64  // units still waiting
	Sentence  string
}

// Line is how `oms allocate` prints a result.
func (r Result) Line() string {
	switch r.Outcome {
	case Allocated:
		return fmt.Sprintf("%s → %s", r.Number, r.Sentence)
	case Split:
		return fmt.Sprintf("%s → %s", r.Number, r.Sentence)
	case Backordered:
		if strings.HasPrefix(r.Sentence, "backordered") {
			return fmt.Sprintf("%s %s", r.Number, r.Sentence)
		}
		return fmt.Sprintf("%s backordered: %s", r.Number, r.Sentence)
	}
	return fmt.Sprintf("%s skipped: %s", r.Number, r.Sentence)
}

// txq runs an allocation's statements in its transaction, each prepared once per connection.
type txq struct {
	ctx context.Context
	d   *db.DB
	tx  *sqlx.Tx
}

func (q txq) stmt(query string) (*sqlx.Stmt, error) { return q.d.TxStmt(q.ctx, q.tx, query) }

func (q txq) get(dest any, query string, args ...any) error {
	st, err := q.stmt(query)
	if err != nil {
		return err
	}
	if st == nil {
		return q.tx.GetContext(q.ctx, dest, query, args...)
	}
	return st.GetContext(q.ctx, dest, args...)
}

func (q txq) sel(dest any, query string, args ...any) error {
	st, err := q.stmt(query)
	if err != nil {
		return err
	}
	if st == nil {
		return q.tx.SelectContext(q.ctx, dest, query, args...)
	}
	return st.SelectContext(q.ctx, dest, args...)
}

func (q txq) exec(query string, args ...any) error {
	st, err := q.stmt(query)
	if err != nil {
		return err
	}
	if st == nil {
		_, err = q.tx.ExecContext(q.ctx, query, args...)
	} else {
		_, err = st.ExecContext(q.ctx, args...)
	}
	return err
}

// errDryRun rolls a dry run back after it decided.
var errDryRun = errors.New("dry run")

// Allocate routes an order's unallocated units and reserves them, in one transaction: its lines
// locked first (in id order, as every command that touches reservations does), the candidate
// warehouses' free stock read, the route decided (model.Route), then the chosen bins' balances
// locked in (product, location, lot) order and read again, and the reservations written. Under
// those locks nobody can take the units between the decision and the write, so no allocator
// ever oversells; if another allocator took some while this one decided, it reserves what is
// still there and the rest waits. The sentence goes to the order's history. A dry run decides
// and rolls back.
func (s *Store) Allocate(ctx context.Context, orderID int64, dryRun bool) (Result, error) {
	var res Result
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		res, err = allocate(txq{ctx, s.d, tx}, orderID)
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

type orderFacts struct {
	ID        int64          `db:"id"`
	Number    string         `db:"number"`
	OnHold    bool           `db:"on_hold"`
	Cancelled bool           `db:"cancelled"`
	Pickup    sql.NullInt64  `db:"pickup_warehouse_id"`
	StoreSale bool           `db:"store_sale"`
	Country   string         `db:"country"`
	Split     bool           `db:"split_allowed"`
	Warehouse sql.NullString `db:"warehouse"`
}

type lineRow struct {
	ID      int64  `db:"id"`
	Product int64  `db:"product_id"`
	SKU     string `db:"sku"`
	Open    int64  `db:"open"`
	Held    int64  `db:"held"` // reserved already, in any warehouse
}

func allocate(q txq, orderID int64) (Result, error) {
	var o orderFacts
	err := q.get(&o, `
		SELECT o.id, o.number, o.on_hold, o.cancelled_at IS NOT NULL AS cancelled, o.pickup_warehouse_id,
		       o.store_sale, a.country, c.split_allowed, w.code AS warehouse
		  FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id JOIN channels c ON c.id = o.channel_id
		  LEFT JOIN warehouses w ON w.id = o.warehouse_id
		 WHERE o.id = $1`, orderID)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, fmt.Errorf("order %d: %w", orderID, db.ErrNotFound)
	}
	if err != nil {
		return Result{}, err
	}
	res := Result{OrderID: o.ID, Number: o.Number}
	switch {
	case o.Cancelled:
		res.Sentence = "cancelled"
		return res, nil
	case o.OnHold:
		res.Sentence = "on hold"
		return res, nil
	case o.StoreSale:
		res.Sentence = "a store sale"
		return res, nil
	}
	var lines []lineRow
	if err := q.sel(&lines, `
		SELECT l.id, l.product_id, p.sku, l.qty_ordered - l.qty_cancelled - l.qty_allocated AS open,
		       l.qty_allocated - l.qty_shipped AS held
		  FROM order_lines l JOIN products p ON p.id = l.product_id
		 WHERE l.order_id = $1 ORDER BY l.id FOR NO KEY UPDATE OF l`, orderID); err != nil {
		return res, err
	}
	route := model.RouteOrder{ShipCountry: o.Country, SplitAllowed: o.Split}
	if o.Pickup.Valid {
		route.Pickup = o.Pickup.Int64
	}
	var products []int64
	var anyHeld bool
	for _, l := range lines {
		anyHeld = anyHeld || l.Held > 0
		if l.Open > 0 {
			route.Lines = append(route.Lines, model.RouteLine{ID: l.ID, Product: l.Product, SKU: l.SKU, Qty: l.Open})
			products = append(products, l.Product)
		}
	}
	if len(route.Lines) == 0 {
		res.Sentence = "nothing left to allocate"
		return res, nil
	}
	warehouses, err := freeStock(q, products)
	if err != nil {
		return res, err
	}
	// An order that ships whole stays in the warehouse that already holds part of it.
	if anyHeld && !o.Split && !o.Pickup.Valid && o.Warehouse.Valid {
		warehouses = slices.DeleteFunc(warehouses, func(w model.RouteWarehouse) bool { return w.Code != o.Warehouse.String })
	}
	plan := model.Route(route, warehouses)
	reserved, err := reserve(q, plan, route.Lines)
	if err != nil {
		return res, err
	}
	var open int64
	for _, l := range route.Lines {
		open += l.Qty
	}
	res.Reserved, res.Waiting, res.Sentence = reserved, open-reserved, plan.Sentence
	if reserved < plan.Allocated() {
		res.Sentence += fmt.Sprintf(" (%d fewer free when reserving: another order took them)", plan.Allocated()-reserved)
	}
	for _, w := range warehouses {
		if w.ID == plan.Warehouse {
			res.Warehouse = w.Code
		}
	}
	switch {
	case res.Waiting > 0:
		res.Outcome = Backordered
	case plan.Split:
		res.Outcome = Split
	default:
		res.Outcome = Allocated
	}
	if plan.Warehouse != 0 && (!o.Warehouse.Valid || o.Warehouse.String != res.Warehouse) && !anyHeld {
		if err := q.exec(`UPDATE orders SET warehouse_id = $2 WHERE id = $1`, orderID, plan.Warehouse); err != nil {
			return res, err
		}
	}
	return res, history(q, res)
}

// freeStock is every active warehouse with the free units (on hand − reserved in active bins,
// lots not expired) of the products.
func freeStock(q txq, products []int64) ([]model.RouteWarehouse, error) {
	var rows []struct {
		ID      int64           `db:"id"`
		Code    string          `db:"code"`
		Kind    string          `db:"kind"`
		Country string          `db:"country"`
		Lat     sql.NullFloat64 `db:"latitude"`
		Lon     sql.NullFloat64 `db:"longitude"`
		Product sql.NullInt64   `db:"product_id"`
		Free    sql.NullInt64   `db:"free"`
	}
	err := q.sel(&rows, `
		SELECT w.id, w.code, w.kind, w.country, w.latitude, w.longitude, s.product_id, s.free
		  FROM warehouses w
		  LEFT JOIN (SELECT l.warehouse_id, b.product_id, sum(b.on_hand - b.reserved) AS free
		               FROM stock_balances b
		               JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
		               LEFT JOIN lots lt ON lt.id = b.lot_id
		              WHERE b.product_id = ANY($1) AND b.on_hand > b.reserved
		                AND (lt.expires_on IS NULL OR lt.expires_on >= current_date)
		              GROUP BY 1, 2) s ON s.warehouse_id = w.id
		 WHERE w.active ORDER BY w.code`, pq.Array(products))
	if err != nil {
		return nil, err
	}
	var out []model.RouteWarehouse
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			w := model.RouteWarehouse{ID: r.ID, Code: r.Code, Kind: r.Kind, Country: r.Country, Free: map[int64]int64{}}
			if r.Lat.Valid && r.Lon.Valid {
				lat, lon := r.Lat.Float64, r.Lon.Float64
				w.Lat, w.Lon = &lat, &lon
			}
			out = append(out, w)
		}
		if r.Product.Valid {
			out[len(out)-1].Free[r.Product.Int64] = r.Free.Int64
		}
	}
	return out, nil
}

// bin is a balance a take may come from, locked.
type bin struct {
	Location  int64         `db:"location_id"`
	Warehouse int64         `db:"warehouse_id"`
	Product   int64         `db:"product_id"`
	Lot       sql.NullInt64 `db:"lot_id"`
	Free      int64         `db:"free"`
}

// reserve locks the bins the plan takes from, in lock order, and reserves from them by pick
// sequence (earliest expiry first for lots). It returns the units reserved.
func reserve(q txq, plan model.Plan, lines []model.RouteLine) (int64, error) {
	if len(plan.Takes) == 0 {
		return 0, nil
	}
	product := map[int64]int64{}
	for _, l := range lines {
		product[l.ID] = l.Product
	}
	var whs, prods []int64
	for _, t := range plan.Takes {
		whs, prods = append(whs, t.Warehouse), append(prods, product[t.Line])
	}
	var bins []bin
	// Locked in (product, location, lot) order, the ledger's lock order; chosen in pick order.
	err := q.sel(&bins, `
		SELECT location_id, warehouse_id, product_id, lot_id, free FROM oms_lock_free_bins($1, $2)
		 WHERE free > 0 ORDER BY expires_on NULLS LAST, pick_seq, location_id`, pq.Array(whs), pq.Array(prods))
	if err != nil {
		return 0, err
	}
	var rl, rloc, rprod, rqty []int64
	var rlot []sql.NullInt64
	allocated := map[int64]int64{}
	var total int64
	for _, t := range plan.Takes {
		want := t.Qty
		for i := range bins {
			b := &bins[i]
			if want == 0 {
				break
			}
			if b.Warehouse != t.Warehouse || b.Product != product[t.Line] || b.Free <= 0 {
				continue
			}
			q := min(want, b.Free)
			b.Free -= q
			want -= q
			rl, rloc, rprod, rqty, rlot = append(rl, t.Line), append(rloc, b.Location), append(rprod, b.Product),
				append(rqty, q), append(rlot, b.Lot)
			allocated[t.Line] += q
			total += q
		}
	}
	if total == 0 {
		return 0, nil
	}
	var ids, qtys []int64
	for id, q := range allocated {
		ids, qtys = append(ids, id), append(qtys, q)
	}
	if err := q.exec(`
		UPDATE order_lines l SET qty_allocated = l.qty_allocated + x.q
		  FROM unnest($1::bigint[], $2::bigint[]) AS x(id, q) WHERE l.id = x.id`, pq.Array(ids), pq.Array(qtys)); err != nil {
		return 0, err
	}
	err = q.exec(`
		INSERT INTO reservations AS r (order_line_id, location_id, product_id, lot_id, qty)
		SELECT x.line, x.loc, x.prod, x.lot, sum(x.q)
		  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS x(line, loc, prod, lot, q)
		 GROUP BY 1, 2, 3, 4 ORDER BY 3, 2, 4
		ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = r.qty + EXCLUDED.qty`,
		pq.Array(rl), pq.Array(rloc), pq.Array(rprod), pq.Array(nullInts(rlot)), pq.Array(rqty))
	return total, err
}

func nullInts(v []sql.NullInt64) []sql.NullString {
	out := make([]sql.NullString, len(v))
	for i, n := range v {
		if n.Valid {
			out[i] = sql.NullString{String: fmt.Sprint(n.Int64), Valid: true}
		}
	}
	return out
}

// history writes the decision to the order's history, unless it is the sentence the order's
// last allocation event already says (a sweep that changes nothing writes nothing).
func history(q txq, r Result) error {
	kind := "order.allocated"
	if r.Outcome == Backordered {
		kind = "order.backordered"
		var last sql.NullString
		if err := q.get(&last, `
			SELECT (SELECT message FROM events WHERE order_id = $1 AND kind IN ('order.allocated', 'order.backordered')
			         ORDER BY id DESC LIMIT 1)`, r.OrderID); err != nil {
			return err
		}
		if r.Reserved == 0 && last.Valid && last.String == r.Sentence {
			return nil
		}
	}
	return q.exec(`SELECT oms_order_event($1, $2, $3, jsonb_build_object('reserved', $4::bigint, 'waiting', $5::bigint))`,
		r.OrderID, kind, r.Sentence, r.Reserved, r.Waiting)
}
