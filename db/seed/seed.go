package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"oms/db"
)

// Options size the data set. Zero values take the defaults.
type Options struct {
	// Defaults 2000, 600 and 3. Every status of Statuses needs an order, so at least 13; at
	// most 10 million orders (the channels' fixed-width id formats) and 8 warehouses (the list
	// the seed knows).
	Orders, SKUs, Warehouses int
	Seed                     int64 // default 1
	// Now anchors every age and date; default time.Now() truncated to the minute. Fix it to
	// get identical rows from two runs.
	Now time.Time
}

// Progress reports one finished batch of a stage.
type Progress struct {
	Stage       string
	Done, Total int64
}

// Summary says what was written.
type Summary struct {
	Warehouses, Bins, Products, Channels, Customers, Orders, Lines, Movements, Events int64
	ByStatus                                                                          map[string]int64
	Elapsed                                                                           time.Duration
}

const (
	orderBatch    = 10_000
	customerBatch = 20_000
	receiptBatch  = 50_000
	maxOrders     = 10_000_000
)

func (o Options) withDefaults() (Options, error) {
	if o.Orders == 0 {
		o.Orders = 2000
	}
	if o.SKUs == 0 {
		o.SKUs = 600
	}
	if o.Warehouses == 0 {
		o.Warehouses = 3
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Now.IsZero() {
		o.Now = time.Now().Truncate(time.Minute)
	}
	o.Now = o.Now.UTC()
	switch {
	case o.Orders < len(Statuses):
		return o, fmt.Errorf("--orders must be at least %d so that every order status appears", len(Statuses))
	case o.Orders > maxOrders:
		// External ids and tracking numbers are bijections into fixed-width channel formats.
		return o, fmt.Errorf("--orders can be at most %d", maxOrders)
	case o.SKUs < 50:
		return o, errors.New("--skus must be at least 50")
	case o.Warehouses < 3 || o.Warehouses > len(warehouseSpecs):
		return o, fmt.Errorf("--warehouses must be between 3 and %d", len(warehouseSpecs))
	}
	return o, nil
}

// Run fills an empty, migrated database with a data set drawn from opts, in one transaction:
// on any failure nothing is left behind. It then analyzes the big tables so the planner knows
// their new sizes. progress, if not nil, hears about every batch.
func Run(ctx context.Context, d *db.DB, opts Options, progress func(Progress)) (Summary, error) {
	started := time.Now()
	opts, err := opts.withDefaults()
	if err != nil {
		return Summary{}, err
	}
	if err := d.CheckSchema(ctx); err != nil {
		return Summary{}, err
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	s := &seeder{opts: opts, progress: progress, sum: Summary{ByStatus: map[string]int64{}}}
	if err := s.inTx(ctx, d); err != nil {
		return Summary{}, db.MapError(err)
	}
	if err := analyze(ctx, d, progress); err != nil {
		return Summary{}, err
	}
	s.sum.Elapsed = time.Since(started)
	return s.sum, nil
}

// seeder carries one run's state.
type seeder struct {
	opts     Options
	progress func(Progress)
	tx       *sql.Tx
	load     *loader
	w        *world
	ref      *reference
	sum      Summary
	// movements is the last stock movement id written, so order movements continue from it.
	movements int64
}

func (s *seeder) inTx(ctx context.Context, d *db.DB) error {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	s.tx, s.load = tx, &loader{tx: tx}
	if err := s.fill(ctx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// fill runs the stages: a dry run of the orders to learn the demand, places and products, then
// stock, customers, and the orders that consume the stock (parents before children, the ledger
// in time order), and finally what the database derives from them.
func (s *seeder) fill(ctx context.Context) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	for _, stage := range []func(context.Context) error{s.plan, s.reference, s.stock, s.customers, s.orders, s.finish} {
		if err := stage(ctx); err != nil {
			return err
		}
	}
	return nil
}

// prepare checks that this session may write history and that the database is empty, and
// reads where ids and document numbers start.
func (s *seeder) prepare(ctx context.Context) error {
	tx := s.tx
	var superuser string
	if err := tx.QueryRowContext(ctx, `SELECT current_setting('is_superuser')`).Scan(&superuser); err != nil {
		return err
	}
	if superuser != "on" {
		return errors.New("oms seed writes backdated history and must run as a superuser")
	}
	// Backdated at/actor are written as given even where a stamp trigger runs; no session limit
	// may cut a long load short.
	for _, stmt := range []string{
		`SET LOCAL oms.backdate = 'on'`, `SET LOCAL statement_timeout = 0`, `SET LOCAL lock_timeout = 0`,
		`SET LOCAL idle_in_transaction_session_timeout = 0`,
		`SELECT pg_advisory_xact_lock(hashtext('oms seed'))`, // a concurrent seed waits, then finds data
	} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if err := s.refuseData(ctx); err != nil {
		return err
	}
	ids, err := readIDs(ctx, tx)
	if err != nil {
		return err
	}
	next, err := readSeries(ctx, tx)
	if err != nil {
		return err
	}
	virt, err := readVirtual(ctx, tx)
	if err != nil {
		return err
	}
	taken, err := readCounters(ctx, tx)
	if err != nil {
		return err
	}
	seller, err := demoCompany(ctx, tx)
	if err != nil {
		return err
	}
	s.w, s.ref, err = buildWorld(s.opts, ids, next, virt, seller)
	if err != nil {
		return err
	}
	s.w.docSeq = taken
	// What the touch triggers would stamp, for tables loaded without them.
	return tx.QueryRowContext(ctx, `SELECT now(), pg_current_xact_id()::text`).Scan(&s.w.txNow, &s.w.xid)
}

// refuseData stops a second seed: ids and numbers would collide with what is there, and
// mixing synthetic orders into real ones is never what anyone wants.
func (s *seeder) refuseData(ctx context.Context) error {
	var orders, products, warehouses int64
	err := s.tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM products),
		(SELECT count(*) FROM warehouses)`).Scan(&orders, &products, &warehouses)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%d orders", orders)
	if orders == 0 {
		what = fmt.Sprintf("%d products, %d warehouses", products, warehouses)
	}
	if orders+products+warehouses > 0 {
		return fmt.Errorf("the database already holds data (%s): oms seed only fills an empty database", what)
	}
	return nil
}
