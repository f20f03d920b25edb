package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/alloc"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// AllocStressOptions size an allocation stress run (issue 11): Allocators goroutines allocate
// Orders orders of one to three lines over 5 hot SKUs in 3 bins, each order twice (the second
// pass finds what restocks and cancellations freed), in batches of one to eight orders (the
// allocator's many-orders-a-transaction path), while other goroutines cancel orders and lines
// through the back office's commands and receive stock into the bins.
type AllocStressOptions struct {
	Allocators int
	Orders     int
	Cancels    int   // cancel attempts (orders and lines); default Orders / 10
	Restocks   int   // receipts; default Orders / 10
	Seed       int64 // the workers' random choices, printed so a failure can be replayed
	// Connect gives each worker its own connection ("allocator", "canceller", "restocker"); nil:
	// every worker uses the run's database. The caller closes what it gives.
	Connect func(worker string) (*db.DB, error)
}

// AllocStressReport says what an allocation stress run did and whether it proved what it must.
type AllocStressReport struct {
	Seed                   int64
	Orders, Allocations    int
	Allocated, Backordered int64 // allocations that reserved every open unit; that left some waiting
	Skipped                int64 // nothing left to allocate (cancelled, or allocated before)
	Cancelled, Refused     int64 // cancels done; cancels refused with a sentence (already cancelled …)
	Restocks               int64
	Retries                db.RetryStats // reruns by db.InTx, over every worker's connection
	ServerDeadlocks        int64         // pg_stat_database.deadlocks during the run
	Unexpected             []string      // errors a worker met that are not documented refusals
	LockTimeouts           int64         // of those, a session's lock_timeout running out (55P03)
	Violations             []string      // the run's own invariants broken afterwards
	Check                  db.CheckReport
	Elapsed                time.Duration
}

// Deadlocks is every deadlock the run met, whether db.InTx reran it or not.
func (r AllocStressReport) Deadlocks() int64 { return r.Retries.Deadlocks + r.ServerDeadlocks }

// OK says whether nothing deadlocked, nothing unexpected happened, the invariants hold and oms
// check found nothing.
func (r AllocStressReport) OK() bool {
	return r.Deadlocks() == 0 && len(r.Unexpected) == 0 && len(r.Violations) == 0 && r.Check.OK()
}

// Line is the run's one line of text.
func (r AllocStressReport) Line(allocators int) string {
	verdict, check := "FAIL", "FAIL"
	if r.OK() {
		verdict = "ok"
	}
	if r.Check.OK() {
		check = "ok"
	}
	return fmt.Sprintf("allocate-stress allocators=%d orders=%d allocated=%d backordered=%d cancelled=%d restocks=%d deadlocks=%d check=%s %s",
		allocators, r.Orders, r.Allocated, r.Backordered, r.Cancelled, r.Restocks, r.Deadlocks(), check, verdict)
}

// Messages are the reasons a run is not OK, one sentence each.
func (r AllocStressReport) Messages() []string {
	out := slices.Clone(r.Unexpected)
	if r.LockTimeouts > 0 {
		out = append(out, fmt.Sprintf("%d lock timeouts: a session's lock_timeout ran out while it waited behind others", r.LockTimeouts))
	}
	out = append(out, r.Violations...)
	for _, v := range r.Check.Violations {
		out = append(out, "oms check: "+v.Message)
	}
	if r.Retries.Deadlocks > 0 || r.ServerDeadlocks > 0 {
		out = append(out, fmt.Sprintf("%d deadlocks rerun by db.InTx, %d counted by the server (seed %d)",
			r.Retries.Deadlocks, r.ServerDeadlocks, r.Seed))
	}
	return out
}

// allocWorld is the run's fixture.
type allocWorld struct {
	supplier int64
	bins     []int64
	products []int64
	orders   []int64
}

// AllocStress runs the allocation stress against d, a migrated database the run may add to (its
// rows are its own: warehouse ASTR, products AS-HOT-n, channel alloc-stress). Afterwards it checks
// that no balance has more reserved than on hand, that every line's reservations are its
// allocated − shipped, that nothing is reserved for a cancelled order or line, and runs oms check.
func AllocStress(ctx context.Context, d *db.DB, opts AllocStressOptions) (AllocStressReport, error) {
	if opts.Cancels == 0 {
		opts.Cancels = max(1, opts.Orders/10)
	}
	if opts.Restocks == 0 {
		opts.Restocks = max(1, opts.Orders/10)
	}
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano()
	}
	rep := AllocStressReport{Seed: opts.Seed, Orders: opts.Orders}
	if opts.Allocators < 1 || opts.Orders < 1 {
		return rep, errors.New("allocate-stress needs at least one allocator and one order")
	}
	w, err := allocFixture(ctx, d, opts.Orders)
	if err != nil {
		return rep, fmt.Errorf("allocate-stress fixture: %w", err)
	}
	conns := []*db.DB{d}
	connect := func(worker string) (*db.DB, error) {
		if opts.Connect == nil {
			return d, nil
		}
		c, err := opts.Connect(worker)
		if err == nil {
			conns = append(conns, c)
		}
		return c, err
	}
	allocators := make([]*db.DB, opts.Allocators)
	for i := range allocators {
		if allocators[i], err = connect("allocator"); err != nil {
			return rep, err
		}
	}
	const cancellers = 2
	cancelDBs := make([]*db.DB, cancellers)
	for i := range cancelDBs {
		if cancelDBs[i], err = connect("canceller"); err != nil {
			return rep, err
		}
	}
	restockDB, err := connect("restocker")
	if err != nil {
		return rep, err
	}
	retriesBefore := make([]db.RetryStats, len(conns))
	for i, c := range conns {
		retriesBefore[i] = c.Retries()
	}
	deadlocksBefore, err := serverDeadlocks(ctx, d)
	if err != nil {
		return rep, err
	}

	// Every order twice, each pass in its own random order.
	rng := rand.New(rand.NewPCG(uint64(opts.Seed), 0))
	queue := make([]int64, 0, 2*len(w.orders))
	for range 2 {
		pass := slices.Clone(w.orders)
		rng.Shuffle(len(pass), func(i, j int) { pass[i], pass[j] = pass[j], pass[i] })
		queue = append(queue, pass...)
	}
	rep.Allocations = len(queue)
	// The cancellers and the restocker are paced by the allocators' progress: one token each so
	// many allocations, so their work is spread over the whole run.
	cancelTokens, restockTokens := make(chan struct{}, opts.Cancels), make(chan struct{}, opts.Restocks)
	cancelEvery, restockEvery := max(1, len(queue)/opts.Cancels), max(1, len(queue)/opts.Restocks)

	var mu sync.Mutex
	unexpected := func(what string, err error) {
		mu.Lock()
		defer mu.Unlock()
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code == "55P03" {
			rep.LockTimeouts++
		}
		if len(rep.Unexpected) < 20 {
			rep.Unexpected = append(rep.Unexpected, fmt.Sprintf("%s: %v", what, err))
		}
	}
	var next, allocatedN, backorderedN, skippedN, cancelledN, refusedN, restockN, cancelSent, restockSent atomic.Int64
	started := time.Now()
	var allocWG, sideWG sync.WaitGroup
	for i := range opts.Allocators {
		allocWG.Add(1)
		go func() {
			defer allocWG.Done()
			a := alloc.New(allocators[i])
			// Allocators take one to eight orders at a time, as oms allocate's batches do
			// (a batch may hold an order twice: it is allocated once).
			size := int64(1 + i%8)
			for ctx.Err() == nil {
				n := next.Add(size) - size
				if n >= int64(len(queue)) {
					return
				}
				batch := queue[n:min(n+size, int64(len(queue)))]
				rs, err := a.AllocateMany(ctx, batch, false)
				if err != nil {
					unexpected(fmt.Sprintf("allocating orders %v", batch), err)
				}
				for _, r := range rs {
					switch r.Outcome {
					case alloc.Backordered:
						backorderedN.Add(1)
					case alloc.Skipped:
						skippedN.Add(1)
					default:
						allocatedN.Add(1)
					}
				}
				for k := n; k < n+size; k++ {
					if k%int64(cancelEvery) == 0 && cancelSent.Add(1) <= int64(opts.Cancels) {
						cancelTokens <- struct{}{}
					}
					if k%int64(restockEvery) == 0 && restockSent.Add(1) <= int64(opts.Restocks) {
						restockTokens <- struct{}{}
					}
				}
			}
		}()
	}
	var keys atomic.Int64
	key := func(kind string) string {
		return fmt.Sprintf("alloc-stress-%d-%s-%d", opts.Seed, kind, keys.Add(1))
	}
	for i, cd := range cancelDBs {
		sideWG.Add(1)
		go func() {
			defer sideWG.Done()
			rng := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(1+i)))
			s := orders.New(cd)
			for range cancelTokens {
				order := w.orders[rng.IntN(len(w.orders))]
				var err error
				what := fmt.Sprintf("cancelling order %d", order)
				if rng.IntN(2) == 0 {
					err = s.CancelOrder(ctx, key("cancel"), order, "CANCEL_CUSTOMER")
				} else {
					var lines []int64
					if err = cd.SelectContext(ctx, &lines, `SELECT id FROM order_lines WHERE order_id = $1 ORDER BY id`, order); err == nil {
						line := lines[rng.IntN(len(lines))]
						what = fmt.Sprintf("cancelling line %d of order %d", line, order)
						err = s.CancelLine(ctx, key("cancel-line"), order, line, "CANCEL_CUSTOMER")
					}
				}
				var ce *db.ConstraintError
				switch {
				case err == nil:
					cancelledN.Add(1)
				case errors.As(err, &ce) && ce.Kind == db.Forbidden:
					refusedN.Add(1) // already cancelled, nothing left to cancel: a sentence, as documented
				default:
					unexpected(what, err)
				}
			}
		}()
	}
	sideWG.Add(1)
	go func() {
		defer sideWG.Done()
		rng := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(1+cancellers)))
		s := stock.New(restockDB)
		for range restockTokens {
			m := stock.Movement{Product: w.products[rng.IntN(len(w.products))], From: w.supplier,
				To: w.bins[rng.IntN(len(w.bins))], Qty: int64(1 + rng.IntN(10)), Kind: model.MoveReceipt}
			if err := s.Post(ctx, key("receipt"), m); err != nil {
				unexpected("receiving stock", err)
				continue
			}
			restockN.Add(1)
		}
	}()
	allocWG.Wait()
	close(cancelTokens)
	close(restockTokens)
	sideWG.Wait()
	rep.Elapsed = time.Since(started)
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	rep.Allocated, rep.Backordered, rep.Skipped = allocatedN.Load(), backorderedN.Load(), skippedN.Load()
	rep.Cancelled, rep.Refused, rep.Restocks = cancelledN.Load(), refusedN.Load(), restockN.Load()
	for i, c := range conns {
		if i > 0 && c == d {
			continue
		}
		after := c.Retries()
		rep.Retries.Deadlocks += after.Deadlocks - retriesBefore[i].Deadlocks
		rep.Retries.SerializationFailures += after.SerializationFailures - retriesBefore[i].SerializationFailures
	}
	deadlocksAfter, err := serverDeadlocks(ctx, d)
	if err != nil {
		return rep, err
	}
	rep.ServerDeadlocks = deadlocksAfter - deadlocksBefore
	if rep.Violations, err = allocInvariants(ctx, d); err != nil {
		return rep, err
	}
	rep.Check, err = d.Check(ctx, 20)
	return rep, err
}

// allocInvariants are the run's own checks, each a sentence when broken.
func allocInvariants(ctx context.Context, d *db.DB) ([]string, error) {
	var out []string
	for _, c := range []struct {
		query, says string
	}{
		{`SELECT count(*) FROM stock_balances WHERE reserved > on_hand`, "balances with more reserved than on hand"},
		{`SELECT count(*) FROM order_lines l
		   WHERE l.qty_allocated - l.qty_shipped <> coalesce((SELECT sum(r.qty) FROM reservations r WHERE r.order_line_id = l.id), 0)`,
			"order lines whose reservations are not their allocated − shipped"},
		{`SELECT count(*) FROM reservations r JOIN order_lines l ON l.id = r.order_line_id JOIN orders o ON o.id = l.order_id
		   WHERE o.cancelled_at IS NOT NULL OR l.qty_cancelled = l.qty_ordered`, "reservations of cancelled orders or lines"},
		{`SELECT count(*) FROM order_lines WHERE qty_allocated > qty_ordered - qty_cancelled`, "order lines allocated beyond what is open"},
	} {
		var n int64
		if err := d.GetContext(ctx, &n, c.query); err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, fmt.Sprintf("%d %s", n, c.says))
		}
	}
	return out, nil
}

// allocFixture makes the hot set: a warehouse with 3 bins, 5 SKUs with 250 units in each bin,
// and n orders to the Netherlands of 1–3 lines (distinct SKUs, in rotating order, so two orders
// often list the same SKUs the other way round) of 1–3 units each.
func allocFixture(ctx context.Context, d *db.DB, n int) (*allocWorld, error) {
	w := &allocWorld{}
	var wh int64
	if err := d.GetContext(ctx, &w.supplier, `SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1`); err != nil {
		return nil, err
	}
	if err := d.GetContext(ctx, &wh, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency, latitude, longitude)
		VALUES ('ASTR', 'Allocation stress DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR', 52.37, 4.90) RETURNING id`); err != nil {
		return nil, err
	}
	if err := d.SelectContext(ctx, &w.bins, `INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		SELECT $1, 'AS-0' || i, 'bin', i FROM generate_series(1, 3) i RETURNING id`, wh); err != nil {
		return nil, err
	}
	if err := d.SelectContext(ctx, &w.products, `INSERT INTO products (sku, name, tax_category)
		SELECT 'AS-HOT-' || i, 'Allocation stress item ' || i, 'standard' FROM generate_series(1, 5) i RETURNING id`); err != nil {
		return nil, err
	}
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`INSERT INTO channels (code, name, kind, currency) VALUES ('alloc-stress', 'Allocation stress', 'webshop', 'EUR')`, nil},
		{`INSERT INTO customers (channel_id, external_id, name, country, currency)
		  SELECT id, 'alloc-stress', 'Stress Customer', 'NL', 'EUR' FROM channels WHERE code = 'alloc-stress'`, nil},
		{`INSERT INTO addresses (customer_id, name, line1, city, country)
		  SELECT cu.id, 'Stress Customer', 'Damrak 1', 'Amsterdam', 'NL'
		    FROM customers cu JOIN channels c ON c.id = cu.channel_id WHERE c.code = 'alloc-stress'`, nil},
		{`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
		                     subtotal_minor, total_minor, ordered_at, promised_at)
		  SELECT 'AS-' || lpad(i::text, 6, '0'), c.id, 'as' || i, cu.id, 'Stress Customer', a.id, 'EUR', 100, 100,
		         now(), now() + interval '2 days' + i * interval '1 second'
		    FROM generate_series(1, $1::int) i, channels c JOIN customers cu ON cu.channel_id = c.id
		    JOIN addresses a ON a.customer_id = cu.id WHERE c.code = 'alloc-stress'`, []any{n}},
		{`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
		  SELECT o.id, k, k::text, (SELECT id FROM products WHERE sku = 'AS-HOT-' || (1 + (o.id * 3 + (k - 1) * (1 + o.id % 2 * 3)) % 5)),
		         100, 1 + (o.id + k) % 3
		    FROM orders o JOIN channels c ON c.id = o.channel_id AND c.code = 'alloc-stress',
		         generate_series(1, 3) k
		   WHERE k <= 1 + (o.id * 7) % 3`, nil},
	} {
		if _, err := d.ExecContext(ctx, st.q, st.args...); err != nil {
			return nil, err
		}
	}
	if err := d.SelectContext(ctx, &w.orders, `SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id
		WHERE c.code = 'alloc-stress' ORDER BY o.id`); err != nil {
		return nil, err
	}
	var moves []stock.Movement
	for _, p := range w.products {
		for _, b := range w.bins {
			moves = append(moves, stock.Movement{Product: p, From: w.supplier, To: b, Qty: 250, Kind: model.MoveReceipt})
		}
	}
	return w, stock.New(d).Post(ctx, "", moves...)
}
