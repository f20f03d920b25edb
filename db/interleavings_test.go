package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Step-by-step interleavings of two sessions, in the manner of PostgreSQL's isolation tester:
// each test holds one transaction open at a chosen point while another runs, and asserts what
// the second one meets.

// session is one connection with an open transaction.
type session struct {
	t   *testing.T
	tx  *sqlx.Tx
	pid int
}

func begin(t *testing.T, d *db.DB) *session {
	t.Helper()
	tx, err := d.BeginTxx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tx.Rollback() })
	s := &session{t: t, tx: tx}
	if err := tx.Get(&s.pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *session) exec(query string, args ...any) error {
	_, err := s.tx.Exec(query, args...)
	return err
}

func (s *session) must(query string, args ...any) {
	s.t.Helper()
	if err := s.exec(query, args...); err != nil {
		s.t.Fatal(err)
	}
}

// waitUntilBlocked returns once the session's backend is waiting for a lock; it fails the
// test if that does not happen within a few seconds.
func waitUntilBlocked(t *testing.T, d *db.DB, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var blocked bool
		if err := d.Get(&blocked, `SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1`, pid); err != nil {
			t.Fatal(err)
		}
		if blocked {
			return
		}
		time.Sleep(2 * time.Millisecond) // poll pg_stat_activity, not a guess at timing
	}
	t.Fatalf("backend %d never waited for a lock", pid)
}

func sqlState(err error) string {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		return string(pqErr.Code)
	}
	return ""
}

// TestOrdersOfOneQueueCountNeverWaitOnEachOther: two sessions changing the status of different
// orders of the same channel, warehouse and status both commit without either waiting, however
// their backends are numbered (the sharded counters of before deadlocked when two sessions
// shared a shard).
func TestOrdersOfOneQueueCountNeverWaitOnEachOther(t *testing.T) {
	s := newShop(t)
	s.owner.SetMaxOpenConns(4)
	first, second := begin(t, s.owner), begin(t, s.owner)
	first.must(`UPDATE orders SET on_hold = true, hold_reason = 'HOLD_FRAUD' WHERE id = $1`, s.so2)
	second.must(`SET LOCAL lock_timeout = '50ms'`)
	if err := second.exec(`UPDATE orders SET on_hold = true, hold_reason = 'HOLD_FRAUD' WHERE id = $1`, s.so1); err != nil {
		t.Fatalf("the second session waited for the first: %v", err)
	}
	// And back, in the other order, both still open.
	second.must(`UPDATE orders SET on_hold = false, hold_reason = NULL WHERE id = $1`, s.so1)
	first.must(`SET LOCAL lock_timeout = '50ms'`)
	first.must(`UPDATE orders SET on_hold = false, hold_reason = NULL WHERE id = $1`, s.so2)
	if err := first.tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := second.tx.Commit(); err != nil {
		t.Fatal(err)
	}
	rep, err := s.owner.Check(context.Background(), 0)
	if err != nil || !rep.OK() {
		t.Fatalf("after both: %v %v", err, rep.Violations)
	}
}

// TestStockTouchedOutOfOrderFailsFastInsteadOfDeadlocking: two sessions move two products in
// opposite orders, one statement at a time. The one that would have to wait for a lower row
// while holding a higher one is told to try again at once (40001), instead of both waiting
// until PostgreSQL's deadlock detector kills one (40P01).
func TestStockTouchedOutOfOrderFailsFastInsteadOfDeadlocking(t *testing.T) {
	s := newShop(t)
	move := `INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
		VALUES ($1, nullif($2::bigint, 0), $3, $4, 1, 'transfer')`
	mug, tea := []any{s.mug, 0, s.binA, s.binB}, []any{s.tea, s.teaLot, s.binA, s.binB}
	first, second := begin(t, s.owner), begin(t, s.owner)
	first.must(move, mug...)  // holds MUG-01 at both bins
	second.must(move, tea...) // holds TEA-01 at both bins
	waited := make(chan error, 1)
	go func() { waited <- first.exec(move, tea...) }() // in order: waits for the second
	waitUntilBlocked(t, s.owner, first.pid)
	started := time.Now()
	err := second.exec(move, mug...) // out of order: MUG-01 is held by the first
	if state := sqlState(err); state != "40001" {
		t.Fatalf("the out-of-order session got %v (SQLSTATE %s), want a serialization failure (40001)", err, state)
	}
	if took := time.Since(started); took > 500*time.Millisecond {
		t.Errorf("it took %v to refuse: it waited instead of failing fast", took)
	}
	if want := "stock of MUG-01 at bin A-01-01-1 at RTM1 is being changed by another transaction: try again"; !strings.Contains(err.Error(), want) {
		t.Errorf("message %q, want %q", err, want)
	}
	_ = second.tx.Rollback()
	if err := <-waited; err != nil {
		t.Fatalf("the in-order session failed too: %v", err)
	}
	if err := first.tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// TestASecondInvoicerOutlastsItsLockTimeout: while one invoice transaction holds its series
// row for a slow commit, a second one whose session lock_timeout is far shorter waits in short
// retried steps instead of failing with 55P03, and takes the next number.
func TestASecondInvoicerOutlastsItsLockTimeout(t *testing.T) {
	s := newShop(t)
	issue := func(ss *session) {
		ss.must(`INSERT INTO invoices (series, kind, order_id, currency, subtotal_minor, tax_minor, total_minor,
			base_currency, fx_rate, fx_date, subtotal_base_minor, tax_base_minor, total_base_minor)
			VALUES ('invoice', 'invoice', $1, 'EUR', 1500, 0, 1500, 'EUR', 1, current_date, 1500, 0, 1500)`, s.so2)
		ss.must(`INSERT INTO invoice_lines (invoice_id, line_no, description, qty, unit_price_minor, tax_rate_ppm, tax_minor, total_minor)
			VALUES (currval('invoices_id_seq'), 1, 'Mug', 3, 500, 0, 0, 1500)`)
		ss.must(`INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
			VALUES (currval('invoices_id_seq'), 0, 1500, 0, 1500, 0)`)
	}
	first, second := begin(t, s.client), begin(t, s.client)
	issue(first)
	first.must(`SET CONSTRAINTS invoices_issue IMMEDIATE`) // numbered: the series row is held until commit
	second.must(`SET LOCAL lock_timeout = '10ms'`)
	issue(second)
	committed := make(chan error, 1)
	go func() { committed <- second.tx.Commit() }() // numbers at commit: waits for the first
	waitUntilBlocked(t, s.owner, second.pid)
	first.must(`SELECT pg_sleep(0.3)`) // a slow commit, 30 times the second's lock_timeout
	if err := first.tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-committed; err != nil {
		t.Fatalf("the second invoicer failed: %v (SQLSTATE %s)", err, sqlState(err))
	}
	var numbers []string
	mustSelect(t, s.owner, &numbers, `SELECT number FROM invoices ORDER BY seq`)
	if len(numbers) != 3 || numbers[2][len(numbers[2])-1] != '3' {
		t.Fatalf("numbers %v, want three in a row", numbers)
	}
}

func mustSelect(t *testing.T, d *db.DB, dest any, query string, args ...any) {
	t.Helper()
	if err := d.Select(dest, query, args...); err != nil {
		t.Fatal(err)
	}
}

// TestABalanceCreatedOutOfOrderDoesNotDeadlock: the same, where the row the out-of-order
// session needs does not exist yet and the other session is creating it. Creating a row makes
// a session wait for whoever else is creating it; out of order, it waits only a moment and then
// gives way with 40001.
func TestABalanceCreatedOutOfOrderDoesNotDeadlock(t *testing.T) {
	s := newShop(t)
	receive := `INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
		VALUES ($1, nullif($2::bigint, 0), $3, $4, 1, 'receipt')`
	newMugRow := []any{s.mug, 0, s.supplier, s.binB} // no MUG-01 at B-02-01-1 yet
	tea := []any{s.tea, s.teaLot, s.supplier, s.binA}
	creator, other := begin(t, s.owner), begin(t, s.owner)
	creator.must(receive, newMugRow...) // creates the MUG-01 row at B-02-01-1, not committed
	other.must(receive, tea...)         // holds TEA-01 at A-01-01-1
	waited := make(chan error, 1)
	go func() { waited <- creator.exec(receive, tea...) }() // in order: waits for the other
	waitUntilBlocked(t, s.owner, creator.pid)
	err := other.exec(receive, newMugRow...) // out of order, and the row is being created
	if state := sqlState(err); state != "40001" {
		t.Fatalf("got %v (SQLSTATE %s), want a serialization failure (40001)", err, state)
	}
	_ = other.tx.Rollback()
	if err := <-waited; err != nil {
		t.Fatalf("the in-order session failed too: %v", err)
	}
	if err := creator.tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
