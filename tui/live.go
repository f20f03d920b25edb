package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/tui/ui"
)

// Poller asks the database whether anything the screens show changed since a snapshot
// (db.DB.ChangedSince).
type Poller func(ctx context.Context, since db.Snapshot) (db.Snapshot, bool, error)

// OrdersFeed polls d for changes to orders and their lines, which is what today's screens show.
func OrdersFeed(d *db.DB) Poller {
	return func(ctx context.Context, since db.Snapshot) (db.Snapshot, bool, error) {
		return d.ChangedSince(ctx, since, db.Orders, db.OrderLines)
	}
}

type (
	pollTickMsg   struct{}
	pollResultMsg struct {
		snap    db.Snapshot
		changed bool
		err     error
	}
	clockMsg struct{}
)

// PollNow is the message that makes the root poll the change feed at once; tests send it
// instead of waiting for the ticker.
func PollNow() tea.Msg { return pollTickMsg{} }

const (
	pollTimeout = 3 * time.Second
	maxBackoff  = 5 * time.Second
)

// liveState runs the change-feed poll: one poll at a time (the next is scheduled only when the
// last has answered), backing off while the database is unreachable, and remembering when the
// data was last known good.
type liveState struct {
	poll     Poller
	every    time.Duration // 0: no ticker (tests drive polls with PollNow)
	snap     db.Snapshot
	inFlight bool
	online   bool
	lastGood time.Time
	failures int
}

func newLiveState(p Poller, every time.Duration, now time.Time) liveState {
	return liveState{poll: p, every: every, online: true, lastGood: now}
}

func (l *liveState) start() tea.Cmd {
	if l.every == 0 || l.poll == nil {
		return nil
	}
	return l.tick(l.every)
}

func (l *liveState) tick(d time.Duration) tea.Cmd {
	if l.every == 0 {
		return nil
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return pollTickMsg{} })
}

// update handles a tick or a poll answer; changed says the showing screen should refetch.
func (l *liveState) update(msg tea.Msg, now time.Time) (changed bool, cmd tea.Cmd) {
	switch msg := msg.(type) {
	case pollTickMsg:
		if l.inFlight || l.poll == nil {
			return false, nil
		}
		l.inFlight = true
		since, poll := l.snap, l.poll
		return false, func() tea.Msg {
			type answer struct {
				snap    db.Snapshot
				changed bool
			}
			a, err := ui.WithDeadline(pollTimeout, func(ctx context.Context) (answer, error) {
				snap, changed, err := poll(ctx, since)
				return answer{snap, changed}, err
			})
			return pollResultMsg{snap: a.snap, changed: a.changed, err: err}
		}
	case pollResultMsg:
		l.inFlight = false
		if msg.err != nil {
			l.online = false
			l.failures++
			return false, l.tick(l.backoff())
		}
		recovered := !l.online
		l.snap, l.online, l.failures, l.lastGood = msg.snap, true, 0, now
		// The first answer (no baseline yet) counts as a change: a write that committed between
		// a screen's first load and this poll's snapshot would otherwise never be shown. After
		// an outage everything is refetched, whatever the feed says.
		return msg.changed || recovered, l.tick(l.every)
	}
	return false, nil
}

func (l *liveState) backoff() time.Duration {
	d := l.every << min(l.failures, 5)
	return min(d, maxBackoff)
}

// markOffline records that a screen's fetch failed for want of a connection.
func (l *liveState) markOffline() { l.online = false }

func (l *liveState) clockTick() tea.Cmd {
	if l.every == 0 {
		return nil
	}
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return clockMsg{} })
}
