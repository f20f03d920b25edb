package picking_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"oms/db/picking"
)

// Release groups allocated orders by zone, oldest promise first, within the order and line
// limits, tasks in pick sequence; a second release finds nothing new.
func TestReleaseMakesBatchesByZoneWithinLimitsInPickSequence(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{
		"A-01": {"TEE-1": 20}, "A-02": {"MUG-1": 20}, "A-03": {"CAP-1": 3}, "B-01": {"CAP-1": 20},
	})
	ids := s.orders(t,
		map[string]int64{"TEE-1": 1, "MUG-1": 1}, // zone A
		map[string]int64{"MUG-1": 2},
		map[string]int64{"TEE-1": 1, "CAP-1": 1}, // zone A: A-01, A-03 (CAP-1 in A-03 first by pick sequence)
		map[string]int64{"CAP-1": 4},             // A-03 has 2 left: 2 there, 2 in B-01 → zones A and B
		map[string]int64{"TEE-1": 1},
	)
	for _, id := range ids {
		if st := status(t, s.owner, id); st != "allocated" {
			t.Fatalf("order %d is %s, want allocated", id, st)
		}
	}
	bs := s.release(t, "release-0001", 2)
	var got []string
	for _, b := range bs {
		got = append(got, b.Line())
	}
	want := []string{
		"B-000001 RTM1 zone A: 2 orders, 3 lines",
		"B-000002 RTM1 zone A: 2 orders, 3 lines",
		"B-000003 RTM1 zone A: 1 order, 1 line",
		"B-000004 RTM1 zone B: 1 order, 1 line",
	}
	if !slices.Equal(got, want) {
		t.Errorf("released\n%q\nwant\n%q", got, want)
	}
	if s := picking.Released(bs); s != "released 4 batches, 8 lines" {
		t.Errorf("summary %q", s)
	}
	// Tasks walk the path by pick sequence: A-01 (10), A-03 (20), A-02 (30).
	var path string
	mustGet(t, s.owner, &path, `SELECT string_agg(l.code || ':' || t.slot, ' ' ORDER BY t.pick_seq, l.code, t.slot)
		FROM pick_tasks t JOIN locations l ON l.id = t.location_id WHERE t.batch_id = $1`, bs[1].ID)
	if path != "A-01:1 A-03:1 A-03:2" {
		t.Errorf("batch 2's path is %q, want A-01:1 A-03:1 A-03:2 (order 3's TEE and CAP, order 4's CAP)", path)
	}
	mustGet(t, s.owner, &path, `SELECT string_agg(l.code || ':' || t.slot, ' ' ORDER BY t.pick_seq, l.code, t.slot)
		FROM pick_tasks t JOIN locations l ON l.id = t.location_id WHERE t.batch_id = $1`, bs[0].ID)
	if path != "A-01:1 A-02:1 A-02:2" {
		t.Errorf("batch 1's path is %q, want A-01:1 A-02:1 A-02:2", path)
	}

	// Nothing is released twice: again, or under a new key.
	if again := s.release(t, "release-0002", 0); len(again) != 0 {
		t.Errorf("a second release made %v", again)
	}
	// The same key again answers as the first time.
	if replay := s.release(t, "release-0001", 2); !slices.Equal(replay, bs) {
		t.Errorf("a replayed release says %v, want %v", replay, bs)
	}
	// The database refuses a second open task for a reservation, whoever writes it.
	_, err := s.owner.Exec(`INSERT INTO pick_tasks (batch_id, warehouse_id, order_line_id, product_id, lot_id, location_id, pick_seq, qty)
		SELECT batch_id, warehouse_id, order_line_id, product_id, lot_id, location_id, pick_seq, qty FROM pick_tasks LIMIT 1`)
	wantErr(t, err, "pick_tasks_open_once")
	checkClean(t, s.owner)
}

// The line limit closes a batch before the order limit does (2 lines: no two orders fit), an
// order bigger than the limit gets a batch of its own; single mode puts one order in each batch.
func TestReleaseHonoursTheLineLimitAndSingleMode(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 20}, "A-02": {"MUG-1": 20}, "A-03": {"CAP-1": 20}})
	mustExec(t, s.owner, `UPDATE warehouses SET pick_max_lines = 2 WHERE code = 'RTM1'`)
	s.orders(t,
		map[string]int64{"TEE-1": 1, "MUG-1": 1},
		map[string]int64{"TEE-1": 1, "MUG-1": 1},
		map[string]int64{"TEE-1": 1},
		map[string]int64{"TEE-1": 1, "MUG-1": 1, "CAP-1": 1},
	)
	var got []string
	for _, b := range s.release(t, "release-0001", 0) {
		got = append(got, b.Line())
	}
	want := []string{"B-000001 RTM1 zone A: 1 order, 2 lines", "B-000002 RTM1 zone A: 1 order, 2 lines",
		"B-000003 RTM1 zone A: 1 order, 1 line", "B-000004 RTM1 zone A: 1 order, 3 lines"}
	if !slices.Equal(got, want) {
		t.Errorf("released %q, want %q", got, want)
	}

	mustExec(t, s.owner, `UPDATE warehouses SET pick_mode = 'single' WHERE code = 'RTM1'`)
	s.orders(t, map[string]int64{"TEE-1": 1}, map[string]int64{"MUG-1": 1})
	got = nil
	for _, b := range s.release(t, "release-0002", 0) {
		got = append(got, b.Line())
	}
	want = []string{"B-000005 RTM1 zone A: 1 order, 1 line", "B-000006 RTM1 zone A: 1 order, 1 line"}
	if !slices.Equal(got, want) {
		t.Errorf("single mode released %q, want %q", got, want)
	}
}

// A picker claims, confirms scan by scan; a replayed scan applies once and answers the same; a
// wrong bin or item and an over-pick are refused; the last pick closes the batch.
func TestConfirmAppliesAScanOnceAndRefusesOverPicks(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 10}, "B-01": {"CAP-1": 10}})
	ids := s.orders(t, map[string]int64{"TEE-1": 3})
	s.release(t, "release-0001", 0)
	login, p, _ := s.picker(t)
	ctx := context.Background()

	b, err := p.Claim(ctx, login, "RTM1", "T7")
	if err != nil {
		t.Fatal(err)
	}
	if b.Code != "B-000001" || b.Tote != "T7" || b.Picker != login || len(b.Tasks) != 1 || b.ToLocation != "PACK" {
		t.Fatalf("claimed %+v", b)
	}
	task, _ := b.Next()
	if task.Bin != "A-01" || task.SKU != "TEE-1" || task.Qty != 3 || task.Order == "" {
		t.Fatalf("first task %+v", task)
	}
	// A second claim returns the batch the picker holds.
	if again, err := p.Claim(ctx, "", "RTM1", ""); err != nil || again.ID != b.ID || again.Tote != "T7" {
		t.Errorf("a second claim: %+v, %v", again, err)
	}
	if _, err := p.Claim(ctx, "someone_else", "RTM1", ""); err == nil {
		t.Error("claiming as someone else was allowed")
	}

	_, err = p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: "B-01", Item: "TEE-1", Qty: 1})
	wantErr(t, err, "Wrong bin: B-01, go to A-01")
	_, err = p.Confirm(ctx, "scan-0002", picking.Pick{Task: task.ID, Bin: "A-01", Item: "CAP-1", Qty: 1})
	wantErr(t, err, "Wrong item: CAP-1 is not TEE-1 (Tee)")

	st, err := p.Confirm(ctx, "scan-0003", picking.Pick{Task: task.ID, Bin: "a-01", Item: "TEE-1", Qty: 1})
	if err != nil {
		t.Fatal(err)
	}
	if st.Picked != 1 || st.Status != "ready" || st.BatchStatus != "claimed" || st.OpenTasks != 1 {
		t.Errorf("after one scan: %+v", st)
	}
	replay, err := p.Confirm(ctx, "scan-0003", picking.Pick{Task: task.ID, Bin: "a-01", Item: "TEE-1", Qty: 1})
	if err != nil || replay.Picked != 1 || replay.Status != st.Status {
		t.Errorf("replayed scan: %+v, %v; want %+v", replay, err, st)
	}
	var picked, scans, moves int
	mustGet(t, s.owner, &picked, `SELECT qty_picked FROM order_lines WHERE order_id = $1`, ids[0])
	mustGet(t, s.owner, &scans, `SELECT count(*) FROM pick_scans WHERE task_id = $1`, task.ID)
	mustGet(t, s.owner, &moves, `SELECT count(*) FROM stock_movements WHERE kind = 'pick'`)
	if picked != 1 || scans != 1 || moves != 1 {
		t.Errorf("after a replayed scan: line picked %d, %d scans, %d pick movements; want 1 each", picked, scans, moves)
	}

	_, err = p.Confirm(ctx, "scan-0004", picking.Pick{Task: task.ID, Bin: "A-01", Item: "TEE-1", Qty: 3})
	wantErr(t, err, "Too many: 2 × TEE-1 at A-01 is all this task asks for, and 3 were scanned")
	if st := status(t, s.owner, ids[0]); st != "picking" {
		t.Errorf("order is %s, want picking", st)
	}

	st, err = p.Confirm(ctx, "scan-0005", picking.Pick{Task: task.ID, Bin: "A-01", Item: "TEE-1", Qty: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !st.BatchDone() || st.Status != "done" || st.Picked != 3 {
		t.Errorf("after the last pick: %+v", st)
	}
	if st := status(t, s.owner, ids[0]); st != "picked" {
		t.Errorf("order is %s, want picked", st)
	}
	_, err = p.Confirm(ctx, "scan-0006", picking.Pick{Task: task.ID, Bin: "A-01", Item: "TEE-1", Qty: 1})
	wantErr(t, err, "batch B-000001 is done already")
	if _, err := p.Claim(ctx, "", "RTM1", ""); !errors.Is(err, picking.ErrNoWork) {
		t.Errorf("claim with nothing left: %v, want ErrNoWork", err)
	}
	// Over-picking is the database's refusal too, whoever writes the task.
	_, err = s.owner.Exec(`UPDATE pick_tasks SET qty_picked = qty + 1 WHERE id = $1`, task.ID)
	wantErr(t, err, "pick_tasks_picked_in_range")
	checkClean(t, s.owner)
}

// Verification 'warn' records a mismatching scan and lets it through; a location's barcode and
// a GTIN scan match; 'none' checks nothing.
func TestVerificationSettings(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"B-01": {"CAP-1": 10}})
	s.orders(t, map[string]int64{"CAP-1": 3})
	s.release(t, "release-0001", 0)
	login, p, _ := s.picker(t)
	ctx := context.Background()
	b, err := p.Claim(ctx, login, "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]
	if _, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: "LOC0000B01", Item: "04006381333931", Qty: 1}); err != nil {
		t.Errorf("barcode and GTIN-14: %v", err)
	}
	mustExec(t, s.owner, `UPDATE warehouses SET verify_bin = 'warn', verify_item = 'none' WHERE code = 'RTM1'`)
	st, err := p.Confirm(ctx, "scan-0002", picking.Pick{Task: task.ID, Bin: "A-01", Item: "whatever", Qty: 1})
	if err != nil || !slices.Equal(st.Warnings, []string{"Wrong bin: A-01, go to B-01"}) {
		t.Errorf("a warned scan: %+v, %v", st, err)
	}
	var warned string
	mustGet(t, s.owner, &warned, `SELECT array_to_string(warnings, '|') FROM pick_scans WHERE command_key = 'scan-0002'`)
	if warned != "Wrong bin: A-01, go to B-01" {
		t.Errorf("the scan row says %q", warned)
	}
	checkClean(t, s.owner)
}
