package picking_test

import (
	"context"
	"testing"

	"oms/db/picking"
)

// A short pick re-tasks the remainder to another bin with free stock, in the same batch, and
// flags the bin for a count; the picker then picks it there.
func TestAShortPickIsReTaskedToAnotherBinAndFlagsTheBin(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 3}, "A-02": {"TEE-1": 5}})
	ids := s.orders(t, map[string]int64{"TEE-1": 3})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	task := b.Tasks[0]
	if task.Bin != "A-01" || task.Qty != 3 {
		t.Fatalf("task %+v", task)
	}
	if _, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: task.ID, Bin: "A-01", Item: "TEE-1", Qty: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = p.Short(ctx, "short-0001", task.ID, "NO_REASON")
	wantErr(t, err, "NO_REASON is not a short-pick reason: choose one of SHORT_DAMAGED, SHORT_EMPTY")

	r, err := p.Short(ctx, "short-0002", task.ID, "SHORT_EMPTY")
	if err != nil {
		t.Fatal(err)
	}
	if r.Short != 2 || r.Retasked != 2 || r.Backordered != 0 || len(r.NewTasks) != 1 || r.BatchDone() ||
		r.Sentence != "short pick of 2 × TEE-1 at A-01 (Bin empty): re-tasked 2 × TEE-1 at A-02" {
		t.Fatalf("short: %+v", r)
	}
	replay, err := p.Short(ctx, "short-0002", task.ID, "SHORT_EMPTY")
	if err != nil || replay.Sentence != r.Sentence || len(replay.NewTasks) != 1 {
		t.Errorf("a replayed short: %+v, %v", replay, err)
	}
	var flags int
	mustGet(t, s.owner, &flags, `SELECT count(*) FROM count_flags f JOIN locations l ON l.id = f.location_id
		WHERE l.code = 'A-01' AND f.reason_code = 'SHORT_EMPTY' AND f.resolved_at IS NULL`)
	if flags != 1 {
		t.Errorf("%d count flags on A-01, want 1", flags)
	}
	b, err = p.Claim(ctx, "", "RTM1", "")
	if err != nil {
		t.Fatal(err)
	}
	next, ok := b.Next()
	if !ok || next.ID != r.NewTasks[0] || next.Bin != "A-02" || next.Qty != 2 {
		t.Fatalf("the next task is %+v", next)
	}
	if st := pickAll(t, p, b, "pick"); !st.BatchDone() {
		t.Errorf("after the re-tasked pick: %+v", st)
	}
	if got := status(t, s.owner, ids[0]); got != "picked" {
		t.Errorf("the order is %s, want picked", got)
	}
	checkClean(t, s.owner)
}

// With no other bin holding free stock, the remainder is de-allocated: the order is
// backordered, the batch closes, the bin is flagged.
func TestAShortPickWithoutStockElsewhereBackordersTheLine(t *testing.T) {
	t.Parallel()
	s := newShop(t, map[string]map[string]int{"A-01": {"TEE-1": 2, "MUG-1": 1}})
	ids := s.orders(t, map[string]int64{"TEE-1": 2, "MUG-1": 1})
	s.release(t, "release-0001", 0)
	ctx := context.Background()
	_, p, _ := s.picker(t)
	b, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		t.Fatal(err)
	}
	var tee, mug picking.Task
	for _, task := range b.Tasks {
		if task.SKU == "TEE-1" {
			tee = task
		} else {
			mug = task
		}
	}
	if _, err := p.Confirm(ctx, "scan-0001", picking.Pick{Task: mug.ID, Bin: "A-01", Item: "MUG-1", Qty: 1}); err != nil {
		t.Fatal(err)
	}
	r, err := p.Short(ctx, "short-0001", tee.ID, "SHORT_DAMAGED")
	if err != nil {
		t.Fatal(err)
	}
	if r.Short != 2 || r.Retasked != 0 || r.Backordered != 2 || !r.BatchDone() ||
		r.Sentence != "short pick of 2 × TEE-1 at A-01 (Item damaged in bin): backordered 2 × TEE-1" {
		t.Errorf("short: %+v", r)
	}
	var allocated int
	mustGet(t, s.owner, &allocated, `SELECT qty_allocated FROM order_lines l JOIN products p ON p.id = l.product_id
		WHERE l.order_id = $1 AND p.sku = 'TEE-1'`, ids[0])
	if allocated != 0 {
		t.Errorf("TEE-1 has %d allocated after the short", allocated)
	}
	if got := status(t, s.owner, ids[0]); got != "picking" {
		t.Errorf("the order is %s, want picking (MUG-1 picked, TEE-1 waits)", got)
	}
	var history string
	mustGet(t, s.owner, &history, `SELECT message FROM events WHERE order_id = $1 AND kind = 'order.short_picked'`, ids[0])
	if history != r.Sentence {
		t.Errorf("the history says %q", history)
	}
	_, err = p.Confirm(ctx, "scan-0002", picking.Pick{Task: tee.ID, Bin: "A-01", Item: "TEE-1", Qty: 1})
	wantErr(t, err, "batch B-000001 is done already")
	checkClean(t, s.owner)
}
