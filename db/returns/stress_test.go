package returns_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lib/pq"

	"oms/db/alloc"
	"oms/db/picking"
	"oms/db/returns"
	"oms/model"
)

// Returns mixed with picks and allocations. Forty orders of a tee ship and take every tee there
// was; twenty more orders for 39 tees wait for stock (backordered), and twenty orders of a mug
// are released for picking. Then at once: three returns clerks take the forty tees back (open,
// receive, grade — three in four resaleable and restocked into A-01, the rest damaged and
// scrapped — and refund), two pickers pick the mugs, and the back office's allocator follows the
// restocks (wake-ups → waiting orders → allocation) until the returns are done; then it drains
// what is left. Afterwards oms check is clean, a restock released exactly the backorders it could
// serve (units allocated to them = min(units they wait for, units restocked + free stock)), every
// restocked unit sits in a bin or is reserved by one of them, no RMA line received more than it
// asked, and every refund has its credit note.
func TestReturnsMixedWithPicksAndAllocations(t *testing.T) {
	t.Parallel()
	const shippedOrders, backorders, mugOrders, clerks, pickers = 40, 20, 20, 3, 2
	d := newDesk(t)
	ctx := context.Background()
	start := time.Now()
	shipped := partlyShipped(t, d.Floor, "SHIP", 0, map[string]int64{"TEE-1": 1}, "", shippedOrders)
	t.Logf("%d orders shipped in %v", len(shipped), time.Since(start).Round(time.Millisecond))

	var want []map[string]int64
	for i := range backorders {
		want = append(want, map[string]int64{"TEE-1": int64(1 + i%3)})
	}
	waitingIDs := importOrders(t, d.Floor, "WAIT", want...)
	a := alloc.New(d.Clerk)
	if _, err := a.AllocateMany(ctx, waitingIDs, false); err != nil {
		t.Fatal(err)
	}
	type tees struct {
		Open      int64 `db:"open"`      // units the formerly backordered orders want
		Allocated int64 `db:"allocated"` // of which allocated
		Free      int64 `db:"free"`      // tees in RTM1's bins reserved by nobody (the store's shelf serves its till)
		OnHand    int64 `db:"on_hand"`   // tees in RTM1's bins
	}
	teesNow := func() tees {
		var x tees
		mustGet(t, d.Owner, &x, `
			SELECT (SELECT coalesce(sum(l.qty_ordered - l.qty_cancelled), 0) FROM order_lines l WHERE l.order_id = ANY($1)) AS open,
			       (SELECT coalesce(sum(l.qty_allocated), 0) FROM order_lines l WHERE l.order_id = ANY($1)) AS allocated,
			       (SELECT coalesce(sum(b.on_hand - b.reserved), 0) FROM stock_balances b JOIN locations c ON c.id = b.location_id
			         JOIN warehouses w ON w.id = c.warehouse_id JOIN products p ON p.id = b.product_id
			         WHERE p.sku = 'TEE-1' AND c.kind = 'bin' AND w.code = 'RTM1') AS free,
			       (SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations c ON c.id = b.location_id
			         JOIN warehouses w ON w.id = c.warehouse_id JOIN products p ON p.id = b.product_id
			         WHERE p.sku = 'TEE-1' AND c.kind = 'bin' AND w.code = 'RTM1') AS on_hand`,
			pq.Array(waitingIDs))
		return x
	}
	before := teesNow()
	if before.Open != 39 || before.Allocated == before.Open {
		t.Fatalf("before the returns: %+v; want 39 tees waiting, not all allocated", before)
	}

	var mugs []map[string]int64
	for range mugOrders {
		mugs = append(mugs, map[string]int64{"MUG-1": 1})
	}
	mugIDs := importOrders(t, d.Floor, "MUG", mugs...)
	if _, err := a.AllocateMany(ctx, mugIDs, false); err != nil {
		t.Fatal(err)
	}
	if _, err := picking.New(d.Clerk).Release(ctx, "", picking.ReleaseOptions{Warehouse: "RTM1", MaxOrders: 2}); err != nil {
		t.Fatal(err)
	}

	var restocked, scrapped, refunds, picks, allocations, rounds atomic.Int64
	errs := make(chan error, clerks+pickers+1)
	var returnsWG, pickWG sync.WaitGroup
	for c := range clerks {
		st, _ := returnsClerk(t, d.Floor, fmt.Sprintf("Clerk %d", c))
		returnsWG.Add(1)
		go func() {
			defer returnsWG.Done()
			for i := c; i < len(shipped); i += clerks {
				if err := takeBack(ctx, st, shipped[i], i, &restocked, &scrapped, &refunds); err != nil {
					errs <- fmt.Errorf("clerk %d, order %d: %w", c, shipped[i], err)
					return
				}
			}
			errs <- nil
		}()
	}
	for p := range pickers {
		pk, _ := newPicker(t, d.Floor)
		pickWG.Add(1)
		go func() {
			defer pickWG.Done()
			errs <- pickMugs(ctx, pk, p, &picks)
		}()
	}
	returnsDone := make(chan struct{})
	allocated := make(chan error, 1)
	go func() {
		for {
			n, err := followOnce(ctx, a)
			if err != nil {
				allocated <- err
				return
			}
			allocations.Add(int64(n))
			rounds.Add(1)
			select {
			case <-returnsDone:
				allocated <- nil
				return
			case <-time.After(5 * time.Millisecond): // pacing the follower, as its ticker does
			}
		}
	}()
	returnsWG.Wait()
	close(returnsDone)
	pickWG.Wait()
	for range clerks + pickers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-allocated; err != nil {
		t.Fatalf("the allocator: %v", err)
	}
	n, err := followOnce(ctx, a) // drains the wake-ups of the last restocks
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d restocked, %d scrapped, %d refunds, %d picks; the allocator allocated %d orders meanwhile in %d rounds, %d when draining; %v in all",
		restocked.Load(), scrapped.Load(), refunds.Load(), picks.Load(), allocations.Load(), rounds.Load(), n, time.Since(start).Round(time.Millisecond))

	checkClean(t, d.Owner)
	after := teesNow()
	r := restocked.Load()
	var inRMAs int64
	mustGet(t, d.Owner, &inRMAs, `SELECT coalesce(sum(qty), 0) FROM rma_receipts WHERE disposition = 'restock'`)
	if inRMAs != r || r == 0 || scrapped.Load() == 0 {
		t.Fatalf("the inspections restocked %d tees; the clerks %d (and scrapped %d)", inRMAs, r, scrapped.Load())
	}
	// A restock releases exactly the backorders it can serve.
	served := min(before.Open, before.Allocated+before.Free+r)
	if after.Allocated != served {
		t.Errorf("the formerly backordered orders have %d tees allocated; want min(%d waiting, %d allocated before + %d free + %d restocked) = %d",
			after.Allocated, before.Open, before.Allocated, before.Free, r, served)
	}
	// Every restocked unit sits in a bin, reserved by one of them or free.
	if after.OnHand != before.OnHand+r || after.Free != before.Free+r-(after.Allocated-before.Allocated) {
		t.Errorf("tees in bins: %+v before, %+v after %d restocked", before, after, r)
	}
	var over, unlinked, refundCount, mugsLeft int64
	mustGet(t, d.Owner, &over, `SELECT count(*) FROM rma_lines WHERE qty_received > qty_requested`)
	mustGet(t, d.Owner, &unlinked, `SELECT count(*) FROM refunds f LEFT JOIN invoices i ON i.id = f.credit_note_id
		WHERE i.id IS NULL OR i.kind <> 'credit_note'`)
	mustGet(t, d.Owner, &refundCount, `SELECT count(*) FROM refunds`)
	mustGet(t, d.Owner, &mugsLeft, `SELECT count(*) FROM orders WHERE id = ANY($1) AND status <> 'picked'`, pq.Array(mugIDs))
	if over != 0 || unlinked != 0 || refundCount != shippedOrders || refunds.Load() != shippedOrders || mugsLeft != 0 {
		t.Errorf("%d RMA lines received more than asked, %d of %d refunds without a credit note, %d mug orders not picked",
			over, unlinked, refundCount, mugsLeft)
	}
	var open int64
	mustGet(t, d.Owner, &open, `SELECT count(*) FROM rmas WHERE status <> 'closed'`)
	if open != 0 {
		t.Errorf("%d RMAs not closed after their refunds", open)
	}
}

// takeBack is one customer's tee coming back: the RMA opened, the parcel received, the tee
// graded (three in four resaleable and restocked into A-01, the rest damaged and scrapped) and
// refunded.
func takeBack(ctx context.Context, st *returns.Store, order int64, i int, restocked, scrapped, refunds *atomic.Int64) error {
	o, err := st.Order(ctx, order)
	if err != nil {
		return err
	}
	r, err := st.Open(ctx, fmt.Sprintf("stress-open-%d", order), returns.OpenRequest{Order: order, Wish: model.WishRefund,
		Lines: []returns.OpenLine{{Line: o.Lines[0].ID, Qty: 1, Reason: "RET_SIZE"}}})
	if err != nil {
		return fmt.Errorf("opening: %w", err)
	}
	if _, err := st.ReceiveParcel(ctx, fmt.Sprintf("stress-receive-%d", order), r.ID, r.Tracking); err != nil {
		return fmt.Errorf("receiving: %w", err)
	}
	g := returns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock", Bin: "A-01"}
	if i%4 == 3 {
		g.Grade, g.Disposition, g.Bin = "C", "scrap", ""
	}
	if _, err := st.Inspect(ctx, fmt.Sprintf("stress-inspect-%d", order), g); err != nil {
		return fmt.Errorf("inspecting: %w", err)
	}
	if g.Disposition == "restock" {
		restocked.Add(1)
	} else {
		scrapped.Add(1)
	}
	paid, err := st.Refund(ctx, fmt.Sprintf("stress-refund-%d", order), returns.RefundRequest{RMA: r.ID, Method: "original_payment"})
	if err != nil {
		return fmt.Errorf("refunding: %w", err)
	}
	if paid.Amount != 1000 || len(paid.CreditNotes) != 1 {
		return fmt.Errorf("refunded %+v; want 10.00 with a credit note", paid)
	}
	refunds.Add(1)
	return nil
}

// pickMugs claims batches until none is left and picks every task.
func pickMugs(ctx context.Context, pk *picking.Store, picker int, picks *atomic.Int64) error {
	for n := 0; ; n++ {
		b, err := pk.Claim(ctx, "", "RTM1", fmt.Sprintf("M%d-%d", picker, n))
		if errors.Is(err, picking.ErrNoWork) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("claiming: %w", err)
		}
		for _, task := range b.Tasks {
			if !task.Open() {
				continue
			}
			if _, err := pk.Confirm(ctx, "", picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: task.Remaining()}); err != nil {
				return fmt.Errorf("confirming: %w", err)
			}
			picks.Add(1)
		}
		if _, err := pk.Claim(ctx, "", "RTM1", ""); err != nil && !errors.Is(err, picking.ErrNoWork) {
			return err // this claim closes the finished batch (and may take the next)
		}
	}
}

// followOnce is one round of `oms allocate --follow`: the wake-ups taken, the orders waiting for
// their products allocated. It returns how many orders it allocated.
func followOnce(ctx context.Context, a *alloc.Store) (int, error) {
	products, err := a.TakeWakeups(ctx, 100)
	if err != nil || len(products) == 0 {
		return 0, err
	}
	ids, err := a.Waiting(ctx, alloc.Filter{Products: products})
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	rs, err := a.AllocateMany(ctx, ids, false)
	n := 0
	for _, r := range rs {
		if r.Reserved > 0 {
			n++
		}
	}
	return n, err
}
