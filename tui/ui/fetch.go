package ui

import (
	"context"
	"log/slog"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// DefaultTimeout bounds every database call made from the UI.
const DefaultTimeout = 10 * time.Second

// Result carries the answer to one request back to the component that asked. The shell routes
// it by To, whichever screen is showing; the component hands it to its fetchers, and the one
// whose Query it is takes it. Query and Wish are set even when the call timed out and Payload
// is nil, so a time-out is an answer like any other and never leaves a fetch "in flight".
type Result struct {
	To      InstanceID
	Query   uint64 // which Fetcher asked
	Req     uint64 // which of its requests
	Wish    any    // what was asked, as the Fetcher's wish type
	Payload any    // the answer, as the Fetcher's answer type; nil on error
	Err     error
	Took    time.Duration
}

// Fetcher runs one kind of query for one component: at most one in flight, the latest wish
// queued while it runs (a burst of keys or change notices costs one query plus one more),
// and answers that are not the latest request dropped. W is what the component wishes for
// (a page relative to its window, an order id); T is the answer.
//
// Every screen uses it, so the rules that keep a screen honest under a slow or frozen
// database live in one place.
type Fetcher[W, T any] struct {
	name     string
	to       InstanceID
	query    uint64
	log      *slog.Logger
	prepare  func(w W) Query[T]
	replaces func(queued, next W) bool
	ctx      *Context // its Timeout is read when a query is sent

	inFlight bool
	queued   *W
	last     uint64
}

// NewFetcher makes a fetcher for component to, named for the log ("queue page"). prepare
// runs on the UI's goroutine when a wish is sent, so it may read the component as it is then
// (its window, its filters); the query it returns runs on another goroutine and must capture
// what it needs by value.
func NewFetcher[W, T any](c *Context, to InstanceID, name string, prepare func(w W) Query[T]) *Fetcher[W, T] {
	return &Fetcher[W, T]{name: name, to: to, query: nextQuery(), log: c.Logger(), prepare: prepare, ctx: c}
}

func nextQuery() uint64 { return uint64(NewInstanceID()) }

// KeepQueued sets the rule for a wish that arrives while another is queued: replaces says
// whether next takes the queued wish's place. By default the latest always does.
func (f *Fetcher[W, T]) KeepQueued(replaces func(queued, next W) bool) { f.replaces = replaces }

// InFlight says whether a query is running.
func (f *Fetcher[W, T]) InFlight() bool { return f.inFlight }

// Want asks for w: sent now if nothing is in flight, otherwise queued.
func (f *Fetcher[W, T]) Want(w W) tea.Cmd {
	if f.inFlight {
		if f.queued == nil || f.replaces == nil || f.replaces(*f.queued, w) {
			f.queued = &w
		}
		return nil
	}
	return f.send(w)
}

func (f *Fetcher[W, T]) send(w W) tea.Cmd {
	f.inFlight = true
	f.last++
	timeout := f.ctx.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	to, query, req, run := f.to, f.query, f.last, f.prepare(w)
	return func() tea.Msg {
		start := time.Now()
		v, err := WithDeadline(timeout, run)
		return Result{To: to, Query: query, Req: req, Wish: w, Payload: v, Err: err, Took: time.Since(start)}
	}
}

// Query is one database call as a fetcher runs it.
type Query[T any] func(ctx context.Context) (T, error)

// Answer is a Result taken by the fetcher that asked.
type Answer[W, T any] struct {
	Wish  W
	Value T
	Err   error
}

// Take handles r if it answers this fetcher: mine says so, ok says the answer is the latest
// and should be applied (an error is applied too: the screen marks itself stale), and next is
// the queued wish's query. A Result for another fetcher returns mine false and changes nothing.
func (f *Fetcher[W, T]) Take(r Result) (a Answer[W, T], mine, ok bool, next tea.Cmd) {
	if r.To != f.to || r.Query != f.query {
		return a, false, false, nil
	}
	a.Wish, _ = r.Wish.(W)
	a.Value, _ = r.Payload.(T)
	a.Err = r.Err
	if r.Req != f.last {
		f.log.Info("fetch dropped", "query", f.name, "req", r.Req, "latest", f.last)
		return a, true, false, nil
	}
	f.inFlight = false
	if r.Err != nil {
		f.log.Warn("fetch failed", "query", f.name, "took_ms", r.Took.Milliseconds(), "err", r.Err.Error())
	}
	if f.queued != nil {
		w := *f.queued
		f.queued = nil
		next = f.send(w)
	}
	return a, true, true, next
}

// WithDeadline runs fn with a context that ends after timeout, and returns when the context
// ends even if fn does not: a server that stops answering (frozen, or a network that drops
// packets) can keep a driver waiting on a socket long after its context ended, and the screen
// must say "stale" on time rather than wait with it. fn then finishes, unseen, on its own.
func WithDeadline[T any](timeout time.Duration, fn func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	type answer struct {
		v   T
		err error
	}
	done := make(chan answer, 1)
	go func() {
		defer cancel()
		v, err := fn(ctx)
		done <- answer{v, err}
	}()
	select {
	case a := <-done:
		return a.v, a.err
	case <-ctx.Done():
		// fn's goroutine cancels ctx itself once it has answered, so both cases can be ready
		// at once and select picks either: an answer that is there wins over the cancel.
		select {
		case a := <-done:
			return a.v, a.err
		default:
		}
		var zero T
		return zero, ctx.Err()
	}
}
