// Package export reads what `oms export` writes: orders (and each order as the channel stated
// it, model.IncomingOrder), order lines, invoices, the stock ledger, shipments and the stock a
// channel may sell, each streamed row by row to a callback.
//
// An export reads in one read-only REPEATABLE READ transaction, so every row it sees belongs to
// one snapshot of the database, and that snapshot (pg_current_snapshot, in text form) is the
// export's cursor. The next export given the cursor reads the rows that transactions the
// snapshot could not see have written, by their change_xid stamp (ARCHITECTURE.md §4, the change
// feed of db/changes.go; migration 00018 stamps invoices and shipments): a transaction that
// began before one export and committed after it is read by the next, and a row that changed
// once is read once. Rows come from lib/pq as the server sends them, so memory stays bounded
// however many there are.
//
// It only reads: the back office (or admin) role runs it, and PostgreSQL's grants and row
// security decide what it sees. It renders nothing; package export (top level) writes files.
package export
