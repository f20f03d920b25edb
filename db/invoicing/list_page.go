package invoicing

import (
	"context"
	"slices"
	"strings"
	"time"

	"oms/db"
)

// Pages of issued documents for a screen: newest first, by keyset on (issued_at, id), so a page
// deep in a million documents costs what the first one does (no OFFSET).

// PageCursor is a document's place in the newest-first order.
type PageCursor struct {
	IssuedAt time.Time
	ID       int64
}

// PageRequest asks for up to Limit documents matching Filter: the newest (no cursor), those
// older than After (the next page), those newer than Before (the previous page, still returned
// newest first), or From and older (a refresh of a window starting at From).
type PageRequest struct {
	Filter              ListFilter
	After, Before, From *PageCursor
	Limit               int
}

// PageRow is one document of a page: what a list shows of it.
type PageRow struct {
	ID          int64     `db:"id"`
	Number      string    `db:"number"`
	Kind        Kind      `db:"kind"`
	Series      string    `db:"series"`
	IssuedAt    time.Time `db:"issued_at"`
	OrderID     int64     `db:"order_id"`
	OrderNumber string    `db:"order_number"`
	Customer    string    `db:"customer"`
	Credits     string    `db:"credits"` // the invoice a credit note corrects
	Currency    string    `db:"currency"`
	Total       int64     `db:"total_minor"`
	Base        string    `db:"base_currency"`
	TotalBase   int64     `db:"total_base_minor"`
}

// Cursor is the row's place in the order.
func (r PageRow) Cursor() PageCursor { return PageCursor{IssuedAt: r.IssuedAt, ID: r.ID} }

// DocumentPage returns a page of issued documents matching r.Filter, newest first.
func (s *Store) DocumentPage(ctx context.Context, r PageRequest) ([]PageRow, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = 100
	}
	var from, to any
	if !r.Filter.From.IsZero() {
		from = r.Filter.From.Format(time.DateOnly)
	}
	if !r.Filter.To.IsZero() {
		to = r.Filter.To.Format(time.DateOnly)
	}
	cmp, order, cur := "", "DESC", (*PageCursor)(nil)
	switch {
	case r.After != nil:
		cmp, cur = "<", r.After
	case r.Before != nil:
		cmp, order, cur = ">", "ASC", r.Before
	case r.From != nil:
		cmp, cur = "<=", r.From
	}
	var at any
	var id int64
	keyset := "true"
	if cur != nil {
		at, id = cur.IssuedAt, cur.ID
		keyset = "(i.issued_at, i.id) " + cmp + " ($6::timestamptz, $7::bigint)"
	} else {
		keyset = "($6::timestamptz IS NULL AND $7::bigint = 0)"
	}
	var out []PageRow
	err := s.d.SelectContext(ctx, &out, `
		SELECT i.id, i.number, i.kind, i.series, i.issued_at, i.order_id, o.number AS order_number,
		       cu.name AS customer, coalesce(c.number, '') AS credits, i.currency, i.total_minor,
		       i.base_currency, i.total_base_minor
		  FROM invoices i
		  JOIN orders o ON o.id = i.order_id
		  JOIN customers cu ON cu.id = o.customer_id
		  LEFT JOIN invoices c ON c.id = i.credited_invoice_id
		 WHERE i.number IS NOT NULL
		   AND ($1 = '' OR o.number = $1)
		   AND ($2 = '' OR i.series = $2)
		   AND ($3::date IS NULL OR i.issued_at >= ($3::date)::timestamp AT TIME ZONE 'UTC')
		   AND ($4::date IS NULL OR i.issued_at < ($4::date + 1)::timestamp AT TIME ZONE 'UTC')
		   AND `+keyset+`
		 ORDER BY i.issued_at `+order+`, i.id `+order+`
		 LIMIT $5`, strings.ToUpper(strings.TrimSpace(r.Filter.Order)), strings.TrimSpace(r.Filter.Series), from, to,
		limit, at, id)
	if err != nil {
		return nil, db.MapError(err)
	}
	if order == "ASC" {
		slices.Reverse(out)
	}
	return out, nil
}

// SeriesRow is a number series that numbers invoices or credit notes.
type SeriesRow struct {
	Code   string `db:"code"`
	Prefix string `db:"prefix"`
}

// DocumentSeries lists the number series documents are issued in, by code.
func (s *Store) DocumentSeries(ctx context.Context) ([]SeriesRow, error) {
	var out []SeriesRow
	err := s.d.SelectContext(ctx, &out, `
		SELECT code, prefix FROM number_series ns
		 WHERE code IN ('invoice', 'credit_note') OR EXISTS (SELECT 1 FROM invoices i WHERE i.series = ns.code)
		 ORDER BY code = 'credit_note', code`)
	return out, db.MapError(err)
}
