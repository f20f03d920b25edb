package floor

import (
	"context"
	"sync"
	"time"
)

// SharedBoard is Board shared by everyone on d's pool who reads the same window as the same
// person: a caller told at seen that something changed takes the read that began at or after
// seen, running or finished, and starts one only when there is none. A read that began after
// seen took its snapshot after every change committed before seen, so the caller misses
// nothing; and however many supervisor screens a server holds, the board is read about once per
// change notice instead of once per screen. A zero seen means now: a read of one's own, shared
// with whoever asks meanwhile.
//
// The read runs on its own, bounded by the first caller's deadline (30 s without one), so a
// caller that gives up does not fail the others; each caller waits only as long as its own ctx
// allows. A failed read is not kept: the next caller reads again.
func (s *Store) SharedBoard(ctx context.Context, w Window, seen time.Time) (Board, error) {
	if seen.IsZero() {
		seen = time.Now()
	}
	r := s.sharedReads().join(s, ctx, w, seen)
	select {
	case <-r.done:
		return r.board, r.err
	case <-ctx.Done():
		return Board{}, ctx.Err()
	}
}

// boardReads is the newest read of each window on one pool, running or finished.
type boardReads struct {
	mu     sync.Mutex
	newest map[boardKey]*boardRead
}

type boardKey struct {
	person     string // reads are shared only between handles of the same person
	day, since int64  // Window.Day and Since, in Unix nanoseconds
	warehouse  string
}

type boardRead struct {
	began time.Time     // before the read's snapshot was taken
	done  chan struct{} // closed when board and err are set
	board Board
	err   error
}

// keptReads is how long a finished read is remembered after it began; the window of a screen
// moves on each minute (ShiftStart), so older ones would never be asked for again.
const keptReads = 2 * time.Minute

type boardReadsKey struct{}

func (s *Store) sharedReads() *boardReads {
	return s.d.PoolValue(boardReadsKey{}, func() any { return &boardReads{newest: map[boardKey]*boardRead{}} }).(*boardReads)
}

// join returns the read a caller told of a change at seen may take, starting it if need be.
func (b *boardReads) join(s *Store, ctx context.Context, w Window, seen time.Time) *boardRead {
	k := boardKey{person: s.d.Person(), day: w.Day.UnixNano(), since: w.Since.UnixNano(), warehouse: w.Warehouse}
	b.mu.Lock()
	defer b.mu.Unlock()
	if r := b.newest[k]; r != nil && !r.began.Before(seen) && !r.failed() {
		return r
	}
	now := time.Now()
	for key, r := range b.newest {
		if now.Sub(r.began) > keptReads && r.finished() {
			delete(b.newest, key)
		}
	}
	r := &boardRead{began: now, done: make(chan struct{})}
	b.newest[k] = r
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	if dl, ok := ctx.Deadline(); ok {
		cancel()
		rctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), dl)
	}
	go func() {
		defer cancel()
		board, err := s.Board(rctx, w)
		b.mu.Lock()
		r.board, r.err = board, err
		close(r.done)
		b.mu.Unlock()
	}()
	return r
}

// finished and failed are asked with boardReads.mu held, under which done is closed.
func (r *boardRead) finished() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

func (r *boardRead) failed() bool { return r.finished() && r.err != nil }
