package bench_test

import (
	"context"
	"strings"
	"testing"

	"oms/db/bench"
	"oms/db/dbtest"
)

// TestSiblingIsAnotherScratchDatabase: a sibling is a fresh database on the scratch database's
// server, named after it, and each Close drops only its own.
func TestSiblingIsAnotherScratchDatabase(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	named := dbtest.Open(t, url)
	exists := func(name string) bool {
		t.Helper()
		var n int
		if err := named.Get(&n, `SELECT count(*) FROM pg_database WHERE datname = $1`, name); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}
	x, err := bench.Scratch(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	y, err := x.Sibling(ctx, "ssh")
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	xName, yName := x.Where[strings.LastIndex(x.Where, "/")+1:], y.Where[strings.LastIndex(y.Where, "/")+1:]
	if yName != xName+"_ssh" || !exists(xName) || !exists(yName) {
		t.Fatalf("scratch %s and sibling %s: want both, the sibling named <scratch>_ssh", x.Where, y.Where)
	}
	d := dbtest.Open(t, y.URL)
	var current string
	if err := d.Get(&current, `SELECT current_database()`); err != nil || current != yName {
		t.Fatalf("the sibling's URL leads to %q (%v), want %s", current, err, yName)
	}
	if err := y.Close(); err != nil {
		t.Fatal(err)
	}
	if exists(yName) || !exists(xName) {
		t.Errorf("closing the sibling should drop it and only it")
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if exists(xName) {
		t.Errorf("closing the scratch database should drop it")
	}
}
