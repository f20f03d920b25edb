package alloc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// Re-routing by hand (issue 11): the back office sends an order to a warehouse it chooses
// instead of the one routing chose. It lives here and not in db/orders because it is an
// allocation: the same free stock (freeStock) and the same locked, pick-sequence reservations
// (reserve, oms_lock_free_bins) as Allocate, only the warehouse is the person's decision. As
// every back-office command it is one transaction that claims its idempotency key, locks the
// order's lines first (id order), then touches reservations (the balances follow by trigger),
// then the order row, and writes one history sentence through oms_order_event.

// WarehouseStock is a warehouse an order could be re-routed to, with what it has free of the
// order's lines now.
type WarehouseStock struct {
	ID      int64
	Code    string
	Current bool     // the order's warehouse now
	Lines   int      // the order's lines with units to ship
	InStock int      // of those, the lines it can give whole now
	Short   []string // what it lacks, "1 × MUG-1", one per line it cannot give whole
}

// Label says it in a picker's words: "LDS1 · all 3 lines in stock", "RTM1 (now) · 1 of 2
// lines in stock; short 1 × MUG-1".
func (w WarehouseStock) Label() string {
	s := w.Code
	if w.Current {
		s += " (now)"
	}
	return s + " · " + w.Stock()
}

// Stock says what it has of the order: "1 of 2 lines in stock; short 1 × MUG-1".
func (w WarehouseStock) Stock() string {
	s := inStock(w.InStock, w.Lines)
	if len(w.Short) > 0 {
		s += "; short " + strings.Join(w.Short, ", ")
	}
	return s
}

func inStock(in, of int) string {
	switch {
	case of > 1 && in == of:
		return fmt.Sprintf("all %d lines in stock", of)
	case of == 1:
		return fmt.Sprintf("%d of 1 line in stock", in)
	}
	return fmt.Sprintf("%d of %d lines in stock", in, of)
}

// routeLine is one of the order's lines as re-routing reads it, locked.
type routeLine struct {
	ID        int64  `db:"id"`
	LineNo    int    `db:"line_no"`
	Product   int64  `db:"product_id"`
	SKU       string `db:"sku"`
	Open      int64  `db:"open"` // ordered − cancelled − shipped: the units to route
	Allocated int64  `db:"qty_allocated"`
	Shipped   int64  `db:"qty_shipped"`
	Picked    int64  `db:"qty_picked"`
}

const routeLinesSQL = `
	SELECT l.id, l.line_no, l.product_id, p.sku, l.qty_ordered - l.qty_cancelled - l.qty_shipped AS open,
	       l.qty_allocated, l.qty_shipped, l.qty_picked
	  FROM order_lines l JOIN products p ON p.id = l.product_id
	 WHERE l.order_id = $1 ORDER BY l.id`

// RerouteChoices lists the active warehouses by code with what each has free of the order's
// units to ship (the free stock Allocate reads; the order's own reservations count as free in
// the warehouse that holds them, since re-routing gives them back first).
func (s *Store) RerouteChoices(ctx context.Context, orderID int64) ([]WarehouseStock, error) {
	var out []WarehouseStock
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		q := txq{ctx, s.d, tx}
		out = nil
		var current sql.NullInt64
		err := q.get(&current, `SELECT warehouse_id FROM orders WHERE id = $1`, orderID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("order %d: %w", orderID, db.ErrNotFound)
		}
		if err != nil {
			return err
		}
		var lines []routeLine
		if err := q.sel(&lines, routeLinesSQL, orderID); err != nil {
			return err
		}
		var products []int64
		for _, l := range lines {
			products = append(products, l.Product)
		}
		warehouses, err := freeStock(q, products)
		if err != nil {
			return err
		}
		var own []struct {
			Warehouse int64 `db:"warehouse_id"`
			Product   int64 `db:"product_id"`
			Qty       int64 `db:"qty"`
		}
		if err := q.sel(&own, `
			SELECT l.warehouse_id, r.product_id, sum(r.qty) AS qty
			  FROM reservations r JOIN locations l ON l.id = r.location_id AND l.kind = 'bin' AND l.active
			  JOIN order_lines ol ON ol.id = r.order_line_id
			 WHERE ol.order_id = $1 GROUP BY 1, 2`, orderID); err != nil {
			return err
		}
		for _, w := range warehouses {
			free := map[int64]int64{}
			for p, n := range w.Free {
				free[p] = n
			}
			for _, o := range own {
				if o.Warehouse == w.ID {
					free[o.Product] += o.Qty
				}
			}
			ws := WarehouseStock{ID: w.ID, Code: w.Code, Current: current.Valid && current.Int64 == w.ID}
			for _, l := range lines {
				if l.Open <= 0 {
					continue
				}
				ws.Lines++
				got := min(l.Open, free[l.Product])
				free[l.Product] -= got
				if got == l.Open {
					ws.InStock++
				} else {
					ws.Short = append(ws.Short, fmt.Sprintf("%d × %s", l.Open-got, l.SKU))
				}
			}
			out = append(out, ws)
		}
		return nil
	})
	return out, err
}

// refuse is a refusal found in Go, a sentence for the person at the terminal.
func refuse(format string, args ...any) error {
	return &db.ConstraintError{Kind: db.Forbidden, Message: fmt.Sprintf(format, args...)}
}

// Reroute sends an order to warehouse by hand, while nothing of it is picked, in one
// transaction under key: its lines locked, its reservations given back (allocated falls back to
// shipped), what the warehouse has free reserved bin by bin in pick sequence (earliest expiry
// first) under the bins' locks, the rest backordered, orders.warehouse_id set, and the history
// says it: "re-routed RTM1 → LDS1 by hand: 2 of 3 lines in stock; backordered 1 × MUG-1".
// The allocator leaves the reserved part where it is (an order that ships whole stays in the
// warehouse that holds part of it). A retry of the same key changes nothing and returns a zero
// Result. Refused with a sentence: a cancelled, held or store-sale order, a click-and-collect
// order (its store is the customer's choice), an order with anything picked or nothing left to
// ship, an inactive or unknown warehouse, or the warehouse it is routed to already.
func (s *Store) Reroute(ctx context.Context, key string, orderID, warehouse int64) (Result, error) {
	var res Result
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		res = Result{}
		req := struct{ Order, Warehouse int64 }{orderID, warehouse}
		if done, err := db.ClaimKey(ctx, tx, key, "orders.reroute", req); done || err != nil {
			return err
		}
		var err error
		res, err = reroute(txq{ctx, s.d, tx}, orderID, warehouse)
		return err
	})
	return res, err
}

func reroute(q txq, orderID, warehouse int64) (Result, error) {
	var lines []routeLine
	if err := q.sel(&lines, routeLinesSQL+` FOR NO KEY UPDATE OF l`, orderID); err != nil {
		return Result{}, err
	}
	var o orderFacts
	err := q.get(&o, orderFactsSQL+` WHERE o.id = $1`, orderID)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, fmt.Errorf("order %d: %w", orderID, db.ErrNotFound)
	}
	if err != nil {
		return Result{}, err
	}
	var to struct {
		Code   string `db:"code"`
		Active bool   `db:"active"`
	}
	err = q.get(&to, `SELECT code, active FROM warehouses WHERE id = $1`, warehouse)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, refuse("there is no warehouse %d", warehouse)
	}
	if err != nil {
		return Result{}, err
	}
	var picked []string
	var open int64
	for _, l := range lines {
		if l.Picked > 0 {
			picked = append(picked, fmt.Sprintf("line %d (%s) has %d picked", l.LineNo, l.SKU, l.Picked))
		}
		open += max(l.Open, 0)
	}
	switch {
	case o.Cancelled:
		return Result{}, refuse("order %s is cancelled: there is nothing to re-route", o.Number)
	case o.OnHold:
		return Result{}, refuse("order %s is held: release it before re-routing it", o.Number)
	case o.StoreSale:
		return Result{}, refuse("order %s is a store sale: it left the store with the customer", o.Number)
	case o.Pickup.Valid:
		return Result{}, refuse("order %s is collected at a store: it is allocated there", o.Number)
	case !to.Active:
		return Result{}, refuse("warehouse %s is not active", to.Code)
	case o.Warehouse.Valid && o.Warehouse.String == to.Code:
		return Result{}, refuse("order %s is routed to %s already", o.Number, to.Code)
	case len(picked) > 0:
		return Result{}, refuse("order %s cannot be re-routed once picking has started: %s", o.Number, strings.Join(picked, ", "))
	case open == 0:
		return Result{}, refuse("order %s has nothing left to ship", o.Number)
	}

	// Give back what the order holds, wherever it is: reservations first (the balances follow),
	// then the lines.
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ID
	}
	if err := q.exec(`DELETE FROM reservations WHERE order_line_id = ANY ($1)`, pq.Array(ids)); err != nil {
		return Result{}, err
	}
	if err := q.exec(`UPDATE order_lines SET qty_allocated = qty_shipped WHERE id = ANY ($1) AND qty_allocated <> qty_shipped`,
		pq.Array(ids)); err != nil {
		return Result{}, err
	}

	// What the warehouse has free, line by line in line order; the bins are locked and read again
	// by reserve, which takes what is still there.
	var products []int64
	var route []model.RouteLine
	for _, l := range lines {
		if l.Open > 0 {
			products = append(products, l.Product)
			route = append(route, model.RouteLine{ID: l.ID, Product: l.Product, SKU: l.SKU, Qty: l.Open})
		}
	}
	warehouses, err := freeStock(q, products)
	if err != nil {
		return Result{}, err
	}
	free := map[int64]int64{}
	for _, w := range warehouses {
		if w.ID == warehouse {
			free = w.Free
		}
	}
	plan := model.Plan{Warehouse: warehouse}
	for _, l := range route {
		if n := min(l.Qty, free[l.Product]); n > 0 {
			free[l.Product] -= n
			plan.Takes = append(plan.Takes, model.Take{Line: l.ID, Warehouse: warehouse, Qty: n})
		}
	}
	took, _, err := reserve(q, []orderPlan{{order: orderID, plan: plan, lines: route}}, false)
	if err != nil {
		return Result{}, err
	}
	var reserved int64
	for _, n := range took {
		reserved += n
	}
	if err := q.exec(`UPDATE orders SET warehouse_id = $2 WHERE id = $1`, orderID, warehouse); err != nil {
		return Result{}, err
	}

	// Say what it came to, from the lines as they are now.
	var after []routeLine
	if err := q.sel(&after, routeLinesSQL, orderID); err != nil {
		return Result{}, err
	}
	var in, of int
	var short []string
	for _, l := range after {
		if l.Open <= 0 {
			continue
		}
		of++
		if waiting := l.Open - (l.Allocated - l.Shipped); waiting > 0 {
			short = append(short, fmt.Sprintf("%d × %s", waiting, l.SKU))
		} else {
			in++
		}
	}
	from := ""
	if o.Warehouse.Valid {
		from = o.Warehouse.String + " "
	}
	sentence := fmt.Sprintf("re-routed %s→ %s by hand: %s", from, to.Code, inStock(in, of))
	if from == "" {
		sentence = fmt.Sprintf("re-routed to %s by hand: %s", to.Code, inStock(in, of))
	}
	if len(short) > 0 {
		sentence += "; backordered " + strings.Join(short, ", ")
	}
	res := Result{OrderID: o.ID, Number: o.Number, Outcome: Allocated, Warehouse: to.Code,
		Reserved: reserved, Waiting: open - reserved, Sentence: sentence}
	if res.Waiting > 0 {
		res.Outcome = Backordered
	}
	err = q.exec(`SELECT oms_order_event($1, 'order.rerouted', $2,
		jsonb_build_object('from', $3::text, 'to', $4::text, 'reserved', $5::bigint, 'waiting', $6::bigint))`,
		orderID, sentence, strings.TrimSpace(from), to.Code, res.Reserved, res.Waiting)
	return res, err
}
