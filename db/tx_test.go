package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/db/dbtest"
)

func TestInTxRerunsTheWholeTransactionAfterASerializationFailure(t *testing.T) {
	d := dbtest.New(t)
	attempts := 0
	err := d.InSerializableTx(context.Background(), func(tx *sqlx.Tx) error {
		attempts++
		if _, err := tx.Exec(`INSERT INTO tax_categories (code, name) VALUES ('books', 'Books')`); err != nil {
			return err
		}
		if attempts == 1 {
			return &pq.Error{Code: "40001", Message: "could not serialize access"}
		}
		return nil
	})
	if err != nil || attempts != 2 {
		t.Fatalf("err %v after %d attempts; want success on the second", err, attempts)
	}
	var n int
	mustGet(t, d, &n, `SELECT count(*) FROM tax_categories WHERE code = 'books'`)
	if n != 1 {
		t.Fatalf("the first attempt's insert was not rolled back: %d rows", n)
	}
}

func TestInTxRollsBackAndExplainsARefusal(t *testing.T) {
	d := dbtest.New(t)
	err := d.InTx(context.Background(), func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`INSERT INTO tax_categories (code, name) VALUES ('gifts', 'Gifts')`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO products (sku, name, tax_category) VALUES ('A-1', 'x', 'gifts'), ('A-1', 'y', 'gifts')`)
		return err
	})
	var ce *db.ConstraintError
	if !errors.As(err, &ce) || ce.Kind != db.Duplicate || ce.Error() != "a product with this SKU already exists" {
		t.Fatalf("got %v, want the duplicate SKU explained", err)
	}
	var n int
	mustGet(t, d, &n, `SELECT count(*) FROM tax_categories WHERE code = 'gifts'`)
	if n != 0 {
		t.Fatal("a refused transaction left its first insert behind")
	}
}

// TestALockWaitThatTimesOutIsASentence: a command that waits past its session's lock_timeout
// for rows another transaction holds comes back as one sentence a person can act on, still
// recognisable as PostgreSQL's 55P03 underneath, and changed nothing.
func TestALockWaitThatTimesOutIsASentence(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	holder, err := d.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	if _, err := holder.Exec(`UPDATE tax_categories SET name = 'Standard (held)' WHERE code = 'standard'`); err != nil {
		t.Fatal(err)
	}
	err = d.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.Exec(`SET LOCAL lock_timeout = '50ms'`); err != nil {
			return err
		}
		_, err := tx.Exec(`UPDATE tax_categories SET name = 'Standard rate' WHERE code = 'standard'`)
		return err
	})
	var busy *db.BusyError
	var pqErr *pq.Error
	if !errors.As(err, &busy) || !errors.As(err, &pqErr) || pqErr.Code != "55P03" ||
		err.Error() != "another terminal is changing the same orders or stock right now: nothing was saved, try again" {
		t.Fatalf("got %v, want the busy sentence over 55P03", err)
	}
}
