package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// actor is the person a handle made by As runs as.
type actor struct {
	login string
	// set is the one statement that opens each of the person's transactions: SET LOCAL of the
	// role, application_name and oms.person, every value quoted (pq.QuoteIdentifier,
	// pq.QuoteLiteral), sent as one simple query so it costs one round trip.
	set string
}

// As returns a handle on d's pool on which every statement and transaction runs under login's
// role, as application (application_name, e.g. "oms-ssh:SESSION"), with the setting oms.person
// = login for the audit trail. It is how the SSH server runs each session as its person
// (ARCHITECTURE.md §3): one pool, logged in as a role that is a member of every person's role,
// and the person's grants, not the pool's, deciding what each statement may do.
//
// Each call on the handle is one transaction that first runs SET LOCAL ROLE and then the work,
// so the role can never outlive it on a pooled connection, whatever the work does or however
// it fails. SelectContext, GetContext, ExecContext (and Select, Get, Exec), BeginTxx (and
// Beginx, BeginTx, Begin), InTx, InSerializableTx, InSnapshot, SelectPrepared, GetPrepared,
// ChangesSince, ChangedSince and everything built on them honour the role. Calls that hand back
// rows or a connection still open (QueryRowxContext, QueryxContext, QueryContext, Conn,
// Preparex, NamedExec, Migrate, …) cannot be wrapped in a transaction that ends with them: on
// this handle they fail with ErrNeedsTx instead of running as the pool's role.
//
// The pool's login must be a member of login's role (or a superuser), else every call fails
// with "permission denied to set role". Close on the handle does nothing: the pool is d's.
func (d *DB) As(login, application string) *DB {
	as := &DB{DB: refusingPool(), pool: d.pool, target: d.target, retries: d.retries, stmts: d.stmts, shared: d.shared}
	as.as = &actor{login: login, set: `SET LOCAL ROLE ` + pq.QuoteIdentifier(login) +
		`; SET LOCAL application_name = ` + pq.QuoteLiteral(application) +
		`; SET LOCAL oms.person = ` + pq.QuoteLiteral(login)}
	return as
}

// Person is the login a handle made by As runs as, or "" for the pool's own role.
func (d *DB) Person() string {
	if d.as == nil {
		return ""
	}
	return d.as.login
}

// ErrNeedsTx is what a handle made by As answers to a call it cannot run under the person's
// role (one that returns rows or a connection left open).
var ErrNeedsTx = errors.New("db: this handle runs as a person's role, so each call must be one transaction: " +
	"use GetContext, SelectContext, ExecContext, InTx or InSnapshot")

// refusingPool is the *sqlx.DB a handle made by As embeds: every connection it is asked for
// fails with ErrNeedsTx, so a method of *sqlx.DB that DB does not define fails closed instead
// of running as the pool's role. One serves every handle (a *sql.DB keeps a goroutine).
var refusingPool = sync.OnceValue(func() *sqlx.DB {
	return sqlx.NewDb(sql.OpenDB(refusingConnector{}), "postgres")
})

type refusingConnector struct{}

func (refusingConnector) Connect(context.Context) (driver.Conn, error) { return nil, ErrNeedsTx }
func (refusingConnector) Driver() driver.Driver                        { return refusingDriver{} }

type refusingDriver struct{}

func (refusingDriver) Open(string) (driver.Conn, error) { return nil, ErrNeedsTx }

// beginAs begins a transaction on the pool and sets the person's role in it.
func (d *DB) beginAs(ctx context.Context, opts *sql.TxOptions) (*sqlx.Tx, error) {
	tx, err := d.pool.BeginTxx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, d.as.set); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}

// asTx runs fn in one transaction under the person's role: committed when fn returns nil,
// rolled back otherwise. Errors come back as they are (not mapped), like the calls it wraps.
func (d *DB) asTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := d.beginAs(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// The methods below shadow *sqlx.DB's: without a person they are exactly the pool's call.

// SelectContext is sqlx's SelectContext, under the person's role on a handle made by As.
func (d *DB) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	if d.as == nil {
		return d.DB.SelectContext(ctx, dest, query, args...)
	}
	return d.asTx(ctx, func(tx *sqlx.Tx) error { return tx.SelectContext(ctx, dest, query, args...) })
}

// GetContext is sqlx's GetContext, under the person's role on a handle made by As.
func (d *DB) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	if d.as == nil {
		return d.DB.GetContext(ctx, dest, query, args...)
	}
	return d.asTx(ctx, func(tx *sqlx.Tx) error { return tx.GetContext(ctx, dest, query, args...) })
}

// ExecContext is database/sql's ExecContext, under the person's role on a handle made by As.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if d.as == nil {
		return d.DB.ExecContext(ctx, query, args...)
	}
	var res sql.Result
	err := d.asTx(ctx, func(tx *sqlx.Tx) error {
		var err error
		res, err = tx.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// Select is SelectContext without a context.
func (d *DB) Select(dest any, query string, args ...any) error {
	return d.SelectContext(context.Background(), dest, query, args...)
}

// Get is GetContext without a context.
func (d *DB) Get(dest any, query string, args ...any) error {
	return d.GetContext(context.Background(), dest, query, args...)
}

// Exec is ExecContext without a context.
func (d *DB) Exec(query string, args ...any) (sql.Result, error) {
	return d.ExecContext(context.Background(), query, args...)
}

// BeginTxx is sqlx's BeginTxx; on a handle made by As the transaction runs under the person's
// role from its first statement.
func (d *DB) BeginTxx(ctx context.Context, opts *sql.TxOptions) (*sqlx.Tx, error) {
	if d.as == nil {
		return d.DB.BeginTxx(ctx, opts)
	}
	return d.beginAs(ctx, opts)
}

// Beginx is BeginTxx without a context or options.
func (d *DB) Beginx() (*sqlx.Tx, error) { return d.BeginTxx(context.Background(), nil) }

// BeginTx is database/sql's BeginTx; on a handle made by As the transaction runs under the
// person's role from its first statement.
func (d *DB) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	if d.as == nil {
		return d.DB.BeginTx(ctx, opts)
	}
	tx, err := d.beginAs(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tx.Tx, nil
}

// Begin is BeginTx without a context or options.
func (d *DB) Begin() (*sql.Tx, error) { return d.BeginTx(context.Background(), nil) }

// scanRow is QueryRowxContext(…).Scan(dest…), which a handle made by As can run (it cannot
// return an unscanned row).
func (d *DB) scanRow(ctx context.Context, query string, args []any, dest ...any) error {
	if d.as == nil {
		return d.DB.QueryRowxContext(ctx, query, args...).Scan(dest...)
	}
	return d.asTx(ctx, func(tx *sqlx.Tx) error { return tx.QueryRowxContext(ctx, query, args...).Scan(dest...) })
}

// CheckActsForPeople says, as one sentence, why d's login cannot run sessions for people, or
// nil. It must be a member of oms_server (migration 00009): only then does the audit trail name
// the person the handle made by As acts for (oms_actor() reads oms.person) rather than the
// pool's own login. A superuser counts as a member of every role.
func (d *DB) CheckActsForPeople(ctx context.Context) error {
	var who struct {
		Login  string `db:"login"`
		Member bool   `db:"member"`
	}
	err := d.GetContext(ctx, &who, `SELECT session_user::text AS login,
		coalesce(pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = 'oms_server'), 'MEMBER'), false) AS member`)
	if err != nil {
		return MapError(err)
	}
	if !who.Member {
		return fmt.Errorf("the database login %s is not a member of oms_server, so every change made over SSH would be "+
			"recorded as %s's, not the person's: GRANT oms_server TO %s, or connect as a login that is",
			who.Login, who.Login, pq.QuoteIdentifier(who.Login))
	}
	return nil
}
