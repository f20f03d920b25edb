package returns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/shipping"
	"oms/model"
)

// Store runs the returns desk's queries and commands on one database.
type Store struct{ d *db.DB }

// New returns the returns desk of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// ErrNotFound says a search or scan found nothing.
var ErrNotFound = errors.New("nothing found")

// OrderHit is an order a search found.
type OrderHit struct {
	ID       int64     `db:"id"`
	Number   string    `db:"number"`
	Customer string    `db:"customer_name"`
	Status   string    `db:"status"`
	Ordered  time.Time `db:"ordered_at"`
	Shipped  int64     `db:"shipped"`
	RMAs     int64     `db:"rmas"`
}

// Find finds the orders a customer's return is about: by order number or the channel's order id
// (a packing slip's barcode carries the number), an RMA number, a return or outgoing tracking
// number, the customer's e-mail, or part of their name. Orders with shipped units come first.
func (s *Store) Find(ctx context.Context, query string) ([]OrderHit, error) {
	q := strings.TrimSpace(query)
	if q == "" {
		return nil, fmt.Errorf("%w: type an order or RMA number, a tracking number, an e-mail or a name", ErrNotFound)
	}
	var hits []OrderHit
	err := s.d.SelectContext(ctx, &hits, `
		WITH found AS (
		    SELECT id FROM orders WHERE number = upper($1) OR external_id = $1 OR external_name = $1
		    UNION SELECT order_id FROM rmas WHERE number = upper($1) OR return_tracking = upper($1)
		    UNION SELECT s.order_id FROM packages p JOIN shipments s ON s.id = p.shipment_id WHERE p.tracking_number = upper($1)
		    UNION SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id
		           WHERE position('@' IN $1) > 0 AND lower(c.email) = lower($1)
		    UNION (SELECT id FROM orders WHERE length($1) >= 3 AND position('@' IN $1) = 0
		              AND customer_name ILIKE '%' || replace(replace($1, '%', ''), '_', '') || '%'
		            ORDER BY ordered_at DESC LIMIT 50))
		SELECT o.id, o.number, o.customer_name, o.status, o.ordered_at,
		       (SELECT coalesce(sum(qty_shipped), 0) FROM order_lines l WHERE l.order_id = o.id) AS shipped,
		       (SELECT count(*) FROM rmas r WHERE r.order_id = o.id) AS rmas
		  FROM orders o JOIN found f ON f.id = o.id
		 ORDER BY (SELECT coalesce(sum(qty_shipped), 0) FROM order_lines l WHERE l.order_id = o.id) > 0 DESC, o.ordered_at DESC, o.id
		 LIMIT 20`, q)
	if err != nil {
		return nil, db.MapError(err)
	}
	if len(hits) == 0 {
		return nil, fmt.Errorf("%w: no order matches %q", ErrNotFound, q)
	}
	return hits, nil
}

// Line is an order line as the returns desk sees it.
type Line struct {
	ID         int64  `db:"id"`
	LineNo     int    `db:"line_no"`
	SKU        string `db:"sku"`
	Name       string `db:"name"`
	Shipped    int64  `db:"qty_shipped"`
	Returned   int64  `db:"qty_returned"`
	Returnable int64  `db:"returnable"` // shipped less what RMAs ask or got back
}

// Order is an order with what may still come back of it.
type Order struct {
	ID         int64     `db:"id"`
	Number     string    `db:"number"`
	Customer   string    `db:"customer_name"`
	Channel    string    `db:"channel"`
	Currency   string    `db:"currency"`
	Status     string    `db:"status"`
	ReturnDays int       `db:"return_days"`
	ShippedAt  time.Time `db:"shipped_at"`
	Lines      []Line
	RMAs       []RMARef
}

// InWindow says whether an RMA opened now is authorised without a supervisor.
func (o Order) InWindow(now time.Time) bool {
	return !o.ShippedAt.IsZero() && !now.After(o.ShippedAt.AddDate(0, 0, o.ReturnDays))
}

// RMARef is an RMA named in a list.
type RMARef struct {
	ID     int64  `db:"id" json:"id"`
	Number string `db:"number" json:"number"`
	Status string `db:"status" json:"status"`
}

// Order reads an order and its returnable lines.
func (s *Store) Order(ctx context.Context, id int64) (Order, error) {
	var o Order
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &o, `
			SELECT o.id, o.number, o.customer_name, c.code AS channel, o.currency, o.status, c.return_days,
			       coalesce((SELECT max(m.at) FROM stock_movements m JOIN order_lines l ON l.id = m.order_line_id
			                  WHERE l.order_id = o.id AND m.kind = 'ship'), 'epoch') AS shipped_at
			  FROM orders o JOIN channels c ON c.id = o.channel_id WHERE o.id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no order %d", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if o.ShippedAt.Equal(time.Unix(0, 0)) {
			o.ShippedAt = time.Time{}
		}
		if err := tx.SelectContext(ctx, &o.Lines, `
			SELECT l.id, l.line_no, p.sku, p.name, l.qty_shipped, l.qty_returned,
			       greatest(l.qty_shipped - coalesce((SELECT sum(CASE WHEN r.status = 'cancelled' THEN 0
			                                                          WHEN r.closed_at IS NOT NULL THEN rl.qty_received
			                                                          ELSE rl.qty_requested END)
			                                              FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id
			                                             WHERE rl.order_line_id = l.id), 0), 0) AS returnable
			  FROM order_lines l JOIN products p ON p.id = l.product_id
			 WHERE l.order_id = $1 ORDER BY l.line_no`, id); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &o.RMAs, `SELECT id, number, status FROM rmas WHERE order_id = $1 ORDER BY id`, id)
	})
	return o, err
}

// Reason is a return reason and its restocking fee.
type Reason struct {
	Code        string `db:"code"`
	Description string `db:"description"`
	FeePPM      int64  `db:"restocking_fee_ppm"`
}

// Reasons lists the active return reasons.
func (s *Store) Reasons(ctx context.Context) ([]Reason, error) {
	var out []Reason
	err := s.d.SelectContext(ctx, &out, `SELECT code, description, restocking_fee_ppm FROM reason_codes
		WHERE kind = 'return' AND active ORDER BY description`)
	return out, db.MapError(err)
}

// OpenLine is one line of a new RMA.
type OpenLine struct {
	Line   int64  `json:"line"`
	Qty    int64  `json:"qty"`
	Reason string `json:"reason"`
}

// OpenRequest is a new RMA: the lines and units coming back, why, and what the customer wishes.
type OpenRequest struct {
	Order     int64
	Wish      model.RMAWish
	Lines     []OpenLine
	Note      string
	CrossShip bool // an exchange whose replacement leaves before the return arrives
	Day       time.Time
}

// Open opens an RMA in one transaction under key: its number, authorised at once within the
// channel's return window (otherwise it waits for a supervisor), and its return label from the
// carrier that took the order out. An order that never left with a carrier gets no label.
func (s *Store) Open(ctx context.Context, key string, req OpenRequest) (RMA, error) {
	lines, err := json.Marshal(req.Lines)
	if err != nil {
		return RMA{}, err
	}
	id, err := db.Keyed(ctx, s.d, key, "returns.open", req, func(tx *sqlx.Tx) (int64, error) {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT oms_rma_open($1, $2, $3, $4, $5)`,
			req.Order, string(req.Wish), lines, req.Note, req.CrossShip); err != nil {
			return 0, err
		}
		var r struct {
			Number string `db:"number"`
			Weight int    `db:"weight"`
		}
		if err := tx.GetContext(ctx, &r, `SELECT r.number, coalesce(sum(rl.qty_requested * p.weight_g), 0)::int AS weight
			FROM rmas r JOIN rma_lines rl ON rl.rma_id = r.id JOIN order_lines ol ON ol.id = rl.order_line_id
			JOIN products p ON p.id = ol.product_id WHERE r.id = $1 GROUP BY r.number`, id); err != nil {
			return 0, err
		}
		day := req.Day
		if day.IsZero() {
			day = time.Now()
		}
		l, err := shipping.ReturnLabelWithin(ctx, tx, req.Order, r.Number, r.Weight, day)
		if errors.Is(err, shipping.ErrNoReturnCarrier) {
			return id, nil
		}
		if err != nil {
			return 0, err
		}
		_, err = tx.ExecContext(ctx, `SELECT oms_rma_label($1, $2, $3, $4)`, id, l.Tracking, l.Body, l.Format)
		return id, err
	})
	if err != nil {
		return RMA{}, err
	}
	return s.RMA(ctx, id)
}

// RMALine is a line of an RMA with its units at each step.
type RMALine struct {
	ID        int64  `db:"id"`
	OrderLine int64  `db:"order_line_id"`
	SKU       string `db:"sku"`
	Name      string `db:"name"`
	Reason    string `db:"reason"`
	Requested int64  `db:"qty_requested"`
	Received  int64  `db:"qty_received"`
	Inspected int64  `db:"qty_inspected"`
	Refunded  int64  `db:"qty_refunded"`
}

// Inspection is a graded group of units and where they went.
type Inspection struct {
	SKU         string    `db:"sku"`
	Qty         int64     `db:"qty"`
	Grade       string    `db:"grade"`
	Disposition string    `db:"disposition"`
	Place       string    `db:"place"`
	At          time.Time `db:"received_at"`
}

// Refund is a refund paid on an RMA.
type Refund struct {
	ID         int64     `db:"id"`
	Amount     int64     `db:"amount_minor"`
	Computed   int64     `db:"computed_minor"`
	Method     string    `db:"method"`
	CreditNote string    `db:"credit_note"`
	At         time.Time `db:"created_at"`
	By         string    `db:"actor"`
}

// RMA is an RMA as the desk shows it.
type RMA struct {
	ID          int64              `db:"id"`
	Number      string             `db:"number"`
	OrderID     int64              `db:"order_id"`
	Order       string             `db:"order_number"`
	Customer    string             `db:"customer_name"`
	Currency    string             `db:"currency"`
	Warehouse   string             `db:"warehouse"`
	Status      model.RMAStatus    `db:"status"`
	Refund      model.RefundStatus `db:"refund_status"`
	Wish        model.RMAWish      `db:"resolution"`
	CrossShip   bool               `db:"cross_ship"`
	Tracking    string             `db:"return_tracking"`
	LabelFormat string             `db:"label_format"`
	Exchange    string             `db:"exchange"`
	Created     time.Time          `db:"created_at"`
	Lines       []RMALine
	Inspections []Inspection
	Refunds     []Refund
	Unexpected  []Unexpected
}

// RMA reads one RMA with its lines, inspections, refunds and unexpected items.
func (s *Store) RMA(ctx context.Context, id int64) (RMA, error) {
	var r RMA
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &r, `
			SELECT r.id, r.number, r.order_id, o.number AS order_number, o.customer_name, o.currency,
			       coalesce(w.code, '') AS warehouse, r.status, r.refund_status, r.resolution, r.cross_ship,
			       coalesce(r.return_tracking, '') AS return_tracking, coalesce(r.label_format, '') AS label_format,
			       coalesce(x.number, '') AS exchange, r.created_at
			  FROM rmas r JOIN orders o ON o.id = r.order_id LEFT JOIN warehouses w ON w.id = r.warehouse_id
			  LEFT JOIN orders x ON x.id = r.exchange_order_id WHERE r.id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: no RMA %d", ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &r.Lines, `
			SELECT rl.id, rl.order_line_id, p.sku, p.name, coalesce(c.description, rl.reason_code, '') AS reason,
			       rl.qty_requested, rl.qty_received, rl.qty_inspected, rl.qty_refunded
			  FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id JOIN products p ON p.id = ol.product_id
			  LEFT JOIN reason_codes c ON c.code = rl.reason_code
			 WHERE rl.rma_id = $1 ORDER BY ol.line_no, rl.id`, id); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &r.Inspections, `
			SELECT p.sku, x.qty, x.grade, x.disposition, l.code AS place, x.received_at
			  FROM rma_receipts x JOIN locations l ON l.id = x.location_id
			  JOIN rma_lines rl ON rl.id = x.rma_line_id JOIN order_lines ol ON ol.id = rl.order_line_id
			  JOIN products p ON p.id = ol.product_id WHERE rl.rma_id = $1 ORDER BY x.id`, id); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &r.Refunds, `
			SELECT f.id, f.amount_minor, coalesce(f.computed_minor, f.amount_minor) AS computed_minor, f.method,
			       coalesce(i.number, '') AS credit_note, f.created_at, f.actor
			  FROM refunds f LEFT JOIN invoices i ON i.id = f.credit_note_id WHERE f.rma_id = $1 ORDER BY f.id`, id); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &r.Unexpected, unexpectedSQL+` WHERE u.rma_id = $1 ORDER BY u.id`, id)
	})
	return r, err
}

// Label is an RMA's return label as it was made.
func (s *Store) Label(ctx context.Context, id int64) (format string, body []byte, err error) {
	err = s.d.QueryRowxContext(ctx, `SELECT coalesce(label_format, ''), coalesce(label, ''::bytea) FROM rmas WHERE id = $1`, id).Scan(&format, &body)
	return format, body, db.MapError(err)
}

// ByScan finds the RMA a scan names: its number or its return parcel's tracking number.
func (s *Store) ByScan(ctx context.Context, scan string) (int64, error) {
	var id int64
	err := s.d.GetContext(ctx, &id, `SELECT id FROM rmas WHERE number = upper(btrim($1)) OR return_tracking = upper(btrim($1))`, scan)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: %q is not an RMA or a return parcel", ErrNotFound, strings.TrimSpace(scan))
	}
	return id, db.MapError(err)
}

// Authorize authorises an RMA that waits for a supervisor (the supervisor's command).
func (s *Store) Authorize(ctx context.Context, key string, id int64) error {
	_, err := db.Keyed(ctx, s.d, key, "returns.authorize", id, func(tx *sqlx.Tx) (bool, error) {
		_, err := tx.ExecContext(ctx, `SELECT oms_rma_authorize($1)`, id)
		return true, err
	})
	return err
}

// Cancel cancels an RMA nothing of which came back.
func (s *Store) Cancel(ctx context.Context, key string, id int64, note string) error {
	return s.call(ctx, key, "returns.cancel", `SELECT oms_rma_cancel($1, $2)`, id, note)
}

// Close closes an RMA by hand: the units not back are not coming.
func (s *Store) Close(ctx context.Context, key string, id int64, note string) error {
	return s.call(ctx, key, "returns.close", `SELECT oms_rma_close($1, $2)`, id, note)
}

func (s *Store) call(ctx context.Context, key, command, query string, id int64, note string) error {
	req := struct {
		ID   int64
		Note string
	}{id, note}
	_, err := db.Keyed(ctx, s.d, key, command, req, func(tx *sqlx.Tx) (bool, error) {
		_, err := tx.ExecContext(ctx, query, id, note)
		return true, err
	})
	return err
}

// read runs reads in one transaction.
func (s *Store) read(ctx context.Context, f func(tx *sqlx.Tx) error) error {
	err := s.d.InTx(ctx, f)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return db.MapError(err)
	}
	return err
}
