package replenish

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Lease is how long a claimed task stays its replenisher's; past it another may take it over.
const Lease = 10 * time.Minute

// Task is a replenishment task: Qty units of a SKU (and lot) from a reserve bin to a pick bin.
type Task struct {
	ID          int64      `db:"id" json:"id"`
	Warehouse   string     `db:"warehouse" json:"warehouse"`
	From        string     `db:"from_bin" json:"from"`
	FromBarcode string     `db:"from_barcode" json:"from_barcode"`
	To          string     `db:"to_bin" json:"to"`
	ToBarcode   string     `db:"to_barcode" json:"to_barcode"`
	SKU         string     `db:"sku" json:"sku"`
	Name        string     `db:"name" json:"name"`
	Lot         string     `db:"lot" json:"lot"`
	Qty         int64      `db:"qty" json:"qty"`
	Status      string     `db:"status" json:"status"` // ready, claimed, done or cancelled
	ClaimedBy   string     `db:"claimed_by" json:"claimed_by"`
	Lease       *time.Time `db:"lease_expires_at" json:"lease_expires_at"`
	QtyMoved    int64      `db:"qty_moved" json:"qty_moved"`
	// OnHand is what the pick bin holds of the SKU once a confirm moved the units (Confirm only).
	OnHand int64 `db:"-" json:"on_hand"`
}

// Short is a pick bin the reserves could not fill: Missing units more were needed.
type Short struct {
	Bin     string `json:"bin"`
	SKU     string `json:"sku"`
	Missing int64  `json:"missing"`
}

// Raised is what a raise made: tasks and their units, and the bins left short.
type Raised struct {
	Tasks int     `json:"tasks"`
	Units int64   `json:"units"`
	Short []Short `json:"short"`
}

// Raise raises the replenishment tasks a warehouse's pick bins need (oms_replenish_raise), in
// one transaction under key: each bin at or below its min with no open task is filled to its
// max from the reserve bins' free stock, the earliest expiry first, then the pick path.
func (s *Store) Raise(ctx context.Context, key, warehouse string) (Raised, error) {
	return keyed(ctx, s, key, "replenish.raise", warehouse, func(tx *sqlx.Tx) (Raised, error) {
		var out Raised
		_, err := decode(ctx, tx, &out, `SELECT oms_replenish_raise($1)`, warehouse)
		return out, err
	})
}

// Claim hands the caller the next task of the warehouse under Lease (their own claimed task
// first, then one whose lease ran out, then the first ready one), in one transaction under key.
// Nothing to do is ErrNoWork.
func (s *Store) Claim(ctx context.Context, key, warehouse string) (Task, error) {
	req := struct{ Warehouse string }{warehouse}
	t, err := keyed(ctx, s, key, "replenish.claim", req, func(tx *sqlx.Tx) (*Task, error) {
		var t Task
		found, err := decode(ctx, tx, &t, `SELECT oms_replenish_claim($1, $2)`, warehouse,
			fmt.Sprintf("%d milliseconds", Lease.Milliseconds()))
		if err != nil || !found {
			return nil, err
		}
		return &t, nil
	})
	if err != nil {
		return Task{}, err
	}
	if t == nil {
		return Task{}, ErrNoWork
	}
	return *t, nil
}

// Confirm is a replenisher's confirmation of a task: the reserve bin and the pick bin scanned
// (code or barcode) and the units moved.
type Confirm struct {
	Task int64
	From string
	To   string
	Qty  int
}

// Confirm moves a task's units from its reserve bin to its pick bin (oms_replenish_confirm), in
// one transaction under key: a scan of another bin, more units than the task's or than the
// reserve has free, or a task another replenisher holds is refused with a sentence. It answers
// the task, done, with what the pick bin holds now.
func (s *Store) Confirm(ctx context.Context, key string, c Confirm) (Task, error) {
	return keyed(ctx, s, key, "replenish.confirm", c, func(tx *sqlx.Tx) (Task, error) {
		var t Task
		_, err := decode(ctx, tx, &t, `SELECT oms_replenish_confirm($1, $2, $3, $4)`, c.Task, c.From, c.To, c.Qty)
		return t, err
	})
}

// Cancel cancels a task that cannot be done (a ready one, the caller's own, or one whose lease
// ran out), in one transaction under key, and answers it cancelled.
func (s *Store) Cancel(ctx context.Context, key string, task int64) (Task, error) {
	return keyed(ctx, s, key, "replenish.cancel", task, func(tx *sqlx.Tx) (Task, error) {
		var t Task
		_, err := decode(ctx, tx, &t, `SELECT oms_replenish_cancel($1)`, task)
		return t, err
	})
}

// Tasks lists a warehouse's open tasks (ready and claimed) on the reserves' pick path; with all,
// the done and cancelled ones too, newest last.
func (s *Store) Tasks(ctx context.Context, warehouse string, all bool) ([]Task, error) {
	var out []Task
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		wid, err := warehouseID(ctx, tx, warehouse)
		if err != nil {
			return err
		}
		return tx.SelectContext(ctx, &out, `
			SELECT t.id, w.code AS warehouse, f.code AS from_bin, coalesce(f.barcode, '') AS from_barcode,
			       d.code AS to_bin, coalesce(d.barcode, '') AS to_barcode, p.sku, p.name, coalesce(lo.lot_code, '') AS lot,
			       t.qty, t.status, coalesce(s.login, '') AS claimed_by, t.lease_expires_at, coalesce(t.qty_moved, 0) AS qty_moved
			  FROM replenish_tasks t JOIN warehouses w ON w.id = t.warehouse_id
			  JOIN locations f ON f.id = t.from_location_id JOIN locations d ON d.id = t.to_location_id
			  JOIN products p ON p.id = t.product_id LEFT JOIN lots lo ON lo.id = t.lot_id
			  LEFT JOIN staff s ON s.id = t.claimed_by
			 WHERE t.warehouse_id = $1 AND ($2 OR t.status IN ('ready', 'claimed'))
			 ORDER BY t.status IN ('done', 'cancelled'), CASE WHEN t.status IN ('done', 'cancelled') THEN 0 ELSE t.pick_seq END, t.id`,
			wid, all)
	})
	return out, err
}
