package picking_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/db/picking"
)

// Stepped interleavings of picking with a second picker, an expired lease, a cancel and a
// re-route, in the manner of db/alloc: one session is held at a chosen point (an open
// transaction, or a gate — a third session holding a row the command needs next), the other
// command is started, the test waits until PostgreSQL shows it waiting for a lock
// (pg_stat_activity, never a sleep), then lets the first go on.

// Two pickers claiming at once never get the same batch: while the first one's claim holds its
// batch (not committed), the second skips it and gets the next, without waiting.
func TestTwoPickersClaimingAtOnceNeverGetTheSameBatch(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	s.orders(t, map[string]int64{"TEE-1": 1}, map[string]int64{"TEE-1": 1})
	if bs := s.release(t, "release-0001", 1); len(bs) != 2 {
		t.Fatalf("released %v", bs)
	}
	ctx := context.Background()
	_, _, annaDB := s.picker(t)
	_, bert, _ := s.picker(t)

	tx, err := annaDB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var raw []byte
	if err := tx.Get(&raw, `SELECT oms_pick_claim('RTM1', 'T1')`); err != nil {
		t.Fatal(err)
	}
	var annas picking.Batch
	if err := jsonUnmarshal(raw, &annas); err != nil {
		t.Fatal(err)
	}
	// Bert claims while Anna's claim is open: he must not wait for it, nor get her batch.
	berts, err := bert.Claim(ctx, "", "RTM1", "T2")
	if err != nil {
		t.Fatal(err)
	}
	if annas.ID == berts.ID || annas.Code != "B-000001" || berts.Code != "B-000002" {
		t.Errorf("Anna got %s and Bert %s", annas.Code, berts.Code)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// A third picker finds nothing: both batches are held under live leases.
	_, carl, _ := s.picker(t)
	if _, err := carl.Claim(ctx, "", "RTM1", ""); !errors.Is(err, picking.ErrNoWork) {
		t.Errorf("a third claim: %v, want ErrNoWork", err)
	}
	var holders int
	mustGet(t, s.owner, &holders, `SELECT count(DISTINCT claimed_by) FROM pick_batches WHERE status = 'claimed'`)
	if holders != 2 {
		t.Errorf("%d pickers hold the two batches", holders)
	}
	checkClean(t, s.owner)
}

// A lease that expires mid-batch: another picker's claim takes the batch over with what was
// picked kept; the first picker's next scan is refused with a sentence naming who took it; the
// second finishes the batch.
func TestAnExpiredLeaseIsTakenOverKeepingWhatWasPicked(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}, "A-02": {"MUG-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 2, "MUG-1": 1})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, anna, _ := s.picker(t)
	bertLogin, bert, _ := s.picker(t)

	b, err := anna.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	first := b.Tasks[0]
	if _, err := anna.Confirm(ctx, "anna-0001", picking.Pick{Task: first.ID, Bin: first.Bin, Item: first.SKU, Qty: 1}); err != nil {
		t.Fatal(err)
	}
	// Anna's handheld drops off: her lease runs out.
	mustExec(t, s.owner, `UPDATE pick_batches SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, b.ID)
	_, err = anna.Confirm(ctx, "anna-0002", picking.Pick{Task: first.ID, Bin: first.Bin, Item: first.SKU, Qty: 1})
	wantErr(t, err, "batch B-000001 is no longer yours: its lease expired at")

	taken, err := bert.Claim(ctx, "", "RTM1", "T9")
	if err != nil {
		t.Fatal(err)
	}
	if taken.ID != b.ID || taken.Picker != bertLogin || taken.Tote != "T9" || taken.Tasks[0].Picked != 1 {
		t.Fatalf("Bert's claim: %+v", taken)
	}
	_, err = anna.Confirm(ctx, "anna-0003", picking.Pick{Task: first.ID, Bin: first.Bin, Item: first.SKU, Qty: 1})
	wantErr(t, err, fmt.Sprintf("batch B-000001 is no longer yours: its lease expired and %s took it", bertLogin))
	if _, err := anna.Claim(ctx, "", "RTM1", ""); !errors.Is(err, picking.ErrNoWork) {
		t.Errorf("Anna claims again: %v, want ErrNoWork", err)
	}
	st := pickAll(t, bert, taken, "bert")
	if !st.BatchDone() {
		t.Errorf("after Bert's picks: %+v", st)
	}
	if got := status(t, s.owner, ids[0]); got != "picked" {
		t.Errorf("the order is %s, want picked", got)
	}
	var event string
	mustGet(t, s.owner, &event, `SELECT message FROM events WHERE kind = 'batch.taken_over'`)
	if event == "" {
		t.Error("no batch.taken_over event")
	}
	checkClean(t, s.owner)
}

// Pick vs cancel, the cancel first: the cancel holds the order's lines (a gate holds the order
// row it writes last); the picker's confirm waits for the line; once the cancel commits the
// task is cancelled and the confirm is refused with a sentence. Nothing moved.
func TestACancelFirstCancelsTheTasksAndRefusesThePick(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 2})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]

	g := gate(t, s.owner, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, ids[0])
	cancel := async(func() error {
		return orders.New(s.clerk).CancelOrder(ctx, "cancel-0001", ids[0], "CANCEL_CUSTOMER")
	})
	dbtestWait(t, s, 1) // the cancel, at the order row, holding the lines
	confirm := async(func() error {
		_, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1})
		return err
	})
	dbtestWait(t, s, 2) // the confirm, at the order line
	if err := g.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-cancel; err != nil {
		t.Fatalf("cancel: %v", err)
	}
	wantErr(t, <-confirm, "order "+orderNumber(t, s, ids[0])+" was cancelled: do not pick TEE-1 from A-01; the task is cancelled")
	var moved, open int
	mustGet(t, s.owner, &moved, `SELECT count(*) FROM stock_movements WHERE kind = 'pick'`)
	mustGet(t, s.owner, &open, `SELECT count(*) FROM pick_tasks WHERE status = 'ready'`)
	if moved != 0 || open != 0 {
		t.Errorf("%d pick movements, %d open tasks after the cancel", moved, open)
	}
	// The picker's batch has nothing left: the next claim closes it and finds no work.
	if _, err := p.Claim(ctx, "", "RTM1", ""); !errors.Is(err, picking.ErrNoWork) {
		t.Errorf("claim after the cancel: %v", err)
	}
	checkClean(t, s.owner)
}

// Pick vs cancel, the pick first: the confirm holds the line (a gate holds the order row whose
// status the pick moves); the cancel waits for the line and then refuses, since a unit is picked.
func TestAPickFirstMakesTheCancelRefuse(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 2})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]

	g := gate(t, s.owner, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, ids[0])
	confirm := async(func() error {
		_, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1})
		return err
	})
	dbtestWait(t, s, 1)
	cancel := async(func() error {
		return orders.New(s.clerk).CancelOrder(ctx, "cancel-0001", ids[0], "CANCEL_CUSTOMER")
	})
	dbtestWait(t, s, 2)
	if err := g.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-confirm; err != nil {
		t.Fatalf("confirm: %v", err)
	}
	wantErr(t, <-cancel, "cannot be cancelled")
	if got := status(t, s.owner, ids[0]); got != "picking" {
		t.Errorf("the order is %s, want picking", got)
	}
	checkClean(t, s.owner)
}

// Pick vs re-route, the re-route first: it gives the reservations back and reserves in the
// store; the confirm waiting for the line is refused, the task cancelled. The other way round,
// the re-route refuses once a unit is picked.
func TestPickVersusReroute(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 2}, map[string]int64{"TEE-1": 1})
	s.release(t, "release-0001", 1)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	var store int64
	mustGet(t, s.owner, &store, `SELECT id FROM warehouses WHERE code = 'BER-M'`)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]

	g := gate(t, s.owner, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, ids[0])
	reroute := async(func() error {
		_, err := alloc.New(s.clerk).Reroute(ctx, "reroute-0001", ids[0], store)
		return err
	})
	dbtestWait(t, s, 1)
	confirm := async(func() error {
		_, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1})
		return err
	})
	dbtestWait(t, s, 2)
	if err := g.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-reroute; err != nil {
		t.Fatalf("re-route: %v", err)
	}
	wantErr(t, <-confirm, "no longer needs TEE-1 from A-01 (it was re-routed or changed): the task is cancelled")

	// The second order: picked first, then the re-route is refused.
	p2, err := p.Claim(ctx, "", "RTM1", "T2")
	if err != nil {
		t.Fatal(err)
	}
	if p2.Code != "B-000002" {
		t.Fatalf("next claim %s, want B-000002 (B-000001 had nothing left)", p2.Code)
	}
	g = gate(t, s.owner, `SELECT 1 FROM orders WHERE id = $1 FOR UPDATE`, ids[1])
	task = p2.Tasks[0]
	confirm = async(func() error {
		_, err := p.Confirm(ctx, "scan-0002", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1})
		return err
	})
	dbtestWait(t, s, 1)
	reroute = async(func() error {
		_, err := alloc.New(s.clerk).Reroute(ctx, "reroute-0002", ids[1], store)
		return err
	})
	dbtestWait(t, s, 2)
	if err := g.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-confirm; err != nil {
		t.Fatal(err)
	}
	wantErr(t, <-reroute, "cannot be re-routed once picking has started")
	checkClean(t, s.owner)
}

// Two releases at once release each order once: the second waits for the first (one release
// a warehouse at a time) and then finds nothing left to release.
func TestTwoReleasesAtOnceReleaseEachOrderOnce(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}})
	s.orders(t, map[string]int64{"TEE-1": 1}, map[string]int64{"TEE-1": 2})
	ctx := context.Background()
	g := gate(t, s.owner, `SELECT pg_advisory_xact_lock(hashtext('oms_pick_release'), id::integer) FROM warehouses WHERE code = 'RTM1'`)
	other := picking.New(dbtest.LoginAs(t, s.owner, "supervisor"))
	got := make(chan []picking.BatchSummary, 2)
	first := async(func() error {
		bs, err := s.rel.Release(ctx, "release-0001", picking.ReleaseOptions{Warehouse: "RTM1"})
		got <- bs
		return err
	})
	dbtestWait(t, s, 1)
	second := async(func() error {
		bs, err := other.Release(ctx, "release-0002", picking.ReleaseOptions{Warehouse: "RTM1"})
		got <- bs
		return err
	})
	dbtestWait(t, s, 2)
	if err := g.Rollback(); err != nil {
		t.Fatal(err)
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	a, b := <-got, <-got
	if len(a)+len(b) != 1 || len(a) > 0 && a[0].Orders != 2 || len(b) > 0 && b[0].Orders != 2 {
		t.Errorf("the two releases made %v and %v; want one batch of both orders between them", a, b)
	}
	var tasks int
	mustGet(t, s.owner, &tasks, `SELECT count(*) FROM pick_tasks`)
	if tasks != 2 {
		t.Errorf("%d tasks, want 2", tasks)
	}
	checkClean(t, s.owner)
}
