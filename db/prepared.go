package db

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// maxPrepared bounds the statements a pool keeps prepared. Only queries built from a fixed set of
// fragments belong here (a queue page is one of a few dozen shapes), so the bound is never
// reached in practice; past it a query simply runs unprepared.
const maxPrepared = 256

// stmtCache holds one prepared statement per query text for the life of the pool.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sqlx.Stmt
}

// SelectPrepared is SelectContext through a statement prepared once per connection.
//
// lib/pq sends every other query as an unnamed statement, which PostgreSQL parses and plans
// again on each call; for the queries a live screen repeats every few hundred milliseconds that
// was most of their cost (the first queue page: 0.39 ms unprepared, 0.094 ms prepared). A
// *sql.Stmt on the pool prepares itself on each connection the first time that connection runs
// it, and again after a reconnect, so the caller sees no difference. On a handle made by As the
// statement runs in the person's transaction, on the connection that transaction took.
//
// query must come from a fixed set of texts: never text that varies with user input. Values are
// bound parameters as always. Queries whose best plan depends on a parameter's value (a search
// pattern) should not come here: after five runs PostgreSQL may settle on one generic plan.
func (d *DB) SelectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	st, err := d.prepared(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		return d.SelectContext(ctx, dest, query, args...)
	}
	if d.as == nil {
		err = st.SelectContext(ctx, dest, args...)
	} else {
		err = d.asTx(ctx, func(tx *sqlx.Tx) error { return tx.StmtxContext(ctx, st).SelectContext(ctx, dest, args...) })
	}
	if planInvalidated(err) {
		d.forget(query, st)
		return d.SelectContext(ctx, dest, query, args...)
	}
	return err
}

// GetPrepared is GetContext through a statement prepared once per connection (see
// SelectPrepared).
func (d *DB) GetPrepared(ctx context.Context, dest any, query string, args ...any) error {
	st, err := d.prepared(ctx, query)
	if err != nil {
		return err
	}
	if st == nil {
		return d.GetContext(ctx, dest, query, args...)
	}
	if d.as == nil {
		err = st.GetContext(ctx, dest, args...)
	} else {
		err = d.asTx(ctx, func(tx *sqlx.Tx) error { return tx.StmtxContext(ctx, st).GetContext(ctx, dest, args...) })
	}
	if planInvalidated(err) {
		d.forget(query, st)
		return d.GetContext(ctx, dest, query, args...)
	}
	return err
}

// PreparedCount is how many statements the pool keeps prepared; tests use it to see that a
// repeated query reuses its statement.
func (d *DB) PreparedCount() int {
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	return len(d.stmts.stmts)
}

// prepared returns the statement for query, preparing it on first use; nil means "run it
// unprepared" (the cache is full).
func (d *DB) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	c := d.stmts
	c.mu.Lock()
	st, ok := c.stmts[query]
	full := len(c.stmts) >= maxPrepared
	c.mu.Unlock()
	if ok {
		return st, nil
	}
	if full {
		return nil, nil
	}
	// Prepared outside the lock: it is a round trip, and other queries must not wait for it.
	// Two callers may prepare the same text at once; the second keeps the first's statement.
	st, err := d.pool.PreparexContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if have, ok := c.stmts[query]; ok {
		st.Close()
		return have, nil
	}
	if c.stmts == nil {
		c.stmts = map[string]*sqlx.Stmt{}
	}
	c.stmts[query] = st
	return st, nil
}

// forget drops a statement whose plan the server can no longer use (its tables changed shape
// under a running client, as a migration can do); the next call prepares it afresh.
func (d *DB) forget(query string, st *sqlx.Stmt) {
	c := d.stmts
	c.mu.Lock()
	if c.stmts[query] == st {
		delete(c.stmts, query)
	}
	c.mu.Unlock()
	st.Close()
}

// planInvalidated is PostgreSQL refusing a prepared statement after DDL changed its result
// ("cached plan must not change result type", SQLSTATE 0A000).
func planInvalidated(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "0A000" && strings.Contains(pqErr.Message, "cached plan")
}

// Close closes the prepared statements and then the pool. On a handle made by As it does
// nothing: the pool belongs to the handle As was called on.
func (d *DB) Close() error {
	if d.as != nil {
		return nil
	}
	c := d.stmts
	c.mu.Lock()
	for q, st := range c.stmts {
		st.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return d.DB.Close()
}

// TxStmt is query prepared once per connection and bound to tx, for commands that run the same
// few statements in many short transactions (the allocator: a whole allocation is nine
// statements, and planning them again each time was most of its cost). nil means "run it
// unprepared" (the cache is full). query must come from a fixed set of texts, as for
// SelectPrepared.
func (d *DB) TxStmt(ctx context.Context, tx *sqlx.Tx, query string) (*sqlx.Stmt, error) {
	st, err := d.prepared(ctx, query)
	if err != nil || st == nil {
		return nil, err
	}
	return tx.StmtxContext(ctx, st), nil
}

// Prepare makes sure each query has its statement in the pool's cache, preparing those that do
// not yet, so that a transaction begun afterwards finds them there (TxSelect, TxGet). Call it
// before beginning: preparing takes a connection of its own, and a transaction holding one while
// it waits for another can starve a bounded pool. The texts must be fixed, as for
// SelectPrepared.
func (d *DB) Prepare(ctx context.Context, queries ...string) error {
	for _, q := range queries {
		if _, err := d.prepared(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// TxSelect is tx.SelectContext through the pool's statement for query when Prepare has made one
// (PostgreSQL then reuses the plan on each connection instead of planning again), and a plain
// query when it has not. It never prepares: that would take a second connection.
func (d *DB) TxSelect(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st := d.cachedStmt(query)
	if st == nil {
		return tx.SelectContext(ctx, dest, query, args...)
	}
	err := tx.StmtxContext(ctx, st).SelectContext(ctx, dest, args...)
	if planInvalidated(err) {
		d.forget(query, st) // the transaction is lost; the next one prepares afresh
	}
	return err
}

// TxGet is TxSelect for one row.
func (d *DB) TxGet(ctx context.Context, tx *sqlx.Tx, dest any, query string, args ...any) error {
	st := d.cachedStmt(query)
	if st == nil {
		return tx.GetContext(ctx, dest, query, args...)
	}
	err := tx.StmtxContext(ctx, st).GetContext(ctx, dest, args...)
	if planInvalidated(err) {
		d.forget(query, st)
	}
	return err
}

// cachedStmt is query's statement if the pool has one.
func (d *DB) cachedStmt(query string) *sqlx.Stmt {
	d.stmts.mu.Lock()
	defer d.stmts.mu.Unlock()
	return d.stmts.stmts[query]
}
