package bench

import (
	"context"
	"fmt"
	"testing"
	"time"

	"oms/db/dbtest"
)

// TestAllocateCasesCountUnitsReserved runs allocate-hot and allocate-spread end to end on a small
// pool of orders: both paths commit, nothing breaks, and oms= counts what the baseline counts —
// units reserved, one a line in these fixtures — not orders: the units the oms path reported are
// the units its orders hold, and units/order= is between one and three lines.
func TestAllocateCasesCountUnitsReserved(t *testing.T) {
	saved := allocPool
	allocPool = 20_000
	defer func() { allocPool = saved }()

	d := dbtest.New(t)
	cases, err := Select([]string{"allocate"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rs, err := Run(ctx, d, cases, Options{Clients: []int{3}, Duration: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("want a result for each case, got %+v", rs)
	}
	for i, r := range rs {
		tag := fmt.Sprintf("B%d", i+1) // Run tags the cases' fixtures in turn
		if r.Broken() || r.OMSTxns == 0 || r.RawTxns == 0 {
			t.Fatalf("%s: oms %d txns, raw %d txns, errors %d, deadlocks %d, violations %v, messages %v",
				r.Name, r.OMSTxns, r.RawTxns, r.Errors, r.Deadlocks, r.Violations, r.Messages)
		}
		var held, orders int64
		if err := d.QueryRowContext(ctx, `
			SELECT coalesce(sum(l.qty_allocated), 0), count(DISTINCT l.order_id) FILTER (WHERE l.qty_allocated > 0)
			  FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN channels c ON c.id = o.channel_id
			 WHERE c.name = 'Bench allocation ' || $1`, tag).Scan(&held, &orders); err != nil {
			t.Fatal(err)
		}
		if r.OMSUnits != held {
			t.Errorf("%s: oms counted %d units, but its orders hold %d (%d orders, %d transactions)",
				r.Name, r.OMSUnits, held, orders, r.OMSTxns)
		}
		want := fmt.Sprintf("units/order=%.2f", float64(held)/float64(orders))
		if len(r.Figures) != 1 || r.Figures[0] != want || held < orders || held > 3*orders {
			t.Errorf("%s: figures %v, want %s (%d units over %d orders)", r.Name, r.Figures, want, held, orders)
		}
	}
}
