package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"oms/db/dbtest"
)

// TestPickingCasesRunClean runs pick-claim and scan-confirm end to end on small fixtures (the
// real ones take minutes to build): both paths commit, no point breaks an invariant or fails a
// transaction, and each case's own audit (batches claimed once, replayed keys applying nothing,
// picked within ordered, oms check) finds nothing. Speed is not asserted, nor is the decay of
// halves a fraction of a second long.
func TestPickingCasesRunClean(t *testing.T) {
	saved := []int{claimBatches, claimRawRows, scanOrders}
	savedDecay := decayTarget
	claimBatches, claimRawRows, scanOrders, decayTarget = 2_000, 50_000, 1_200, 0
	defer func() {
		claimBatches, claimRawRows, scanOrders, decayTarget = saved[0], saved[1], saved[2], savedDecay
	}()

	d := dbtest.New(t)
	cases, err := Select([]string{"picking"})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := Run(context.Background(), d, cases, Options{Clients: []int{3}, Duration: 600 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 {
		t.Fatalf("want a result for each case, got %+v", rs)
	}
	for _, r := range rs {
		if r.Broken() || r.OMSTxns == 0 || r.RawTxns == 0 {
			t.Errorf("%s: oms %d txns, raw %d txns, errors %d, lock timeouts %d, deadlocks %d, violations %v, messages %v",
				r.Name, r.OMSTxns, r.RawTxns, r.Errors, r.LockTimeouts, r.Deadlocks, r.Violations, r.Messages)
		}
		if r.Name == "pick-claim" && (len(r.Figures) != 2 || !strings.HasPrefix(r.Figures[0], "decay=") ||
			!strings.HasPrefix(r.Figures[1], "raw_decay=")) {
			t.Errorf("pick-claim's line should carry its decays: %v", r.Figures)
		}
	}
}
