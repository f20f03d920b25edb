package stock

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// Movement is one row to post to the ledger: Qty units of Product (and Lot) from one location
// to another. Zero ids mean "none".
type Movement struct {
	Product, Lot int64
	From, To     int64
	Qty          int64
	Kind         model.MovementKind
	Reason       string // a reason code, or ""
	OrderLine    int64
	RMALine      int64
	Note         string
}

// Reservation holds Qty units of an order line's product (and Lot) at a location.
type Reservation struct {
	OrderLine, Location, Product, Lot int64
	Qty                               int64
}

// Store runs the stock commands on one database.
type Store struct{ d *db.DB }

// New returns the stock commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Post records moves in one transaction and one INSERT, so the ledger trigger sees them
// together and locks every balance they touch in one order. Either all are recorded or none.
func (s *Store) Post(ctx context.Context, key string, moves ...Movement) error {
	if len(moves) == 0 {
		return nil
	}
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if done, err := db.ClaimKey(ctx, tx, key, "stock.post", moves); done || err != nil {
			return err
		}
		return PostIn(ctx, tx, key, moves...)
	})
}

// PostIn records moves inside a transaction another command opened.
func PostIn(ctx context.Context, tx *sqlx.Tx, key string, moves ...Movement) error {
	n := len(moves)
	products, lots, from, to, qty := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	lines, rmaLines := make([]int64, n), make([]int64, n)
	kinds, reasons, notes := make([]string, n), make([]string, n), make([]string, n)
	for i, m := range moves {
		if m.Qty <= 0 {
			return fmt.Errorf("movement %d: a quantity must be a positive whole number, not %d", i+1, m.Qty)
		}
		products[i], lots[i], from[i], to[i], qty[i] = m.Product, m.Lot, m.From, m.To, m.Qty
		lines[i], rmaLines[i] = m.OrderLine, m.RMALine
		kinds[i], reasons[i], notes[i] = string(m.Kind), m.Reason, m.Note
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind,
		                             reason_code, order_line_id, rma_line_id, note, command_key)
		SELECT p, nullif(l, 0), f, t, q, k, nullif(r, ''), nullif(ol, 0), nullif(rl, 0), n, nullif($11, '')
		  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[],
		              $7::text[], $8::bigint[], $9::bigint[], $10::text[]) AS m(p, l, f, t, q, k, r, ol, rl, n)`,
		pq.Array(products), pq.Array(lots), pq.Array(from), pq.Array(to), pq.Array(qty), pq.Array(kinds),
		pq.Array(reasons), pq.Array(lines), pq.Array(rmaLines), pq.Array(notes), key)
	return err
}

// Reserve holds stock for an order line: the reservation and the line's allocated units change
// together (the database checks at commit that they agree), and the balance's reserved follows
// by trigger, refusing when the place has too little free stock.
func (s *Store) Reserve(ctx context.Context, key string, r Reservation) error {
	return s.changeReservation(ctx, key, "stock.reserve", r, r.Qty)
}

// Release gives back stock held for an order line and lowers its allocated units.
func (s *Store) Release(ctx context.Context, key string, r Reservation) error {
	return s.changeReservation(ctx, key, "stock.release", r, -r.Qty)
}

func (s *Store) changeReservation(ctx context.Context, key, command string, r Reservation, delta int64) error {
	if r.Qty <= 0 {
		return fmt.Errorf("a quantity must be a positive whole number, not %d", r.Qty)
	}
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if done, err := db.ClaimKey(ctx, tx, key, command, r); done || err != nil {
			return err
		}
		// Locks in the order every stock command keeps (see oms_apply_movements): the line, then
		// the stock (the reservation's trigger locks the balance), then the order (the line's
		// new allocation moves its status), so none of them can deadlock on another.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM order_lines WHERE id = $1 FOR NO KEY UPDATE`, r.OrderLine); err != nil {
			return err
		}
		if delta > 0 {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO reservations AS r (order_line_id, location_id, product_id, lot_id, qty)
				VALUES ($1, $2, $3, nullif($4, 0), $5)
				ON CONFLICT (order_line_id, location_id, lot_id) DO UPDATE SET qty = r.qty + EXCLUDED.qty`,
				r.OrderLine, r.Location, r.Product, r.Lot, delta); err != nil {
				return err
			}
		} else if err := release(ctx, tx, r); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE order_lines SET qty_allocated = qty_allocated + $2 WHERE id = $1`,
			r.OrderLine, delta)
		return err
	})
}

// release lowers a reservation, or removes it when all of it goes.
func release(ctx context.Context, tx *sqlx.Tx, r Reservation) error {
	const where = ` WHERE order_line_id = $1 AND location_id = $2 AND lot_id IS NOT DISTINCT FROM nullif($3, 0)`
	for _, stmt := range []string{
		`DELETE FROM reservations` + where + ` AND qty = $4`,
		`UPDATE reservations SET qty = qty - $4` + where + ` AND qty > $4`,
	} {
		res, err := tx.ExecContext(ctx, stmt, r.OrderLine, r.Location, r.Lot, r.Qty)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
	}
	return &db.ConstraintError{Kind: db.Invalid, Constraint: "reservations_release",
		Message: fmt.Sprintf("the order line holds fewer than %d units reserved there", r.Qty)}
}
