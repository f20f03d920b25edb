package orders

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// The back office's commands on one order (issue 11): hold, release, cancel the order or a line,
// edit it while nothing is picked. Each is one transaction that claims its idempotency key,
// locks the order's lines first (id order), changes reservations (the balances follow by
// trigger), then the lines, then the order row, and writes one history sentence through
// oms_order_event. The database derives the status and moves orders.version (migration 00022).

// Reason is a reason code a person picks: HOLD_FRAUD, "Fraud review".
type Reason struct {
	Code        string `db:"code"`
	Description string `db:"description"`
}

// Reasons lists the active reason codes of a kind ("hold", "cancel"), by description.
func (s *Store) Reasons(ctx context.Context, kind string) ([]Reason, error) {
	var rs []Reason
	err := s.d.SelectContext(ctx, &rs, `
		SELECT code, description FROM reason_codes WHERE kind = $1 AND active ORDER BY description, code`, kind)
	return rs, db.MapError(err)
}

// refuse is a refusal found in Go, a sentence for the person at the terminal.
func refuse(format string, args ...any) error {
	return &db.ConstraintError{Kind: db.Forbidden, Message: fmt.Sprintf(format, args...)}
}

// ChangedError says the order changed after the edit was opened: who changed it last and when,
// and the version it is at now. Nothing of the edit was saved.
type ChangedError struct {
	Number  string
	By      string // the last writer the history names, "" if it names none
	At      time.Time
	Version int
}

func (e *ChangedError) Error() string { return e.Sentence(time.Local) }

// Sentence says it in the reader's time zone: "changed by anna at 14:05 — reload".
func (e *ChangedError) Sentence(loc *time.Location) string {
	by := e.By
	if by == "" {
		by = "someone"
	}
	return fmt.Sprintf("%s was changed by %s at %s — reload", e.Number, by, e.At.In(loc).Format("15:04"))
}

// lockedLine is one line of the order as the command found it, locked.
type lockedLine struct {
	ID        int64  `db:"id"`
	LineNo    int    `db:"line_no"`
	SKU       string `db:"sku"`
	Ordered   int64  `db:"qty_ordered"`
	Cancelled int64  `db:"qty_cancelled"`
	Allocated int64  `db:"qty_allocated"`
	Picked    int64  `db:"qty_picked"`
	Amount    int64  `db:"amount_minor"`
	Discount  int64  `db:"discount_minor"`
	Tax       int64  `db:"tax_minor"`
}

func (l lockedLine) open() int64   { return l.Ordered - l.Cancelled }
func (l lockedLine) name() string  { return fmt.Sprintf("line %d (%s)", l.LineNo, l.SKU) }
func (l lockedLine) units() string { return plural(l.open(), "unit") }

func plural(n int64, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// orderState is the order row as a command reads it after locking the lines.
type orderState struct {
	Number     string     `db:"number"`
	Version    int        `db:"version"`
	OnHold     bool       `db:"on_hold"`
	HoldReason string     `db:"hold_reason"`
	Cancelled  *time.Time `db:"cancelled_at"`
	CustomerID int64      `db:"customer_id"`
	Currency   string     `db:"currency"`
	TaxIncl    bool       `db:"prices_include_tax"`
	Total      int64      `db:"total_minor"`
}

// lockLines locks the order's lines in id order (the lock order of everything that touches a
// line's reservations) and reads the order. An order that does not exist is db.ErrNotFound.
func lockLines(ctx context.Context, tx *sqlx.Tx, order int64) ([]lockedLine, orderState, error) {
	var lines []lockedLine
	err := tx.SelectContext(ctx, &lines, `
		SELECT l.id, l.line_no, p.sku, l.qty_ordered, l.qty_cancelled, l.qty_allocated, l.qty_picked,
		       l.amount_minor, l.discount_minor, l.tax_minor
		  FROM order_lines l JOIN products p ON p.id = l.product_id
		 WHERE l.order_id = $1 ORDER BY l.id FOR NO KEY UPDATE OF l`, order)
	if err != nil {
		return nil, orderState{}, err
	}
	var o orderState
	err = tx.GetContext(ctx, &o, `
		SELECT o.number, o.version, o.on_hold, coalesce(r.description, '') AS hold_reason, o.cancelled_at,
		       o.customer_id, o.currency, o.prices_include_tax, o.total_minor
		  FROM orders o LEFT JOIN reason_codes r ON r.code = o.hold_reason WHERE o.id = $1`, order)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, o, db.ErrNotFound
	}
	return lines, o, err
}

// reason checks that code is an active reason of kind and returns its description.
func reason(ctx context.Context, tx *sqlx.Tx, kind, code string) (string, error) {
	var desc string
	err := tx.GetContext(ctx, &desc, `SELECT description FROM reason_codes WHERE code = $1 AND kind = $2 AND active`, code, kind)
	if errors.Is(err, sql.ErrNoRows) {
		return "", refuse("%q is not a %s reason", code, kind)
	}
	return desc, err
}

func event(ctx context.Context, tx *sqlx.Tx, order int64, kind, message string, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	body, err := json.Marshal(data)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `SELECT oms_order_event($1, $2, $3, $4::jsonb)`, order, kind, message, string(body))
	return err
}

// Hold stops all work on an order for a reason of kind 'hold'. A cancelled order or one already
// held is refused with a sentence.
func (s *Store) Hold(ctx context.Context, key string, order int64, reasonCode string) error {
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		req := struct {
			Order  int64
			Reason string
		}{order, reasonCode}
		if done, err := db.ClaimKey(ctx, tx, key, "orders.hold", req); done || err != nil {
			return err
		}
		_, o, err := lockLines(ctx, tx, order)
		if err != nil {
			return err
		}
		desc, err := reason(ctx, tx, "hold", reasonCode)
		if err != nil {
			return err
		}
		switch {
		case o.Cancelled != nil:
			return refuse("order %s is cancelled: there is nothing to hold", o.Number)
		case o.OnHold:
			return refuse("order %s is already held: %s", o.Number, o.HoldReason)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET on_hold = true, hold_reason = $2 WHERE id = $1`,
			order, reasonCode); err != nil {
			return err
		}
		return event(ctx, tx, order, "order.held", "held: "+desc, map[string]any{"reason": reasonCode})
	})
}

// Release lifts an order's hold; work goes on where it stopped.
func (s *Store) Release(ctx context.Context, key string, order int64) error {
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if done, err := db.ClaimKey(ctx, tx, key, "orders.release", order); done || err != nil {
			return err
		}
		_, o, err := lockLines(ctx, tx, order)
		if err != nil {
			return err
		}
		if !o.OnHold {
			return refuse("order %s is not held", o.Number)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET on_hold = false, hold_reason = NULL WHERE id = $1`, order); err != nil {
			return err
		}
		return event(ctx, tx, order, "order.released", "released: "+o.HoldReason, nil)
	})
}

// freeLines releases every reservation of the given lines and cancels all their open units:
// reservations first (the balances follow), then the lines.
func freeLines(ctx context.Context, tx *sqlx.Tx, ids []int64) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM reservations WHERE order_line_id = ANY ($1)`, pq.Array(ids)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		UPDATE order_lines SET qty_allocated = 0, qty_cancelled = qty_ordered WHERE id = ANY ($1)`, pq.Array(ids))
	return err
}

// CancelOrder cancels a whole order for a reason of kind 'cancel': every line's open units are
// cancelled and their reservations released, and the order is stamped cancelled. An order with
// anything picked, packed or shipped is refused with a sentence naming the lines.
func (s *Store) CancelOrder(ctx context.Context, key string, order int64, reasonCode string) error {
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		req := struct {
			Order  int64
			Reason string
		}{order, reasonCode}
		if done, err := db.ClaimKey(ctx, tx, key, "orders.cancel", req); done || err != nil {
			return err
		}
		lines, o, err := lockLines(ctx, tx, order)
		if err != nil {
			return err
		}
		desc, err := reason(ctx, tx, "cancel", reasonCode)
		if err != nil {
			return err
		}
		if o.Cancelled != nil {
			return refuse("order %s is already cancelled", o.Number)
		}
		var picked []string
		var ids []int64
		var units int64
		for _, l := range lines {
			if l.Picked > 0 {
				picked = append(picked, fmt.Sprintf("%s has %d picked", l.name(), l.Picked))
			}
			if l.open() > 0 {
				ids = append(ids, l.ID)
				units += l.open()
			}
		}
		if len(picked) > 0 {
			return refuse("order %s cannot be cancelled: %s; units picked, packed or shipped go back through the ledger first",
				o.Number, strings.Join(picked, ", "))
		}
		if err := freeLines(ctx, tx, ids); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET cancelled_at = now(), cancel_reason = $2 WHERE id = $1`,
			order, reasonCode); err != nil {
			return err
		}
		msg := fmt.Sprintf("cancelled: %s (%s on %s)", desc, plural(units, "unit"), plural(int64(len(ids)), "line"))
		return event(ctx, tx, order, "order.cancelled", msg, map[string]any{"reason": reasonCode, "units": units})
	})
}

// CancelLine cancels the open units of one line of an order, releasing its reservations. A line
// with units picked is refused: those go back through the ledger first.
func (s *Store) CancelLine(ctx context.Context, key string, order, line int64, reasonCode string) error {
	return s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		req := struct {
			Order, Line int64
			Reason      string
		}{order, line, reasonCode}
		if done, err := db.ClaimKey(ctx, tx, key, "orders.cancel_line", req); done || err != nil {
			return err
		}
		lines, o, err := lockLines(ctx, tx, order)
		if err != nil {
			return err
		}
		desc, err := reason(ctx, tx, "cancel", reasonCode)
		if err != nil {
			return err
		}
		var l *lockedLine
		for i := range lines {
			if lines[i].ID == line {
				l = &lines[i]
			}
		}
		switch {
		case l == nil:
			return refuse("order %s has no such line", o.Number)
		case o.Cancelled != nil:
			return refuse("order %s is cancelled already", o.Number)
		case l.Picked > 0:
			return refuse("order %s %s: %s already picked cannot be cancelled here; they go back through the ledger first",
				o.Number, l.name(), plural(l.Picked, "unit"))
		case l.open() == 0:
			return refuse("order %s %s has nothing left to cancel", o.Number, l.name())
		}
		if err := freeLines(ctx, tx, []int64{l.ID}); err != nil {
			return err
		}
		msg := fmt.Sprintf("%s cancelled: %s, %s", l.name(), l.units(), desc)
		return event(ctx, tx, order, "order.line_cancelled", msg,
			map[string]any{"reason": reasonCode, "line": l.LineNo, "units": l.open()})
	})
}

// errChanged is how an edit's transaction says the order moved on; EditOrder reads who moved
// it after the rollback, so the answer names the committed state and not the edit's own.
var errChanged = errors.New("the order changed since the edit was opened")

// changed reads who last changed an order: the actor of the history entry written in the same
// transaction as the order's last update (both are stamped with that transaction's start), or
// nobody when that writer left no history.
func (s *Store) changed(ctx context.Context, order int64) error {
	var c struct {
		Number  string    `db:"number"`
		Version int       `db:"version"`
		At      time.Time `db:"updated_at"`
		By      string    `db:"actor"`
	}
	err := s.d.GetContext(ctx, &c, `
		SELECT o.number, o.version, o.updated_at,
		       coalesce((SELECT e.actor FROM events e WHERE e.order_id = o.id AND e.at = o.updated_at
		                  ORDER BY e.id DESC LIMIT 1), '') AS actor
		  FROM orders o WHERE o.id = $1`, order)
	if err != nil {
		return db.MapError(err)
	}
	return &ChangedError{Number: c.Number, By: c.By, At: c.At, Version: c.Version}
}
