// Package picking is the floor's work (issue 13): allocated orders released into pick batches
// by warehouse, zone and promise (Release), a picker's claim of the next batch under a lease
// that activity renews and that another picker takes over when it expires (Claim), each scan
// confirmed as one transaction — task, scan row, the line's picked units through a 'pick'
// movement bin → packing, under the scan's idempotency key (Confirm) — and short picks that
// re-task the rest to another bin or backorder it and flag the bin for a count (Short).
//
// The rules live in the database (migration 00031): every command is one call of a SECURITY
// DEFINER function that checks who holds the batch, locks in the ledger's order (the line, the
// batch and task, the balances, the reservations, the order), refuses over-picks and wrong
// scans with a sentence, and keeps open tasks within their reservations when an order is
// cancelled or re-routed under the picker. This package only calls them and decodes what they
// return; a client that bypasses it meets the same refusals.
package picking
