package export_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	dbexport "oms/db/export"
)

// ids are rows by table ("orders", "lines", "movements") and id, with how many times each was
// written (committed) or exported.
type ids map[string]map[int64]int

func newIDs() ids {
	return ids{"orders": {}, "lines": {}, "movements": {}}
}

func (s ids) add(o ids) {
	for table, m := range o {
		for id, n := range m {
			s[table][id] += n
		}
	}
}

// writeOne commits, in tx, a new order with one line and a receipt of one unit into bin: three
// new rows, each written once.
func (w *world) writeOne(t testing.TB, tx *sqlx.Tx, bin int64) ids {
	t.Helper()
	order, line := w.order(t, tx, 1)
	var move int64
	mustGet(t, tx, &move, `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		VALUES ($1, $2, $3, 1, 'receipt') RETURNING id`, w.mug, w.supplier, bin)
	return ids{"orders": {order: 1}, "lines": {line: 1}, "movements": {move: 1}}
}

// heldWriter is a writer whose transaction has written and waits to be told to commit.
type heldWriter struct {
	began  chan struct{} // closed when its rows are written (its transaction id is taken)
	commit chan struct{} // close to commit
	done   chan ids      // what it committed
}

func (w *world) startHeld(t *testing.T, bin int64) *heldWriter {
	h := &heldWriter{began: make(chan struct{}), commit: make(chan struct{}), done: make(chan ids, 1)}
	go func() {
		tx, err := w.owner.Beginx()
		if err != nil {
			t.Error(err)
			close(h.began)
			h.done <- newIDs()
			return
		}
		wrote := w.writeOne(t, tx, bin)
		close(h.began)
		<-h.commit
		if err := tx.Commit(); err != nil {
			t.Error(err)
			wrote = newIDs()
		}
		h.done <- wrote
	}()
	return h
}

// export reads orders, lines and movements after cursor in one export, running during after
// the snapshot is taken and before any row is read, and returns what it read and its cursor.
func (w *world) export(t *testing.T, after string, during func()) (ids, string) {
	t.Helper()
	ctx := context.Background()
	got := newIDs()
	cursor, err := dbexport.New(w.owner).Run(ctx, dbexport.Filter{After: after}, func(r *dbexport.Reader) error {
		if during != nil {
			during()
		}
		if err := r.Orders(ctx, func(o dbexport.Order) error { got["orders"][o.ID]++; return nil }); err != nil {
			return err
		}
		if err := r.Lines(ctx, func(l dbexport.Line) error { got["lines"][l.ID]++; return nil }); err != nil {
			return err
		}
		return r.Movements(ctx, func(m dbexport.Movement) error { got["movements"][m.ID]++; return nil })
	})
	if err != nil {
		t.Fatalf("export after %q: %v", after, err)
	}
	return got, cursor
}

// The cursor proof: exports run one after another, each after the previous one's cursor, while
// writers commit orders, lines and movements — some in transactions that began before an
// export took its snapshot and commit while it reads, some after it ended, some free-running
// all along, and some updating rows an earlier export already gave. Together the exports give
// every committed row exactly as often as it was committed, and nothing else.
func TestExportsAfterCursorsGiveEveryCommittedRowOnce(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	committed, exported := newIDs(), newIDs()
	var mu sync.Mutex
	record := func(s ids) {
		mu.Lock()
		committed.add(s)
		mu.Unlock()
	}

	base, cursor := w.export(t, "", nil)
	exported.add(base)
	committed.add(base) // what was there before: once each

	// Free-running writers commit as fast as they can until the rounds are over (at most 80
	// transactions each, which keeps the test quick and still spreads them over the rounds).
	stop := make(chan struct{})
	var free sync.WaitGroup
	for slot := range 4 {
		free.Go(func() {
			for range 80 {
				select {
				case <-stop:
					return
				default:
				}
				tx, err := w.owner.Beginx()
				if err != nil {
					t.Error(err)
					return
				}
				wrote := w.writeOne(t, tx, w.bins[20+slot])
				if err := tx.Commit(); err != nil {
					t.Error(err)
					return
				}
				record(wrote)
			}
		})
	}

	var oldOrders []int64
	for id := range base["orders"] {
		oldOrders = append(oldOrders, id)
	}
	sort.Slice(oldOrders, func(i, j int) bool { return oldOrders[i] < oldOrders[j] })

	for round := range 8 {
		// during: began before the snapshot, commits while the export reads.
		// after: began before the snapshot, commits once the export has ended.
		during, late := w.startHeld(t, w.bins[2*round]), w.startHeld(t, w.bins[2*round+1])
		<-during.began
		<-late.began
		// An update of a row an earlier export gave, held open across the snapshot as well.
		upd, err := w.owner.Beginx()
		if err != nil {
			t.Fatal(err)
		}
		if len(oldOrders) > round {
			mustExec(t, upd, `UPDATE orders SET notes = $2 WHERE id = $1`, oldOrders[round], fmt.Sprintf("round %d", round))
		}
		got, next := w.export(t, cursor, func() {
			close(during.commit)
			record(<-during.done)
			if len(oldOrders) > round {
				if err := upd.Commit(); err != nil {
					t.Error(err)
				}
				record(ids{"orders": {oldOrders[round]: 1}})
			} else {
				_ = upd.Rollback()
			}
		})
		exported.add(got)
		for table, m := range got {
			for id := range m {
				if base[table][id] > 0 && !(table == "orders" && len(oldOrders) > 0 && contains(oldOrders[:min(round, len(oldOrders))], id)) {
					t.Errorf("round %d: %s %d was exported before and has not changed since", round, table, id)
				}
			}
		}
		close(late.commit)
		record(<-late.done)
		cursor = next
	}
	close(stop)
	free.Wait()
	last, _ := w.export(t, cursor, nil)
	exported.add(last)

	for _, table := range []string{"orders", "lines", "movements"} {
		if len(committed[table]) < 10 {
			t.Errorf("%s: only %d rows committed; the proof needs writers that wrote", table, len(committed[table]))
		}
		for id, n := range committed[table] {
			if exported[table][id] != n {
				t.Errorf("%s %d: committed %d times, exported %d times", table, id, n, exported[table][id])
			}
		}
		for id, n := range exported[table] {
			if committed[table][id] == 0 {
				t.Errorf("%s %d: exported %d times and never committed", table, id, n)
			}
		}
	}
}

func contains(s []int64, v int64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
