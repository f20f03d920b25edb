// Package inbound is the stock role's inbound and moves (migration 00043, issue 16): suppliers
// and purchase orders (the back office's), receiving by scan against a PO (over-receipt within
// the warehouse's tolerance, damaged units into quarantine, lots and expiry captured), suggested
// putaway, moves between bins, transfers between warehouses with what is in transit computed
// from the ledger, and adjustments that wait for a supervisor above the warehouse's value.
//
// Every command is one transaction under an idempotency key, and every effect goes through the
// database's functions (oms_po_*, oms_putaway*, oms_move, oms_transfer_*, oms_adjust*), which
// check the caller's jobs and re-check their inputs: nobody writes a PO, transfer or adjustment
// directly, and the units received, shipped and written off follow the ledger's movements.
package inbound
