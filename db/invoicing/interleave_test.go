package invoicing

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
)

// Two back-office clerks issue invoices for two orders in one series at once, stepped so that
// both are inside their transactions with their invoices written before either is numbered: the
// first numbers and holds the series row until it commits, the second waits for it (seen in
// pg_stat_activity), and then numbers. Neither fails or is rerun, and the numbers follow each
// other with no gap (the database numbers at commit, migration 00006).
func TestTwoInvoicersInOneSeriesLeaveNoGap(t *testing.T) {
	w := newShop(t)
	ctx := context.Background()
	a, _, la := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.mug, qty: 1, amount: 1000, tax: 210, rate: 210000}}})
	b, _, lb := w.order(t, orderSpec{channel: "web", lines: []line{{product: w.tea, qty: 2, amount: 800, tax: 72, rate: 90000}}})
	w.ship(t, la[0], w.mug, 1)
	w.ship(t, lb[0], w.tea, 2)

	reached := map[int64]chan string{a: make(chan string, 2), b: make(chan string, 2)}
	release := map[int64]chan struct{}{a: make(chan struct{}), b: make(chan struct{})}
	issueHook = func(stage string, order int64) {
		reached[order] <- stage
		<-release[order]
	}
	t.Cleanup(func() { issueHook = nil })
	clerkA, clerkB := dbtest.LoginAs(t, w.owner, "backoffice"), dbtest.LoginAs(t, w.owner, "backoffice")
	type result struct {
		order int64
		iss   Issued
		err   error
	}
	results := make(chan result, 2)
	for order, clerk := range map[int64]*Store{a: New(clerkA), b: New(clerkB)} {
		go func() {
			iss, err := clerk.IssueForOrder(ctx, "interleave-"+strconv.FormatInt(order, 10), order)
			results <- result{order, iss, err}
		}()
	}
	step := func(order int64, want string) {
		t.Helper()
		if got := <-reached[order]; got != want {
			t.Fatalf("order %d reached %q, want %q", order, got, want)
		}
	}
	step(a, "inserted")
	step(b, "inserted") // both inside their transactions, neither numbered
	release[a] <- struct{}{}
	step(a, "numbered") // A holds the series row until it commits
	release[b] <- struct{}{}
	dbtest.WaitForLockWaits(t, w.owner, 1) // B waits for it
	release[a] <- struct{}{}               // A commits
	step(b, "numbered")
	release[b] <- struct{}{}

	got := map[int64]Issued{}
	for range 2 {
		r := <-results
		if r.err != nil {
			t.Fatalf("order %d: %v", r.order, r.err)
		}
		got[r.order] = r.iss
	}
	seq := func(number string) int {
		n, err := strconv.Atoi(number[strings.LastIndex(number, "-")+1:])
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if seq(got[b].Number) != seq(got[a].Number)+1 {
		t.Fatalf("numbers %s then %s: not consecutive", got[a].Number, got[b].Number)
	}
	if ra, rb := clerkA.Retries(), clerkB.Retries(); ra != (db.RetryStats{}) || rb != (db.RetryStats{}) {
		t.Fatalf("reruns %+v and %+v, want none", ra, rb)
	}
	rep, err := w.owner.Check(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		t.Errorf("oms check: %s", v.Message)
	}
}
