package db

import (
	"context"
	"fmt"
	"strings"
	"time"
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

// StatusOpen is the QueueFilter.Status that selects every open order (model.OrderStatus.Open).
const StatusOpen = "open"

// openStatusSQL is the open statuses as the partial indexes orders_open_* spell them, so the
// planner can use those indexes; TestOpenStatusSQLMatchesModel keeps it in step with model.
const openStatusSQL = "o.status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'partially_shipped', 'on_hold')"

// QueueFilter narrows the queue. Zero values mean "all".
type QueueFilter struct {
	// Status is one status, StatusOpen, or "" for all.
	Status      string
	ChannelID   int64
	WarehouseID int64
	// Search matches an order number (with or without its prefix and zeros), a channel's
	// external id, or part of the customer's name.
	Search string
}

// QueueKey is a row's position in a sort order, for keyset paging.
type QueueKey struct {
	At time.Time
	ID int64
}

// QueueRow is one order as the queue shows it.
type QueueRow struct {
	ID           int64     `db:"id"`
	Number       string    `db:"number"`
	ExternalID   string    `db:"external_id"`
	Status       string    `db:"status"`
	Channel      string    `db:"channel"`
	Warehouse    string    `db:"warehouse"`
	CustomerName string    `db:"customer_name"`
	Currency     string    `db:"currency"`
	TotalMinor   int64     `db:"total_minor"`
	Lines        int       `db:"lines"`
	Units        int       `db:"units"`
	OrderedAt    time.Time `db:"ordered_at"`
	PromisedAt   time.Time `db:"promised_at"`
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

// QueuePage returns one page by keyset: no OFFSET, so the last page costs what the first does.
func (d *DB) QueuePage(ctx context.Context, req PageRequest) ([]QueueRow, error) {
	if req.Limit <= 0 || req.Limit > 500 {
		return nil, fmt.Errorf("page size %d out of range 1–500", req.Limit)
	}
	w := whereBuilder{}
	w.filter(req.Filter, true)
	col := req.Sort.column()
	backward := req.Before != nil || req.Last
	switch {
	case req.After != nil:
		w.add("("+col+", o.id) > (%s, %s)", req.After.At, req.After.ID)
	case req.From != nil:
		w.add("("+col+", o.id) >= (%s, %s)", req.From.At, req.From.ID)
	case req.Before != nil:
		w.add("("+col+", o.id) < (%s, %s)", req.Before.At, req.Before.ID)
	}
	dir := "ASC"
	if backward {
		dir = "DESC"
	}
	query := `
		SELECT o.id, o.number, o.external_id, o.status, c.code AS channel,
		       coalesce(wh.code, '') AS warehouse, o.customer_name, o.currency, o.total_minor,
		       l.lines, l.units, o.ordered_at, o.promised_at
		  FROM orders o
		  JOIN channels c ON c.id = o.channel_id
		  LEFT JOIN warehouses wh ON wh.id = o.warehouse_id
		 CROSS JOIN LATERAL (SELECT count(*) AS lines, coalesce(sum(qty_ordered - qty_cancelled), 0) AS units
		                       FROM order_lines WHERE order_id = o.id) l` +
		w.sql() + ` ORDER BY ` + col + ` ` + dir + `, o.id ` + dir + fmt.Sprintf(` LIMIT %d`, req.Limit)
	rows := make([]QueueRow, 0, req.Limit)
	if err := d.SelectContext(ctx, &rows, query, w.args...); err != nil {
		return nil, err
	}
	if backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	return rows, nil
}

// StatusCounts is the number of orders per status under a filter (its Status is ignored).
type StatusCounts map[string]int64

// Total is the number of orders in all statuses.
func (c StatusCounts) Total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// QueueCounts counts orders per status for the queue's summary line. Without a search the
// counts come from order_counts_live (folded counts plus pending deltas, kept by triggers);
// with one they are counted over the matching orders, which the search narrows down.
func (d *DB) QueueCounts(ctx context.Context, f QueueFilter) (StatusCounts, error) {
	w := whereBuilder{}
	query := `SELECT o.status, count(*) AS n FROM orders o`
	if strings.TrimSpace(f.Search) == "" {
		query = `SELECT o.status, sum(o.n)::bigint AS n FROM order_counts_live o`
		f.Search = ""
	}
	w.filter(f, false)
	var rows []struct {
		Status string `db:"status"`
		N      int64  `db:"n"`
	}
	if err := d.SelectContext(ctx, &rows, query+w.sql()+` GROUP BY o.status`, w.args...); err != nil {
		return nil, err
	}
	counts := make(StatusCounts, len(rows))
	for _, r := range rows {
		if r.N != 0 {
			counts[r.Status] = r.N
		}
	}
	return counts, nil
}

// whereBuilder joins fixed SQL fragments with bound values; user text never becomes SQL.
type whereBuilder struct {
	conds []string
	args  []any
}

// add appends a condition whose %s placeholders are replaced by bound parameters.
func (w *whereBuilder) add(fragment string, args ...any) {
	marks := make([]any, len(args))
	for i, a := range args {
		w.args = append(w.args, a)
		marks[i] = fmt.Sprintf("$%d", len(w.args))
	}
	w.conds = append(w.conds, fmt.Sprintf(fragment, marks...))
}

func (w *whereBuilder) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func (w *whereBuilder) filter(f QueueFilter, withStatus bool) {
	switch {
	case !withStatus || f.Status == "":
	case f.Status == StatusOpen:
		w.conds = append(w.conds, openStatusSQL)
	default:
		w.add("o.status = %s", f.Status)
	}
	if f.ChannelID != 0 {
		w.add("o.channel_id = %s", f.ChannelID)
	}
	if f.WarehouseID != 0 {
		w.add("o.warehouse_id = %s", f.WarehouseID)
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		w.add(`(o.number = upper(%s) OR o.external_id = %s
			OR o.number = (SELECT prefix || lpad(%s, width, '0') FROM number_series WHERE code = 'order')
			OR o.customer_name ILIKE %s)`, s, s, digitsOnly(s), "%"+escapeLike(s)+"%")
	}
}

// digitsOnly returns s if it is all digits (so "123" finds SO-0000123), else NULL (matches nothing).
func digitsOnly(s string) any {
	if len(s) > 12 {
		return nil
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return nil
		}
	}
	return s
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Lookup is a channel or warehouse as filters show them.
type Lookup struct {
	ID   int64  `db:"id"`
	Code string `db:"code"`
	Name string `db:"name"`
}

// Lookups are the small reference lists the screens cycle through.
type Lookups struct {
	Channels   []Lookup
	Warehouses []Lookup
}

// LoadLookups reads the active channels and warehouses.
func (d *DB) LoadLookups(ctx context.Context) (Lookups, error) {
	var l Lookups
	if err := d.SelectContext(ctx, &l.Channels, `SELECT id, code, name FROM channels WHERE active ORDER BY code`); err != nil {
		return l, err
	}
	err := d.SelectContext(ctx, &l.Warehouses, `SELECT id, code, name FROM warehouses WHERE active ORDER BY code`)
	return l, err
}

// Identity is who the session runs as, for the header and the audit trail.
type Identity struct {
	Login     string `db:"login"`
	Name      string `db:"name"`
	Job       string `db:"job"`
	Warehouse string `db:"warehouse"`
}

// Whoami reads the session's role and, when the role is a staff member, their name and place.
func (d *DB) Whoami(ctx context.Context) (Identity, error) {
	var id Identity
	err := d.GetContext(ctx, &id, `
		SELECT current_user AS login, coalesce(s.name, '') AS name, coalesce(s.job, '') AS job,
		       coalesce(w.code, '') AS warehouse
		  FROM (SELECT 1) one
		  LEFT JOIN staff s ON s.login = current_user AND s.active
		  LEFT JOIN warehouses w ON w.id = s.warehouse_id`)
	return id, err
}
