package db

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// maxTxAttempts bounds how often a transaction is rerun; maxBackoff caps the wait between runs.
// Serialization failures cluster on hot rows, so a few more attempts with a capped, jittered
// wait ride out a burst without holding a person at the terminal for long (at most about three
// seconds of waiting in all). Ten proved too few for 32 workers on three bins on a busy
// two-core machine (db/bench's stress test gave up on 3 of some 3,000 commands).
const (
	maxTxAttempts = 16
	maxBackoff    = 200 * time.Millisecond
)

// InTx runs fn in one READ COMMITTED transaction. See inTx.
func (d *DB) InTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return d.inTx(ctx, sql.LevelReadCommitted, fn)
}

// InSerializableTx runs fn in one SERIALIZABLE transaction. See inTx.
func (d *DB) InSerializableTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	return d.inTx(ctx, sql.LevelSerializable, fn)
}

// inTx commits when fn returns nil and rolls back otherwise. On a serialization failure or a
// deadlock it reruns the whole of fn, a bounded number of times with jittered back-off, so fn
// must do everything through tx and keep no state between attempts. Errors come back mapped.
func (d *DB) inTx(ctx context.Context, level sql.IsolationLevel, fn func(tx *sqlx.Tx) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		err = d.tryTx(ctx, level, fn)
		d.retries.count(err)
		if err == nil || !retryable(err) || attempt == maxTxAttempts {
			return MapError(err)
		}
		backoff := min(time.Duration(attempt*attempt)*5*time.Millisecond, maxBackoff)
		jitter := time.Duration(rand.Int64N(int64(backoff)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff + jitter):
		}
	}
}

func (d *DB) tryTx(ctx context.Context, level sql.IsolationLevel, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.BeginTxx(ctx, &sql.TxOptions{Isolation: level})
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// readOnlySnapshot is for audits and reports: one consistent view, no writes.
var readOnlySnapshot = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// InSnapshot runs fn in one read-only REPEATABLE READ transaction, so that several queries see
// one consistent state (an order with its lines and history). Nothing is retried: a read-only
// snapshot cannot fail to serialize. Errors come back mapped.
func (d *DB) InSnapshot(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.BeginTxx(ctx, readOnlySnapshot)
	if err != nil {
		return MapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return MapError(err)
	}
	return MapError(tx.Commit())
}

// queryer is what both *sqlx.DB and *sqlx.Tx offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// RetryStats counts the transactions this pool had to rerun, by cause. Deadlocks should never
// happen (balances and rows are locked in one global order); serialization failures are the
// database refusing to wait out of order, and are normal under contention.
type RetryStats struct {
	Deadlocks, SerializationFailures int64
}

type retryCounter struct{ deadlocks, serialization atomic.Int64 }

func (c *retryCounter) count(err error) {
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) {
		return
	}
	switch pqErr.Code {
	case "40P01":
		c.deadlocks.Add(1)
	case "40001":
		c.serialization.Add(1)
	}
}

// Retries reports how many transactions were rerun since the pool was opened.
func (d *DB) Retries() RetryStats {
	return RetryStats{Deadlocks: d.retries.deadlocks.Load(), SerializationFailures: d.retries.serialization.Load()}
}
