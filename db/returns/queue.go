package returns

import (
	"context"
	"fmt"
	"time"

	"oms/db"
	"oms/model"
)

// View is one of the returns queue's lists.
type View string

// The returns queue's lists, in the order the desk works them.
const (
	ViewArrived   View = "arrived"   // units back, not all inspected
	ViewToRefund  View = "to_refund" // inspected units not refunded
	ViewExpected  View = "expected"  // authorised or on the way, nothing back yet
	ViewRequested View = "requested" // waiting for a supervisor
	ViewOpen      View = "open"      // every open RMA, oldest first (ageing)
)

// Views lists the queue's lists in order.
var Views = []View{ViewArrived, ViewToRefund, ViewExpected, ViewRequested, ViewOpen}

// Label names a view.
func (v View) Label() string {
	switch v {
	case ViewArrived:
		return "Arrived, not inspected"
	case ViewToRefund:
		return "Inspected, not refunded"
	case ViewExpected:
		return "Expected"
	case ViewRequested:
		return "Waiting for authorisation"
	}
	return "All open, oldest first"
}

func (v View) where() (string, error) {
	switch v {
	case ViewArrived:
		return `r.status = 'received'`, nil
	case ViewToRefund:
		return `r.refund_status = 'due'`, nil
	case ViewExpected:
		return `r.status IN ('authorized', 'in_transit')`, nil
	case ViewRequested:
		return `r.status = 'requested'`, nil
	case ViewOpen:
		return `r.status NOT IN ('closed', 'cancelled')`, nil
	}
	return "", fmt.Errorf("the returns queue has no list %q", v)
}

// QueueRow is an RMA in the returns queue.
type QueueRow struct {
	ID        int64              `db:"id"`
	Number    string             `db:"number"`
	Order     string             `db:"order_number"`
	Customer  string             `db:"customer_name"`
	Warehouse string             `db:"warehouse"`
	Status    model.RMAStatus    `db:"status"`
	Refund    model.RefundStatus `db:"refund_status"`
	Wish      model.RMAWish      `db:"resolution"`
	Requested int64              `db:"requested"`
	Received  int64              `db:"received"`
	Inspected int64              `db:"inspected"`
	Created   time.Time          `db:"created_at"`
}

// Queue lists up to limit RMAs of a view, of one warehouse ("" for all), oldest first.
func (s *Store) Queue(ctx context.Context, view View, warehouse string, limit int) ([]QueueRow, error) {
	where, err := view.where()
	if err != nil {
		return nil, err
	}
	var out []QueueRow
	err = s.d.SelectContext(ctx, &out, `
		SELECT r.id, r.number, o.number AS order_number, o.customer_name, coalesce(w.code, '') AS warehouse, r.status,
		       r.refund_status, r.resolution, t.requested, t.received, t.inspected, r.created_at
		  FROM rmas r JOIN orders o ON o.id = r.order_id LEFT JOIN warehouses w ON w.id = r.warehouse_id
		  CROSS JOIN LATERAL (SELECT coalesce(sum(qty_requested), 0) AS requested, coalesce(sum(qty_received), 0) AS received,
		                             coalesce(sum(qty_inspected), 0) AS inspected FROM rma_lines WHERE rma_id = r.id) t
		 WHERE `+where+` AND ($1 = '' OR w.code = upper($1))
		 ORDER BY r.created_at, r.id LIMIT $2`, warehouse, max(limit, 1))
	return out, db.MapError(err)
}

// Counts are how many RMAs each list holds, the undecided unexpected items, and the oldest
// open RMA's age.
type Counts struct {
	Arrived    int64     `db:"arrived"`
	ToRefund   int64     `db:"to_refund"`
	Expected   int64     `db:"expected"`
	Requested  int64     `db:"requested"`
	Open       int64     `db:"open"`
	Unexpected int64     `db:"unexpected"`
	Oldest     time.Time `db:"oldest"`
}

// Of is the count of a view.
func (c Counts) Of(v View) int64 {
	switch v {
	case ViewArrived:
		return c.Arrived
	case ViewToRefund:
		return c.ToRefund
	case ViewExpected:
		return c.Expected
	case ViewRequested:
		return c.Requested
	}
	return c.Open
}

// Count counts the queue of a warehouse ("" for all).
func (s *Store) Count(ctx context.Context, warehouse string) (Counts, error) {
	var c Counts
	err := s.d.GetContext(ctx, &c, `
		SELECT count(*) FILTER (WHERE r.status = 'received') AS arrived,
		       count(*) FILTER (WHERE r.refund_status = 'due') AS to_refund,
		       count(*) FILTER (WHERE r.status IN ('authorized', 'in_transit')) AS expected,
		       count(*) FILTER (WHERE r.status = 'requested') AS requested,
		       count(*) FILTER (WHERE r.status NOT IN ('closed', 'cancelled')) AS open,
		       (SELECT count(*) FROM rma_unexpected u JOIN warehouses uw ON uw.id = u.warehouse_id
		         WHERE u.decision IS NULL AND ($1 = '' OR uw.code = upper($1))) AS unexpected,
		       coalesce(min(r.created_at) FILTER (WHERE r.status NOT IN ('closed', 'cancelled')), 'epoch') AS oldest
		  FROM rmas r LEFT JOIN warehouses w ON w.id = r.warehouse_id
		 WHERE r.status NOT IN ('closed', 'cancelled') AND ($1 = '' OR w.code = upper($1))`, warehouse)
	return c, db.MapError(err)
}
