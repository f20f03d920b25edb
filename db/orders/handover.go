package orders

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// The store's counter (tui/handover): a click-and-collect order found by a scan, shown so the
// clerk can confirm the person, and handed over in one transaction through oms_hand_over
// (migration 00023). Row security keeps a store's staff to their store's orders here too.

// Collection is a click-and-collect order as the counter shows it.
type Collection struct {
	ID        int64             `db:"id"`
	Number    string            `db:"number"`
	External  string            `db:"external_name"`
	Customer  string            `db:"customer_name"`
	Store     string            `db:"store"` // the code of the store it is collected at, "" if none
	StoreSale bool              `db:"store_sale"`
	Status    model.OrderStatus `db:"status"`
	Lines     []CollectionLine
}

// CollectionLine is one line: what the customer takes.
type CollectionLine struct {
	SKU  string `db:"sku"`
	Name string `db:"name"`
	Open int64  `db:"open"` // ordered − cancelled − already handed over
}

// Units is how many units the customer takes.
func (c Collection) Units() int64 {
	var n int64
	for _, l := range c.Lines {
		n += l.Open
	}
	return n
}

// Collection reads order id for the counter; db.ErrNotFound when the caller cannot see it
// (another store's order is not theirs to see).
func (s *Store) Collection(ctx context.Context, id int64) (Collection, error) {
	var c Collection
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &c, `
			SELECT o.id, o.number, o.external_name, o.customer_name, coalesce(w.code, '') AS store, o.store_sale, o.status
			  FROM orders o LEFT JOIN warehouses w ON w.id = o.pickup_warehouse_id
			 WHERE o.id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		return tx.SelectContext(ctx, &c.Lines, `
			SELECT p.sku, p.name, l.qty_ordered - l.qty_cancelled - l.qty_shipped AS open
			  FROM order_lines l JOIN products p ON p.id = l.product_id
			 WHERE l.order_id = $1 AND l.qty_ordered - l.qty_cancelled - l.qty_shipped > 0
			 ORDER BY l.line_no`, id)
	})
	return c, err
}

// HandOver hands order id over to its customer at the store's counter, under key: every open
// unit leaves the store through the ledger and the order is collected. The database refuses an
// order that is not click and collect, another store's, on hold, cancelled or already
// collected, and a store without the units, naming the SKU and the quantities. It returns the
// history's sentence.
func (s *Store) HandOver(ctx context.Context, key string, id int64) (string, error) {
	var said string
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		done, err := db.ClaimKey(ctx, tx, key, "orders.hand_over", id)
		if err != nil {
			return err
		}
		if done {
			return tx.GetContext(ctx, &said, `SELECT coalesce(result->>'said', '') FROM idempotency_keys WHERE key = $1`, key)
		}
		if err := tx.GetContext(ctx, &said, `SELECT oms_hand_over($1)`, id); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = jsonb_build_object('said', $2::text) WHERE key = $1`, key, said)
		return err
	})
	return said, db.MapError(err)
}
