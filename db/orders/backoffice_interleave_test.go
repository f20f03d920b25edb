package orders_test

import (
	"errors"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
)

// Interleavings of a back-office command with another session's open transaction, stepped in a
// fixed order (the manner of db/interleavings_test.go): the other session takes its locks, the
// command runs until it waits for them, the other commits, and the test asserts what the
// command met.

// waitForALockWait returns once some session of d's database waits for a lock.
func waitForALockWait(t *testing.T, d *db.DB) { dbtest.WaitForLockWaits(t, d, 1) }

// run starts fn and returns its error on a channel.
func run(fn func() error) <-chan error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	return done
}

// Edit vs edit, both orders of locks: another editor holding the lines makes the command wait
// and then meet the new version at once; a writer that changed only the order row is caught by
// the final guarded UPDATE, after the command's own line change — which is rolled back with
// everything else.
func TestAnEditWaitingForAnotherMeetsTheChange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		other []string
	}{
		{"the other holds the lines", []string{
			`SELECT 1 FROM order_lines WHERE order_id = $1 ORDER BY id FOR NO KEY UPDATE`,
			`UPDATE orders SET notes = 'other' WHERE id = $1`}},
		{"the other wrote only the order", []string{
			`UPDATE orders SET notes = 'other' WHERE id = $1`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBackoffice(t)
			e := editOf(b.detail(t))
			e.Lines[1].Qty = 4
			e.Priority = 7
			other, err := b.owner.Beginx()
			if err != nil {
				t.Fatal(err)
			}
			defer other.Rollback()
			for _, q := range tc.other {
				if _, err := other.Exec(q, b.order); err != nil {
					t.Fatal(err)
				}
			}
			done := run(func() error { _, err := b.clerk.EditOrder(b.ctx, "edit-interleave", e); return err })
			waitForALockWait(t, b.owner)
			if err := other.Commit(); err != nil {
				t.Fatal(err)
			}
			err = <-done
			var c *orders.ChangedError
			if !errors.As(err, &c) || c.Version != b.version(t) {
				t.Fatalf("the waiting edit got %v, want a conflict at version %d", err, b.version(t))
			}
			after := b.detail(t)
			if after.Header.Notes != "other" || after.Header.Priority != 0 || after.Lines[1].Ordered != 1 {
				t.Fatalf("after: notes %q, priority %d, line 2 ordered %d", after.Header.Notes, after.Header.Priority, after.Lines[1].Ordered)
			}
			b.check(t)
		})
	}
}

// Cancel vs a concurrent reservation change: an allocation that raises the line and reserves
// two more units holds the line; the cancel waits, then frees all five, so no reservation of a
// cancelled unit is left behind.
func TestACancelWaitingForAnAllocationFreesWhatItReserved(t *testing.T) {
	b := newBackoffice(t)
	other, err := b.owner.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer other.Rollback()
	for _, q := range []string{
		`SELECT 1 FROM order_lines WHERE id = $1 FOR NO KEY UPDATE`,
		`UPDATE order_lines SET qty_ordered = 5, qty_allocated = 5 WHERE id = $1`,
		`UPDATE reservations SET qty = 5 WHERE order_line_id = $1`,
	} {
		if _, err := other.Exec(q, b.tee); err != nil {
			t.Fatal(err)
		}
	}
	done := run(func() error { return b.clerk.CancelLine(b.ctx, "cancel-interleave", b.order, b.tee, "CANCEL_CUSTOMER") })
	waitForALockWait(t, b.owner)
	if err := other.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var reserved, cancelled int
	mustGet(t, b.owner, &reserved, b.teeReserved)
	mustGet(t, b.owner, &cancelled, `SELECT qty_cancelled FROM order_lines WHERE id = $1`, b.tee)
	if reserved != 0 || cancelled != 5 {
		t.Fatalf("reserved %d, cancelled %d; want 0 and 5", reserved, cancelled)
	}
	want := "order.line_cancelled line 1 (TEE-1) cancelled: 5 units, Customer cancelled"
	if got := b.history(t); len(got) != 1 || got[0] != want {
		t.Fatalf("history %q", got)
	}
	b.check(t)
}
