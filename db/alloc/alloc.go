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

// BatchSize is how many orders AllocateMany decides and reserves in one transaction: enough
// that a transaction's fixed cost (nine statements and a commit) is shared by many orders, few
// enough that a batch holds a hot bin's lock for milliseconds only.
const BatchSize = 128

// Allocate routes one order's unallocated units and reserves them in one transaction, as
// AllocateMany does for many. A dry run decides and rolls back.
func (s *Store) Allocate(ctx context.Context, orderID int64, dryRun bool) (Result, error) {
	rs, _, err := s.allocateInTx(ctx, []int64{orderID}, dryRun, false)
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// AllocateMany allocates orders in the order given (oldest promise first is the caller's
// order), BatchSize orders a transaction, and returns one result per order allocated. In each
// transaction the orders' lines are locked first (in id order, as every command that touches
// reservations does), the candidate warehouses' free stock read once, each order routed in turn
// against what the orders before it took (model.Route), then the chosen bins' balances locked in
// (product, location, lot) order and read again, and the reservations written. Under those
// locks nobody can take the units between the decisions and the writes, so no allocator ever
// oversells; if another allocator took some meanwhile, an order reserves what is still there
// and the rest waits. Each order's sentence goes to its history. A batch the database refuses
// is rerun order by order, so that one order's refusal names that order and holds back no
// other; the first such error is returned beside the results of the rest.
func (s *Store) AllocateMany(ctx context.Context, ids []int64, dryRun bool) ([]Result, error) {
	queue := once(ids)
	out := make([]Result, 0, len(queue))
	putAside := map[int64]int{}
	for len(queue) > 0 {
		batch := queue[:min(BatchSize, len(queue))]
		queue = queue[len(batch):]
		// An order put aside twice waits for its bins: the batch takes its locks in turn.
		mayPutAside := !slices.ContainsFunc(batch, func(id int64) bool { return putAside[id] >= 2 })
		rs, aside, err := s.allocateInTx(ctx, batch, dryRun, mayPutAside)
		if err == nil {
			out = append(out, rs...)
			for _, id := range aside {
				putAside[id]++
			}
			queue = append(aside, queue...)
			continue
		}
		var busy *db.BusyError
		if len(batch) == 1 || ctx.Err() != nil || errors.As(err, &busy) {
			return out, err
		}
		var first error
		for _, id := range batch {
			r, err := s.Allocate(ctx, id, dryRun)
			if err == nil {
				out = append(out, r)
				continue
			}
			if first == nil {
				first = fmt.Errorf("order %d: %w", id, err)
			}
			if ctx.Err() != nil {
				break
			}
		}
		if first != nil {
			return out, first
		}
	}
	return out, nil
}

// allocateInTx allocates the orders in one transaction. With mayPutAside, orders whose free
// bins another allocator has locked may be left for a later batch (see reserve); they are
// returned, in the order given, and have no result.
func (s *Store) allocateInTx(ctx context.Context, ids []int64, dryRun, mayPutAside bool) ([]Result, []int64, error) {
	var rs []Result
	var aside []int64
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		rs, aside, err = allocateBatch(txq{ctx, s.d, tx}, ids, mayPutAside)
		if err == nil && dryRun {
			return errDryRun
		}
		return err
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return rs, aside, err
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

// orderFactsSQL reads what routing needs to know of orders; callers add the WHERE.
const orderFactsSQL = `
		SELECT o.id, o.number, o.on_hold, o.cancelled_at IS NOT NULL AS cancelled, o.pickup_warehouse_id,
		       o.store_sale, a.country, c.split_allowed, w.code AS warehouse
		  FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id JOIN channels c ON c.id = o.channel_id
		  LEFT JOIN warehouses w ON w.id = o.warehouse_id`

type lineRow struct {
	ID      int64  `db:"id"`
	Order   int64  `db:"order_id"`
	Product int64  `db:"product_id"`
	SKU     string `db:"sku"`
	Open    int64  `db:"open"`
	Held    int64  `db:"held"` // reserved already, in any warehouse
}

// decision is one order of a batch on its way through allocation.
type decision struct {
	facts   orderFacts
	route   model.RouteOrder
	anyHeld bool
	plan    model.Plan
	res     Result
}

// allocate allocates one order in the caller's transaction.
func allocate(q txq, orderID int64) (Result, error) {
	rs, _, err := allocateBatch(q, []int64{orderID}, false)
	if err != nil {
		return Result{}, err
	}
	return rs[0], nil
}

// allocateBatch allocates the orders in the caller's transaction, in the order given; see
// AllocateMany. With mayPutAside it may leave some for later and returns those.
func allocateBatch(q txq, ids []int64, mayPutAside bool) ([]Result, []int64, error) {
	ids = once(ids)
	var facts []orderFacts
	if err := q.sel(&facts, orderFactsSQL+` WHERE o.id = ANY($1)`, pq.Array(ids)); err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]*decision, len(facts))
	for _, f := range facts {
		byID[f.ID] = &decision{facts: f, res: Result{OrderID: f.ID, Number: f.Number},
			route: model.RouteOrder{ShipCountry: f.Country, SplitAllowed: f.Split}}
	}
	var eligible []int64
	for _, id := range ids {
		d := byID[id]
		switch {
		case d == nil:
			return nil, nil, fmt.Errorf("order %d: %w", id, db.ErrNotFound)
		case d.facts.Cancelled:
			d.res.Sentence = "cancelled"
		case d.facts.OnHold:
			d.res.Sentence = "on hold"
		case d.facts.StoreSale:
			d.res.Sentence = "a store sale"
		default:
			if d.facts.Pickup.Valid {
				d.route.Pickup = d.facts.Pickup.Int64
			}
			eligible = append(eligible, id)
		}
	}
	products, err := lockOpenLines(q, eligible, byID)
	if err != nil {
		return nil, nil, err
	}
	var warehouses []model.RouteWarehouse
	if len(products) > 0 {
		if warehouses, err = freeStock(q, products); err != nil {
			return nil, nil, err
		}
	}
	var plans []orderPlan
	for _, id := range eligible {
		d := byID[id]
		if len(d.route.Lines) == 0 {
			d.res.Sentence = "nothing left to allocate"
			continue
		}
		d.plan = model.Route(d.route, candidates(d, warehouses))
		takeFree(warehouses, d.plan, d.route.Lines)
		plans = append(plans, orderPlan{order: id, plan: d.plan, lines: d.route.Lines})
	}
	reserved, aside, err := reserve(q, plans, mayPutAside)
	if err != nil {
		return nil, nil, err
	}
	var moved []int64 // order, warehouse pairs
	for _, id := range eligible {
		d := byID[id]
		if len(d.route.Lines) == 0 || aside[id] {
			continue
		}
		conclude(d, reserved, warehouses)
		if d.plan.Warehouse != 0 && (!d.facts.Warehouse.Valid || d.facts.Warehouse.String != d.res.Warehouse) && !d.anyHeld {
			moved = append(moved, id, d.plan.Warehouse)
		}
	}
	if err := routeOrders(q, moved); err != nil {
		return nil, nil, err
	}
	out := make([]Result, 0, len(ids))
	var later []int64
	for _, id := range ids {
		if aside[id] {
			later = append(later, id)
		} else {
			out = append(out, byID[id].res)
		}
	}
	return out, later, history(q, out)
}

// once is ids with each id at its first place only: an order listed twice is allocated once.
func once(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// lockOpenLines locks the orders' lines, in id order, and fills each order's lines still to
// allocate; it returns the products they need.
func lockOpenLines(q txq, orders []int64, byID map[int64]*decision) ([]int64, error) {
	if len(orders) == 0 {
		return nil, nil
	}
	var lines []lineRow
	if err := q.sel(&lines, `
		SELECT l.id, l.order_id, l.product_id, p.sku, l.qty_ordered - l.qty_cancelled - l.qty_allocated AS open,
		       l.qty_allocated - l.qty_shipped AS held
		  FROM order_lines l JOIN products p ON p.id = l.product_id
		 WHERE l.order_id = ANY($1) ORDER BY l.id FOR NO KEY UPDATE OF l`, pq.Array(orders)); err != nil {
		return nil, err
	}
	var products []int64
	for _, l := range lines {
		d := byID[l.Order]
		d.anyHeld = d.anyHeld || l.Held > 0
		if l.Open > 0 {
			d.route.Lines = append(d.route.Lines, model.RouteLine{ID: l.ID, Product: l.Product, SKU: l.SKU, Qty: l.Open})
			products = append(products, l.Product)
		}
	}
	slices.Sort(products)
	return slices.Compact(products), nil
}

// candidates is the warehouses an order may be routed to: all of them, except that an order
// which ships whole stays in the warehouse that already holds part of it.
func candidates(d *decision, warehouses []model.RouteWarehouse) []model.RouteWarehouse {
	f := d.facts
	if !d.anyHeld || f.Split || f.Pickup.Valid || !f.Warehouse.Valid {
		return warehouses
	}
	var out []model.RouteWarehouse
	for _, w := range warehouses {
		if w.Code == f.Warehouse.String {
			out = append(out, w)
		}
	}
	return out
}

// takeFree counts a plan's takes off the warehouses' free stock, so that the batch's later
// orders are routed by what is left.
func takeFree(warehouses []model.RouteWarehouse, plan model.Plan, lines []model.RouteLine) {
	product := map[int64]int64{}
	for _, l := range lines {
		product[l.ID] = l.Product
	}
	for _, t := range plan.Takes {
		for _, w := range warehouses {
			if w.ID == t.Warehouse {
				w.Free[product[t.Line]] -= t.Qty
			}
		}
	}
}

// conclude turns an order's plan and what was reserved for its lines into its result.
func conclude(d *decision, reserved map[int64]int64, warehouses []model.RouteWarehouse) {
	var open, got int64
	for _, l := range d.route.Lines {
		open += l.Qty
		got += reserved[l.ID]
	}
	r := &d.res
	r.Reserved, r.Waiting, r.Sentence = got, open-got, d.plan.Sentence
	if got < d.plan.Allocated() {
		r.Sentence += fmt.Sprintf(" (%d fewer free when reserving: another order took them)", d.plan.Allocated()-got)
	}
	for _, w := range warehouses {
		if w.ID == d.plan.Warehouse {
			r.Warehouse = w.Code
		}
	}
	switch {
	case r.Waiting > 0:
		r.Outcome = Backordered
	case d.plan.Split:
		r.Outcome = Split
	default:
		r.Outcome = Allocated
	}
}

// routeOrders sets the warehouse of orders routed anew (pairs of order and warehouse), in
// order id order. Most have it already: an order without a warehouse takes the one its units
// were just reserved in as its lines change (migration 00025); the rest — a backorder routed
// where nothing was free yet, a routed order moved while it held nothing, a split whose larger
// part is elsewhere — are written here.
func routeOrders(q txq, pairs []int64) error {
	if len(pairs) == 0 {
		return nil
	}
	var ids, whs []int64
	for p := range slices.Chunk(pairs, 2) {
		ids, whs = append(ids, p[0]), append(whs, p[1])
	}
	return q.exec(`
		UPDATE orders o SET warehouse_id = x.wh
		  FROM (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS x(id, wh) ORDER BY id) x
		 WHERE o.id = x.id AND o.warehouse_id IS DISTINCT FROM x.wh`, pq.Array(ids), pq.Array(whs))
}

// freeStock is every active warehouse with the free units (on hand − reserved in active bins,
// lots not expired, bins not waiting for a count after a short pick) of the products.
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
		               FROM unnest($1::bigint[]) AS p(id)
		               -- Each product's balances through its index (OFFSET 0 keeps the planner
		               -- from hashing every balance instead, which it costed cheaper and was not).
		               CROSS JOIN LATERAL (SELECT * FROM stock_balances b
		                                    WHERE b.product_id = p.id AND b.on_hand > b.reserved OFFSET 0) b
		               JOIN locations l ON l.id = b.location_id AND l.kind = 'bin' AND l.active
		               LEFT JOIN lots lt ON lt.id = b.lot_id
		              WHERE (lt.expires_on IS NULL OR lt.expires_on >= current_date)
		                AND NOT EXISTS (SELECT 1 FROM count_flags f WHERE f.location_id = b.location_id
		                                   AND f.product_id = b.product_id AND f.resolved_at IS NULL)
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

// orderPlan is one order's routing and the lines it routed.
type orderPlan struct {
	order int64
	plan  model.Plan
	lines []model.RouteLine
}

// reserve locks the bins the plans take from, in lock order, and reserves from them by pick
// sequence (earliest expiry first for lots), plan by plan in the order given. It returns the
// units reserved per order line. With mayPutAside, the orders whose bins another allocator
// holds are put aside, when they are few (see lockBins), and returned.
func reserve(q txq, plans []orderPlan, mayPutAside bool) (map[int64]int64, map[int64]bool, error) {
	product := map[int64]int64{}
	var whs, prods []int64
	for _, p := range plans {
		for _, l := range p.lines {
			product[l.ID] = l.Product
		}
		for _, t := range p.plan.Takes {
			whs, prods = append(whs, t.Warehouse), append(prods, product[t.Line])
		}
	}
	allocated := map[int64]int64{}
	if len(whs) == 0 {
		return allocated, nil, nil
	}
	bins, aside, err := lockBins(q, whs, prods, plans, product, mayPutAside)
	if err != nil {
		return nil, nil, err
	}
	type pair struct{ warehouse, product int64 }
	binsOf := map[pair][]int{} // each pair's bins, in the order to take from
	for i, b := range bins {
		k := pair{b.Warehouse, b.Product}
		binsOf[k] = append(binsOf[k], i)
	}
	var rl, rloc, rprod, rqty []int64
	var rlot []sql.NullInt64
	for _, p := range plans {
		if aside[p.order] {
			continue
		}
		for _, t := range p.plan.Takes {
			want := t.Qty
			for _, i := range binsOf[pair{t.Warehouse, product[t.Line]}] {
				b := &bins[i]
				if want == 0 {
					break
				}
				if b.Free <= 0 {
					continue
				}
				q := min(want, b.Free)
				b.Free -= q
				want -= q
				rl, rloc, rprod, rqty, rlot = append(rl, t.Line), append(rloc, b.Location), append(rprod, b.Product),
					append(rqty, q), append(rlot, b.Lot)
				allocated[t.Line] += q
			}
		}
	}
	if len(rl) == 0 {
		return allocated, aside, nil
	}
	var ids, qtys []int64
	for id, q := range allocated {
		ids, qtys = append(ids, id), append(qtys, q)
	}
	// Reservations first: the lines' statement then moves each order's status and gives an order
	// without a warehouse the one its units are reserved in (migration 00025), in one write.
	if err := q.exec(`
		INSERT INTO reservations AS r (order_line_id, location_id, product_id, lot_id, qty)
		SELECT x.line, x.loc, x.prod, x.lot, sum(x.q)
		  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS x(line, loc, prod, lot, q)
		 GROUP BY 1, 2, 3, 4 ORDER BY 3, 2, 4
		ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = r.qty + EXCLUDED.qty`,
		pq.Array(rl), pq.Array(rloc), pq.Array(rprod), pq.Array(nullInts(rlot)), pq.Array(rqty)); err != nil {
		return nil, nil, err
	}
	err = q.exec(`
		UPDATE order_lines l SET qty_allocated = l.qty_allocated + x.q
		  FROM unnest($1::bigint[], $2::bigint[]) AS x(id, q) WHERE l.id = x.id`, pq.Array(ids), pq.Array(qtys))
	return allocated, aside, err
}

// lockBins locks the free bins of the (warehouse, product) pairs, in the ledger's lock order,
// and returns them in the order to take from. A batch that waits for one pair keeps every pair
// it has locked from the batches behind it, and sixteen allocators of orders for many products
// then run one after the other (migration 00030). So with mayPutAside it first locks what it
// can without waiting; if the orders needing a bin it could not lock are at most a quarter of
// the plans, they are put aside for a later batch and the rest go on; otherwise (a hot product
// every batch wants) it gives those locks back and waits for all in lock order.
func lockBins(q txq, whs, prods []int64, plans []orderPlan, product map[int64]int64, mayPutAside bool) ([]bin, map[int64]bool, error) {
	if mayPutAside {
		bins, aside, err := tryLockBins(q, whs, prods, plans, product)
		if err != nil || aside != nil {
			return bins, aside, err
		}
	}
	var bins []bin
	// Locked in (product, location, lot) order, the ledger's lock order; chosen in pick order.
	err := q.sel(&bins, `
		SELECT location_id, warehouse_id, product_id, lot_id, free FROM oms_lock_free_bins($1, $2)
		 WHERE free > 0 ORDER BY expires_on NULLS LAST, pick_seq, location_id`, pq.Array(whs), pq.Array(prods))
	return bins, nil, err
}

// tryLockBins is lockBins without waiting: the bins it locked and the orders put aside (an
// empty, non-nil map when none is), or nil bins and nil orders when too many would be and
// nothing stays locked.
func tryLockBins(q txq, whs, prods []int64, plans []orderPlan, product map[int64]int64) ([]bin, map[int64]bool, error) {
	if _, err := q.tx.ExecContext(q.ctx, `SAVEPOINT free_bins`); err != nil {
		return nil, nil, err
	}
	var rows []struct {
		bin
		Locked bool `db:"locked"`
	}
	if err := q.sel(&rows, `
		SELECT location_id, warehouse_id, product_id, lot_id, free, locked FROM oms_try_lock_free_bins($1, $2)
		 WHERE free > 0 ORDER BY expires_on NULLS LAST, pick_seq, location_id`, pq.Array(whs), pq.Array(prods)); err != nil {
		return nil, nil, err
	}
	// The rows are the bins it locked (locked) and every free bin it saw (not locked); a bin
	// seen but not locked is another allocator's.
	type key struct {
		location, product int64
		lot               sql.NullInt64
	}
	type pair struct{ warehouse, product int64 }
	mine := map[key]bool{}
	var bins []bin
	for _, r := range rows {
		if r.Locked {
			bins = append(bins, r.bin)
			mine[key{r.Location, r.Product, r.Lot}] = true
		}
	}
	held := map[pair]bool{} // by another allocator
	for _, r := range rows {
		if !r.Locked && !mine[key{r.Location, r.Product, r.Lot}] {
			held[pair{r.Warehouse, r.Product}] = true
		}
	}
	aside := map[int64]bool{}
	for _, p := range plans {
		for _, t := range p.plan.Takes {
			if held[pair{t.Warehouse, product[t.Line]}] {
				aside[p.order] = true
			}
		}
	}
	if len(aside)*4 > len(plans) {
		bins, aside = nil, nil
		if _, err := q.tx.ExecContext(q.ctx, `ROLLBACK TO SAVEPOINT free_bins`); err != nil {
			return nil, nil, err
		}
	}
	_, err := q.tx.ExecContext(q.ctx, `RELEASE SAVEPOINT free_bins`)
	return bins, aside, err
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

// history writes each decision to its order's history, in one statement — except a backorder
// that reserved nothing and says what the order's last allocation event already says (a sweep
// that changes nothing writes nothing). Orders that were skipped get no event.
func history(q txq, rs []Result) error {
	var again []int64 // backorders that reserved nothing: perhaps said already
	for _, r := range rs {
		if r.Outcome == Backordered && r.Reserved == 0 {
			again = append(again, r.OrderID)
		}
	}
	said := map[int64]string{}
	if len(again) > 0 {
		var last []struct {
			Order   int64  `db:"order_id"`
			Message string `db:"message"`
		}
		if err := q.sel(&last, `
			SELECT DISTINCT ON (order_id) order_id, message FROM events
			 WHERE order_id = ANY($1) AND kind IN ('order.allocated', 'order.backordered')
			 ORDER BY order_id, id DESC`, pq.Array(again)); err != nil {
			return err
		}
		for _, l := range last {
			said[l.Order] = l.Message
		}
	}
	var ids, reserved, waiting []int64
	var kinds, sentences []string
	for _, r := range rs {
		kind := "order.allocated"
		switch {
		case r.Outcome == Skipped:
			continue
		case r.Outcome == Backordered:
			kind = "order.backordered"
			if r.Reserved == 0 && said[r.OrderID] == r.Sentence {
				continue
			}
		}
		ids, kinds, sentences = append(ids, r.OrderID), append(kinds, kind), append(sentences, r.Sentence)
		reserved, waiting = append(reserved, r.Reserved), append(waiting, r.Waiting)
	}
	if len(ids) == 0 {
		return nil
	}
	return q.exec(`
		SELECT oms_order_events($1, $2, $3, array_agg(jsonb_build_object('reserved', x.reserved, 'waiting', x.waiting) ORDER BY x.n))
		  FROM unnest($4::bigint[], $5::bigint[]) WITH ORDINALITY AS x(reserved, waiting, n)`,
		pq.Array(ids), pq.Array(kinds), pq.Array(sentences), pq.Array(reserved), pq.Array(waiting))
}
