// Package replenish is replenishment and reordering (migration 00044, issue 16): pick bins with
// a min and max per product refilled from reserve bins as tasks the stock role raises, claims
// under a lease and confirms by scanning both bins (a transfer movement in the ledger); and
// reorder rules per product and warehouse (the back office's) that suggest what to order from
// the stock available, the purchase orders still open, the units in transit and the units
// shipped in the last four weeks, and draft one purchase order per supplier from them.
//
// Every command is one transaction under an idempotency key. Levels, tasks and rules are
// written only by the database's functions (oms_bin_level_set, oms_replenish_*,
// oms_reorder_rule_set), which check the caller's jobs; the suggestion is a read-only query,
// and a draft creates its POs through inbound's oms_po_create.
package replenish
