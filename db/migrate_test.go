package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
)

func TestMigrateAppliesEverythingOnceAndIsIdempotent(t *testing.T) {
	d := dbtest.Open(t, dbtest.EmptyURL(t))
	ctx := context.Background()

	if err := d.CheckSchema(ctx); !errors.Is(err, db.ErrNotMigrated) {
		t.Fatalf("empty database: CheckSchema = %v, want ErrNotMigrated", err)
	}
	first, err := d.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Applied) == 0 || first.Version != db.LatestVersion() {
		t.Fatalf("first run applied %v, version %d; want all up to %d", first.Applied, first.Version, db.LatestVersion())
	}
	second, err := d.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Applied) != 0 || second.Version != first.Version {
		t.Fatalf("second run applied %v (version %d), want nothing", second.Applied, second.Version)
	}
	if err := d.CheckSchema(ctx); err != nil {
		t.Fatalf("after migrate: %v", err)
	}
}

func TestConcurrentMigrationsBothSucceed(t *testing.T) {
	url := dbtest.EmptyURL(t)
	const runners = 4
	var wg sync.WaitGroup
	errs := make([]error, runners)
	applied := make([]int, runners)
	for i := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := dbtest.Open(t, url)
			res, err := d.Migrate(context.Background())
			errs[i], applied[i] = err, len(res.Applied)
		}()
	}
	wg.Wait()
	total := 0
	for i := range runners {
		if errs[i] != nil {
			t.Errorf("runner %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	if want := int(db.LatestVersion()); total != want {
		t.Errorf("migrations applied %d times in all, want each of %d exactly once", total, want)
	}
}

// TestMigrateWaitsOutAnotherMigrationWhateverTheLockTimeout: a second run waits for the first
// however long it takes, even on a session whose lock_timeout is a millisecond (tests and
// terminals open with 3 s, and a migration of a large database takes longer).
func TestMigrateWaitsOutAnotherMigrationWhateverTheLockTimeout(t *testing.T) {
	url := dbtest.EmptyURL(t)
	ctx := context.Background()
	holder := dbtest.Open(t, url)
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const migrationLockKey = 0x6f6d735f6d6967 // db's own
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		t.Fatal(err)
	}
	cfg := db.TerminalConfig(url)
	cfg.LockTimeout = time.Millisecond
	d, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	done := make(chan error, 1)
	go func() {
		_, err := d.Migrate(ctx)
		done <- err
	}()
	for queued := false; !queued; {
		select {
		case err := <-done:
			t.Fatalf("Migrate returned while another run held the lock: %v", err)
		default:
		}
		if err := holder.GetContext(ctx, &queued, `SELECT EXISTS (SELECT 1 FROM pg_locks
			WHERE locktype = 'advisory' AND NOT granted
			  AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, migrationLockKey); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the second run, once the first was done: %v", err)
	}
	var lockTimeout string
	if err := d.GetContext(ctx, &lockTimeout, `SHOW lock_timeout`); err != nil || lockTimeout != "1ms" {
		t.Errorf("after Migrate the pool's lock_timeout is %q (%v), want the session's 1ms", lockTimeout, err)
	}
}
