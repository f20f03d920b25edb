package tui

import (
	"context"
	"sync"
	"testing"
	"time"

	"oms/db"
)

// One process serving many sessions (the SSH server) polls the database once per interval
// however many sessions ask, and each session still hears about exactly the tables it watches.
func TestFeedSharesOnePollAmongSessions(t *testing.T) {
	d := seeded(t)
	ctx := context.Background()
	f := NewFeed(d, time.Hour) // nothing expires during the test: one poll serves every ask
	const sessions = 50
	orderWatchers, pickWatchers := make([]db.Snapshot, sessions), make([]db.Snapshot, sessions)
	askAll := func(snaps []db.Snapshot, watch db.TableSet) []db.TableSet {
		out := make([]db.TableSet, len(snaps))
		var wg sync.WaitGroup
		for i := range snaps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := f.Poll(ctx, snaps[i], watch)
				if err != nil {
					t.Error(err)
				}
				snaps[i], out[i] = a.Snap, a.Changed
			}()
		}
		wg.Wait()
		return out
	}
	askAll(orderWatchers, db.SetOf(db.OpenOrders))
	askAll(pickWatchers, db.SetOf(db.PickTasks))
	if q := f.Queries(); q != 1 {
		t.Fatalf("%d sessions' first polls asked the database %d times, want once", 2*sessions, q)
	}

	if _, err := d.Exec(`UPDATE orders SET status = 'on_hold', on_hold = true, hold_reason = 'HOLD_FRAUD'
		WHERE id = (SELECT min(id) FROM orders WHERE status = 'backordered')`); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.at = time.Time{} // the interval has passed
	f.mu.Unlock()
	for i, changed := range askAll(orderWatchers, db.SetOf(db.OpenOrders)) {
		if changed != db.SetOf(db.OpenOrders) {
			t.Fatalf("order session %d heard %v, want open orders", i, changed)
		}
	}
	for i, changed := range askAll(pickWatchers, db.SetOf(db.PickTasks)) {
		if changed != 0 {
			t.Fatalf("pick session %d heard %v of an order change", i, changed)
		}
	}
	if q := f.Queries(); q != 2 {
		t.Fatalf("after one change the feed asked %d times in all, want 2", q)
	}
	// Asked again with the snapshots just returned: nothing new.
	for i, changed := range askAll(orderWatchers, db.SetOf(db.OpenOrders)) {
		if changed != 0 {
			t.Fatalf("order session %d heard %v twice", i, changed)
		}
	}
}
