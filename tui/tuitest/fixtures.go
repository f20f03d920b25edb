package tuitest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/seed"
	"oms/tui/ui"
)

// DemoDB is a fresh copy of the business `oms demo` loads (its defaults: 2,000 orders, 600
// products, 3 warehouses, seed 1), anchored at Now; the seeder runs once per test binary.
// Golden frames of the shell and the queue are drawn from it, so they are what the demo shows
// at that moment, and the README's picture is one of them.
func DemoDB(t testing.TB) *db.DB {
	t.Helper()
	return Seeded(t, seed.Options{Orders: 2000, SKUs: 600, Warehouses: 3, Seed: 1, Now: Now})
}

// Seeded is a fresh copy of the data set opts describes (its Now should be tuitest.Now).
func Seeded(t testing.TB, opts seed.Options) *db.DB {
	t.Helper()
	name := fmt.Sprintf("seed-%d-%d-%d-%d-%d", opts.Orders, opts.SKUs, opts.Warehouses, opts.Seed, opts.Now.Unix())
	return dbtest.Filled(t, name, func(ctx context.Context, d *db.DB) error {
		_, err := seed.Run(ctx, d, opts, nil)
		return err
	})
}

// Exactly fails the test unless frame is exactly w×h cells: no line wider or narrower, none
// missing. The shell's frames and full-screen components must fill the terminal.
func Exactly(t testing.TB, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		t.Errorf("frame has %d lines, want exactly %d", len(lines), h)
	}
	for i, l := range lines {
		if ui.Width(l) != w {
			t.Errorf("line %d is %d cells wide, want %d: %q", i+1, ui.Width(l), w, l)
		}
	}
}

// Fits fails the test if frame draws outside w×h.
func Fits(t testing.TB, frame string, w, h int) {
	t.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) > h {
		t.Errorf("frame has %d lines, more than the %d available", len(lines), h)
	}
	for i, l := range lines {
		if ui.Width(l) > w {
			t.Errorf("line %d is %d cells wide, more than %d: %q", i+1, ui.Width(l), w, l)
		}
	}
}
