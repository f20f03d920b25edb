package inbound

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// TransferLineRequest is a line of a new transfer: a product, how many, and optionally a lot.
type TransferLineRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
	Lot string `json:"lot,omitempty"`
}

// TransferRequest is a new transfer between two warehouses.
type TransferRequest struct {
	From, To string
	Lines    []TransferLineRequest
	Note     string
}

// Transfer is a transfer with its lines and what is in transit, computed from the ledger.
type Transfer struct {
	ID             int64          `db:"id" json:"id"`
	Number         string         `db:"number" json:"number"`
	From           string         `db:"from_code" json:"from"`
	To             string         `db:"to_code" json:"to"`
	Status         string         `db:"status" json:"status"`
	CreatedBy      string         `db:"created_by" json:"created_by"`
	ShippedAt      *time.Time     `db:"shipped_at" json:"shipped_at,omitempty"`
	ReceivedAt     *time.Time     `db:"received_at" json:"received_at,omitempty"`
	WriteOffReason string         `db:"write_off_reason" json:"write_off_reason"`
	InTransit      int64          `db:"in_transit" json:"in_transit"`
	Lines          []TransferLine `json:"lines"`
}

// TransferLine is a line of a transfer.
type TransferLine struct {
	LineNo     int    `db:"line_no" json:"line_no"`
	SKU        string `db:"sku" json:"sku"`
	Lot        string `db:"lot" json:"lot"`
	Qty        int64  `db:"qty" json:"qty"`
	Shipped    int64  `db:"qty_shipped" json:"shipped"`
	Received   int64  `db:"qty_received" json:"received"`
	WrittenOff int64  `db:"qty_written_off" json:"written_off"`
	InTransit  int64  `db:"in_transit" json:"in_transit"` // from the ledger
}

// inTransitSQL is what is in transit per transfer line: the ledger's movements into transit
// less those out of it that name the line.
const inTransitSQL = `
	SELECT m.transfer_line_id, sum(CASE WHEN t.kind = 'transit' THEN m.qty ELSE -m.qty END) AS qty
	  FROM stock_movements m JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
	 WHERE m.transfer_line_id IN (SELECT id FROM transfer_lines WHERE transfer_id = $1)
	   AND (t.kind = 'transit' OR f.kind = 'transit')
	 GROUP BY 1`

// CreateTransfer creates a transfer in one transaction under key and returns it with its number.
func (s *Store) CreateTransfer(ctx context.Context, key string, req TransferRequest) (Transfer, error) {
	lines, err := json.Marshal(req.Lines)
	if err != nil {
		return Transfer{}, err
	}
	return keyed(ctx, s, key, "inbound.transfer_create", req, func(tx *sqlx.Tx) (Transfer, error) {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT oms_transfer_create($1, $2, $3, $4)`, req.From, req.To, string(lines), req.Note); err != nil {
			return Transfer{}, err
		}
		return readTransfer(ctx, tx, `t.id = $1`, id)
	})
}

// Transfer reads a transfer by its number, with what is in transit from the ledger.
func (s *Store) Transfer(ctx context.Context, number string) (Transfer, error) {
	var t Transfer
	err := s.read(ctx, func(tx *sqlx.Tx) (err error) {
		t, err = readTransfer(ctx, tx, `t.number = upper(btrim($1))`, number)
		return err
	})
	return t, err
}

func readTransfer(ctx context.Context, tx *sqlx.Tx, where string, arg any) (Transfer, error) {
	var t Transfer
	err := tx.GetContext(ctx, &t, `
		SELECT t.id, t.number, f.code AS from_code, w.code AS to_code, t.status, t.created_by, t.shipped_at, t.received_at,
		       coalesce(t.write_off_reason, '') AS write_off_reason, 0::bigint AS in_transit
		  FROM transfers t JOIN warehouses f ON f.id = t.from_warehouse_id JOIN warehouses w ON w.id = t.to_warehouse_id
		 WHERE `+where, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("%w: there is no transfer %v", ErrNotFound, arg)
	}
	if err != nil {
		return t, err
	}
	err = tx.SelectContext(ctx, &t.Lines, `
		WITH transit AS (`+inTransitSQL+`)
		SELECT l.line_no, p.sku, coalesce(lo.lot_code, '') AS lot, l.qty, l.qty_shipped, l.qty_received, l.qty_written_off,
		       coalesce(x.qty, 0) AS in_transit
		  FROM transfer_lines l JOIN products p ON p.id = l.product_id LEFT JOIN lots lo ON lo.id = l.lot_id
		  LEFT JOIN transit x ON x.transfer_line_id = l.id
		 WHERE l.transfer_id = $1 ORDER BY l.line_no`, t.ID)
	for _, l := range t.Lines {
		t.InTransit += l.InTransit
	}
	return t, err
}

// transferID is the id of the transfer with that number, or ErrNotFound.
func transferID(ctx context.Context, tx *sqlx.Tx, number string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM transfers WHERE number = upper(btrim($1))`, number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("%w: there is no transfer %s", ErrNotFound, strings.ToUpper(strings.TrimSpace(number)))
	}
	return id, err
}

// TransferMoved is what shipping, receiving or writing off a transfer did.
type TransferMoved struct {
	Transfer   string `json:"transfer"`
	Shipped    int64  `json:"shipped"`
	Received   int64  `json:"received"`
	WrittenOff int64  `json:"written_off"`
	InTransit  int64  `json:"in_transit"`
	Status     string `json:"status"`
}

// Ship ships units of a transfer (nil: everything not shipped yet) in one transaction under key:
// transfer movements from the source's bins (free stock, first on the pick path) into transit.
func (s *Store) Ship(ctx context.Context, key, number string, units []Units) (TransferMoved, error) {
	lines, err := unitsJSON(units)
	if err != nil {
		return TransferMoved{}, err
	}
	req := struct {
		Number string
		Units  []Units
	}{number, units}
	return keyed(ctx, s, key, "inbound.transfer_ship", req, func(tx *sqlx.Tx) (TransferMoved, error) {
		id, err := transferID(ctx, tx, number)
		if err != nil {
			return TransferMoved{}, err
		}
		return decode[TransferMoved](ctx, tx, `SELECT oms_transfer_ship($1, $2)`, id, lines)
	})
}

// ReceiveTransfer receives a transfer at the other end (units: what arrived; nil: everything in
// transit) in one transaction under key: transfer movements from transit into the destination's
// receiving location. From then on the transfer is received, with differences while units are
// still in transit.
func (s *Store) ReceiveTransfer(ctx context.Context, key, number string, units []Units) (TransferMoved, error) {
	lines, err := unitsJSON(units)
	if err != nil {
		return TransferMoved{}, err
	}
	req := struct {
		Number string
		Units  []Units
	}{number, units}
	return keyed(ctx, s, key, "inbound.transfer_receive", req, func(tx *sqlx.Tx) (TransferMoved, error) {
		id, err := transferID(ctx, tx, number)
		if err != nil {
			return TransferMoved{}, err
		}
		return decode[TransferMoved](ctx, tx, `SELECT oms_transfer_receive($1, $2)`, id, lines)
	})
}

// WriteOff writes off what a received transfer still has in transit (lost on the way), with a
// reason, in one transaction under key: adjustment movements from transit to the adjustment
// location.
func (s *Store) WriteOff(ctx context.Context, key, number, reason string) (TransferMoved, error) {
	req := struct{ Number, Reason string }{number, reason}
	return keyed(ctx, s, key, "inbound.transfer_write_off", req, func(tx *sqlx.Tx) (TransferMoved, error) {
		id, err := transferID(ctx, tx, number)
		if err != nil {
			return TransferMoved{}, err
		}
		return decode[TransferMoved](ctx, tx, `SELECT oms_transfer_write_off($1, $2)`, id, reason)
	})
}

// Transit is units in transit on one transfer line, from the ledger.
type Transit struct {
	Transfer string `db:"number"`
	From     string `db:"from_code"`
	To       string `db:"to_code"`
	SKU      string `db:"sku"`
	Lot      string `db:"lot"`
	Qty      int64  `db:"qty"`
}

// InTransit lists what is in transit from or to a warehouse ("" for all), computed from the
// ledger (transit is virtual and keeps no balance).
func (s *Store) InTransit(ctx context.Context, warehouse string) ([]Transit, error) {
	var out []Transit
	err := s.d.SelectContext(ctx, &out, `
		SELECT t.number, f.code AS from_code, w.code AS to_code, p.sku, coalesce(lo.lot_code, '') AS lot,
		       sum(CASE WHEN tl.kind = 'transit' THEN m.qty ELSE -m.qty END) AS qty
		  FROM transfers t JOIN warehouses f ON f.id = t.from_warehouse_id JOIN warehouses w ON w.id = t.to_warehouse_id
		  JOIN transfer_lines l ON l.transfer_id = t.id JOIN stock_movements m ON m.transfer_line_id = l.id
		  JOIN locations fl ON fl.id = m.from_location_id JOIN locations tl ON tl.id = m.to_location_id
		  JOIN products p ON p.id = m.product_id LEFT JOIN lots lo ON lo.id = m.lot_id
		 WHERE (fl.kind = 'transit' OR tl.kind = 'transit') AND ($1 = '' OR upper($1) IN (f.code, w.code))
		 GROUP BY t.number, f.code, w.code, p.sku, lo.lot_code
		HAVING sum(CASE WHEN tl.kind = 'transit' THEN m.qty ELSE -m.qty END) <> 0
		 ORDER BY t.number, p.sku, lot`, strings.TrimSpace(warehouse))
	return out, mapError(err)
}
