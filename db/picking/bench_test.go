package picking_test

import (
	"context"
	"fmt"
	"testing"

	"oms/db/dbtest"
	"oms/db/picking"
)

// Benchmarks of a claim and a confirm, for comparing with raw SQL on the same data (BM4 and BM5
// of `oms bench` measure the same with many sessions). Claimed batches are put back in the
// queue with the timer stopped, so a pool of batches serves any b.N and leaves dead rows
// behind as real claims do.

func benchShop(b *testing.B, orders int, units int64) (*shop, *picking.Store, int64) {
	b.Helper()
	s := newShop(b, map[string]map[string]int{"A-01": {"TEE-1": int(units) * orders}})
	mustExec(b, s.owner, `UPDATE warehouses SET pick_mode = 'single' WHERE code = 'RTM1'`)
	var lines []map[string]int64
	for range orders {
		lines = append(lines, map[string]int64{"TEE-1": units})
	}
	s.orders(b, lines...)
	if _, err := s.rel.Release(context.Background(), "bench-release", picking.ReleaseOptions{Warehouse: "RTM1"}); err != nil {
		b.Fatal(err)
	}
	login, u := dbtest.NewLogin(b, s.owner, dbtest.Staff{Jobs: []string{"picker"}})
	var staff int64
	if err := s.owner.Get(&staff, `SELECT id FROM staff WHERE login = $1`, login); err != nil {
		b.Fatal(err)
	}
	return s, picking.New(dbtest.Open(b, u)), staff
}

func BenchmarkClaim(b *testing.B) {
	s, p, staff := benchShop(b, 64, 1)
	ctx := context.Background()
	requeue := func(id int64) {
		b.StopTimer()
		mustExec(b, s.owner, `UPDATE pick_batches SET status = 'ready', claimed_by = NULL, lease_expires_at = NULL WHERE id = $1`, id)
		b.StartTimer()
	}
	b.Run("raw", func(b *testing.B) {
		for b.Loop() {
			var id int64
			if err := s.owner.GetContext(ctx, &id, `
				UPDATE pick_batches SET status = 'claimed', claimed_by = $1, lease_expires_at = now() + interval '2 minutes'
				 WHERE id = (SELECT id FROM pick_batches WHERE status = 'ready' AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1')
				              ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED)
				RETURNING id`, staff); err != nil {
				b.Fatal(err)
			}
			requeue(id)
		}
	})
	b.Run("oms", func(b *testing.B) {
		for b.Loop() {
			batch, err := p.Claim(ctx, "", "RTM1", "T1")
			if err != nil {
				b.Fatal(err)
			}
			requeue(batch.ID)
		}
	})
}

func BenchmarkConfirm(b *testing.B) {
	_, p, _ := benchShop(b, 1, 1_000_000)
	ctx := context.Background()
	batch, err := p.Claim(ctx, "", "RTM1", "T1")
	if err != nil {
		b.Fatal(err)
	}
	task := batch.Tasks[0]
	n := 0
	for b.Loop() {
		n++
		if _, err := p.Confirm(ctx, fmt.Sprintf("bench-scan-%07d", n),
			picking.Pick{Task: task.ID, Bin: task.Bin, Item: task.SKU, Qty: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
