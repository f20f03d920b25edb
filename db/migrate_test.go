package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"

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
