package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/db/alloc"
	"oms/db/picking"
	"oms/db/staff"
)

// The picking suite (BM4, BM5), as performance.md defines it. Pickers are staff logins with the
// picker job, and each OMS operation runs as its picker the way the SSH server runs a handheld's
// session: db.DB.As (SET LOCAL ROLE, application_name and oms.person in the transaction), then
// db/picking's command, so oms_pick_me finds the picker and the picker's grants apply. The bench's
// role must therefore be able to act as people, as for ssh-idle (a superuser, as on the private
// server, or a member of oms_server). The logins are bench_claim_NNN and bench_scan_NNN: roles
// belong to the server, so on a --db server they stay for the next run, which reuses them.
//
// pick-claim (BM4): 200,000 ready batches of 5 tasks (1M ready tasks, 10,000 order lines × 100
// bins), written set-based as the owner straight into pick_batches and pick_tasks, each batch as
// oms_pick_release leaves one (zone, mode, packing location, order and line counts) and every
// task open, so oms_pick_claim takes them as it would a released batch. Each OMS operation is
// one picking.Store.Claim: the picker's own batch looked up, the first ready batch taken FOR
// UPDATE SKIP LOCKED through the partial index, its lease set, the batch and its tasks returned
// as JSON. A picker holds one batch at a time, so each client rotates over pickRing picker
// logins, and a finisher (the harness, as the owner, outside the measured operation) closes the
// batches they claimed, several in one UPDATE (those it can lock at once) without waiting for
// the flush, as a picker's last confirm would; a client whose logins all still hold a batch
// waits for the finisher, and that wait counts against the OMS path. The raw baseline is the
// single claim UPDATE of a plain table of 1M ready rows with the same partial index. Besides the
// ratio, the OMS path's second half must claim at least half as fast as its first (with the
// default 20 s, the last 10 s against the first 10 s; the baseline's figure is given beside it
// when it misses): dead rows of claimed batches must not collapse it. Invariant: no batch
// claimed twice, every batch out of the queue one the pickers were given, none left claimed or
// taken over, and oms check clean.
//
// scan-confirm (BM5): 6,000 orders of 2 lines × 10 units over 1,000 SKUs in a warehouse of its
// own, allocated through db/alloc and released through db/picking into batches of 20 orders (40
// tasks, 400 scans); each picker claims a batch before the clock starts. Each OMS operation is
// one picking.Store.Confirm of one unit (the bin's code and the SKU scanned, as the handheld
// sends them) under a fresh idempotency key: the task, the scan, the order line's picked units
// and reservation through the 'pick' movement bin → packing, the batch's lease; when a batch is
// done the picker's next operation claims the next one first. The raw baseline is pgbench's -N
// transaction (UPDATE an account, SELECT its balance, INSERT history) on a copy of pgbench's
// accounts (100,000) and history tables. Invariants: no line picked beyond what was ordered,
// the fixture's picked units equal the confirms that succeeded, a sample of keys replayed at
// the end applies nothing, the raw balances equal the history, and oms check clean.
func init() {
	register(
		Case{Name: "pick-claim", Suite: "picking", Setup: pickClaimSetup},
		Case{Name: "scan-confirm", Suite: "picking", Setup: scanConfirmSetup},
	)
}

// The fixtures' sizes and the decay target (variables so that a test can afford the cases,
// and need not time halves of a fraction of a second).
var (
	claimBatches = 200_000   // pick-claim's ready batches…
	claimRawRows = 1_000_000 // the raw baseline's ready rows
	scanOrders   = 6_000     // scan-confirm's orders
	decayTarget  = 0.5       // pick-claim's second half against its first
)

const (
	claimTasks     = 5      // …of this many tasks each: 1M ready tasks
	claimBins      = 100    // the tasks' bins; an order line has a task in each
	claimChunk     = 10_000 // batches a fixture statement writes
	pickRing       = 4      // picker logins each pick-claim client rotates over
	scanSKUs       = 1_000
	scanLineQty    = 10
	scanMaxOrders  = 20 // orders a scan-confirm batch holds (2 lines each: 40 tasks)
	pgbenchAccount = 100_000
	replaySample   = 100 // keys replayed at each check
)

// pickerCount is how many pickers a case needs: one per client of the largest point, which the
// pool is sized for (Open: clients + 2).
func pickerCount(d *db.DB) int { return max(d.Stats().MaxOpenConnections-2, 1) }

// ensurePickers makes n picker logins prefix_001… of warehouse wh in d and returns them. A login
// an earlier run left on the server (roles are the server's) is made a picker of this database.
func ensurePickers(ctx context.Context, d *db.DB, prefix, wh string, n int) ([]string, error) {
	st := staff.New(d)
	logins := make([]string, n)
	for i := range logins {
		login := fmt.Sprintf("%s_%03d", prefix, i+1)
		logins[i] = login
		var exists bool
		if err := d.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, login); err != nil {
			return nil, err
		}
		if !exists {
			err := st.Add(ctx, staff.NewMember{Login: login, Name: "Bench picker " + login, Jobs: []string{"picker"}, Warehouse: wh})
			if err == nil {
				continue
			}
			if d.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, login); !exists {
				return nil, fmt.Errorf("adding the picker %s: %w", login, err)
			}
		}
		q := pq.QuoteIdentifier(login)
		for _, s := range []string{
			`GRANT oms_picker, oms_sees_all_orders TO ` + q,
			`GRANT ` + q + ` TO oms_server`,
		} {
			if _, err := d.ExecContext(ctx, s); err != nil {
				return nil, fmt.Errorf("making %s a picker: %w", login, err)
			}
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO staff (login, name, job, warehouse_id)
			SELECT $1, 'Bench picker ' || $1, 'picker', id FROM warehouses WHERE code = $2
			ON CONFLICT (login) DO UPDATE SET active = true, job = 'picker', warehouse_id = EXCLUDED.warehouse_id`, login, wh); err != nil {
			return nil, fmt.Errorf("making %s a picker: %w", login, err)
		}
	}
	return logins, nil
}

func execAll(ctx context.Context, d *db.DB, what string, steps []step) error {
	for _, st := range steps {
		if _, err := d.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("%s fixture: %w", what, err)
		}
	}
	return nil
}

type step struct {
	q    string
	args []any
}

// ───────────────────────────── pick-claim (BM4) ─────────────────────────────

// halves times the OMS path's halves of a point: an operation that starts when none is in
// flight and none ended for a while begins a new half (the runner runs the baseline between
// them).
type halves struct {
	mu       sync.Mutex
	inflight int
	lastEnd  time.Time
	segs     []segment
}

type segment struct {
	start, end time.Time
	n          int64
}

func (h *halves) begin() {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if h.inflight == 0 && (len(h.segs) == 0 || now.Sub(h.lastEnd) > 100*time.Millisecond) {
		h.segs = append(h.segs, segment{start: now})
	}
	h.inflight++
}

func (h *halves) end(ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inflight--
	h.lastEnd = time.Now()
	if ok && len(h.segs) > 0 {
		s := &h.segs[len(h.segs)-1]
		s.n++
		s.end = h.lastEnd
	}
}

// take returns the rates of the halves since the last call (first and last) and forgets them.
func (h *halves) take() (first, last float64, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	segs := h.segs
	h.segs = nil
	rate := func(s segment) float64 {
		if s.n == 0 || !s.end.After(s.start) {
			return 0
		}
		return float64(s.n) / s.end.Sub(s.start).Seconds()
	}
	if len(segs) < 2 {
		return 0, 0, false
	}
	return rate(segs[0]), rate(segs[len(segs)-1]), true
}

// buyerSteps make a fixture's channel (named after the warehouse code wh) with its one customer
// and address, whom the fixture's orders are for.
func buyerSteps(wh, channelName string) []step {
	return []step{
		{`INSERT INTO channels (code, name, kind, currency) VALUES (lower($1), $2 || ' ' || $1, 'webshop', 'EUR')`, []any{wh, channelName}},
		{`INSERT INTO customers (channel_id, external_id, name, country, currency)
		  SELECT id, 'bench', 'Bench Customer', 'NL', 'EUR' FROM channels WHERE code = lower($1)`, []any{wh}},
		{`INSERT INTO addresses (customer_id, name, line1, city, country)
		  SELECT cu.id, 'Bench Customer', 'Coolsingel 1', 'Rotterdam', 'NL'
		    FROM customers cu JOIN channels c ON c.id = cu.channel_id WHERE c.code = lower($1)`, []any{wh}},
	}
}

type held struct {
	client, slot int
	batch        int64
}

func pickClaimSetup(ctx context.Context, env Env) (*Workload, error) {
	d, tag := env.DB, env.Tag
	wh := tag + "P"
	raw := `oms_bench.claim_` + tag
	if err := execAll(ctx, d, "pick-claim", append(buyerSteps(wh, "Bench picking"), []step{
		{`INSERT INTO warehouses (code, name, kind, country, time_zone, currency, latitude, longitude)
		  VALUES ($1, 'Bench picking ' || $1, 'dc', 'NL', 'Europe/Amsterdam', 'EUR', 51.92, 4.48)`, []any{wh}},
		{`INSERT INTO products (sku, name, tax_category) VALUES ($1 || '-PK', 'Bench pick item', 'standard')`, []any{tag}},
		{`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		  SELECT w.id, 'P-' || lpad(i::text, 3, '0'), 'bin', i FROM warehouses w, generate_series(1, $2) i WHERE w.code = $1`,
			[]any{wh, claimBins}},
		{`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'PACK', 'packing' FROM warehouses WHERE code = $1`, []any{wh}},
		{`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
		                     subtotal_minor, total_minor, ordered_at, promised_at, warehouse_id)
		  SELECT $1 || '-' || lpad(i::text, 6, '0'), c.id, 'k' || i, cu.id, 'Bench Customer', a.id, 'EUR', 100, 100,
		         now(), now() + interval '2 days', w.id
		    FROM generate_series(1, $2) i JOIN channels c ON c.code = lower($1)
		    JOIN customers cu ON cu.channel_id = c.id JOIN addresses a ON a.customer_id = cu.id
		    JOIN warehouses w ON w.code = $1`, []any{wh, claimBatches * claimTasks / claimBins}},
		{`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
		  SELECT o.id, 1, '1', p.id, 100, $3 FROM orders o JOIN channels c ON c.id = o.channel_id AND c.code = lower($1)
		    JOIN products p ON p.sku = $2 || '-PK'`, []any{wh, tag, claimBins}},
		{`CREATE TABLE ` + raw + ` (id bigserial PRIMARY KEY, warehouse_id bigint NOT NULL,
		   status text NOT NULL DEFAULT 'ready', claimed_by integer, lease_expires_at timestamptz)`, nil},
		{`INSERT INTO ` + raw + ` (warehouse_id) SELECT 1 FROM generate_series(1, $1)`, []any{claimRawRows}},
		{`CREATE INDEX ON ` + raw + ` (warehouse_id, id) WHERE status = 'ready'`, nil},
		{`VACUUM ANALYZE ` + raw, nil},
	}...)); err != nil {
		return nil, err
	}
	// The batches as oms_pick_release leaves them, each with claimTasks open tasks: task k of
	// the queue is line k / claimBins at bin k % claimBins, so no two open tasks share a (line,
	// bin) and every batch's tasks are in pick sequence. In chunks, each well inside the
	// statement timeout.
	for from := 0; from < claimBatches; from += claimChunk {
		if _, err := d.ExecContext(ctx, `WITH w AS (SELECT id FROM warehouses WHERE code = $1),
		      pack AS (SELECT l.id FROM locations l JOIN w ON w.id = l.warehouse_id WHERE l.kind = 'packing'),
		      b AS (INSERT INTO pick_batches (warehouse_id, zone, mode, to_location_id, orders, lines)
		            SELECT w.id, 'P', 'batch', pack.id, 1, $3 FROM w, pack, generate_series(1, $2) g ORDER BY g
		            RETURNING id),
		      bn AS (SELECT id, $5 + row_number() OVER (ORDER BY id) - 1 AS n FROM b),
		      ln AS (SELECT ol.id, ol.order_id, ol.product_id, row_number() OVER (ORDER BY ol.id) - 1 AS n
		               FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN w ON w.id = o.warehouse_id),
		      bins AS (SELECT l.id, l.pick_seq FROM locations l JOIN w ON w.id = l.warehouse_id WHERE l.kind = 'bin')
		  INSERT INTO pick_tasks (batch_id, warehouse_id, order_line_id, product_id, location_id, pick_seq, qty, order_id, slot)
		  SELECT bn.id, w.id, ln.id, ln.product_id, bins.id, bins.pick_seq, 1, ln.order_id, 1
		    FROM bn CROSS JOIN generate_series(0, $3 - 1) t CROSS JOIN w
		    JOIN ln ON ln.n = (bn.n * $3 + t) / $4
		    JOIN bins ON bins.pick_seq = (bn.n * $3 + t) % $4 + 1
		   ORDER BY bn.id, bins.pick_seq`, wh, min(claimChunk, claimBatches-from), claimTasks, claimBins, from); err != nil {
			return nil, fmt.Errorf("pick-claim fixture: %w", err)
		}
	}
	if err := execAll(ctx, d, "pick-claim", []step{
		{`VACUUM ANALYZE pick_batches`, nil},
		{`VACUUM ANALYZE pick_tasks`, nil},
	}); err != nil {
		return nil, err
	}
	var whID int64
	if err := d.GetContext(ctx, &whID, `SELECT id FROM warehouses WHERE code = $1`, wh); err != nil {
		return nil, err
	}
	clients := pickerCount(d)
	logins, err := ensurePickers(ctx, d, "bench_claim", wh, clients*pickRing)
	if err != nil {
		return nil, err
	}
	stores := make([]*picking.Store, len(logins))
	for i, l := range logins {
		stores[i] = picking.New(d.As(l, "oms bench pick-claim"))
	}
	// free[c] holds the ring slots of client c whose login holds no batch.
	free := make([]chan int, clients)
	for c := range free {
		free[c] = make(chan int, pickRing)
		for s := range pickRing {
			free[c] <- s
		}
	}
	claimed := make(chan held, clients*pickRing)
	var finishErr atomic.Pointer[error]
	// The finisher: idle (blocked) whenever no OMS operation runs. It takes the batches FOR
	// UPDATE SKIP LOCKED and leaves a locked one for its next round: a claim's SKIP LOCKED scan
	// locks the newest version of a row it then finds claimed and can wait for a row the
	// finisher is updating, so a finisher that waited could deadlock with it.
	go func() {
		var pending []held
		for {
			if len(pending) == 0 {
				pending = append(pending, <-claimed)
			} else {
				time.Sleep(time.Millisecond) // what was locked waits for its claim to end
			}
		drain:
			for {
				select {
				case h := <-claimed:
					pending = append(pending, h)
				default:
					break drain
				}
			}
			ids := make([]int64, len(pending))
			for i, h := range pending {
				ids[i] = h.batch
			}
			var done []int64
			err := d.InTx(ctx, func(tx *sqlx.Tx) error {
				done = nil
				if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
					return err
				}
				return tx.SelectContext(ctx, &done, `UPDATE pick_batches SET status = 'done', claimed_by = NULL,
					lease_expires_at = NULL, finished_at = now()
					WHERE id IN (SELECT id FROM pick_batches WHERE id = ANY ($1) AND status = 'claimed' FOR UPDATE SKIP LOCKED)
					RETURNING id`, pq.Array(ids))
			})
			if err != nil {
				finishErr.CompareAndSwap(nil, &err)
				done = ids
			}
			closed := make(map[int64]bool, len(done))
			for _, id := range done {
				closed[id] = true
			}
			left := pending[:0]
			for _, h := range pending {
				if closed[h.batch] {
					free[h.client] <- h.slot
				} else {
					left = append(left, h)
				}
			}
			pending = left
		}
	}()

	var seen, rawSeen sync.Map
	var omsClaims, rawClaims atomic.Int64
	var h, rh halves     // the OMS path's halves and the baseline's
	var figures []string // the last point's decays, set by Check
	return &Workload{
		Figures: func() []string { return figures },
		OMS: func(ctx context.Context, c *Client) (err error) {
			if e := finishErr.Load(); e != nil {
				return *e
			}
			var slot int
			select {
			case slot = <-free[c.ID]:
			case <-ctx.Done():
				return ctx.Err()
			}
			h.begin()
			defer func() { h.end(err == nil) }()
			login := c.ID*pickRing + slot
			b, err := stores[login].Claim(ctx, logins[login], wh, "")
			if err != nil {
				free[c.ID] <- slot
				if errors.Is(err, picking.ErrNoWork) {
					return fmt.Errorf("%w: the fixture's %d batches are all claimed", ErrInvariant, claimBatches)
				}
				return err
			}
			if _, dup := seen.LoadOrStore(b.ID, logins[login]); dup {
				free[c.ID] <- slot
				return fmt.Errorf("%w: batch %s was claimed twice", ErrInvariant, b.Code)
			}
			omsClaims.Add(1)
			if len(b.Tasks) != claimTasks || b.Status != "claimed" {
				err = fmt.Errorf("%w: batch %s came back %s with %d tasks", ErrInvariant, b.Code, b.Status, len(b.Tasks))
			}
			claimed <- held{client: c.ID, slot: slot, batch: b.ID}
			return err
		},
		Raw: func(ctx context.Context, c *Client) (err error) {
			rh.begin()
			defer func() { rh.end(err == nil) }()
			var id int64
			err = d.GetContext(ctx, &id, `UPDATE `+raw+` SET status = 'claimed', claimed_by = $2,
				lease_expires_at = now() + interval '2 minutes'
				WHERE id = (SELECT id FROM `+raw+` WHERE warehouse_id = $1 AND status = 'ready'
				            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id`, 1, c.ID+1)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("%w: the baseline's %d rows are all claimed", ErrInvariant, claimRawRows)
			}
			if err != nil {
				return err
			}
			if _, dup := rawSeen.LoadOrStore(id, true); dup {
				return fmt.Errorf("%w: raw row %d was claimed twice", ErrInvariant, id)
			}
			rawClaims.Add(1)
			return nil
		},
		Check: func(ctx context.Context) ([]string, error) {
			var out []string
			first, last, ok := h.take()
			rawFirst, rawLast, rawOK := rh.take()
			rawDecay := "unmeasured"
			if rawOK && rawFirst > 0 {
				rawDecay = fmt.Sprintf("%.2f", rawLast/rawFirst)
			}
			figures = nil
			if ok && first > 0 {
				figures = append(figures, fmt.Sprintf("decay=%.2f", last/first))
			}
			figures = append(figures, "raw_decay="+rawDecay)
			if ok && first > 0 && last < decayTarget*first {
				out = append(out, fmt.Sprintf("pick-claim: the second half claimed %.0f batches/s, decay=%.2f of the first half's %.0f/s (target %.2f; the baseline's decay=%s): dead rows slow the claim down",
					last, last/first, first, decayTarget, rawDecay))
			}
			// Let the finisher close what the last operations claimed.
			deadline := time.Now().Add(30 * time.Second)
		wait:
			for c := range free {
				for len(free[c]) < pickRing {
					if time.Now().After(deadline) {
						out = append(out, "pick-claim: the finisher could not close every claimed batch within 30 s")
						break wait
					}
					select {
					case <-time.After(10 * time.Millisecond):
					case <-ctx.Done():
						return nil, ctx.Err()
					}
				}
			}
			var st struct {
				Out      int64 `db:"out"`
				Claimed  int64 `db:"claimed"`
				TakeOver int64 `db:"takeover"`
				Raw      int64 `db:"raw"`
			}
			if err := d.GetContext(ctx, &st, `SELECT
				(SELECT count(*) FROM pick_batches WHERE warehouse_id = $1 AND status <> 'ready') AS out,
				(SELECT count(*) FROM pick_batches WHERE warehouse_id = $1 AND status = 'claimed') AS claimed,
				(SELECT count(*) FROM events e JOIN pick_batches b ON b.id = e.entity_id
				  WHERE e.entity = 'batch' AND e.kind = 'batch.taken_over' AND b.warehouse_id = $1) AS takeover,
				(SELECT count(*) FROM `+raw+` WHERE status <> 'ready') AS raw`, whID); err != nil {
				return nil, err
			}
			if n := omsClaims.Load(); st.Out != n {
				out = append(out, fmt.Sprintf("pick-claim: %d batches left the queue, but the pickers were given %d", st.Out, n))
			}
			if st.Claimed != 0 || st.TakeOver != 0 {
				out = append(out, fmt.Sprintf("pick-claim: %d batches still claimed after the finisher, %d taken over", st.Claimed, st.TakeOver))
			}
			if n := rawClaims.Load(); st.Raw != n {
				out = append(out, fmt.Sprintf("pick-claim baseline: %d rows claimed, but the clients were given %d", st.Raw, n))
			}
			audit, err := auditOMS(ctx, d)
			return append(out, audit...), err
		},
	}, nil
}

// ───────────────────────────── scan-confirm (BM5) ─────────────────────────────

// scanPicker is one client's picker: its handle, the batch it holds and what is left of it.
type scanPicker struct {
	login string
	store *picking.Store
	batch picking.Batch
	left  []int // units left per task of batch
	next  int   // first task with units left
	seq   int
	last  time.Time // last answer from the database, to renew a lease left idle
	keys  []scanKey // a sample of confirmed keys, for the replay check
}

type scanKey struct {
	key  string
	pick picking.Pick
}

// claim takes (or renews) the picker's batch.
func (p *scanPicker) claim(ctx context.Context, wh string) error {
	b, err := p.store.Claim(ctx, p.login, wh, "")
	if errors.Is(err, picking.ErrNoWork) {
		return fmt.Errorf("%w: the fixture's batches are all picked", ErrInvariant)
	}
	if err != nil {
		return err
	}
	p.batch, p.left, p.next, p.last = b, make([]int, len(b.Tasks)), 0, time.Now()
	for i, t := range b.Tasks {
		if t.Open() {
			p.left[i] = t.Remaining()
		}
	}
	return nil
}

// scanFloor is scan-confirm's floor: its warehouse's fixture, released into batches, and one
// picker per client of d's pool, each holding a batch. BM5 and BM6's floor mode share it.
type scanFloor struct {
	wh        string
	pickers   []*scanPicker
	confirmed atomic.Int64 // confirms that succeeded
}

// setupScanFloor builds the fixture of scan-confirm in a new warehouse wh with the given number
// of orders (scan-confirm's is scanOrders); app names the pickers' sessions.
func setupScanFloor(ctx context.Context, d *db.DB, wh string, orders int, app string) (*scanFloor, error) {
	if err := execAll(ctx, d, "scan-confirm", append(buyerSteps(wh, "Bench scanning"), []step{
		{`SELECT setseed(0.45)`, nil},
		{`INSERT INTO warehouses (code, name, kind, country, time_zone, currency, latitude, longitude, pick_max_orders, pick_max_lines)
		  VALUES ($1, 'Bench scanning ' || $1, 'dc', 'NL', 'Europe/Amsterdam', 'EUR', 51.92, 4.48, $2, 2 * $2)`, []any{wh, scanMaxOrders}},
		{`INSERT INTO products (sku, name, tax_category)
		  SELECT $1 || '-' || lpad(i::text, 4, '0'), 'Bench scan item ' || i, 'standard' FROM generate_series(1, $2) i`,
			[]any{wh, scanSKUs}},
		{`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		  SELECT w.id, 'S-' || lpad(i::text, 4, '0'), 'bin', i FROM warehouses w, generate_series(1, $2) i WHERE w.code = $1`,
			[]any{wh, scanSKUs}},
		{`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		  SELECT p.id, (SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1), l.id, 100000, 'receipt'
		    FROM products p JOIN warehouses w ON w.code = $1
		    JOIN locations l ON l.warehouse_id = w.id AND l.code = 'S-' || right(p.sku, 4)
		   WHERE p.sku LIKE $1 || '-%' ORDER BY p.id, l.id`, []any{wh}},
		{`INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id, currency,
		                     subtotal_minor, total_minor, ordered_at, promised_at)
		  SELECT $1 || '-' || lpad(i::text, 6, '0'), c.id, 's' || i, cu.id, 'Bench Customer', a.id, 'EUR', 2000, 2000,
		         now(), now() + interval '2 days'
		    FROM generate_series(1, $2) i JOIN channels c ON c.code = lower($1)
		    JOIN customers cu ON cu.channel_id = c.id JOIN addresses a ON a.customer_id = cu.id`, []any{wh, orders}},
		{`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
		  SELECT o.id, k, k::text, p.id, 100, $3
		    FROM orders o JOIN channels c ON c.id = o.channel_id AND c.code = lower($1)
		    CROSS JOIN generate_series(1, 2) k
		    JOIN products p ON p.sku = $1 || '-' || lpad((1 + ((o.id * 7919 + k * 104729) % $2))::text, 4, '0')`,
			[]any{wh, scanSKUs, scanLineQty}},
		{`ANALYZE`, nil},
	}...)); err != nil {
		return nil, err
	}
	var orderIDs []int64
	if err := d.SelectContext(ctx, &orderIDs, `SELECT o.id FROM orders o JOIN channels c ON c.id = o.channel_id
		WHERE c.code = lower($1) ORDER BY o.id`, wh); err != nil {
		return nil, err
	}
	a := alloc.New(d)
	for i := 0; i < len(orderIDs); i += alloc.BatchSize {
		rs, err := a.AllocateMany(ctx, orderIDs[i:min(i+alloc.BatchSize, len(orderIDs))], false)
		if err != nil {
			return nil, fmt.Errorf("allocating the scan-confirm fixture: %w", err)
		}
		for _, r := range rs {
			if r.Outcome != alloc.Allocated {
				return nil, fmt.Errorf("allocating the scan-confirm fixture: order %d was %s: %s", r.OrderID, r.Outcome, r.Sentence)
			}
		}
	}
	if _, err := picking.New(d).Release(ctx, "bench-release-"+wh, picking.ReleaseOptions{Warehouse: wh}); err != nil {
		return nil, fmt.Errorf("releasing the scan-confirm fixture: %w", err)
	}
	if _, err := d.ExecContext(ctx, `ANALYZE`); err != nil {
		return nil, err
	}
	logins, err := ensurePickers(ctx, d, "bench_scan", wh, pickerCount(d))
	if err != nil {
		return nil, err
	}
	pickers := make([]*scanPicker, len(logins))
	for i, l := range logins {
		pickers[i] = &scanPicker{login: l, store: picking.New(d.As(l, app))}
		if err := pickers[i].claim(ctx, wh); err != nil {
			return nil, fmt.Errorf("claiming the scan-confirm fixture's batches: %w", err)
		}
	}
	return &scanFloor{wh: wh, pickers: pickers}, nil
}

// confirm is one client's next operation on the floor: one unit confirmed, after claiming the
// picker's next batch when it has none left (or its lease was idle for half its length). It
// says whether a unit was confirmed.
func (sf *scanFloor) confirm(ctx context.Context, client int) (bool, error) {
	p, wh := sf.pickers[client], sf.wh
	if p.next >= len(p.left) || time.Since(p.last) > picking.Lease/2 {
		if err := p.claim(ctx, wh); err != nil {
			return false, err
		}
	}
	for p.next < len(p.left) && p.left[p.next] == 0 {
		p.next++
	}
	if p.next >= len(p.left) { // a batch without open tasks: the next claim closes it
		return false, p.claim(ctx, wh)
	}
	t := p.batch.Tasks[p.next]
	p.seq++
	k := scanKey{key: fmt.Sprintf("bench-scan-%s-%d-%d", wh, client, p.seq),
		pick: picking.Pick{Task: t.ID, Bin: t.Bin, Item: t.SKU, Lot: t.Lot, Qty: 1}}
	st, err := p.store.Confirm(ctx, k.key, k.pick)
	if err != nil {
		return false, err
	}
	p.last = time.Now()
	sf.confirmed.Add(1)
	p.left[p.next]--
	if p.seq%97 == 0 && len(p.keys) < replaySample {
		p.keys = append(p.keys, k)
	}
	if st.BatchDone() {
		p.next = len(p.left)
	}
	return true, nil
}

func scanConfirmSetup(ctx context.Context, env Env) (*Workload, error) {
	d, tag := env.DB, env.Tag
	accounts, history := `oms_bench.pgbench_accounts_`+tag, `oms_bench.pgbench_history_`+tag
	sf, err := setupScanFloor(ctx, d, tag+"S", scanOrders, "oms bench scan-confirm")
	if err != nil {
		return nil, err
	}
	if err := execAll(ctx, d, "scan-confirm", []step{
		{`CREATE TABLE ` + accounts + ` (aid integer PRIMARY KEY, bid integer NOT NULL, abalance integer NOT NULL,
		   filler char(84))`, nil},
		{`INSERT INTO ` + accounts + ` SELECT i, 1, 0, '' FROM generate_series(1, $1) i`, []any{pgbenchAccount}},
		{`CREATE TABLE ` + history + ` (tid integer, bid integer, aid integer, delta integer, mtime timestamp, filler char(22))`, nil},
		{`ANALYZE ` + accounts, nil},
	}); err != nil {
		return nil, err
	}
	wh, pickers, confirmed := sf.wh, sf.pickers, &sf.confirmed
	return &Workload{
		OMS: func(ctx context.Context, c *Client) error {
			_, err := sf.confirm(ctx, c.ID)
			return err
		},
		Raw: func(ctx context.Context, c *Client) error {
			aid, tid, delta := 1+c.Rand.IntN(pgbenchAccount), 1+c.Rand.IntN(10), c.Rand.IntN(10001)-5000
			tx, err := d.BeginTxx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			var balance int
			if _, err := tx.ExecContext(ctx, `UPDATE `+accounts+` SET abalance = abalance + $1 WHERE aid = $2`, delta, aid); err != nil {
				return err
			}
			if err := tx.GetContext(ctx, &balance, `SELECT abalance FROM `+accounts+` WHERE aid = $1`, aid); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+history+` (tid, bid, aid, delta, mtime)
				VALUES ($1, 1, $2, $3, CURRENT_TIMESTAMP)`, tid, aid, delta); err != nil {
				return err
			}
			return tx.Commit()
		},
		Check: func(ctx context.Context) ([]string, error) {
			var out []string
			var st struct {
				Over    int64 `db:"over"`
				Picked  int64 `db:"picked"`
				Balance int64 `db:"balance"`
				Deltas  int64 `db:"deltas"`
			}
			if err := d.GetContext(ctx, &st, `SELECT
				(SELECT count(*) FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN channels c ON c.id = o.channel_id
				  WHERE c.code = lower($1) AND ol.qty_picked > ol.qty_ordered - ol.qty_cancelled) AS over,
				(SELECT coalesce(sum(ol.qty_picked), 0) FROM order_lines ol JOIN orders o ON o.id = ol.order_id
				   JOIN channels c ON c.id = o.channel_id WHERE c.code = lower($1)) AS picked,
				(SELECT coalesce(sum(abalance), 0) FROM `+accounts+`) AS balance,
				(SELECT coalesce(sum(delta), 0) FROM `+history+`) AS deltas`, wh); err != nil {
				return nil, err
			}
			if st.Over > 0 {
				out = append(out, fmt.Sprintf("scan-confirm: %d order lines picked beyond what was ordered", st.Over))
			}
			if n := confirmed.Load(); st.Picked != n {
				out = append(out, fmt.Sprintf("scan-confirm: the fixture's lines have %d units picked, but %d confirms succeeded", st.Picked, n))
			}
			if st.Balance != st.Deltas {
				out = append(out, fmt.Sprintf("scan-confirm baseline: the accounts hold %d, the history says %d", st.Balance, st.Deltas))
			}
			// Replay a sample of keys: each must answer as before and apply nothing.
			var keys []string
			for _, p := range pickers {
				for _, k := range p.keys {
					keys = append(keys, k.key)
				}
			}
			count := func() (moves, scans int64, err error) {
				err = d.GetContext(ctx, &moves, `SELECT count(*) FROM stock_movements WHERE command_key = ANY ($1)`, pq.Array(keys))
				if err == nil {
					err = d.GetContext(ctx, &scans, `SELECT count(*) FROM pick_scans WHERE command_key = ANY ($1)`, pq.Array(keys))
				}
				return moves, scans, err
			}
			moves0, scans0, err := count()
			if err != nil {
				return nil, err
			}
			for _, p := range pickers {
				for _, k := range p.keys {
					if _, err := p.store.Confirm(ctx, k.key, k.pick); err != nil {
						out = append(out, fmt.Sprintf("scan-confirm: replaying %s was refused: %v", k.key, err))
					}
				}
			}
			moves1, scans1, err := count()
			if err != nil {
				return nil, err
			}
			var picked int64
			if err := d.GetContext(ctx, &picked, `SELECT coalesce(sum(ol.qty_picked), 0) FROM order_lines ol
				JOIN orders o ON o.id = ol.order_id JOIN channels c ON c.id = o.channel_id WHERE c.code = lower($1)`, wh); err != nil {
				return nil, err
			}
			if moves0 != int64(len(keys)) || scans0 != int64(len(keys)) || moves1 != moves0 || scans1 != scans0 || picked != st.Picked {
				out = append(out, fmt.Sprintf("scan-confirm: %d keys replayed: movements %d → %d, scans %d → %d, units picked %d → %d (want %d, unchanged)",
					len(keys), moves0, moves1, scans0, scans1, st.Picked, picked, len(keys)))
			}
			audit, err := auditOMS(ctx, d)
			return append(out, audit...), err
		},
	}, nil
}
