package queue

import (
	"context"

	"oms/db/orders"
	"oms/tui/ui"
)

// Data is what the queue reads. *orders.Store implements it; the Go benchmarks use an
// in-memory one so that they measure drawing, not PostgreSQL.
type Data interface {
	QueuePage(ctx context.Context, req orders.PageRequest) ([]orders.QueueRow, error)
	QueueCounts(ctx context.Context, f orders.QueueFilter) (orders.StatusCounts, error)
	LoadLookups(ctx context.Context) (orders.Lookups, error)
	ExactMatch(ctx context.Context, text string) (orders.Match, bool, error)
}

// fetchKind says where a page goes in the window.
type fetchKind int

const (
	fetchFirst   fetchKind = iota // replace the window with the first page
	fetchLast                     // replace the window with the last page
	fetchRefresh                  // replace the window in place, from its first row
	fetchNext                     // append the page after the window
	fetchPrev                     // prepend the page before the window
)

// pageWant is a page request as it was sent, built from the window at that moment.
type pageWant struct {
	kind  fetchKind
	req   orders.PageRequest
	limit int
}

type pagePayload struct {
	want pageWant
	rows []orders.QueueRow
}

type countsPayload struct {
	filter orders.QueueFilter
	counts orders.StatusCounts
}

// scanPayload is the answer to "does this search name exactly one order".
type scanPayload struct {
	text  string
	match orders.Match
	found bool
}

// fetchers are the queue's queries, each at most one in flight (ui.Fetcher).
type fetchers struct {
	pages   *ui.Fetcher[fetchKind, pagePayload]
	counts  *ui.Fetcher[struct{}, countsPayload]
	lookups *ui.Fetcher[struct{}, orders.Lookups]
	scan    *ui.Fetcher[string, scanPayload]
}

func (s *Screen) newFetchers() {
	data := s.data
	s.f.pages = ui.NewFetcher(s.ctx, s.id, "queue page", func(kind fetchKind) ui.Query[pagePayload] {
		w := s.pageWant(kind)
		r := w.req
		r.Limit = w.limit
		return func(ctx context.Context) (pagePayload, error) {
			rows, err := data.QueuePage(ctx, r)
			return pagePayload{want: w, rows: rows}, err
		}
	})
	// A queued jump to the first or last page fetches fresh rows anyway; a refresh or a step
	// wished for after it would only work on the window it is about to replace.
	s.f.pages.KeepQueued(func(queued, next fetchKind) bool { return jumps(next) || !jumps(queued) })
	s.f.counts = ui.NewFetcher(s.ctx, s.id, "queue counts", func(struct{}) ui.Query[countsPayload] {
		f := s.filter()
		return func(ctx context.Context) (countsPayload, error) {
			counts, err := data.QueueCounts(ctx, f)
			return countsPayload{filter: f, counts: counts}, err
		}
	})
	s.f.lookups = ui.NewFetcher(s.ctx, s.id, "channels and warehouses", func(struct{}) ui.Query[orders.Lookups] {
		return data.LoadLookups
	})
	s.f.scan = ui.NewFetcher(s.ctx, s.id, "scan match", func(text string) ui.Query[scanPayload] {
		return func(ctx context.Context) (scanPayload, error) {
			m, found, err := data.ExactMatch(ctx, text)
			return scanPayload{text: text, match: m, found: found}, err
		}
	})
}

func jumps(k fetchKind) bool { return k == fetchFirst || k == fetchLast }
