package bench_test

import (
	"context"
	"testing"

	"oms/db/bench"
	"oms/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// TestStressLeavesEveryInvariantIntact is reliability.md's first proof at a size `go test` can
// afford (about a minute on two cores at most; `oms bench stress` runs 32 × 2,000): 32 workers
// hammer 5 SKUs and 3 bins with movements, reservations, picks, packs, shipments, invoices and
// credit notes. Afterwards no deadlock was seen and `oms check` finds nothing.
func TestStressLeavesEveryInvariantIntact(t *testing.T) {
	d := dbtest.New(t)
	rep, err := bench.Stress(context.Background(), d, bench.StressOptions{Workers: 32, Ops: 120})
	if err != nil {
		t.Fatalf("seed %d: %v", rep.Seed, err)
	}
	t.Logf("seed %d: done %v, refused %v, retries %+v, %s", rep.Seed, rep.Done, rep.Refused, rep.Retries, rep.Elapsed)
	for _, u := range rep.Unexpected {
		t.Errorf("seed %d: unexpected: %s", rep.Seed, u)
	}
	for _, v := range rep.Check.Violations {
		t.Errorf("seed %d: after the run, %s: %s", rep.Seed, v.Rule, v.Message)
	}
	if rep.Retries.Deadlocks > 0 || rep.ServerDeadlocks > 0 {
		t.Errorf("seed %d: %d deadlocks retried, %d seen by the server", rep.Seed, rep.Retries.Deadlocks, rep.ServerDeadlocks)
	}
	for _, op := range []string{"receive", "transfer", "reserve", "pick", "pack", "ship", "invoice"} {
		if rep.Done[op] == 0 {
			t.Errorf("seed %d: no %s succeeded, so the run proved little about it (done %v)", rep.Seed, op, rep.Done)
		}
	}
}
