package db

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"
)

const maxTxAttempts = 5

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
		if err == nil || !retryable(err) || attempt == maxTxAttempts {
			return MapError(err)
		}
		backoff := time.Duration(attempt*attempt) * 5 * time.Millisecond
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

// queryer is what both *sqlx.DB and *sqlx.Tx offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}
