package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockKey is the advisory lock that serializes concurrent `oms migrate` runs.
const migrationLockKey = 0x6f6d735f6d6967 // "oms_mig"

func newProvider(db *sql.DB) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, db, sub,
		goose.WithDisableGlobalRegistry(true))
}

// MigrationResult says what Migrate did.
type MigrationResult struct {
	Applied []string // file names applied by this run, in order
	Version int64    // schema version afterwards
}

// Migrate applies the embedded migrations that are not applied yet. Concurrent runs are safe:
// each waits on one advisory lock (blocking, so nobody sleeps and polls), and whoever comes
// second finds nothing left to do.
func (d *DB) Migrate(ctx context.Context) (MigrationResult, error) {
	var res MigrationResult
	conn, err := d.DB.DB.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	// The wait lasts as long as the other run: a session's lock_timeout (the terminal profile's
	// 3 s) must not turn a concurrent migration into a failure. Only this connection's setting
	// changes, and only until it goes back to the pool.
	if _, err := conn.ExecContext(ctx, `SET lock_timeout = 0`); err != nil {
		return res, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `RESET lock_timeout`)
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return res, fmt.Errorf("waiting for other migrations to finish: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)

	p, err := newProvider(d.DB.DB)
	if err != nil {
		return res, err
	}
	results, err := p.Up(ctx)
	for _, r := range results {
		res.Applied = append(res.Applied, r.Source.Path)
	}
	if err != nil {
		return res, fmt.Errorf("migrating: %w", err)
	}
	res.Version, err = p.GetDBVersion(ctx)
	return res, err
}

// LatestVersion is the schema version this binary was built with.
func LatestVersion() int64 {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		panic(err) // the embedded files are part of the binary
	}
	var latest int64
	for _, e := range entries {
		v, err := goose.NumericComponent(e.Name())
		if err == nil && v > latest {
			latest = v
		}
	}
	return latest
}

// ErrNotMigrated means the database has no oms schema or an older one.
var ErrNotMigrated = errors.New("schema not migrated")

// SchemaError says the schema does not match this binary, and what to do.
type SchemaError struct {
	Target        string
	Have, Want    int64
	MissingSchema bool
}

func (e *SchemaError) Error() string {
	switch {
	case e.MissingSchema:
		return fmt.Sprintf("the database at %s has no oms schema: run `oms migrate` first", e.Target)
	case e.Have < e.Want:
		return fmt.Sprintf("the database at %s has schema version %d but this oms needs %d: run `oms migrate`", e.Target, e.Have, e.Want)
	default:
		return fmt.Sprintf("the database at %s has schema version %d, newer than this oms (%d): upgrade oms", e.Target, e.Have, e.Want)
	}
}

func (e *SchemaError) Is(target error) bool { return target == ErrNotMigrated }

// CheckSchema returns a *SchemaError unless the schema is exactly the version this binary knows.
func (d *DB) CheckSchema(ctx context.Context) error {
	var exists bool
	if err := d.GetContext(ctx, &exists, `SELECT to_regclass('goose_db_version') IS NOT NULL`); err != nil {
		return err
	}
	want := LatestVersion()
	if !exists {
		return &SchemaError{Target: d.target, Want: want, MissingSchema: true}
	}
	var have int64
	err := d.GetContext(ctx, &have, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`)
	if err != nil {
		return err
	}
	if have == 0 {
		return &SchemaError{Target: d.target, Want: want, MissingSchema: true}
	}
	if have != want {
		return &SchemaError{Target: d.target, Have: have, Want: want}
	}
	return nil
}
