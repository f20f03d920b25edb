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

// Supplier is who sends purchased goods, and the currency its POs are priced in.
type Supplier struct {
	Code     string `db:"code"`
	Name     string `db:"name"`
	Country  string `db:"country"`
	Currency string `db:"currency"`
}

// AddSupplier adds a supplier (the back office's master data). A code taken already is refused.
func (s *Store) AddSupplier(ctx context.Context, key string, sp Supplier) error {
	_, err := keyed(ctx, s, key, "inbound.supplier_add", sp, func(tx *sqlx.Tx) (bool, error) {
		res, err := tx.ExecContext(ctx, `INSERT INTO suppliers (code, name, country, currency)
			VALUES (upper(btrim($1)), btrim($2), upper(btrim($3)), upper(btrim($4))) ON CONFLICT (code) DO NOTHING`,
			sp.Code, sp.Name, sp.Country, sp.Currency)
		if err != nil {
			return false, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return false, fmt.Errorf("there is a supplier %s already", strings.ToUpper(strings.TrimSpace(sp.Code)))
		}
		return true, nil
	})
	return err
}

// Suppliers lists the active suppliers by code.
func (s *Store) Suppliers(ctx context.Context) ([]Supplier, error) {
	var out []Supplier
	err := s.d.SelectContext(ctx, &out, `SELECT code, name, country, currency FROM suppliers WHERE active ORDER BY code`)
	return out, mapError(err)
}

// POLineRequest is a line of a new PO: a product, how many, and optionally the unit cost in
// minor units of the supplier's currency (default: the product's unit cost when the supplier
// is priced in the company's currency, else 0).
type POLineRequest struct {
	SKU       string `json:"sku"`
	Qty       int    `json:"qty"`
	CostMinor *int64 `json:"cost,omitempty"`
}

// PORequest is a new purchase order.
type PORequest struct {
	Supplier  string
	Warehouse string
	Expected  time.Time // the day the goods are expected; zero for not said
	Lines     []POLineRequest
	Note      string
}

// PO is a purchase order with its lines.
type PO struct {
	ID          int64      `db:"id" json:"id"`
	Number      string     `db:"number" json:"number"`
	Supplier    string     `db:"supplier" json:"supplier"`
	Warehouse   string     `db:"warehouse" json:"warehouse"`
	Currency    string     `db:"currency" json:"currency"`
	Status      string     `db:"status" json:"status"`
	Expected    *time.Time `db:"expected_on" json:"expected,omitempty"`
	CreatedBy   string     `db:"created_by" json:"created_by"`
	CloseReason string     `db:"close_reason" json:"close_reason"`
	Lines       []POLine   `json:"lines"`
}

// POLine is a line of a PO: units ordered, received (damaged ones among them) and still open.
type POLine struct {
	ID        int64  `db:"id" json:"id"`
	LineNo    int    `db:"line_no" json:"line_no"`
	SKU       string `db:"sku" json:"sku"`
	Name      string `db:"name" json:"name"`
	Ordered   int64  `db:"qty_ordered" json:"ordered"`
	Received  int64  `db:"qty_received" json:"received"`
	Damaged   int64  `db:"qty_damaged" json:"damaged"`
	Open      int64  `db:"open" json:"open"`
	CostMinor int64  `db:"unit_cost_minor" json:"cost"`
}

// CreatePO creates a purchase order (the back office's) in one transaction under key and
// returns it with its number.
func (s *Store) CreatePO(ctx context.Context, key string, req PORequest) (PO, error) {
	lines, err := json.Marshal(req.Lines)
	if err != nil {
		return PO{}, err
	}
	var expected any
	if !req.Expected.IsZero() {
		expected = req.Expected.Format(time.DateOnly)
	}
	return keyed(ctx, s, key, "inbound.po_create", req, func(tx *sqlx.Tx) (PO, error) {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT oms_po_create($1, $2, $3, $4, $5)`,
			req.Supplier, req.Warehouse, expected, string(lines), req.Note); err != nil {
			return PO{}, err
		}
		return readPO(ctx, tx, `p.id = $1`, id)
	})
}

// PO reads a purchase order by its number, or by the number or pallet SSCC of a supplier's
// notice for it (what the dock scans when the truck arrives).
func (s *Store) PO(ctx context.Context, number string) (PO, error) {
	var po PO
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		id, err := poID(ctx, tx, number)
		if err != nil {
			return err
		}
		po, err = readPO(ctx, tx, `p.id = $1`, id)
		return err
	})
	return po, err
}

func readPO(ctx context.Context, tx *sqlx.Tx, where string, arg any) (PO, error) {
	var po PO
	err := tx.GetContext(ctx, &po, `
		SELECT p.id, p.number, s.code AS supplier, w.code AS warehouse, p.currency, p.status, p.expected_on, p.created_by,
		       coalesce(p.close_reason, '') AS close_reason
		  FROM purchase_orders p JOIN suppliers s ON s.id = p.supplier_id JOIN warehouses w ON w.id = p.warehouse_id
		 WHERE `+where, arg)
	if errors.Is(err, sql.ErrNoRows) {
		return po, fmt.Errorf("%w: there is no purchase order %v", ErrNotFound, arg)
	}
	if err != nil {
		return po, err
	}
	err = tx.SelectContext(ctx, &po.Lines, `
		SELECT l.id, l.line_no, p.sku, p.name, l.qty_ordered, l.qty_received, l.qty_damaged,
		       greatest(l.qty_ordered - l.qty_received, 0) AS open, l.unit_cost_minor
		  FROM purchase_order_lines l JOIN products p ON p.id = l.product_id
		 WHERE l.po_id = $1 ORDER BY l.line_no`, po.ID)
	return po, err
}

// poID is the id of the PO with that number, or of the PO a notice with that number or SSCC
// is for, or ErrNotFound.
func poID(ctx context.Context, tx *sqlx.Tx, number string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM purchase_orders WHERE number = upper(btrim($1))`, number)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	asn, found, err := asnOf(ctx, tx, number)
	if err != nil || !found {
		return 0, errors.Join(err, fmt.Errorf("%w: there is no purchase order %s", ErrNotFound, strings.ToUpper(strings.TrimSpace(number))))
	}
	err = tx.GetContext(ctx, &id, `SELECT po_id FROM asns WHERE id = $1`, asn)
	return id, err
}

// Receipt is units scanned in against a PO.
type Receipt struct {
	PO      string    // the PO's number
	Scan    string    // SKU, GTIN or barcode
	Qty     int       // units
	Lot     string    // the lot printed on the units (lot-tracked products)
	Expires time.Time // the lot's expiry (zero for not said)
	Damaged bool      // damaged units go into quarantine
}

// Received is what a receipt took in, and what the line has now.
type Received struct {
	PO           string `json:"po"`
	SKU          string `json:"sku"`
	Line         int    `json:"line"`
	Received     int64  `json:"received"`
	LineReceived int64  `json:"line_received"`
	LineDamaged  int64  `json:"line_damaged"`
	Open         int64  `json:"open"`
	Place        string `json:"place"`
	Lot          string `json:"lot"`
	Status       string `json:"status"` // the PO's
}

// Receive receives scanned units against a PO in one transaction under key: a receipt movement
// from the supplier into the warehouse's receiving location (damaged units into its quarantine),
// with the lot, made when new. More than the warehouse's over-receipt tolerance is refused with
// a sentence naming the PO, the SKU and how many are still open.
func (s *Store) Receive(ctx context.Context, key string, r Receipt) (Received, error) {
	var expires any
	if !r.Expires.IsZero() {
		expires = r.Expires.Format(time.DateOnly)
	}
	return keyed(ctx, s, key, "inbound.po_receive", r, func(tx *sqlx.Tx) (Received, error) {
		id, err := poID(ctx, tx, r.PO)
		if err != nil {
			return Received{}, err
		}
		return decode[Received](ctx, tx, `SELECT oms_po_receive($1, $2, $3, $4, $5, $6)`, id, r.Scan, r.Qty, r.Lot, expires, r.Damaged)
	})
}

// ClosePO closes a PO short with a reason (the back office's): the units not received are not
// coming. It returns the PO's status.
func (s *Store) ClosePO(ctx context.Context, key, number, reason string) (string, error) {
	req := struct{ Number, Reason string }{number, reason}
	return keyed(ctx, s, key, "inbound.po_close", req, func(tx *sqlx.Tx) (string, error) {
		id, err := poID(ctx, tx, number)
		if err != nil {
			return "", err
		}
		var st string
		err = tx.GetContext(ctx, &st, `SELECT oms_po_close($1, $2)`, id, reason)
		return st, err
	})
}

// CancelPO cancels a PO nothing of which arrived (the back office's).
func (s *Store) CancelPO(ctx context.Context, key, number, reason string) (string, error) {
	req := struct{ Number, Reason string }{number, reason}
	return keyed(ctx, s, key, "inbound.po_cancel", req, func(tx *sqlx.Tx) (string, error) {
		id, err := poID(ctx, tx, number)
		if err != nil {
			return "", err
		}
		var st string
		err = tx.GetContext(ctx, &st, `SELECT oms_po_cancel($1, $2)`, id, reason)
		return st, err
	})
}
