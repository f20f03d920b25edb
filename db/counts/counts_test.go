package counts_test

import (
	"context"
	"strings"
	"testing"

	"oms/db/counts"
)

// A blind count of A-01 finds 37 tees where the books say 40: beyond the tolerance of 1, so
// someone else recounts; the recount agrees, and a supervisor who counted neither posts it.
// A-02's count matches and posts at once. The counter is never told what was expected.
func TestABlindCountWithARecountAndApproval(t *testing.T) {
	f := newFloor(t)
	ctx := context.Background()
	mustExec(t, f.Owner, `UPDATE warehouses SET count_tolerance_units = 1 WHERE code = 'RTM1'`)
	ann, _ := f.login(t, "Ann Counter", "stock")
	bob, _ := f.login(t, "Bob Counter", "stock")
	sup, _ := f.login(t, "Sam Super", "supervisor")
	tee, mug := f.product(t, "TEE-1"), f.product(t, "MUG-1")

	c, err := ann.Plan(ctx, "count-plan-1", counts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: "a-01, A-02"})
	if err != nil || c.Bins != 2 || !strings.HasPrefix(c.Number, "C-") {
		t.Fatalf("planning: %+v, %v", c, err)
	}
	if _, err := ann.Plan(ctx, "count-plan-2", counts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: "A-01 Z-99"}); err == nil ||
		!strings.Contains(err.Error(), "RTM1 has no bin Z-99") {
		t.Fatalf("planning an unknown bin: %v", err)
	}

	task, err := ann.Claim(ctx, "RTM1")
	if err != nil || task.Bin != "A-01" || !task.Blind() || task.Round != 1 {
		t.Fatalf("Ann's first bin: %+v, %v", task, err)
	}
	out, err := ann.Record(ctx, "count-rec-1", task.ID, []counts.Line{{Product: tee, Qty: 37}})
	if err != nil || out.Outcome != "recount" {
		t.Fatalf("Ann's count of A-01: %+v, %v", out, err)
	}
	// The same key again answers the same, applied once.
	if again, err := ann.Record(ctx, "count-rec-1", task.ID, []counts.Line{{Product: tee, Qty: 37}}); err != nil || again != out {
		t.Fatalf("the same record again: %+v, %v", again, err)
	}
	task2, err := ann.Claim(ctx, "RTM1")
	if err != nil || task2.Bin != "A-02" {
		t.Fatalf("Ann's next bin: %+v, %v (the recount of A-01 is not hers)", task2, err)
	}
	if out, err := ann.Record(ctx, "count-rec-2", task2.ID, []counts.Line{{Product: mug, Qty: 40}}); err != nil || out.Outcome != "posted" {
		t.Fatalf("Ann's count of A-02: %+v, %v", out, err)
	}
	if _, err := ann.Claim(ctx, "RTM1"); err != counts.ErrNoWork {
		t.Fatalf("Ann claims again: %v; want nothing (only her own recount is left)", err)
	}
	re, err := bob.Claim(ctx, "RTM1")
	if err != nil || re.Bin != "A-01" || re.Round != 2 {
		t.Fatalf("Bob's recount: %+v, %v", re, err)
	}
	if out, err := bob.Record(ctx, "count-rec-3", re.ID, []counts.Line{{Product: tee, Qty: 37}}); err != nil || out.Outcome != "review" {
		t.Fatalf("Bob's recount: %+v, %v", out, err)
	}
	if f.onHand(t, "A-01", "TEE-1") != 40 {
		t.Fatal("a count beyond tolerance posted before a supervisor decided")
	}

	if err := ann.Decide(ctx, "count-dec-0", counts.Decision{Task: re.ID, Approve: true}); err == nil ||
		!strings.Contains(err.Error(), "permission denied for function oms_count_decide") {
		t.Fatalf("a counter approving: %v", err)
	}
	revs, err := sup.Reviews(ctx, "RTM1")
	if err != nil || len(revs) != 1 || len(revs[0].Lines) != 1 {
		t.Fatalf("reviews %+v, %v", revs, err)
	}
	l := revs[0].Lines[0]
	if l.First != 37 || l.Counted != 37 || l.Expected != 40 || l.Variance != -3 || revs[0].FirstBy != "Ann Counter" || revs[0].CountedBy != "Bob Counter" {
		t.Fatalf("review line %+v of %+v", l, revs[0])
	}
	if err := sup.Decide(ctx, "count-dec-1", counts.Decision{Task: re.ID, Approve: true, Reasons: map[string]string{"*": "CNT_LOST"}}); err != nil {
		t.Fatal(err)
	}
	if n := f.onHand(t, "A-01", "TEE-1"); n != 37 {
		t.Fatalf("A-01 holds %d tees after the approval; want 37", n)
	}
	if c, _ = sup.Count(ctx, c.ID); c.Status != "posted" || c.Posted != 2 || c.Open != 0 {
		t.Fatalf("the count after: %+v", c)
	}
	checkClean(t, f.Owner)
}
