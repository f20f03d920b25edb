package returns

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
)

// Received is what a receiving scan took in.
type Received struct {
	Received     int64  `json:"received"`      // units received onto the RMA
	Unexpected   int64  `json:"unexpected"`    // units put on the unexpected list
	SKU          string `json:"sku"`           // the scanned product, when oms knows it
	UnexpectedID int64  `json:"unexpected_id"` // the unexpected item, when there is one
}

// ReceiveParcel receives a whole return parcel (its label or the RMA scanned): every unit the
// RMA still expects. A parcel another clerk received already is a sentence saying who and when.
func (s *Store) ReceiveParcel(ctx context.Context, key string, rma int64, scan string) (Received, error) {
	req := struct {
		RMA  int64
		Scan string
	}{rma, scan}
	return db.Keyed(ctx, s.d, key, "returns.receive_parcel", req, func(tx *sqlx.Tx) (Received, error) {
		return decode[Received](ctx, tx, `SELECT oms_rma_receive_all($1, $2)`, rma, scan)
	})
}

// Receive receives qty scanned units (a SKU, GTIN or barcode) against an RMA: the line of that
// product takes what it still expects and the rest — a wrong item, an extra unit — goes on the
// unexpected list. lot is the lot printed on the unit, needed when a lot-tracked product went
// out in more than one lot.
func (s *Store) Receive(ctx context.Context, key string, rma int64, scan string, qty int, lot string) (Received, error) {
	req := struct {
		RMA       int64
		Scan, Lot string
		Qty       int
	}{rma, scan, lot, qty}
	return db.Keyed(ctx, s.d, key, "returns.receive", req, func(tx *sqlx.Tx) (Received, error) {
		return decode[Received](ctx, tx, `SELECT oms_rma_receive($1, $2, $3, $4)`, rma, scan, qty, lot)
	})
}

// RecordUnexpected puts something that came without an RMA on the unexpected list of a
// warehouse, with a note of what it looks like.
func (s *Store) RecordUnexpected(ctx context.Context, key, warehouse, scan string, qty int, note string) (int64, error) {
	req := struct {
		Warehouse, Scan, Note string
		Qty                   int
	}{warehouse, scan, note, qty}
	return db.Keyed(ctx, s.d, key, "returns.unexpected", req, func(tx *sqlx.Tx) (int64, error) {
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT oms_rma_unexpected($1, $2, $3, $4, NULL)`, warehouse, scan, qty, note)
		return id, err
	})
}

// Decisions are what may become of an unexpected item.
var Decisions = []string{"added_to_rma", "sent_back", "kept", "scrapped"}

// Decide decides an unexpected item: added to its RMA (received onto it), sent back to the
// customer, kept as found stock (into quarantine) or scrapped.
func (s *Store) Decide(ctx context.Context, key string, id int64, decision string) error {
	req := struct {
		ID       int64
		Decision string
	}{id, decision}
	_, err := db.Keyed(ctx, s.d, key, "returns.decide", req, func(tx *sqlx.Tx) (bool, error) {
		_, err := tx.ExecContext(ctx, `SELECT oms_rma_decide($1, $2)`, id, decision)
		return true, err
	})
	return err
}

// Unexpected is an item on the unexpected list.
type Unexpected struct {
	ID        int64     `db:"id"`
	Warehouse string    `db:"warehouse"`
	RMA       string    `db:"rma"`
	Order     string    `db:"order_number"`
	SKU       string    `db:"sku"`
	Scan      string    `db:"scan"`
	Qty       int64     `db:"qty"`
	Note      string    `db:"note"`
	Decision  string    `db:"decision"`
	At        time.Time `db:"created_at"`
	By        string    `db:"actor"`
}

const unexpectedSQL = `
	SELECT u.id, w.code AS warehouse, coalesce(r.number, '') AS rma, coalesce(o.number, '') AS order_number,
	       coalesce(p.sku, '') AS sku, u.scan, u.qty, u.note, coalesce(u.decision, '') AS decision, u.created_at, u.actor
	  FROM rma_unexpected u JOIN warehouses w ON w.id = u.warehouse_id LEFT JOIN rmas r ON r.id = u.rma_id
	  LEFT JOIN orders o ON o.id = u.order_id LEFT JOIN products p ON p.id = u.product_id`

// OpenUnexpected lists the undecided unexpected items of a warehouse ("" for all), oldest first.
func (s *Store) OpenUnexpected(ctx context.Context, warehouse string) ([]Unexpected, error) {
	var out []Unexpected
	err := s.d.SelectContext(ctx, &out, unexpectedSQL+` WHERE u.decision IS NULL AND ($1 = '' OR w.code = upper($1)) ORDER BY u.id LIMIT 200`, warehouse)
	return out, db.MapError(err)
}

// Grades are the grades of a returned unit, best first.
var Grades = []string{"A", "B", "C", "D"}

// GradeLabel names a grade.
func GradeLabel(g string) string {
	switch g {
	case "A":
		return "resaleable"
	case "B":
		return "open box"
	case "C":
		return "damaged"
	case "D":
		return "defective"
	}
	return g
}

// Dispositions are what becomes of a graded unit.
var Dispositions = []string{"restock", "quarantine", "refurbish", "scrap", "return_to_vendor"}

// Grading is the inspection of units of one RMA line.
type Grading struct {
	Line        int64  // the RMA line
	Qty         int    // units graded alike
	Grade       string // A, B, C or D
	Disposition string // one of Dispositions
	Bin         string // for restock: the bin; empty for where the product already lives
	Note        string
}

// Graded is where inspected units went.
type Graded struct {
	SKU    string `json:"sku"`
	Place  string `json:"place"`
	Status string `json:"status"` // the RMA's status after it
}

// Inspect grades received units and disposes of them in one transaction under key: the
// movement out of the returns location (a restock wakes the allocator for the backorders of
// that product) and the inspection. C and D units, and expired lots, are not restocked.
func (s *Store) Inspect(ctx context.Context, key string, g Grading) (Graded, error) {
	return db.Keyed(ctx, s.d, key, "returns.inspect", g, func(tx *sqlx.Tx) (Graded, error) {
		return decode[Graded](ctx, tx, `SELECT oms_rma_inspect($1, $2, $3, $4, $5, $6)`,
			g.Line, g.Qty, g.Grade, g.Disposition, g.Bin, g.Note)
	})
}

// decode runs a function that answers jsonb and reads its answer.
func decode[T any](ctx context.Context, tx *sqlx.Tx, query string, args ...any) (T, error) {
	var out T
	var raw []byte
	if err := tx.GetContext(ctx, &raw, query, args...); err != nil {
		return out, err
	}
	err := json.Unmarshal(raw, &out)
	return out, err
}
