package queue

import (
	"context"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db/orders"
	"oms/tui/ui"
)

// fetchKind says where a page goes in the window.
type fetchKind int

const (
	fetchFirst   fetchKind = iota // replace the window with the first page
	fetchLast                     // replace the window with the last page
	fetchRefresh                  // replace the window in place, from its first row
	fetchNext                     // append the page after the window
	fetchPrev                     // prepend the page before the window
)

// pageWant is a page the screen wants; the request is built from it when it is sent.
type pageWant struct {
	kind  fetchKind
	req   orders.PageRequest
	limit int
}

type pagePayload struct {
	want pageWant
	rows []orders.QueueRow
}

type countsPayload struct{ counts orders.StatusCounts }

// fetcher keeps at most one query of each kind in flight, so refreshes never run two at a time
// and a burst of keys or changes costs one query plus one more with the latest wish. Wishes are
// kinds, not requests: the request is built from the window when it is sent.
type fetcher struct {
	inFlight bool
	queued   *fetchKind
	reqs     ui.Requests
}

// want asks for a page: sent now if nothing is in flight, otherwise queued, replacing any
// earlier queued wish (only the latest matters).
func (f *fetcher) want(kind fetchKind, send func(fetchKind, uint64) tea.Cmd) tea.Cmd {
	if f.inFlight {
		// A queued jump to the first or last page will fetch fresh rows anyway; a refresh or a
		// step wished for after it would only work on the window it is about to replace.
		if f.queued == nil || jumps(kind) || !jumps(*f.queued) {
			f.queued = &kind
		}
		return nil
	}
	f.inFlight = true
	return send(kind, f.reqs.Next())
}

func jumps(k fetchKind) bool { return k == fetchFirst || k == fetchLast }

// done marks the answer in; it returns the queued wish, if any, to send next.
func (f *fetcher) done() *fetchKind {
	f.inFlight = false
	q := f.queued
	f.queued = nil
	return q
}

func (s *Screen) sendPage(kind fetchKind, req uint64) tea.Cmd {
	store, w := s.ctx.Store, s.pageWant(kind)
	r := w.req
	r.Limit = w.limit
	return ui.Fetch(s.id, req, func(ctx context.Context) (any, error) {
		rows, err := store.QueuePage(ctx, r)
		return pagePayload{want: w, rows: rows}, err
	})
}

func (s *Screen) sendCounts(_ fetchKind, req uint64) tea.Cmd {
	store, f := s.ctx.Store, s.filter()
	return ui.Fetch(s.id, req, func(ctx context.Context) (any, error) {
		counts, err := store.QueueCounts(ctx, f)
		return countsPayload{counts: counts}, err
	})
}
