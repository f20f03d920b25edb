package export

import (
	"context"
	"database/sql"
	"fmt"
)

// StockLevel is what a channel may sell of one SKU, in one warehouse or (Warehouse "") in all
// the warehouses that serve it: on hand and reserved in their active bins, less the channel's
// safety buffer.
type StockLevel struct {
	SKU           string
	Name          string // the product's
	Warehouse     string // code; "" for the total over the warehouses
	WarehouseName string
	OnHand        int64
	Reserved      int64
	Buffer        int64 // the channel's safety buffer (0 without a channel)
}

// Available is on hand − reserved − buffer, never below 0.
func (s StockLevel) Available() int64 {
	return max(0, s.OnHand-s.Reserved-s.Buffer)
}

// Stock streams what may be sold of every active product, by SKU (and warehouse when
// perWarehouse): stock in the active bins of the warehouses that serve the filter's channel (every
// active distribution centre, and the channel's own store for a store channel; without a
// channel, every active warehouse), or of the filter's warehouse alone, less the channel's
// safety buffer, per row. With a cursor or Since, only the SKUs whose ledger, reservations
// (through their order lines) or product changed: a change of the buffer or of which bins are
// active needs a full export.
func (r *Reader) Stock(ctx context.Context, perWarehouse bool, fn func(StockLevel) error) error {
	q := r.newQuery()
	serve := "true"
	if r.channel.Valid {
		serve = "w.kind = 'dc'"
		if r.chanKind == "store" && r.chanStore.Valid {
			serve = "(w.kind = 'dc' OR w.id = " + q.arg(r.chanStore.Int64) + ")"
		}
	}
	if r.warehouse.Valid {
		serving := r.whActive && (!r.channel.Valid || r.whKind == "dc" ||
			(r.chanKind == "store" && r.chanStore.Valid && r.chanStore.Int64 == r.warehouse.Int64))
		if !serving {
			return &InputError{fmt.Sprintf("warehouse %s does not sell for %s: %s", r.f.Warehouse, r.serveName(), r.whyNot())}
		}
		serve += " AND w.id = " + q.arg(r.warehouse.Int64)
	}
	q.and("p.active")
	if r.f.After != "" {
		q.and("(" + q.unseen("p.change_xid") +
			" OR p.id IN (SELECT m.product_id FROM stock_movements m WHERE " + q.unseen("m.change_xid") + ")" +
			" OR p.id IN (SELECT l.product_id FROM order_lines l WHERE " + q.unseen("l.change_xid") + "))")
	}
	if !r.f.Since.IsZero() {
		since := q.arg(r.f.Since)
		q.and("(p.updated_at >= " + since +
			" OR p.id IN (SELECT m.product_id FROM stock_movements m WHERE m.at >= " + since + ")" +
			" OR p.id IN (SELECT l.product_id FROM order_lines l WHERE l.updated_at >= " + since + "))")
	}
	head := `
WITH wh AS (
    SELECT w.id, w.code, w.name FROM warehouses w WHERE w.active AND ` + serve + `
), bal AS (
    SELECT l.warehouse_id, b.product_id, sum(b.on_hand)::bigint AS on_hand, sum(b.reserved)::bigint AS reserved
      FROM stock_balances b JOIN locations l ON l.id = b.location_id
     WHERE l.kind = 'bin' AND l.active AND l.warehouse_id IN (SELECT id FROM wh)
     GROUP BY 1, 2
)`
	var text string
	if perWarehouse {
		text = head + `
SELECT p.sku, p.name, wh.code, wh.name, coalesce(bal.on_hand, 0), coalesce(bal.reserved, 0)
  FROM products p CROSS JOIN wh
  LEFT JOIN bal ON bal.product_id = p.id AND bal.warehouse_id = wh.id` + q.whereSQL() + `
 ORDER BY p.sku, wh.code`
	} else {
		text = head + `, tot AS (
    SELECT product_id, sum(on_hand)::bigint AS on_hand, sum(reserved)::bigint AS reserved FROM bal GROUP BY 1
)
SELECT p.sku, p.name, '', '', coalesce(tot.on_hand, 0), coalesce(tot.reserved, 0)
  FROM products p
  LEFT JOIN tot ON tot.product_id = p.id` + q.whereSQL() + `
 ORDER BY p.sku`
	}
	return r.stream(ctx, text, q, func(rows *sql.Rows) error {
		v := StockLevel{Buffer: r.buffer}
		if err := rows.Scan(&v.SKU, &v.Name, &v.Warehouse, &v.WarehouseName, &v.OnHand, &v.Reserved); err != nil {
			return err
		}
		return fn(v)
	})
}

func (r *Reader) serveName() string {
	if r.channel.Valid {
		return "channel " + r.f.Channel
	}
	return "any channel"
}

func (r *Reader) whyNot() string {
	switch {
	case !r.whActive:
		return "it is not active"
	case r.whKind == "store":
		return "it is a store, and stores sell only for their own store channel"
	}
	return "it does not serve the channel"
}
