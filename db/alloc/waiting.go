package alloc

import (
	"context"

	"github.com/lib/pq"
)

// Filter narrows the orders Waiting lists.
type Filter struct {
	Number   string  // one order, by its number
	Channel  int64   // one channel's orders
	Products []int64 // orders waiting for any of these products
	Limit    int     // at most this many (0: all)
}

// Waiting lists the orders with units still to allocate — not held, not cancelled, not store
// sales — oldest promise first: the order in which stock goes to them.
func (s *Store) Waiting(ctx context.Context, f Filter) ([]int64, error) {
	var ids []int64
	limit := any(nil)
	if f.Limit > 0 {
		limit = f.Limit
	}
	err := s.d.SelectContext(ctx, &ids, `
		SELECT o.id FROM orders o
		 WHERE NOT o.on_hold AND o.cancelled_at IS NULL AND NOT o.store_sale
		   AND EXISTS (SELECT 1 FROM order_lines l
		                WHERE l.order_id = o.id AND l.qty_allocated < l.qty_ordered - l.qty_cancelled
		                  AND (coalesce(cardinality($3::bigint[]), 0) = 0 OR l.product_id = ANY($3)))
		   AND ($1 = '' OR o.number = upper($1))
		   AND ($2 = 0 OR o.channel_id = $2)
		 ORDER BY o.promised_at, o.id
		 LIMIT $4`, f.Number, f.Channel, pq.Array(f.Products), limit)
	return ids, err
}

// TakeWakeups takes up to limit wake-ups (migration 00024), oldest first, and returns their
// products once each; wake-ups another allocator is taking are left to it.
func (s *Store) TakeWakeups(ctx context.Context, limit int) ([]int64, error) {
	var ids []int64
	err := s.d.SelectContext(ctx, &ids, `
		WITH taken AS (
		    DELETE FROM allocation_wakeups WHERE id IN (
		        SELECT id FROM allocation_wakeups ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
		    RETURNING product_id)
		SELECT DISTINCT product_id FROM taken ORDER BY 1`, limit)
	return ids, err
}
