// Package db is oms's only door to PostgreSQL (sqlx + lib/pq). It owns the embedded schema
// migrations, one method per business operation (each one transaction, retried on serialization
// failures), the queries behind the screens, the change feed that wakes live screens, the
// invariant audit behind `oms check`, and the mapping of PostgreSQL errors to sentences a user can
// act on. Nothing here renders; nothing outside builds SQL.
package db
