// Package db is oms's only door to PostgreSQL (sqlx + lib/pq). It owns the infrastructure: the
// embedded schema migrations, opening pools with session limits, transactions rerun on
// serialization failures and deadlocks (and the counters of how often), read-only snapshots,
// statements prepared once per connection for the queries live screens repeat, idempotency
// keys, the change feed by table that wakes live screens, the invariant audit behind
// `oms check`, and the mapping of PostgreSQL errors to sentences a user can act on.
//
// Queries and commands live in one package per business area under db/ (db/orders, db/staff,
// db/stock, db/invoicing, …), each command one transaction, returning model types. The rules
// that span tables are not theirs to keep: the migrations make the database enforce them (see
// migrations 00004–00006), so a client that bypasses this package meets the same refusals.
// Nothing here renders; nothing outside db builds SQL.
package db
