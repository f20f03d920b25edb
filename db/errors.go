package db

import (
	"errors"
	"fmt"

	"github.com/lib/pq"
)

// ConstraintKind says which kind of database rule refused a write.
type ConstraintKind int

const (
	// Duplicate is a UNIQUE violation (23505): the thing already exists.
	Duplicate ConstraintKind = iota + 1
	// Invalid is a CHECK violation (23514): the value breaks a rule such as "no negative stock".
	Invalid
	// Missing is a FOREIGN KEY violation (23503): it refers to something that does not exist.
	Missing
	// Forbidden is a trigger's refusal (P0001), such as changing the append-only ledger.
	Forbidden
)

// ConstraintError is a write the database refused because it would break one of its rules.
// Its message is a sentence for the person at the terminal; Constraint names the rule.
type ConstraintError struct {
	Kind       ConstraintKind
	Constraint string
	Table      string
	Message    string
	Err        *pq.Error
}

func (e *ConstraintError) Error() string { return e.Message }
func (e *ConstraintError) Unwrap() error { return e.Err }

// constraintSentences explains the rules a person can run into. Anything not listed gets a
// generic sentence built from the kind and the table.
var constraintSentences = map[string]string{
	"stock_balances_no_negative_stock":          "not enough stock there: the move would leave a negative balance",
	"stock_balances_reserved_in_range":          "that stock is reserved for orders: on hand cannot fall below what is reserved",
	"orders_channel_id_external_id_key":         "an order with this external id already exists on this channel",
	"orders_number_key":                         "an order with this number already exists",
	"order_lines_order_id_external_line_id_key": "this order already has a line with that external line id",
	"order_lines_cancelled_in_range":            "cannot cancel more units than were ordered",
	"order_lines_allocated_in_range":            "cannot allocate more units than are open on the line",
	"order_lines_picked_in_range":               "cannot pick more units than were allocated to the line",
	"order_lines_packed_in_range":               "cannot pack more units than were picked",
	"order_lines_shipped_in_range":              "cannot ship more units than were packed",
	"order_lines_returned_in_range":             "cannot return more units than were shipped",
	"order_lines_refunded_in_range":             "cannot refund more units than were ordered",
	"pick_tasks_picked_in_range":                "cannot pick more than the task asks for",
	"products_sku_key":                          "a product with this SKU already exists",
	"products_gtin_key":                         "another product already has this GTIN",
	"idempotency_keys_pkey":                     "this command was already submitted",
	"stock_movements_qty_check":                 "a quantity must be a positive whole number",
}

// MapError turns PostgreSQL's refusals into *ConstraintError and leaves other errors alone.
func MapError(err error) error {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return err
	}
	var kind ConstraintKind
	switch pqErr.Code {
	case "23505":
		kind = Duplicate
	case "23514", "23502", "22003":
		kind = Invalid
	case "23503":
		kind = Missing
	case "P0001":
		kind = Forbidden
	default:
		return err
	}
	msg, ok := constraintSentences[pqErr.Constraint]
	if !ok {
		msg = genericSentence(kind, pqErr)
	}
	return &ConstraintError{Kind: kind, Constraint: pqErr.Constraint, Table: pqErr.Table, Message: msg, Err: pqErr}
}

func genericSentence(kind ConstraintKind, e *pq.Error) string {
	switch kind {
	case Duplicate:
		return fmt.Sprintf("that already exists (%s)", e.Detail)
	case Missing:
		return fmt.Sprintf("that refers to something that does not exist (%s)", e.Detail)
	case Forbidden:
		return e.Message
	default:
		if e.Constraint != "" {
			return fmt.Sprintf("the database refused the change: rule %s on %s", e.Constraint, e.Table)
		}
		return "the database refused the change: " + e.Message
	}
}

// IsConstraint reports whether err is a refusal of the given kind.
func IsConstraint(err error, kind ConstraintKind) bool {
	var ce *ConstraintError
	return errors.As(MapError(err), &ce) && ce.Kind == kind
}

// retryable says whether rerunning the whole transaction may succeed: serialization failures
// and deadlocks (DESIGN.md §4). Effects are safe to rerun because commands carry idempotency keys.
func retryable(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && (pqErr.Code == "40001" || pqErr.Code == "40P01")
}
