// Package stock is the stock area of the data layer: posting movements to the ledger and
// holding stock for order lines. Each command is one method, one transaction, one statement
// for the effect, with an idempotency key when a person or a file triggers it.
//
// The rules live in the database (migration 00004): balances follow the ledger and the
// reservations by trigger, balance rows are locked in one global order, a movement for an order
// line carries the line's reservation and keeps its picked, shipped and returned units. This
// package only says what should happen; a refusal comes back as a *db.ConstraintError whose
// message names the SKU, the lot and the place.
package stock
