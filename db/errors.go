package db

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// ErrNotFound means the thing asked for does not exist.
var ErrNotFound = errors.New("not found")

// ConstraintKind says which kind of database rule refused a write.
type ConstraintKind int

const (
	// Duplicate is a UNIQUE violation (23505): the thing already exists.
	Duplicate ConstraintKind = iota + 1
	// Invalid is a CHECK violation (23514): the value breaks a rule such as "no negative stock".
	Invalid
	// Missing is a FOREIGN KEY violation (23503): it refers to something that does not exist.
	Missing
	// Forbidden is a trigger's refusal (P0001), such as changing the append-only ledger, or a
	// write the role may not make (42501), such as writing a table the database keeps itself.
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
func (e *ConstraintError) Unwrap() error {
	if e.Err == nil { // a refusal found in Go, not by PostgreSQL: there is nothing under it
		return nil
	}
	return e.Err
}

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
	"channels_safety_buffer_check":              "a channel's safety buffer is 0 units or more",
	"locations_barcode_key":                     "another location already has this barcode",
	"locations_barcode_check":                   "a location's barcode is 1 to 64 printable ASCII characters",
	"idempotency_keys_pkey":                     "this command was already submitted",
	"stock_movements_qty_check":                 "a quantity must be a positive whole number",
	"stock_movements_lot_of_product":            "that lot belongs to another product",
	"stock_balances_lot_of_product":             "that lot belongs to another product",
	"reservations_lot_of_product":               "that lot belongs to another product",
	"pick_tasks_lot_of_product":                 "that lot belongs to another product",
	"stock_count_lines_lot_of_product":          "that lot belongs to another product",
	"stock_movements_line_of_product":           "that order line is for another product",
	"reservations_line_of_product":              "that order line is for another product",
	"pick_tasks_line_of_product":                "that order line is for another product",
	"stock_movements_rma_line_of_line":          "that RMA line is for another order line",
	"stock_balances_real_location":              "virtual locations keep no stock balance",
	"refunds_in_order_currency":                 "a refund is paid in its order's currency",
	"refunds_rma_of_order":                      "that RMA belongs to another order",
	"rma_lines_of_rma_order":                    "that order line belongs to another order than the RMA",
	"rma_lines_line_of_order":                   "that order line belongs to another order than the RMA",
	"packages_of_shipment_order":                "that shipment belongs to another order than the package",
	"package_lines_of_package_order":            "that order line belongs to another order than the package",
	"package_lines_line_of_order":               "that order line belongs to another order than the package",
}

// stillUsedSentences explain a refused change or deletion of something others point at.
var stillUsedSentences = map[string]string{
	"stock_movements_line_of_product": "stock has been moved for that order line, so its product cannot change",
	"reservations_line_of_product":    "stock is reserved for that order line, so its product cannot change",
	"pick_tasks_line_of_product":      "that order line has pick tasks, so its product cannot change",
}

// BusyError is a statement that waited longer than the session's lock_timeout for rows another
// transaction holds (SQLSTATE 55P03): nothing was changed, and trying again usually works. A
// terminal session waits 3 s (TerminalConfig), so a person is told rather than left hanging.
type BusyError struct{ Err *pq.Error }

func (e *BusyError) Error() string {
	return "another terminal is changing the same orders or stock right now: nothing was saved, try again"
}

func (e *BusyError) Unwrap() error { return e.Err }

// MapError turns PostgreSQL's refusals into *ConstraintError, a lock wait that timed out into
// *BusyError, and leaves other errors alone.
func MapError(err error) error {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return err
	}
	if pqErr.Code == "55P03" {
		return &BusyError{Err: pqErr}
	}
	var kind ConstraintKind
	switch pqErr.Code {
	case "23505":
		kind = Duplicate
	case "23514", "23502", "22003":
		kind = Invalid
	case "23503":
		kind = Missing
	case "P0001", "42501":
		kind = Forbidden
	default:
		return err
	}
	msg, ok := constraintSentences[pqErr.Constraint]
	if kind == Missing && strings.HasPrefix(pqErr.Message, "update or delete") {
		msg, ok = stillUsedSentences[pqErr.Constraint]
	}
	switch {
	case strings.HasSuffix(pqErr.Constraint, "_printable"):
		msg = printableSentence(pqErr)
	case raisedByOurTrigger(pqErr):
		// The schema's own refusals are written as sentences naming the order, SKU and place.
		msg = pqErr.Message
	case !ok:
		msg = genericSentence(kind, pqErr)
	}
	return &ConstraintError{Kind: kind, Constraint: pqErr.Constraint, Table: pqErr.Table, Message: msg, Err: pqErr}
}

// printableSentence explains a refusal of migration 00050's CHECKs, named TABLE_COLUMN_printable.
func printableSentence(e *pq.Error) string {
	column := strings.TrimSuffix(strings.TrimPrefix(e.Constraint, e.Table+"_"), "_printable")
	return fmt.Sprintf("the %s's %s holds a control character such as ESC, which would command the terminals that show it: remove it and save again",
		singular(e.Table), strings.ReplaceAll(column, "_", " "))
}

// singular is a table's name for one of its rows: orders → order, addresses → address.
func singular(table string) string {
	table = strings.ReplaceAll(table, "_", " ")
	switch {
	case strings.HasSuffix(table, "sses"):
		return strings.TrimSuffix(table, "es")
	case strings.HasSuffix(table, "s"):
		return strings.TrimSuffix(table, "s")
	}
	return table
}

// raisedByOurTrigger tells a RAISE in the schema's PL/pgSQL from PostgreSQL's own messages.
func raisedByOurTrigger(e *pq.Error) bool { return e.Routine == "exec_stmt_raise" }

func genericSentence(kind ConstraintKind, e *pq.Error) string {
	switch kind {
	case Duplicate:
		return fmt.Sprintf("that already exists (%s)", e.Detail)
	case Missing:
		if strings.HasPrefix(e.Message, "update or delete") {
			return fmt.Sprintf("that is still in use (%s)", e.Detail)
		}
		return fmt.Sprintf("that refers to something that does not exist (%s)", e.Detail)
	case Forbidden:
		if e.Code == "42501" {
			return "your database role may not do that: " + e.Message
		}
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
// and deadlocks (ARCHITECTURE.md §3). Effects are safe to rerun because commands carry
// idempotency keys.
func retryable(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && (pqErr.Code == "40001" || pqErr.Code == "40P01")
}
