package tui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"oms/db"
)

// Feed is one change-feed poller shared by every session of a process (the SSH server's
// handhelds): however many sessions ask, the database is asked at most once per freshness
// interval, and each session hears only about the tables it watches since its own last poll.
// Its Poll is a Poller.
type Feed struct {
	d     *db.DB
	fresh time.Duration

	mu      sync.Mutex
	entries []feedEntry   // the last polls, oldest first
	polling chan struct{} // closed when the poll running now answers; nil when none runs
	lastErr error         // the running or last poll's error
	at      time.Time     // when the newest entry was taken

	queries atomic.Int64
}

// feedEntry is one poll of every table: the snapshot it returned and what changed since the
// entry before it.
type feedEntry struct {
	snap    db.Snapshot
	changed db.TableSet
}

// feedHistory is how many polls a Feed remembers: a session that polls less often than that
// (backing off after an outage) asks the database itself once.
const feedHistory = 64

// allTables is what a Feed polls: every table, so it can answer any session.
var allTables = db.SetOf(db.Orders, db.OrderLines, db.PickTasks, db.Stock, db.RMAs, db.Counts, db.OpenOrders, db.Products,
	db.Imports, db.OrderExceptions, db.Invoices)

// NewFeed makes a feed on d whose answers are at most fresh old (LiveEvery is a good value).
func NewFeed(d *db.DB, fresh time.Duration) *Feed { return &Feed{d: d, fresh: fresh} }

// Queries is how many times the feed has asked the database.
func (f *Feed) Queries() int64 { return f.queries.Load() }

// Poll answers as db.ChangesSince would, from the shared polls.
func (f *Feed) Poll(ctx context.Context, since db.Snapshot, watch db.TableSet) (PollAnswer, error) {
	f.mu.Lock()
	for {
		if len(f.entries) > 0 && time.Since(f.at) < f.fresh {
			break
		}
		if f.polling == nil {
			f.startPoll()
		}
		wait := f.polling
		f.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return PollAnswer{Snap: since}, ctx.Err()
		}
		f.mu.Lock()
		if err := f.lastErr; err != nil {
			f.mu.Unlock()
			return PollAnswer{Snap: since}, err
		}
		break // the poll just answered: fresh enough, however long it took
	}
	defer f.mu.Unlock()
	latest := PollAnswer{Snap: f.entries[len(f.entries)-1].snap, At: f.at}
	if since == "" {
		latest.Changed = watch
		return latest, nil
	}
	var changed db.TableSet
	for i := len(f.entries) - 1; i >= 0; i-- {
		if f.entries[i].snap == since {
			latest.Changed = changed & watch
			return latest, nil
		}
		changed |= f.entries[i].changed
	}
	// Older than anything remembered: ask the database for this session alone.
	f.queries.Add(1)
	var err error
	_, latest.Changed, err = f.d.ChangesSince(ctx, since, watch)
	latest.At = time.Now()
	return latest, err
}

// startPoll runs one poll of every table in the background; f.mu is held.
func (f *Feed) startPoll() {
	done := make(chan struct{})
	f.polling = done
	var since db.Snapshot
	if n := len(f.entries); n > 0 {
		since = f.entries[n-1].snap
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), pollTimeout)
		defer cancel()
		f.queries.Add(1)
		snap, changed, err := f.d.ChangesSince(ctx, since, allTables)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.lastErr = err
		if err == nil {
			if since == "" {
				changed = 0 // the first entry is only a baseline
			}
			f.entries = append(f.entries, feedEntry{snap: snap, changed: changed})
			if len(f.entries) > feedHistory {
				f.entries = f.entries[len(f.entries)-feedHistory:]
			}
			f.at = time.Now()
		}
		f.polling = nil
		close(done)
	}()
}
