package ui

import (
	"context"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// InstanceID identifies one component instance for the lifetime of the program.
type InstanceID uint64

var lastInstance atomic.Uint64

// NewInstanceID returns an id no other component has.
func NewInstanceID() InstanceID { return InstanceID(lastInstance.Add(1)) }

// Requests numbers a component's requests so it can drop answers that are no longer the latest.
type Requests struct{ last uint64 }

// Next starts a new request and returns its number; older answers become stale.
func (r *Requests) Next() uint64 { r.last++; return r.last }

// Latest says whether n is the newest request started.
func (r *Requests) Latest(n uint64) bool { return n == r.last }

// Result carries the answer to one request back to the component that asked. The root routes
// it by To, whichever screen is showing; the component drops it unless Req is its latest.
type Result struct {
	To      InstanceID
	Req     uint64
	Payload any
	Err     error
}

// DefaultTimeout bounds every database call made from the UI.
const DefaultTimeout = 10 * time.Second

// Fetch returns a command that runs fn with a timeout and delivers its answer as a Result. fn
// must capture its parameters by value: it runs on another goroutine.
func Fetch(to InstanceID, req uint64, fn func(ctx context.Context) (any, error)) tea.Cmd {
	return func() tea.Msg {
		payload, err := WithDeadline(DefaultTimeout, fn)
		return Result{To: to, Req: req, Payload: payload, Err: err}
	}
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
		var zero T
		return zero, ctx.Err()
	}
}

// ChangedMsg tells the showing component that data it may show has changed in the database
// (another terminal, an import, psql): refetch what you show.
type ChangedMsg struct{}

// ClockMsg is sent to the showing component every second, so ages and due times stay current
// on a screen nobody touches.
type ClockMsg struct{}

// ActivatedMsg tells a component it has just become the one showing.
type ActivatedMsg struct{}

// OpenMsg asks the root to push a component on top of the current one (Back pops it).
type OpenMsg struct{ Component Component }

// StatusMsg puts a message in the status line until the next key press.
type StatusMsg struct {
	Text  string
	Error bool
}

// OpenOrderMsg asks the shell to open an order's detail over the current screen. Screens ask
// for other views by message, so no screen imports another.
type OpenOrderMsg struct {
	ID     int64
	Number string
}
