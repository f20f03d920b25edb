package db_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/db/dbtest"
)

// whoRow is who a statement ran as: the role, the terminal and the person the audit trail names.
type whoRow struct {
	User   string `db:"usr"`
	App    string `db:"app"`
	Person string `db:"person"`
}

const whoQuery = `SELECT current_user::text AS usr, current_setting('application_name') AS app,
	coalesce(current_setting('oms.person', true), '') AS person`

// testRole creates a role for this test only (roles are cluster-wide: the name is random), lets
// the test client role become it, and grants it what the probe needs. It is dropped when the
// test ends.
func testRole(t *testing.T, owner *db.DB) string {
	t.Helper()
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	role := "test_as_" + hex.EncodeToString(b)
	mustExec(t, owner,
		`CREATE ROLE `+role+` LOGIN`,
		`GRANT `+role+` TO `+dbtest.ClientRole,
		`GRANT SELECT ON ALL TABLES IN SCHEMA public TO `+role,
		`CREATE TABLE as_probe (n int, usr text DEFAULT current_user, app text DEFAULT current_setting('application_name'),
		                        person text DEFAULT current_setting('oms.person', true))`,
		`GRANT SELECT, INSERT ON as_probe TO `+role)
	t.Cleanup(func() {
		// The grants live in this test's database, the role in the cluster.
		if _, err := owner.Exec(`DROP OWNED BY ` + role); err != nil {
			t.Errorf("dropping what %s owns: %v", role, err)
		}
		if _, err := owner.Exec(`DROP ROLE ` + role); err != nil {
			t.Errorf("dropping %s: %v", role, err)
		}
	})
	return role
}

// openClient opens a pool of one connection as the test client role, so that every call below
// takes the same connection and a role left behind on it would show.
func openClient(t *testing.T, url string) *db.DB {
	t.Helper()
	cfg := db.TerminalConfig(dbtest.ClientURL(t, url))
	cfg.AppName = "oms-test-pool"
	cfg.MaxConns = 1
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// TestAsRunsEveryKindOfCallUnderThePersonsRole: selects, gets, execs, transactions, snapshots,
// prepared queries and the change feed run as the person, as the terminal, naming the person;
// the pool's own calls, before and after, on the same connection, run as the pool.
func TestAsRunsEveryKindOfCallUnderThePersonsRole(t *testing.T) {
	url := dbtest.URL(t)
	owner := dbtest.Open(t, url)
	role := testRole(t, owner)
	pool := openClient(t, url)
	ctx := context.Background()
	as := pool.As(role, "oms-ssh:s1")
	want := whoRow{User: role, App: "oms-ssh:s1", Person: role}
	poolWho := whoRow{User: dbtest.ClientRole, App: "oms-test-pool"}

	check := func(what string, got whoRow, err error, want whoRow) {
		t.Helper()
		if err != nil || got != want {
			t.Errorf("%s: ran as %+v (%v); want %+v", what, got, err, want)
		}
	}
	var w whoRow
	err := pool.GetContext(ctx, &w, whoQuery)
	check("the pool, before", w, err, poolWho)

	err = as.GetContext(ctx, &w, whoQuery)
	check("GetContext", w, err, want)
	err = as.Get(&w, whoQuery)
	check("Get", w, err, want)
	var ws []whoRow
	err = as.SelectContext(ctx, &ws, whoQuery)
	check("SelectContext", first(ws), err, want)
	err = as.Select(&ws, whoQuery)
	check("Select", first(ws), err, want)
	err = as.GetPrepared(ctx, &w, whoQuery)
	check("GetPrepared", w, err, want)
	err = as.SelectPrepared(ctx, &ws, whoQuery)
	check("SelectPrepared", first(ws), err, want)
	err = pool.GetPrepared(ctx, &w, whoQuery) // the same statement, now as the pool
	check("the pool's GetPrepared", w, err, poolWho)
	err = as.GetPrepared(ctx, &w, whoQuery) // and again as the person, after the pool used it
	check("GetPrepared after the pool's", w, err, want)
	if pool.PreparedCount() != 1 {
		t.Errorf("%d statements prepared; the person and the pool should share one", pool.PreparedCount())
	}
	err = as.InSnapshot(ctx, func(tx *sqlx.Tx) error { return tx.GetContext(ctx, &w, whoQuery) })
	check("InSnapshot", w, err, want)
	err = as.InSerializableTx(ctx, func(tx *sqlx.Tx) error { return tx.GetContext(ctx, &w, whoQuery) })
	check("InSerializableTx", w, err, want)
	tx, err := as.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = tx.GetContext(ctx, &w, whoQuery)
	check("BeginTxx", w, err, want)
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}

	// Writes: the row's defaults are evaluated by the person's statement.
	if _, err := as.ExecContext(ctx, `INSERT INTO as_probe (n) VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := as.Exec(`INSERT INTO as_probe (n) VALUES (2)`); err != nil {
		t.Fatal(err)
	}
	err = as.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO as_probe (n) VALUES (3)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		N int `db:"n"`
		whoRow
	}
	if err := owner.Select(&rows, `SELECT n, usr, app, person FROM as_probe ORDER BY n`); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows written; want 3", len(rows))
	}
	for _, r := range rows {
		check(fmt.Sprintf("write %d", r.N), r.whoRow, nil, want)
	}

	// The person's grants decide, not the pool's: the pool (a supervisor, migration 00009) may
	// add an exchange rate, the person may not, whether alone or in a transaction.
	insert := `INSERT INTO fx_rates (base, quote, rate_date, rate) VALUES ('EUR', 'USD', '2001-01-01', 1.1)`
	if _, err := as.ExecContext(ctx, insert); !isPermissionDenied(err) {
		t.Errorf("the person wrote what only the pool may: %v", err)
	}
	err = as.InTx(ctx, func(tx *sqlx.Tx) error { _, err := tx.ExecContext(ctx, insert); return err })
	if ce := (*db.ConstraintError)(nil); !errors.As(err, &ce) || ce.Kind != db.Forbidden {
		t.Errorf("the person wrote what only the pool may, in a transaction: %v", err)
	}
	if _, err := pool.ExecContext(ctx, insert); err != nil {
		t.Errorf("the pool may add an exchange rate: %v", err)
	}

	// The change feed, under the person's role.
	snap, _, err := as.ChangesSince(ctx, "", db.SetOf(db.Orders))
	if err != nil {
		t.Fatalf("ChangesSince as the person: %v", err)
	}
	if _, changed, err := as.ChangesSince(ctx, snap, db.SetOf(db.Orders, db.Stock)); err != nil || changed != 0 {
		t.Fatalf("ChangesSince as the person = %v, %v; want nothing changed", changed, err)
	}

	// Nothing of the person stays on the connection.
	err = pool.GetContext(ctx, &w, whoQuery)
	check("the pool, after", w, err, poolWho)
}

func first(ws []whoRow) whoRow {
	if len(ws) != 1 {
		return whoRow{User: fmt.Sprintf("(%d rows)", len(ws))}
	}
	return ws[0]
}

func isPermissionDenied(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "42501"
}

// TestAsFailsClosed: a role the pool may not become, a name that tries to break out of its
// quotes, and the calls that cannot be one transaction all fail, and none runs as the pool.
func TestAsFailsClosed(t *testing.T) {
	url := dbtest.URL(t)
	owner := dbtest.Open(t, url)
	role := testRole(t, owner)
	pool := openClient(t, url)
	ctx := context.Background()
	var w whoRow

	// The client pool is not a member of postgres: that role is not its to become.
	if err := pool.As("postgres", "x").GetContext(ctx, &w, whoQuery); !isPermissionDenied(err) {
		t.Errorf("became a role the pool is not a member of: %+v, %v", w, err)
	}
	for _, login := range []string{``, `x"; RESET ROLE; --`, role + `"; RESET ROLE; SELECT "`} {
		err := pool.As(login, "x").GetContext(ctx, &w, whoQuery)
		if err == nil {
			t.Errorf("login %q ran as %+v", login, w)
		}
	}
	// An application name is only ever a value.
	odd := `'; RESET ROLE; SET application_name = 'evil`
	if err := pool.As(role, odd).GetContext(ctx, &w, whoQuery); err != nil || w.User != role || w.App != odd {
		t.Errorf("application name %q: ran as %+v, %v", odd, w, err)
	}

	as := pool.As(role, "oms-ssh:s2")
	var n int
	if err := as.QueryRowxContext(ctx, `SELECT 1`).Scan(&n); !errors.Is(err, db.ErrNeedsTx) {
		t.Errorf("QueryRowxContext on a person's handle: %v; want ErrNeedsTx", err)
	}
	if _, err := as.QueryxContext(ctx, `SELECT 1`); !errors.Is(err, db.ErrNeedsTx) {
		t.Errorf("QueryxContext on a person's handle: %v; want ErrNeedsTx", err)
	}
	if _, err := as.Conn(ctx); !errors.Is(err, db.ErrNeedsTx) {
		t.Errorf("Conn on a person's handle: %v; want ErrNeedsTx", err)
	}
	if _, err := as.Migrate(ctx); !errors.Is(err, db.ErrNeedsTx) {
		t.Errorf("Migrate on a person's handle: %v; want ErrNeedsTx", err)
	}
	// Closing the handle leaves the pool open.
	if err := as.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pool.GetContext(ctx, &w, whoQuery); err != nil || w.User != dbtest.ClientRole {
		t.Errorf("the pool after the handle's Close: %+v, %v", w, err)
	}
	if as.Person() != role || pool.Person() != "" {
		t.Errorf("Person() = %q and %q", as.Person(), pool.Person())
	}
	if !strings.Contains(db.ErrNeedsTx.Error(), "InTx") {
		t.Errorf("ErrNeedsTx does not say what to use: %v", db.ErrNeedsTx)
	}
}
