package replenish_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"oms/db/replenish"
)

// A pick bin at its min is filled to its max from the reserves, first on their pick path, a task
// per reserve; while a task is open, or the bin is above its min, raising again does nothing. A
// confirm with a wrong scan or too many units moves nothing; the right one moves the units in
// the ledger, once under its key.
func TestReplenishRaisedAtMinFilledToMax(t *testing.T) {
	sh := newShelf(t)
	ctx := context.Background()
	r, err := sh.stock.Raise(ctx, "test-raise-0001", "RTM1")
	if err != nil || r.Tasks != 2 || r.Units != 16 || len(r.Short) != 0 {
		t.Fatalf("raise: %+v, %v; want 2 tasks for 16 (P-01 holds 4, max 20)", r, err)
	}
	open, err := sh.stock.Tasks(ctx, "RTM1", false)
	if got, want := brief(open...), "R-01→P-01 TEE-1 10 ready; R-02→P-01 TEE-1 6 ready"; err != nil || got != want {
		t.Fatalf("tasks %q (%v), want %q", got, err, want)
	}
	if again, err := sh.stock.Raise(ctx, "test-raise-0001", "RTM1"); err != nil || again.Tasks != 2 || again.Units != 16 {
		t.Fatalf("the same raise again under its key: %+v, %v", again, err)
	}
	if r, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 0 || r.Units != 0 {
		t.Fatalf("raising while the tasks are open: %+v, %v; want nothing", r, err)
	}

	task, err := sh.stock.Claim(ctx, "", "RTM1")
	if err != nil || task.From != "R-01" || task.To != "P-01" || task.Qty != 10 || task.Status != "claimed" || task.Lease == nil {
		t.Fatalf("claim: %+v, %v; want R-01's 10 for P-01", task, err)
	}
	_, err = sh.stock.Confirm(ctx, "", replenish.Confirm{Task: task.ID, From: "R-02", To: "P-01", Qty: 10})
	wantErr(t, err, `takes TEE-1 from R-01, not from "R-02"`)
	_, err = sh.stock.Confirm(ctx, "", replenish.Confirm{Task: task.ID, From: "R-01", To: "A-01", Qty: 10})
	wantErr(t, err, `fills P-01, not "A-01"`)
	_, err = sh.stock.Confirm(ctx, "", replenish.Confirm{Task: task.ID, From: "R-01", To: "P-01", Qty: 11})
	wantErr(t, err, "moves 1 to 10 × TEE-1, not 11")
	if n := onHand(t, sh.Owner, "P-01", "TEE-1"); n != 4 {
		t.Fatalf("refused confirms left P-01 with %d, want 4", n)
	}
	done, err := sh.stock.Confirm(ctx, "test-confirm-0001", replenish.Confirm{Task: task.ID, From: "r-01", To: " p-01", Qty: 10})
	if err != nil || done.Status != "done" || done.QtyMoved != 10 || done.OnHand != 14 {
		t.Fatalf("confirm: %+v, %v; want done, 10 moved, P-01 holding 14", done, err)
	}
	if again, err := sh.stock.Confirm(ctx, "test-confirm-0001", replenish.Confirm{Task: task.ID, From: "r-01", To: " p-01", Qty: 10}); err != nil || again.ID != done.ID || again.OnHand != 14 || again.QtyMoved != 10 {
		t.Fatalf("the same confirm under its key: %+v, %v", again, err)
	}
	_, err = sh.stock.Confirm(ctx, "", replenish.Confirm{Task: task.ID, From: "R-01", To: "P-01", Qty: 1})
	wantErr(t, err, "was done already by Rita Refill")
	if p, r1 := onHand(t, sh.Owner, "P-01", "TEE-1"), onHand(t, sh.Owner, "R-01", "TEE-1"); p != 14 || r1 != 0 {
		t.Fatalf("P-01 holds %d and R-01 %d; want 14 and 0", p, r1)
	}
	var kind string
	mustGet(t, sh.Owner, &kind, `SELECT m.kind FROM replenish_tasks t JOIN stock_movements m ON m.id = t.movement_id WHERE t.id = $1`, task.ID)
	if kind != "transfer" {
		t.Fatalf("the task's movement is a %s, want a transfer", kind)
	}
	if r, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 0 {
		t.Fatalf("raising while R-02's task is open: %+v, %v", r, err)
	}

	next, err := sh.stock.Claim(ctx, "", "RTM1")
	if err != nil || next.From != "R-02" || next.Qty != 6 {
		t.Fatalf("the next claim: %+v, %v; want R-02's 6", next, err)
	}
	if done, err := sh.stock.Confirm(ctx, "", replenish.Confirm{Task: next.ID, From: "R-02", To: "P-01", Qty: 6}); err != nil || done.OnHand != 20 {
		t.Fatalf("confirming R-02's task: %+v, %v; want P-01 at its max, 20", done, err)
	}
	if _, err := sh.stock.Claim(ctx, "", "RTM1"); !errors.Is(err, replenish.ErrNoWork) {
		t.Fatalf("claiming with every task done: %v, want ErrNoWork", err)
	}
	if r, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 0 {
		t.Fatalf("raising with P-01 at 20, above its min: %+v, %v", r, err)
	}

	// Picked down to exactly its min (5), P-01 is filled again: 15 from being empty.
	mustExec(t, sh.Owner, `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, b.id, a.id, 15, 'adjustment' FROM products p, locations b, locations a
		 WHERE p.sku = 'TEE-1' AND b.code = 'P-01' AND a.kind = 'adjustment'`)
	if r, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 1 || r.Units != 15 {
		t.Fatalf("raising with P-01 at its min: %+v, %v; want one task for 15", r, err)
	}
	if all, err := sh.stock.Tasks(ctx, "RTM1", true); err != nil ||
		brief(all...) != "R-02→P-01 TEE-1 15 ready; R-01→P-01 TEE-1 10 done; R-02→P-01 TEE-1 6 done" {
		t.Fatalf("every task: %q, %v", brief(all...), err)
	}
	checkClean(t, sh.Owner)
}

// Lots: the reserve whose lot expires first gives first, whatever the pick path; an expired
// lot stays put; what the reserves cannot give is reported short. Levels are for pick bins, a
// bin with levels is not a reserve, and a min is below its max.
func TestReplenishEarliestExpiryFirstAndLevels(t *testing.T) {
	sh := newShelf(t)
	ctx := context.Background()
	receiveLot(t, sh.Owner, "MILK-1", "L-LATE", "2099-06-30", "R-01", 5)
	receiveLot(t, sh.Owner, "MILK-1", "L-OLD", "2001-01-01", "R-01", 9)
	receiveLot(t, sh.Owner, "MILK-1", "L-SOON", "2098-01-31", "R-02", 5)
	receiveLot(t, sh.Owner, "MILK-1", "L-SOON", "2098-01-31", "P-02", 2)
	for _, l := range []replenish.Level{
		{Warehouse: "RTM1", Bin: "P-02", SKU: "MILK-1", Min: 2, Max: 8},
		{Warehouse: "RTM1", Bin: "P-02", SKU: "MUG-1", Min: 0, Max: 10},
	} {
		if _, err := sh.stock.SetLevel(ctx, "", l); err != nil {
			t.Fatal(err)
		}
	}
	_, err := sh.stock.SetLevel(ctx, "", replenish.Level{Warehouse: "RTM1", Bin: "R-01", SKU: "TEE-1", Min: 1, Max: 5})
	wantErr(t, err, "R-01 at RTM1 is a reserve bin")
	_, err = sh.stock.SetLevel(ctx, "", replenish.Level{Warehouse: "RTM1", Bin: "P-02", SKU: "TEE-1", Min: 5, Max: 5})
	wantErr(t, err, "not min 5 and max 5 for TEE-1 at P-02")
	_, err = sh.stock.SetLevel(ctx, "", replenish.Level{Warehouse: "RTM1", Bin: "RETURNS", SKU: "TEE-1", Min: 1, Max: 5})
	wantErr(t, err, "RETURNS is not a bin of RTM1")
	wantErr(t, sh.stock.SetReserve(ctx, "", "RTM1", "P-02", true), "P-02 at RTM1 is a pick bin with levels for MILK-1, MUG-1")
	wantErr(t, sh.stock.SetReserve(ctx, "", "RTM1", "RETURNS", true), "RETURNS at RTM1 is a returns location, not a bin")
	if err := sh.stock.SetReserve(ctx, "", "RTM1", "Z-99", true); !errors.Is(err, replenish.ErrNotFound) {
		t.Fatalf("marking a bin that does not exist: %v", err)
	}

	r, err := sh.stock.Raise(ctx, "", "RTM1")
	if err != nil || r.Tasks != 4 || r.Units != 22 || len(r.Short) != 1 || r.Short[0] != (replenish.Short{Bin: "P-02", SKU: "MUG-1", Missing: 10}) {
		t.Fatalf("raise: %+v, %v; want 4 tasks for 16 tees and 6 milk, P-02 short of 10 mugs", r, err)
	}
	open, err := sh.stock.Tasks(ctx, "RTM1", false)
	want := "R-01→P-01 TEE-1 10 ready; R-01→P-02 MILK-1/L-LATE 1 ready; R-02→P-01 TEE-1 6 ready; R-02→P-02 MILK-1/L-SOON 5 ready"
	if err != nil || brief(open...) != want {
		t.Fatalf("tasks %q (%v), want %q", brief(open...), err, want)
	}
	if l, err := sh.stock.SetLevel(ctx, "", replenish.Level{Warehouse: "RTM1", Bin: "P-02", SKU: "MUG-1", Max: 0}); err != nil || l.Max != 0 {
		t.Fatalf("removing P-02's mug level: %+v, %v", l, err)
	}
	var levels int
	mustGet(t, sh.Owner, &levels, `SELECT count(*) FROM bin_levels`)
	if levels != 2 {
		t.Fatalf("%d levels, want 2 (P-01's tees, P-02's milk)", levels)
	}
	checkClean(t, sh.Owner)
}

// Two replenishers claim at once: the second does not wait for the first's open transaction and
// gets the other task; nobody else gets one while both leases run; a claim returns one's own task
// again; another's task under a live lease is refused, and taken over once the lease ran out.
func TestReplenishersClaimAtOnce(t *testing.T) {
	sh := newShelf(t)
	ctx := context.Background()
	if r, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 2 {
		t.Fatalf("raise: %+v, %v", r, err)
	}
	bo, _ := replenisher(t, sh.Floor, "Bo Box")
	cy, _ := replenisher(t, sh.Floor, "Cy Crate")

	txA, err := sh.stockDB.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer txA.Rollback()
	var idA int64
	if err := txA.GetContext(ctx, &idA, `SELECT (oms_replenish_claim('RTM1', '10 minutes') ->> 'id')::bigint`); err != nil {
		t.Fatal(err)
	}
	quick, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	taskB, err := bo.Claim(quick, "", "RTM1") // while A's claim is still uncommitted
	if err != nil {
		t.Fatalf("the second replenisher's claim while the first's is open: %v", err)
	}
	if err := txA.Commit(); err != nil {
		t.Fatal(err)
	}
	if taskB.ID == idA {
		t.Fatalf("both replenishers got task %d", idA)
	}
	if _, err := cy.Claim(ctx, "", "RTM1"); !errors.Is(err, replenish.ErrNoWork) {
		t.Fatalf("a third claim with both tasks held: %v, want ErrNoWork", err)
	}
	taskA, err := sh.stock.Claim(ctx, "", "RTM1")
	if err != nil || taskA.ID != idA || taskA.ClaimedBy == "" {
		t.Fatalf("the first replenisher claiming again: %+v, %v; want their task %d", taskA, err, idA)
	}
	_, err = bo.Confirm(ctx, "", replenish.Confirm{Task: idA, From: taskA.From, To: taskA.To, Qty: int(taskA.Qty)})
	wantErr(t, err, "is Rita Refill's until")

	mustExec(t, sh.Owner, `UPDATE replenish_tasks SET lease_expires_at = now() - interval '1 minute' WHERE id = $1`, idA)
	taken, err := cy.Claim(ctx, "", "RTM1")
	if err != nil || taken.ID != idA {
		t.Fatalf("claiming after the lease ran out: %+v, %v; want task %d", taken, err, idA)
	}
	if _, err := cy.Confirm(ctx, "", replenish.Confirm{Task: idA, From: taken.From, To: taken.To, Qty: int(taken.Qty)}); err != nil {
		t.Fatal(err)
	}
	if _, err := bo.Confirm(ctx, "", replenish.Confirm{Task: taskB.ID, From: taskB.From, To: taskB.To, Qty: int(taskB.Qty)}); err != nil {
		t.Fatal(err)
	}
	if n := onHand(t, sh.Owner, "P-01", "TEE-1"); n != 20 {
		t.Fatalf("P-01 holds %d, want 20", n)
	}
	checkClean(t, sh.Owner)
}

// A task that cannot be done is cancelled — not one another replenisher holds — and the next
// raise makes the pick bin's task again, from what the reserves have free.
func TestAReplenishmentTaskIsCancelled(t *testing.T) {
	sh := newShelf(t)
	ctx := context.Background()
	if _, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil {
		t.Fatal(err)
	}
	other, _ := replenisher(t, sh.Floor, "Otto Other")
	held, err := other.Claim(ctx, "", "RTM1")
	if err != nil {
		t.Fatal(err)
	}
	_, err = sh.stock.Cancel(ctx, "", held.ID)
	wantErr(t, err, "is being done by Otto Other")
	open, _ := sh.stock.Tasks(ctx, "RTM1", false)
	for _, task := range open {
		if _, err := sh.stock.Cancel(ctx, "", task.ID); err != nil && task.ID != held.ID {
			t.Fatalf("cancelling task %d: %v", task.ID, err)
		}
	}
	if _, err := other.Cancel(ctx, "", held.ID); err != nil {
		t.Fatalf("Otto cancelling his own task: %v", err)
	}
	_, err = other.Cancel(ctx, "", held.ID)
	wantErr(t, err, "is cancelled already")
	if r, err := sh.stock.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 2 || r.Units != 16 {
		t.Fatalf("raising after the cancels: %+v, %v; want the 2 tasks for 16 again", r, err)
	}
	checkClean(t, sh.Owner)
}
