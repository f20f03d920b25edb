package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/db/invoicing"
	"oms/db/orders"
	"oms/db/stock"
	"oms/model"
)

// StressOptions size a stress run: Workers goroutines each doing Ops mixed operations on a tiny
// hot set (5 SKUs, 3 bins, one packing station) so that every operation contends with others.
type StressOptions struct {
	Workers, Ops int
	Orders       int   // orders to work on; default 4 × Workers
	Seed         int64 // the run's random seed, printed so a failure can be replayed
}

// StressReport says what a stress run did. Refused operations are the database saying no to
// something the state did not allow (too little stock, a bound); they are expected. Anything
// else a worker met is in Unexpected.
type StressReport struct {
	Seed            int64
	Done, Refused   map[string]int64
	Retries         db.RetryStats
	ServerDeadlocks int64 // pg_stat_database.deadlocks during the run
	Unexpected      []string
	Check           db.CheckReport
	Elapsed         time.Duration
}

// OK says whether the run proved what it must: no deadlock, nothing unexpected, and `oms check`
// finding nothing wrong afterwards.
func (r StressReport) OK() bool {
	return r.Retries.Deadlocks == 0 && r.ServerDeadlocks == 0 && len(r.Unexpected) == 0 && r.Check.OK()
}

// stressWorld is the hot set: ids of what the workers move.
type stressWorld struct {
	supplier, customer, lost int64
	bins                     []int64
	pack                     int64
	products                 []int64
	lots                     map[int64]int64 // lot-tracked product → its lot
}

// Stress runs the mixed workload of reliability.md's first proof against d, which must be an
// empty migrated database the caller may fill: movements, reservations and releases, picks,
// packs, shipments, invoices and credit notes, all through the data layer's commands, from
// many goroutines at once. Afterwards it runs the full audit.
func Stress(ctx context.Context, d *db.DB, opts StressOptions) (StressReport, error) {
	if opts.Orders == 0 {
		opts.Orders = 4 * opts.Workers
	}
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano()
	}
	rep := StressReport{Seed: opts.Seed, Done: map[string]int64{}, Refused: map[string]int64{}}
	w, err := stressFixture(ctx, d, opts)
	if err != nil {
		return rep, fmt.Errorf("stress fixture: %w", err)
	}
	deadlocksBefore, err := serverDeadlocks(ctx, d)
	if err != nil {
		return rep, err
	}
	retriesBefore := d.Retries()
	started := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	var seq atomic.Int64
	for i := range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sw := &stressWorker{d: d, w: w, rng: rand.New(rand.NewPCG(uint64(opts.Seed), uint64(i))), seq: &seq}
			for range opts.Ops {
				if ctx.Err() != nil {
					return
				}
				name, err := sw.step(ctx)
				mu.Lock()
				switch {
				case err == nil:
					rep.Done[name]++
				case refused(err):
					rep.Refused[name]++
				default:
					if len(rep.Unexpected) < 20 {
						rep.Unexpected = append(rep.Unexpected, fmt.Sprintf("%s: %v", name, err))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(started)
	after := d.Retries()
	rep.Retries = db.RetryStats{Deadlocks: after.Deadlocks - retriesBefore.Deadlocks,
		SerializationFailures: after.SerializationFailures - retriesBefore.SerializationFailures}
	deadlocksAfter, err := serverDeadlocks(ctx, d)
	if err != nil {
		return rep, err
	}
	rep.ServerDeadlocks = deadlocksAfter - deadlocksBefore
	rep.Check, err = d.Check(ctx, 20)
	return rep, err
}

// refused is the database declining an operation the current state does not allow, or asking
// for it to be tried again later after every retry met a busy row (a hand-written transaction
// that touches stock out of order, on a hot row, is told "try again" rather than deadlocking).
func refused(err error) bool {
	var ce *db.ConstraintError
	var pqErr *pq.Error
	return errors.As(err, &ce) || errors.Is(err, errNothingToDo) ||
		errors.As(err, &pqErr) && pqErr.Code == "40001"
}

// errNothingToDo: the state offered nothing for this kind of operation just now.
var errNothingToDo = errors.New("nothing to do")

func stressFixture(ctx context.Context, d *db.DB, opts StressOptions) (*stressWorld, error) {
	w := &stressWorld{lots: map[int64]int64{}}
	var wh int64
	err := d.InTx(ctx, func(tx *sqlx.Tx) error {
		steps := []struct {
			dest  any
			query string
		}{
			{&wh, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
				VALUES ('STR1', 'Stress DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR') RETURNING id`},
			{&w.supplier, `SELECT id FROM locations WHERE code = 'SUPPLIER'`},
			{&w.customer, `SELECT id FROM locations WHERE code = 'CUSTOMER'`},
			{&w.lost, `SELECT id FROM locations WHERE code = 'ADJUSTMENT'`},
		}
		for _, s := range steps {
			if err := tx.GetContext(ctx, s.dest, s.query); err != nil {
				return err
			}
		}
		if err := tx.SelectContext(ctx, &w.bins, `INSERT INTO locations (warehouse_id, code, kind, zone, pick_seq)
			SELECT $1, 'S-0' || n, 'bin', 'S', n FROM generate_series(1, 3) n RETURNING id`, wh); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &w.pack, `INSERT INTO locations (warehouse_id, code, kind) VALUES ($1, 'PACK', 'packing') RETURNING id`, wh); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &w.products, `INSERT INTO products (sku, name, tax_category, lot_tracked)
			SELECT 'HOT-' || n, 'Hot item ' || n, 'standard', n = 5 FROM generate_series(1, 5) n RETURNING id`); err != nil {
			return err
		}
		var lot int64
		if err := tx.GetContext(ctx, &lot, `INSERT INTO lots (product_id, lot_code) VALUES ($1, 'L1') RETURNING id`, w.products[4]); err != nil {
			return err
		}
		w.lots[w.products[4]] = lot
		return stressOrders(ctx, tx, wh, w.products, opts.Orders)
	})
	if err != nil {
		return nil, err
	}
	var moves []stock.Movement
	for _, p := range w.products {
		for _, b := range w.bins {
			moves = append(moves, stock.Movement{Product: p, Lot: w.lots[p], From: w.supplier, To: b, Qty: 20, Kind: model.MoveReceipt})
		}
	}
	return w, stock.New(d).Post(ctx, "", moves...)
}

// stressOrders adds orders of one or two lines of the hot products, 1–3 units each.
func stressOrders(ctx context.Context, tx *sqlx.Tx, wh int64, products []int64, n int) error {
	_, err := tx.ExecContext(ctx, `
		WITH ch AS (INSERT INTO channels (code, name, kind, currency) VALUES ('stress', 'Stress', 'webshop', 'EUR') RETURNING id),
		     cu AS (INSERT INTO customers (name, country, currency) VALUES ('Stress Test', 'NL', 'EUR') RETURNING id),
		     ad AS (INSERT INTO addresses (customer_id, name, line1, city, country)
		            SELECT id, 'Stress Test', 'Dam 1', 'Amsterdam', 'NL' FROM cu RETURNING id)
		INSERT INTO orders (number, channel_id, external_id, customer_id, customer_name, ship_to_address_id,
		                    warehouse_id, currency, subtotal_minor, total_minor, ordered_at, promised_at)
		SELECT 'ST-' || g, ch.id, 'st' || g, cu.id, 'Stress Test', ad.id, $1, 'EUR', 0, 0, now(), now() + interval '1 day'
		  FROM generate_series(1, $2::int) g, ch, cu, ad`, wh, n)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, tax_rate_ppm, qty_ordered)
		SELECT o.id, l, l::text, ($1::bigint[])[1 + (o.id * 7 + l * 3) % 5], 1000, 210000, 1 + (o.id + l) % 3
		  FROM orders o, generate_series(1, 2) l
		 WHERE o.number LIKE 'ST-%' AND (l = 1 OR o.id % 2 = 0)`, products)
	return err
}

// stressWorker is one goroutine's view: its random stream and the commands it runs.
type stressWorker struct {
	d   *db.DB
	w   *stressWorld
	rng *rand.Rand
	seq *atomic.Int64
}

// step does one operation chosen at random and says which.
func (s *stressWorker) step(ctx context.Context) (string, error) {
	ops := []struct {
		name   string
		weight int
		run    func(context.Context) error
	}{
		{"receive", 2, s.receive}, {"transfer", 4, s.transfer}, {"transfer-2", 3, s.transferTwo},
		{"two-statements", 2, s.twoStatements}, {"lose", 1, s.lose}, {"reserve", 5, s.reserve},
		{"release", 1, s.release}, {"pick", 4, s.pick}, {"pack", 3, s.pack}, {"ship", 3, s.ship},
		{"invoice", 2, s.invoice}, {"credit", 1, s.credit},
	}
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	roll := s.rng.IntN(total)
	for _, o := range ops {
		if roll < o.weight {
			return o.name, o.run(ctx)
		}
		roll -= o.weight
	}
	return "", nil
}

func (s *stressWorker) key(kind string) string {
	return fmt.Sprintf("stress-%s-%d", kind, s.seq.Add(1))
}

func (s *stressWorker) product() (int64, int64) {
	p := s.w.products[s.rng.IntN(len(s.w.products))]
	return p, s.w.lots[p]
}

func (s *stressWorker) twoBins() (int64, int64) {
	a := s.rng.IntN(len(s.w.bins))
	b := (a + 1 + s.rng.IntN(len(s.w.bins)-1)) % len(s.w.bins)
	return s.w.bins[a], s.w.bins[b]
}

func (s *stressWorker) receive(ctx context.Context) error {
	p, lot := s.product()
	return stock.New(s.d).Post(ctx, s.key("receive"), stock.Movement{Product: p, Lot: lot, From: s.w.supplier,
		To: s.w.bins[s.rng.IntN(len(s.w.bins))], Qty: int64(1 + s.rng.IntN(5)), Kind: model.MoveReceipt})
}

func (s *stressWorker) transfer(ctx context.Context) error {
	p, lot := s.product()
	from, to := s.twoBins()
	return stock.New(s.d).Post(ctx, s.key("transfer"), stock.Movement{Product: p, Lot: lot, From: from, To: to,
		Qty: int64(1 + s.rng.IntN(3)), Kind: model.MoveTransfer})
}

// transferTwo moves two products in opposite directions in one command.
func (s *stressWorker) transferTwo(ctx context.Context) error {
	p1, lot1 := s.product()
	p2, lot2 := s.product()
	a, b := s.twoBins()
	return stock.New(s.d).Post(ctx, s.key("transfer2"),
		stock.Movement{Product: p1, Lot: lot1, From: a, To: b, Qty: 1, Kind: model.MoveTransfer},
		stock.Movement{Product: p2, Lot: lot2, From: b, To: a, Qty: 1, Kind: model.MoveTransfer})
}

// twoStatements posts two movements as two statements of one transaction, in an order chosen
// at random, the way a hand-written script might: the database must not deadlock on it.
func (s *stressWorker) twoStatements(ctx context.Context) error {
	p1, lot1 := s.product()
	p2, lot2 := s.product()
	a, b := s.twoBins()
	first := stock.Movement{Product: p1, Lot: lot1, From: a, To: b, Qty: 1, Kind: model.MoveTransfer}
	second := stock.Movement{Product: p2, Lot: lot2, From: b, To: a, Qty: 1, Kind: model.MoveTransfer}
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := stock.PostIn(ctx, tx, "", first); err != nil {
			return err
		}
		return stock.PostIn(ctx, tx, "", second)
	})
}

func (s *stressWorker) lose(ctx context.Context) error {
	p, lot := s.product()
	return stock.New(s.d).Post(ctx, s.key("lose"), stock.Movement{Product: p, Lot: lot,
		From: s.w.bins[s.rng.IntN(len(s.w.bins))], To: s.w.lost, Qty: 1, Kind: model.MoveAdjustment, Reason: "ADJ_LOST"})
}

// line is an order line as a worker sees it when choosing what to do.
type line struct {
	ID       int64 `db:"id"`
	Order    int64 `db:"order_id"`
	Product  int64 `db:"product_id"`
	Location int64 `db:"location_id"`
	Packed   int64 `db:"qty_packed"`
}

// pickLine finds a random line matching cond (SQL over ol, with r the line's reservation at a
// bin or the packing station when join says so).
func (s *stressWorker) pickLine(ctx context.Context, join, cond string, args ...any) (line, error) {
	var l line
	// Only the stress orders: the database may hold other benchmarks' fixtures.
	err := s.d.GetContext(ctx, &l, `SELECT ol.id, ol.order_id, ol.product_id, ol.qty_packed, `+
		`coalesce(r.location_id, 0) AS location_id FROM order_lines ol JOIN orders o ON o.id = ol.order_id `+
		join+` WHERE o.number LIKE 'ST-%' AND `+cond+` ORDER BY random() LIMIT 1`, args...)
	if err != nil {
		return l, errNothingToDo
	}
	return l, nil
}

func (s *stressWorker) reserve(ctx context.Context) error {
	l, err := s.pickLine(ctx, `LEFT JOIN reservations r ON false`, `ol.qty_allocated < ol.qty_ordered - ol.qty_cancelled`)
	if err != nil {
		return err
	}
	return stock.New(s.d).Reserve(ctx, s.key("reserve"), stock.Reservation{OrderLine: l.ID,
		Location: s.w.bins[s.rng.IntN(len(s.w.bins))], Product: l.Product, Lot: s.w.lots[l.Product], Qty: 1})
}

func (s *stressWorker) release(ctx context.Context) error {
	l, err := s.pickLine(ctx, `JOIN reservations r ON r.order_line_id = ol.id AND r.location_id = ANY($1)`, `true`, s.w.bins)
	if err != nil {
		return err
	}
	return stock.New(s.d).Release(ctx, s.key("release"), stock.Reservation{OrderLine: l.ID, Location: l.Location,
		Product: l.Product, Lot: s.w.lots[l.Product], Qty: 1})
}

func (s *stressWorker) pick(ctx context.Context) error {
	l, err := s.pickLine(ctx, `JOIN reservations r ON r.order_line_id = ol.id AND r.location_id = ANY($1)`, `true`, s.w.bins)
	if err != nil {
		return err
	}
	return stock.New(s.d).Post(ctx, s.key("pick"), stock.Movement{Product: l.Product, Lot: s.w.lots[l.Product],
		From: l.Location, To: s.w.pack, Qty: 1, Kind: model.MovePick, OrderLine: l.ID})
}

func (s *stressWorker) pack(ctx context.Context) error {
	l, err := s.pickLine(ctx, `LEFT JOIN reservations r ON false`, `ol.qty_packed < ol.qty_picked`)
	if err != nil {
		return err
	}
	return orders.New(s.d).SetPacked(ctx, s.key("pack"), orders.Packed{Line: l.ID, Packed: l.Packed + 1})
}

func (s *stressWorker) ship(ctx context.Context) error {
	l, err := s.pickLine(ctx, `LEFT JOIN reservations r ON false`, `ol.qty_shipped < ol.qty_packed`)
	if err != nil {
		return err
	}
	return stock.New(s.d).Post(ctx, s.key("ship"), stock.Movement{Product: l.Product, Lot: s.w.lots[l.Product],
		From: s.w.pack, To: s.w.customer, Qty: 1, Kind: model.MoveShip, OrderLine: l.ID})
}

// invoice bills a fully shipped order once: the key is the order's, so a second worker
// racing for the same order finds the first one's invoice.
func (s *stressWorker) invoice(ctx context.Context) error {
	var order int64
	err := s.d.GetContext(ctx, &order, `SELECT o.id FROM orders o WHERE o.number LIKE 'ST-%' AND o.status = 'shipped'
		AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.order_id = o.id) ORDER BY random() LIMIT 1`)
	if err != nil {
		return errNothingToDo
	}
	doc, err := s.document(ctx, order, invoicing.Invoice, 0)
	if err != nil {
		return err
	}
	_, err = invoicing.New(s.d).Issue(ctx, fmt.Sprintf("stress-invoice-order-%d", order), doc)
	return err
}

// credit credits one unit of a random invoiced line; the database refuses once the credits
// would pass the invoice's total.
func (s *stressWorker) credit(ctx context.Context) error {
	var inv struct {
		ID    int64 `db:"id"`
		Order int64 `db:"order_id"`
	}
	err := s.d.GetContext(ctx, &inv, `SELECT i.id, i.order_id FROM invoices i JOIN orders o ON o.id = i.order_id
		WHERE i.kind = 'invoice' AND o.number LIKE 'ST-%' ORDER BY random() LIMIT 1`)
	if err != nil {
		return errNothingToDo
	}
	doc, err := s.document(ctx, inv.Order, invoicing.CreditNote, inv.ID)
	if err != nil {
		return err
	}
	doc.Lines = doc.Lines[:1]
	doc.Lines[0].Qty = 1
	doc.Lines[0].TaxMinor = 210
	_, err = invoicing.New(s.d).Issue(ctx, s.key("credit"), doc)
	return err
}

func (s *stressWorker) document(ctx context.Context, order int64, kind invoicing.Kind, credits int64) (invoicing.Document, error) {
	var lines []struct {
		ID      int64 `db:"id"`
		Shipped int64 `db:"qty_shipped"`
	}
	if err := s.d.SelectContext(ctx, &lines, `SELECT id, qty_shipped FROM order_lines WHERE order_id = $1 ORDER BY line_no`, order); err != nil {
		return invoicing.Document{}, err
	}
	doc := invoicing.Document{Kind: kind, Series: string(kind), Order: order, Credits: credits, Currency: "EUR",
		BaseCurrency: "EUR", FXRate: "1", FXDate: time.Now().UTC().Truncate(24 * time.Hour)}
	for _, l := range lines {
		doc.Lines = append(doc.Lines, invoicing.Line{OrderLine: l.ID, Description: "Hot item",
			InvoiceLine: model.InvoiceLine{Qty: l.Shipped, UnitMinor: 1000, TaxMinor: l.Shipped * 210, TaxRatePPM: 210000}})
	}
	if len(doc.Lines) == 0 {
		return doc, errNothingToDo
	}
	return doc, nil
}
