package counts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db/counts"
	"oms/db/dbtest"
	"oms/db/picking"
	"oms/db/returns"
	"oms/db/stock"
	"oms/model"
)

// Stepped interleavings of counting with the floor, in the manner of db/returns and
// db/picking: one session is held at a chosen point (a transaction left open after the command
// it ran), the other command is started, the test waits until PostgreSQL shows it waiting for a
// lock (dbtest.WaitForLockWaits, never a sleep) or sees it finish without waiting, then lets the
// first go on. Every physical quantity is the test's own: what it put into a bin and took out,
// and what it lost; the books must end there, by adjustments of exactly the true difference.

// recordAsync records a count in a goroutine; the answer comes on the channel.
func recordAsync(st *counts.Store, key string, task int64, lines ...counts.Line) <-chan error {
	done := make(chan error, 1)
	go func() {
		out, err := st.Record(context.Background(), "key-"+key, task, lines)
		if err == nil && out.Outcome != "posted" {
			err = fmt.Errorf("recorded %+v; want posted", out)
		}
		done <- err
	}()
	return done
}

// recordIn records a count by oms_count_record inside a transaction the test holds open.
func recordIn(t testing.TB, tx *sqlx.Tx, task int64, want string, lines ...counts.Line) {
	t.Helper()
	type jl struct {
		Product int64  `json:"product"`
		Lot     *int64 `json:"lot"`
		Qty     int64  `json:"qty"`
	}
	in := []jl{}
	for _, l := range lines {
		in = append(in, jl{Product: l.Product, Qty: l.Qty})
	}
	raw, _ := json.Marshal(in)
	var res []byte
	if err := tx.Get(&res, `SELECT oms_count_record($1, $2)`, task, raw); err != nil {
		t.Fatalf("recording task %d: %v", task, err)
	}
	var out counts.Outcome
	if err := json.Unmarshal(res, &out); err != nil || out.Outcome != want {
		t.Fatalf("recording task %d: %s, %v; want %s", task, res, err, want)
	}
}

// 1. A pick between the count of a bin and its approval. A-01 holds 37 of its 40 tees (3 are
// lost) and an order holds 2 of them. Ann counts 37, beyond the tolerance of 1; Bob recounts 37,
// and it waits for a supervisor. Meanwhile the picker picks the order's 2 tees from A-01. The
// supervisor's approval posts the variance (−3) now, so A-01 ends at the truth, 37 − 2 = 35,
// not at the 37 counted.
func TestAPickBetweenTheCountAndItsApproval(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	f.tolerance(t, 1)
	ann, _ := f.login(t, "Ann Counter", "stock")
	bob, _ := f.login(t, "Bob Counter", "stock")
	sup, _ := f.login(t, "Sam Super", "supervisor")
	tee := f.product(t, "TEE-1")
	order := f.importOrder(t, "PICK-1", map[string]int64{"TEE-1": 2})
	f.allocate(t, order)
	truth := int64(40 - 3)

	plan(t, ann, "plan-a01", "A-01", 1)
	record(t, ann, "rec-ann", claim(t, ann, "A-01").ID, "recount", counts.Line{Product: tee, Qty: truth})
	re := claim(t, bob, "A-01")
	record(t, bob, "rec-bob", re.ID, "review", counts.Line{Product: tee, Qty: truth})

	pk, _, b := f.picker(t, "T1")
	task := b.Tasks[0]
	if task.Bin != "A-01" || task.Qty != 2 {
		t.Fatalf("pick task %+v; want 2 tees from A-01", task)
	}
	if _, err := pk.Confirm(ctx, "key-pick-1", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: task.Qty}); err != nil {
		t.Fatal(err)
	}
	truth -= 2

	revs, err := sup.Reviews(ctx, "RTM1")
	if err != nil || len(revs) != 1 || revs[0].Lines[0].Variance != -3 {
		t.Fatalf("reviews %+v, %v", revs, err)
	}
	if err := sup.Decide(ctx, "key-dec-1", counts.Decision{Task: re.ID, Approve: true, Reasons: map[string]string{"*": "CNT_LOST"}}); err != nil {
		t.Fatal(err)
	}
	var picked int64
	mustGet(t, f.Owner, &picked, `SELECT qty_picked FROM order_lines WHERE order_id = $1`, order)
	if picked != 2 {
		t.Errorf("the order picked %d tees; want 2", picked)
	}
	f.settles(t, "A-01", "TEE-1", truth, -3)
}

// 2. A count during a transfer: a stock login moves 5 tees from A-01 to B-01. The tees leave the
// bin when the transfer is posted (committed): a transfer still open is not yet done, and the
// counter finds its 5 tees in A-01.
//   - In flight, the count matches (40): the record posts nothing and is done before the transfer
//     commits; A-01 then holds 35.
//   - In flight, the count finds 3 missing (32 of 35): the record's adjustment waits for A-01's
//     balance, which the transfer holds; the transfer commits, the record posts −3: A-01 = 27.
//   - Committed before the record: the counter finds 21 of the 22 left (one lost): −1, A-01 = 21.
func TestACountDuringATransfer(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	f.tolerance(t, 5)
	ann, _ := f.login(t, "Ann Counter", "stock")
	_, sidDB := f.login(t, "Sid Stock", "stock")
	tee := f.product(t, "TEE-1")
	a01, b01 := f.bin(t, "A-01"), f.addLocation(t, "B-01", "bin", 30)
	transfer := stock.Movement{Product: tee, From: a01, To: b01, Qty: 5, Kind: model.MoveTransfer}
	truth, adjusted := int64(40), int64(0)

	// In flight; the count matches and is done first.
	plan(t, ann, "plan-1", "A-01", 1)
	task := claim(t, ann, "A-01")
	tx := begin(t, sidDB)
	postIn(t, tx, transfer)
	record(t, ann, "rec-1", task.ID, "posted", counts.Line{Product: tee, Qty: truth})
	commit(t, tx)
	truth -= 5
	if got := f.onHand(t, "A-01", "TEE-1"); got != truth {
		t.Fatalf("A-01 holds %d after the transfer; want %d", got, truth)
	}

	// In flight; 3 lost; the record waits for the transfer.
	plan(t, ann, "plan-2", "A-01", 1)
	task = claim(t, ann, "A-01")
	tx = begin(t, sidDB)
	postIn(t, tx, transfer)
	truth -= 3
	done := recordAsync(ann, "rec-2", task.ID, counts.Line{Product: tee, Qty: truth})
	dbtest.WaitForLockWaits(t, f.Owner, 1) // the adjustment waits for A-01's balance
	commit(t, tx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	truth, adjusted = truth-5, adjusted-3

	// Committed before the record; 1 lost.
	plan(t, ann, "plan-3", "A-01", 1)
	task = claim(t, ann, "A-01")
	if err := stock.New(sidDB).Post(context.Background(), "key-transfer-3", transfer); err != nil {
		t.Fatal(err)
	}
	truth -= 5 + 1
	record(t, ann, "rec-3", task.ID, "posted", counts.Line{Product: tee, Qty: truth})
	adjusted--

	if got := f.onHand(t, "B-01", "TEE-1"); got != 15 {
		t.Errorf("B-01 holds %d tees; want the 15 transferred", got)
	}
	f.settles(t, "A-01", "TEE-1", truth, adjusted)
}

// 3. Two counters on one bin. Ann's claim of A-01 is held open while Bob claims: he skips it
// (no wait) and gets A-02; with A-01 the only bin, he gets nothing. He cannot record Ann's task.
// Once Ann's lease has run out, Bob's next claim takes A-01 over; then Ann cannot record it, and
// Bob's count posts.
func TestTwoCountersOnOneBin(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	f.tolerance(t, 1)
	ann, annDB := f.login(t, "Ann Counter", "stock")
	bob, _ := f.login(t, "Bob Counter", "stock")
	tee, mug := f.product(t, "TEE-1"), f.product(t, "MUG-1")
	claimIn := func(tx *sqlx.Tx) counts.Task {
		t.Helper()
		var raw []byte
		if err := tx.Get(&raw, `SELECT oms_count_claim('RTM1', '10 minutes')`); err != nil {
			t.Fatal(err)
		}
		var task counts.Task
		if err := json.Unmarshal(raw, &task); err != nil {
			t.Fatal(err)
		}
		return task
	}

	// Two bins: Ann's claim of A-01 is in flight; Bob gets A-02 without waiting.
	plan(t, ann, "plan-1", "A-01 A-02", 2)
	tx := begin(t, annDB)
	if got := claimIn(tx); got.Bin != "A-01" {
		t.Fatalf("Ann claimed %+v; want A-01", got)
	}
	bobs := claim(t, bob, "A-02")
	commit(t, tx)
	record(t, bob, "rec-bob-a02", bobs.ID, "posted", counts.Line{Product: mug, Qty: 40})
	annTask := claim(t, ann, "A-01") // her own claim again
	record(t, ann, "rec-ann-a01", annTask.ID, "posted", counts.Line{Product: tee, Qty: 40})

	// One bin: Ann's claim in flight; Bob gets nothing.
	plan(t, ann, "plan-2", "A-01", 1)
	tx = begin(t, annDB)
	annTask = claimIn(tx)
	if _, err := bob.Claim(ctx, "RTM1"); err != counts.ErrNoWork {
		t.Fatalf("Bob's claim while Ann claims the only bin: %v; want nothing to count", err)
	}
	commit(t, tx)
	if _, err := bob.Claim(ctx, "RTM1"); err != counts.ErrNoWork {
		t.Fatalf("Bob's claim while Ann holds the only bin: %v; want nothing to count", err)
	}
	if _, err := bob.Record(ctx, "key-rec-bob-1", annTask.ID, []counts.Line{{Product: tee, Qty: 40}}); err == nil ||
		!contains(err, "the count of A-01 is not yours to record (another counter holds it)") {
		t.Fatalf("Bob recording Ann's bin: %v", err)
	}

	// Ann's lease runs out: Bob takes A-01 over.
	mustExec(t, f.Owner, `UPDATE count_tasks SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, annTask.ID)
	taken := claim(t, bob, "A-01")
	if taken.ID != annTask.ID || !taken.Lease.After(time.Now().Add(5*time.Minute)) {
		t.Fatalf("Bob's claim after Ann's lease: %+v; want her task %d under a fresh lease", taken, annTask.ID)
	}
	if _, err := ann.Record(ctx, "key-rec-ann-2", annTask.ID, []counts.Line{{Product: tee, Qty: 40}}); err == nil ||
		!contains(err, "not yours to record") {
		t.Fatalf("Ann recording the bin Bob took over: %v", err)
	}
	record(t, bob, "rec-bob-a01", taken.ID, "posted", counts.Line{Product: tee, Qty: 39})
	var by string
	mustGet(t, f.Owner, &by, `SELECT s.name FROM count_tasks t JOIN staff s ON s.id = t.counted_by WHERE t.id = $1`, taken.ID)
	if by != "Bob Counter" {
		t.Errorf("A-01 counted by %s; want Bob", by)
	}
	f.settles(t, "A-01", "TEE-1", 39, -1)
}

func contains(err error, s string) bool { return err != nil && strings.Contains(err.Error(), s) }

// 4. A put-away during a count: 10 tees go from receiving into A-01. The tees are in the bin once
// the put-away is posted.
//   - The put-away is held open while Ann records (she finds 38 of the 40: 2 lost): her
//     adjustment waits for A-01's balance; the put-away commits; −2 posts; A-01 = 48, not 58.
//   - Ann's record is held open (47 of 48: 1 lost, posted, holding A-01's balance) while the next
//     put-away waits for it; she commits, the put-away goes on: A-01 = 57.
func TestAPutawayDuringACount(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	f.tolerance(t, 5)
	ann, annDB := f.login(t, "Ann Counter", "stock")
	_, sidDB := f.login(t, "Sid Stock", "stock")
	tee := f.product(t, "TEE-1")
	recv := f.addLocation(t, "RECV", "receiving", 0)
	var supplier int64
	mustGet(t, f.Owner, &supplier, `SELECT id FROM locations WHERE kind = 'supplier' ORDER BY id LIMIT 1`)
	if err := stock.New(sidDB).Post(ctx, "key-receipt", stock.Movement{Product: tee, From: supplier, To: recv, Qty: 20, Kind: model.MoveReceipt}); err != nil {
		t.Fatal(err)
	}
	putaway := stock.Movement{Product: tee, From: recv, To: f.bin(t, "A-01"), Qty: 10, Kind: model.MovePutaway}
	truth := int64(40)

	// The put-away held; the record waits.
	plan(t, ann, "plan-1", "A-01", 1)
	task := claim(t, ann, "A-01")
	tx := begin(t, sidDB)
	postIn(t, tx, putaway)
	truth -= 2
	done := recordAsync(ann, "rec-1", task.ID, counts.Line{Product: tee, Qty: truth})
	dbtest.WaitForLockWaits(t, f.Owner, 1)
	commit(t, tx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	truth += 10
	if got := f.onHand(t, "A-01", "TEE-1"); got != truth {
		t.Fatalf("A-01 holds %d after the first put-away; want %d", got, truth)
	}

	// The record held; the put-away waits.
	plan(t, ann, "plan-2", "A-01", 1)
	task = claim(t, ann, "A-01")
	tx = begin(t, annDB)
	truth--
	recordIn(t, tx, task.ID, "posted", counts.Line{Product: tee, Qty: truth})
	put := make(chan error, 1)
	go func() { put <- stock.New(sidDB).Post(ctx, "key-putaway-2", putaway) }()
	dbtest.WaitForLockWaits(t, f.Owner, 1)
	commit(t, tx)
	if err := <-put; err != nil {
		t.Fatal(err)
	}
	truth += 10
	f.settles(t, "A-01", "TEE-1", truth, -3)
}

// 5. A short pick's count flag while A-01 is being counted. Ann holds A-01's count task.
//   - A picker shorts 2 tees at A-01 (committed before Ann records): the flag raises no second
//     task (A-01 has one open), and Ann's count, whose snapshot saw the flag, resolves it.
//   - Next count: a short pick of A-01 is held open while Ann records: her adjustment waits for
//     the balance the short pick holds; it commits, then her record: the flag, raised after her
//     snapshot, stays open — and, being open, has a task to answer it (a flag's bin is counted,
//     and allocation avoids it until then).
//
// A-01 holds 38 tees (2 lost), then 37 (1 more lost); nothing is picked.
func TestAShortPickFlagWhileTheBinIsCounted(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	f.tolerance(t, 5)
	ann, _ := f.login(t, "Ann Counter", "stock")
	tee := f.product(t, "TEE-1")
	truth := int64(40 - 2)

	// Before the snapshot.
	f.allocate(t, f.importOrder(t, "SHORT-1", map[string]int64{"TEE-1": 2}))
	pk, _, b := f.picker(t, "T1")
	plan(t, ann, "plan-1", "A-01", 1)
	task := claim(t, ann, "A-01")
	if _, err := pk.Short(ctx, "key-short-1", b.Tasks[0].ID, "SHORT_EMPTY"); err != nil {
		t.Fatal(err)
	}
	if n := f.openTasks(t, "A-01"); n != 1 {
		t.Fatalf("A-01 has %d open count tasks after a short pick while it is counted; want 1", n)
	}
	out, err := ann.Record(ctx, "key-rec-1", task.ID, []counts.Line{{Product: tee, Qty: truth}})
	if err != nil || out.Outcome != "posted" || out.FlagsResolved != 1 {
		t.Fatalf("Ann's count: %+v, %v; want posted, resolving the flag", out, err)
	}
	if n := f.openFlags(t, "A-01"); n != 0 {
		t.Fatalf("%d flags of A-01 open after a count that saw them", n)
	}

	// After the snapshot.
	f.allocate(t, f.importOrder(t, "SHORT-2", map[string]int64{"TEE-1": 1}))
	_, pkDB, b := f.picker(t, "T2")
	plan(t, ann, "plan-2", "A-01", 1)
	task = claim(t, ann, "A-01")
	tx := begin(t, pkDB)
	mustTx(t, tx, `SELECT oms_pick_short($1, 'SHORT_EMPTY', '')`, b.Tasks[0].ID)
	truth--
	done := make(chan counts.Outcome, 1)
	fail := make(chan error, 1)
	go func() {
		out, err := ann.Record(ctx, "key-rec-2", task.ID, []counts.Line{{Product: tee, Qty: truth}})
		if err != nil {
			fail <- err
			return
		}
		done <- out
	}()
	dbtest.WaitForLockWaits(t, f.Owner, 1) // her adjustment waits for A-01's balance
	commit(t, tx)
	select {
	case err := <-fail:
		t.Fatal(err)
	case out := <-done:
		if out.Outcome != "posted" || out.FlagsResolved != 0 {
			t.Fatalf("Ann's count during the short pick: %+v; want posted, no flag resolved", out)
		}
	}
	if n := f.openFlags(t, "A-01"); n != 1 {
		t.Fatalf("%d flags of A-01 open after a count that could not see the last; want 1", n)
	}
	if n := f.openTasks(t, "A-01"); n != 1 {
		t.Errorf("A-01 has %d open count tasks with its flag still open; want 1 (the flag raised none: "+
			"the bin had a task when it was raised, and that task's count did not answer it)", n)
	}
	f.settles(t, "A-01", "TEE-1", truth, -3)
}

// A short pick's flag raises a count task of A-01 in a transaction held open while Ann plans a
// count of A-01: either her plan waits for it and finds A-01 counted already, or it goes
// on — but A-01 ends with one open count task, not two.
func TestAPlanWhileAShortPickFlagsTheBin(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	ann, _ := f.login(t, "Ann Counter", "stock")
	f.allocate(t, f.importOrder(t, "SHORT-1", map[string]int64{"TEE-1": 2}))
	_, pkDB, b := f.picker(t, "T1")
	tx := begin(t, pkDB)
	mustTx(t, tx, `SELECT oms_pick_short($1, 'SHORT_EMPTY', '')`, b.Tasks[0].ID)
	type answer struct {
		c   counts.Count
		err error
	}
	planned := make(chan answer, 1)
	go func() {
		c, err := ann.Plan(ctx, "key-plan-1", counts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: "A-01"})
		planned <- answer{c, err}
	}()
	var a answer
	waited := false
	for deadline := time.Now().Add(time.Minute); ; {
		select {
		case a = <-planned:
		default:
			var waiting int
			mustGet(t, f.Owner, &waiting, `SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)
			if waiting == 0 && time.Now().Before(deadline) {
				time.Sleep(2 * time.Millisecond) // polling pg_stat_activity, as dbtest.WaitForLockWaits
				continue
			}
			waited = waiting > 0
		}
		break
	}
	commit(t, tx)
	if waited {
		a = <-planned
	}
	if n := f.openTasks(t, "A-01"); n != 1 {
		t.Errorf("A-01 has %d open count tasks (the plan %s: %+v, %v); want 1", n,
			map[bool]string{true: "waited", false: "did not wait"}[waited], a.c, a.err)
	}
	checkClean(t, f.Owner)
}

// 6. A return restocked into A-01 while it is counted. Two tees shipped (A-01: 38) come back; a
// returns clerk restocks them one at a time into A-01. The unit is in the bin once its restock
// is posted.
//   - The restock is held open while Ann records 37 (1 lost): her adjustment waits for it; it
//     commits; −1 posts; A-01 = 38.
//   - Ann's record is held open (37 of 38: 1 more lost) while the second restock waits; she
//     commits, the restock goes on: A-01 = 38.
func TestARestockIntoABinBeingCounted(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	ctx := context.Background()
	f.tolerance(t, 5)
	ann, annDB := f.login(t, "Ann Counter", "stock")
	tee := f.product(t, "TEE-1")
	order, _ := f.Shipped(t, "T1", map[string]int64{"TEE-1": 2})
	truth := int64(40 - 2)
	_, u := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Rita Returns", Jobs: []string{"returns"}})
	clerkDB := dbtest.Open(t, u)
	clerk := returns.New(clerkDB)
	o, err := clerk.Order(ctx, order)
	if err != nil {
		t.Fatal(err)
	}
	r, err := clerk.Open(ctx, "key-rma-open", returns.OpenRequest{Order: order, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: o.Lines[0].ID, Qty: 2, Reason: "RET_SIZE"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := clerk.ReceiveParcel(ctx, "key-rma-recv", r.ID, r.Tracking); err != nil {
		t.Fatal(err)
	}

	// The restock held; the record waits.
	plan(t, ann, "plan-1", "A-01", 1)
	task := claim(t, ann, "A-01")
	tx := begin(t, clerkDB)
	mustTx(t, tx, `SELECT oms_rma_inspect($1, 1, 'A', 'restock', 'A-01', '')`, r.Lines[0].ID)
	truth--
	done := recordAsync(ann, "rec-1", task.ID, counts.Line{Product: tee, Qty: truth})
	dbtest.WaitForLockWaits(t, f.Owner, 1)
	commit(t, tx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	truth++

	// The record held; the restock waits.
	plan(t, ann, "plan-2", "A-01", 1)
	task = claim(t, ann, "A-01")
	rtx := begin(t, annDB)
	truth--
	recordIn(t, rtx, task.ID, "posted", counts.Line{Product: tee, Qty: truth})
	restocked := make(chan error, 1)
	go func() {
		_, err := clerk.Inspect(ctx, "key-restock-2", returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: "A-01"})
		restocked <- err
	}()
	dbtest.WaitForLockWaits(t, f.Owner, 1)
	commit(t, rtx)
	if err := <-restocked; err != nil {
		t.Fatal(err)
	}
	truth++
	f.settles(t, "A-01", "TEE-1", truth, -2)
}
