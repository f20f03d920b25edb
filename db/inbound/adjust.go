package inbound

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
)

// AdjustRequest is a change of the stock of a product at a place of a warehouse: found units
// (Qty > 0) or lost ones (Qty < 0), for a reason of kind adjustment (ADJ_FOUND, ADJ_LOST, …).
type AdjustRequest struct {
	Warehouse string
	Location  string
	Scan      string
	Qty       int
	Lot       string
	Reason    string
	Note      string
}

// Adjusted is an adjustment as requested or decided.
type Adjusted struct {
	ID       int64  `json:"id"`
	Status   string `json:"status"` // posted, pending (a supervisor decides) or rejected
	Value    int64  `json:"value"`  // minor units of Currency, the company's
	Currency string `json:"currency"`
	SKU      string `json:"sku"`
	Place    string `json:"place"`
	Limit    int64  `json:"limit"` // the warehouse's value above which a supervisor approves
}

// Adjust requests an adjustment in one transaction under key. Worth no more than the
// warehouse's approval value (units × the product's unit cost) it posts at once; above, it
// waits for a supervisor other than the one who asked.
func (s *Store) Adjust(ctx context.Context, key string, r AdjustRequest) (Adjusted, error) {
	return keyed(ctx, s, key, "inbound.adjust", r, func(tx *sqlx.Tx) (Adjusted, error) {
		return decode[Adjusted](ctx, tx, `SELECT oms_adjust($1, $2, $3, $4, $5, $6, $7)`,
			r.Warehouse, r.Location, r.Scan, r.Qty, r.Lot, r.Reason, r.Note)
	})
}

// Approve approves a pending adjustment, which posts it (a supervisor's, not the requester's).
func (s *Store) Approve(ctx context.Context, key string, id int64) (Adjusted, error) {
	return keyed(ctx, s, key, "inbound.adjust_approve", id, func(tx *sqlx.Tx) (Adjusted, error) {
		return decode[Adjusted](ctx, tx, `SELECT oms_adjust_approve($1)`, id)
	})
}

// Reject rejects a pending adjustment (a supervisor's, not the requester's).
func (s *Store) Reject(ctx context.Context, key string, id int64, note string) error {
	req := struct {
		ID   int64
		Note string
	}{id, note}
	_, err := keyed(ctx, s, key, "inbound.adjust_reject", req, func(tx *sqlx.Tx) (bool, error) {
		_, err := tx.ExecContext(ctx, `SELECT oms_adjust_reject($1, $2)`, id, note)
		return true, err
	})
	return err
}

// Adjustment is an adjustment as listed.
type Adjustment struct {
	ID          int64     `db:"id"`
	Warehouse   string    `db:"warehouse"`
	Location    string    `db:"location"`
	SKU         string    `db:"sku"`
	Lot         string    `db:"lot"`
	Qty         int64     `db:"qty"`
	Reason      string    `db:"reason_code"`
	Value       int64     `db:"value_minor"`
	Currency    string    `db:"currency"`
	Status      string    `db:"status"`
	RequestedBy string    `db:"requested_by"`
	RequestedAt time.Time `db:"requested_at"`
	Note        string    `db:"note"`
}

// PendingAdjustments lists the adjustments waiting for a supervisor in a warehouse ("" for
// all), oldest first.
func (s *Store) PendingAdjustments(ctx context.Context, warehouse string) ([]Adjustment, error) {
	var out []Adjustment
	err := s.d.SelectContext(ctx, &out, `
		SELECT a.id, w.code AS warehouse, l.code AS location, p.sku, coalesce(lo.lot_code, '') AS lot, a.qty, a.reason_code,
		       a.value_minor, a.currency, a.status, a.requested_by, a.requested_at, a.note
		  FROM stock_adjustments a JOIN warehouses w ON w.id = a.warehouse_id JOIN locations l ON l.id = a.location_id
		  JOIN products p ON p.id = a.product_id LEFT JOIN lots lo ON lo.id = a.lot_id
		 WHERE a.status = 'pending' AND ($1 = '' OR w.code = upper($1))
		 ORDER BY a.id LIMIT 500`, warehouse)
	return out, mapError(err)
}
