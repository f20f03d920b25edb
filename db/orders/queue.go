package orders

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"oms/model"
)

// QueueSort orders the order queue. Both orders put the most urgent first.
type QueueSort int

const (
	// ByAge lists the oldest orders first.
	ByAge QueueSort = iota
	// ByPromised lists the earliest promised dates first.
	ByPromised
)

// column is the sort key's column; an allowlist, never user text.
func (s QueueSort) column() string {
	if s == ByPromised {
		return "o.promised_at"
	}
	return "o.ordered_at"
}

// StatusFilter says which statuses the queue lists: StatusAll, StatusOpen, or one
// model.OrderStatus (OnlyStatus).
type StatusFilter string

const (
	// StatusAll lists orders in every status.
	StatusAll StatusFilter = ""
	// StatusOpen lists the open orders (model.OrderStatus.Open).
	StatusOpen StatusFilter = "open"
)

// OnlyStatus lists the orders in one status.
func OnlyStatus(s model.OrderStatus) StatusFilter { return StatusFilter(s) }

// sql is the filter's condition, "" for all. A single status is spelled as a literal, not a
// parameter: statuses differ wildly in size (shipped is most orders, picking a few hundred) and a
// prepared statement's generic plan cannot tell them apart (measured: 95 ms instead of 0.5 ms
// for a page of picking orders walked along orders_age). The literal is one of model's statuses,
// never user text.
func (f StatusFilter) sql() (string, error) {
	switch f {
	case StatusAll:
		return "", nil
	case StatusOpen:
		return openStatusSQL, nil
	}
	st, err := model.ParseOrderStatus(string(f))
	if err != nil || string(st) != string(f) {
		return "", fmt.Errorf("queue filter: unknown status %q", string(f))
	}
	return "o.status = '" + string(st) + "'", nil
}

// openStatusSQL is the open statuses as the partial indexes orders_open_* spell them, so the
// planner can use those indexes; TestOpenStatusSQLMatchesModel keeps it in step with model.
const openStatusSQL = "o.status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'on_hold')"

// QueueFilter narrows the queue. Zero values mean "all".
type QueueFilter struct {
	Status      StatusFilter
	ChannelID   int64
	WarehouseID int64
	// Unassigned keeps only orders no warehouse has been chosen for yet (pending and
	// backordered ones, mostly); WarehouseID must then be 0.
	Unassigned bool
	// Search finds orders by number (with or without its prefix and zeros), channel external
	// id, parcel tracking number, customer name (any part, accents and case ignored), e-mail,
	// phone number (its digits, from the end) or postcode.
	Search string
}

// QueueKey is a row's position in a sort order, for keyset paging.
type QueueKey struct {
	At time.Time
	ID int64
}

// QueueRow is one order as the queue shows it.
type QueueRow struct {
	ID           int64
	Number       string
	ExternalID   string
	Status       model.OrderStatus
	Channel      string // the channel's code
	Warehouse    string // the warehouse's code, "" while the order is not routed
	CustomerName string
	Total        model.Money
	Lines        int
	Units        int // ordered less cancelled, over all lines
	OrderedAt    time.Time
	PromisedAt   time.Time
}

// queueRow is a QueueRow as it is read.
type queueRow struct {
	ID           int64             `db:"id"`
	Number       string            `db:"number"`
	ExternalID   string            `db:"external_id"`
	Status       model.OrderStatus `db:"status"`
	Channel      string            `db:"channel"`
	Warehouse    string            `db:"warehouse"`
	CustomerName string            `db:"customer_name"`
	Currency     model.Currency    `db:"currency"`
	TotalMinor   int64             `db:"total_minor"`
	Lines        int               `db:"lines"`
	Units        int               `db:"units"`
	OrderedAt    time.Time         `db:"ordered_at"`
	PromisedAt   time.Time         `db:"promised_at"`
}

func (r *queueRow) row() QueueRow {
	return QueueRow{ID: r.ID, Number: r.Number, ExternalID: r.ExternalID, Status: r.Status,
		Channel: r.Channel, Warehouse: r.Warehouse, CustomerName: r.CustomerName,
		Total: model.Money{Minor: r.TotalMinor, Currency: r.Currency}, Lines: r.Lines, Units: r.Units,
		OrderedAt: r.OrderedAt, PromisedAt: r.PromisedAt}
}

// Key is the row's position in sort order s.
func (r QueueRow) Key(s QueueSort) QueueKey {
	if s == ByPromised {
		return QueueKey{At: r.PromisedAt, ID: r.ID}
	}
	return QueueKey{At: r.OrderedAt, ID: r.ID}
}

// PageRequest asks for one page of the queue. With no key it returns the first page (or the
// last, with Last); After and From page forward from a key, Before pages backward.
// Rows always come back in sort order.
type PageRequest struct {
	Filter QueueFilter
	Sort   QueueSort
	After  *QueueKey // rows strictly after this key
	From   *QueueKey // rows at or after this key (refreshing a window in place)
	Before *QueueKey // rows strictly before this key
	Last   bool      // the last page
	Limit  int
}

// MaxPage is the largest page QueuePage returns.
const MaxPage = 500

// QueuePage returns one page by keyset: no OFFSET, so the last page costs what the first does.
//
// Without a search the query is one of a few dozen fixed texts and runs as a statement prepared
// once per connection: a live queue repeats it on every change. Its LIMIT is written into the
// text, rounded up to a multiple of 10 (the extra rows are dropped here), because a generic plan
// cannot see a LIMIT parameter and would plan for a tenth of the table. A search runs unprepared:
// its best plan depends on what is searched for.
func (s *Store) QueuePage(ctx context.Context, req PageRequest) ([]QueueRow, error) {
	p, err := pageQuery(req)
	if err != nil {
		return nil, err
	}
	read := make([]queueRow, 0, p.limit)
	if p.searching {
		err = s.d.SelectContext(ctx, &read, p.sql, p.args...)
	} else {
		err = s.d.SelectPrepared(ctx, &read, p.sql, p.args...)
	}
	if err != nil {
		return nil, err
	}
	read = read[:min(len(read), req.Limit)]
	rows := make([]QueueRow, len(read))
	for i := range read {
		j := i
		if p.backward {
			j = len(read) - 1 - i
		}
		rows[j] = read[i].row()
	}
	return rows, nil
}

// page is a queue page's query.
type page struct {
	sql                 string
	args                []any
	limit               int // rows asked of the database: at least the request's
	searching, backward bool
}

func pageQuery(req PageRequest) (page, error) {
	if req.Limit <= 0 || req.Limit > MaxPage {
		return page{}, fmt.Errorf("page size %d out of range 1–%d", req.Limit, MaxPage)
	}
	w := whereBuilder{}
	if err := w.filter(req.Filter, true); err != nil {
		return page{}, err
	}
	col := req.Sort.column()
	p := page{backward: req.Before != nil || req.Last, searching: w.searching, limit: req.Limit}
	switch {
	case req.After != nil:
		w.add("("+col+", o.id) > (%s, %s)", req.After.At, req.After.ID)
	case req.From != nil:
		w.add("("+col+", o.id) >= (%s, %s)", req.From.At, req.From.ID)
	case req.Before != nil:
		w.add("("+col+", o.id) < (%s, %s)", req.Before.At, req.Before.ID)
	}
	dir := "ASC"
	if p.backward {
		dir = "DESC"
	}
	if !p.searching {
		p.limit = min((p.limit+9)/10*10, MaxPage)
	}
	// The page is chosen first and its lines summed after: a search's matches come from a
	// bitmap and are sorted, and summing the lines of all of them before the LIMIT cost 10 ms
	// for 350 matches at 200k orders.
	order := ` ORDER BY ` + col + ` ` + dir + `, o.id ` + dir
	p.sql = `
		SELECT o.id, o.number, o.external_id, o.status, c.code AS channel,
		       coalesce(wh.code, '') AS warehouse, o.customer_name, o.currency, o.total_minor,
		       l.lines, l.units, o.ordered_at, o.promised_at
		  FROM (SELECT o.id, o.number, o.external_id, o.status, o.channel_id, o.warehouse_id,
		               o.customer_name, o.currency, o.total_minor, o.ordered_at, o.promised_at
		          FROM orders o` + w.sql() + order + ` LIMIT ` + strconv.Itoa(p.limit) + `) o
		  JOIN channels c ON c.id = o.channel_id
		  LEFT JOIN warehouses wh ON wh.id = o.warehouse_id
		 CROSS JOIN LATERAL (SELECT count(*) AS lines, coalesce(sum(qty_ordered - qty_cancelled), 0) AS units
		                       FROM order_lines WHERE order_id = o.id) l` + order
	p.args = w.args
	return p, nil
}

// StatusCounts is the number of orders per status under a filter (its Status is ignored).
type StatusCounts struct {
	ByStatus map[model.OrderStatus]int64
	// Capped says a search matched more than SearchCountCap orders and counting stopped there:
	// each figure is then a lower bound ("at least"), and Total is SearchCountCap + 1.
	Capped bool
}

// Of is the number of orders in status st.
func (c StatusCounts) Of(st model.OrderStatus) int64 { return c.ByStatus[st] }

// Total is the number of orders in all statuses.
func (c StatusCounts) Total() int64 {
	var n int64
	for _, v := range c.ByStatus {
		n += v
	}
	return n
}

// SearchCountCap is how many matches of a search QueueCounts counts before it stops. A search
// for a common letter matches most orders; counting them all cost 14 ms at 200k orders on every
// refresh, for a figure nobody reads beyond "more than a thousand".
const SearchCountCap = 1000

// QueueCounts counts orders per status for the queue's summary line. Without a search the
// counts come from order_counts_live (folded counts plus pending deltas, kept by triggers), by a
// prepared statement; with one they are counted over at most SearchCountCap + 1 matching orders
// (Capped says when the cap was hit).
func (s *Store) QueueCounts(ctx context.Context, f QueueFilter) (StatusCounts, error) {
	var rows []struct {
		Status model.OrderStatus `db:"status"`
		N      int64             `db:"n"`
	}
	w := whereBuilder{}
	if strings.TrimSpace(f.Search) == "" {
		f.Search = ""
		if err := w.filter(f, false); err != nil {
			return StatusCounts{}, err
		}
		query := `SELECT o.status, sum(o.n)::bigint AS n FROM order_counts_live o` + w.sql() + ` GROUP BY o.status`
		if err := s.d.SelectPrepared(ctx, &rows, query, w.args...); err != nil {
			return StatusCounts{}, err
		}
	} else {
		if err := w.filter(f, false); err != nil {
			return StatusCounts{}, err
		}
		query := `SELECT m.status, count(*) AS n
		            FROM (SELECT o.status FROM orders o` + w.sql() + ` LIMIT ` + strconv.Itoa(SearchCountCap+1) + `) m
		           GROUP BY m.status`
		if err := s.d.SelectContext(ctx, &rows, query, w.args...); err != nil {
			return StatusCounts{}, err
		}
	}
	counts := StatusCounts{ByStatus: make(map[model.OrderStatus]int64, len(rows))}
	for _, r := range rows {
		if r.N != 0 {
			counts.ByStatus[r.Status] = r.N
		}
	}
	counts.Capped = w.searching && counts.Total() > SearchCountCap
	return counts, nil
}

// whereBuilder joins fixed SQL fragments with bound values; user text never becomes SQL.
type whereBuilder struct {
	conds     []string
	args      []any
	searching bool
}

// add appends a condition whose %s placeholders are replaced by bound parameters.
func (w *whereBuilder) add(fragment string, args ...any) {
	marks := make([]any, len(args))
	for i, a := range args {
		marks[i] = w.bind(a)
	}
	w.conds = append(w.conds, fmt.Sprintf(fragment, marks...))
}

// bind adds a parameter and returns its placeholder.
func (w *whereBuilder) bind(a any) string {
	w.args = append(w.args, a)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *whereBuilder) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func (w *whereBuilder) filter(f QueueFilter, withStatus bool) error {
	if withStatus {
		cond, err := f.Status.sql()
		if err != nil {
			return err
		}
		if cond != "" {
			w.conds = append(w.conds, cond)
		}
	}
	if f.ChannelID != 0 {
		w.add("o.channel_id = %s", f.ChannelID)
	}
	if f.WarehouseID != 0 {
		w.add("o.warehouse_id = %s", f.WarehouseID)
	}
	if f.Unassigned {
		w.conds = append(w.conds, "o.warehouse_id IS NULL")
	}
	if q := parseSearch(f.Search); q.text != "" {
		w.searching = true
		w.search(q)
	}
	return nil
}
