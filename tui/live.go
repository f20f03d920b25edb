package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/tui/ui"
)

// Poller asks the database which of the watched tables changed since a snapshot
// (db.DB.ChangesSince, or a Feed shared by many sessions).
type Poller func(ctx context.Context, since db.Snapshot, watch db.TableSet) (PollAnswer, error)

// PollAnswer is a poll's answer: the snapshot to poll from next, the watched tables changed
// since the last one, and when the database gave the answer. A read begun after At shows every
// change the answer reports (ui.ChangedMsg.Seen).
type PollAnswer struct {
	Snap    db.Snapshot
	Changed db.TableSet
	At      time.Time
}

// DirectFeed polls d itself: one session, one poll per tick.
func DirectFeed(d *db.DB) Poller {
	return func(ctx context.Context, since db.Snapshot, watch db.TableSet) (PollAnswer, error) {
		snap, changed, err := d.ChangesSince(ctx, since, watch)
		return PollAnswer{Snap: snap, Changed: changed, At: time.Now()}, err
	}
}

type (
	pollTickMsg   struct{}
	pollResultMsg struct {
		PollAnswer
		err error
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
// data was last known good. The poll's interval is the debounce: however many writes land
// between two polls, the showing screen is told once.
type liveState struct {
	poll     Poller
	every    time.Duration // 0: no ticker (tests drive polls with PollNow)
	snap     db.Snapshot
	inFlight bool
	online   bool
	lastGood time.Time
	seen     time.Time // when the database gave the last answer (PollAnswer.At)
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

// update handles a tick or a poll answer; changed is the watched tables the showing screen
// should refetch for.
func (l *liveState) update(msg tea.Msg, watch db.TableSet, now time.Time) (changed db.TableSet, cmd tea.Cmd, err error) {
	switch msg := msg.(type) {
	case pollTickMsg:
		if l.inFlight || l.poll == nil {
			return 0, nil, nil
		}
		l.inFlight = true
		since, poll := l.snap, l.poll
		return 0, func() tea.Msg {
			a, err := ui.WithDeadline(pollTimeout, func(ctx context.Context) (PollAnswer, error) {
				return poll(ctx, since, watch)
			})
			return pollResultMsg{PollAnswer: a, err: err}
		}, nil
	case pollResultMsg:
		l.inFlight = false
		if msg.err != nil {
			l.online = false
			l.failures++
			return 0, l.tick(l.backoff()), msg.err
		}
		recovered := !l.online
		l.snap, l.online, l.failures, l.lastGood, l.seen = msg.Snap, true, 0, now, msg.At
		// The first answer (no baseline yet) reports every watched table: a write that
		// committed between a screen's first load and this poll's snapshot would otherwise never
		// be shown. After an outage everything is refetched, whatever the feed says.
		if recovered {
			return watch | msg.Changed, l.tick(l.every), nil
		}
		return msg.Changed, l.tick(l.every), nil
	}
	return 0, nil, nil
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
