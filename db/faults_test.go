package db_test

import (
	"context"
	"testing"

	"oms/db"
	"oms/db/dbtest"
)

// TerminateBackends ends exactly the sessions whose application_name starts with the prefix:
// a pinned connection of such a session fails on its next statement, another session goes on.
func TestTerminateBackendsEndsOnlyTheNamedSessions(t *testing.T) {
	ctx := context.Background()
	url := dbtest.URL(t)
	owner := dbtest.Open(t, url)
	open := func(app string) *db.DB {
		d, err := db.Open(ctx, db.Config{URL: url, AppName: app, MaxConns: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	victim, bystander := open("oms sim worker picker-1"), open("oms tui")
	conn, err := victim.Conn(ctx) // pinned: database/sql may not quietly reconnect it
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	other, err := bystander.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	n, err := owner.TerminateBackends(ctx, "oms sim worker ")
	if err != nil || n != 1 {
		t.Fatalf("ended %d sessions, %v; want 1", n, err)
	}
	var one int
	if err := conn.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err == nil {
		t.Error("the ended session still answers")
	}
	if err := other.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		t.Errorf("the other session was ended too: %v", err)
	}
}

// MovedSince sums what the named actors moved after a movement, by kind.
func TestMovedSinceSumsTheActorsMovementsAfterAPoint(t *testing.T) {
	ctx := context.Background()
	owner := dbtest.SmallBusiness(t) // 5 × TEE-1 received already
	before, err := owner.LastMovement(ctx)
	if err != nil || before == 0 {
		t.Fatalf("last movement %d, %v", before, err)
	}
	var me string
	if err := owner.Get(&me, `SELECT current_user`); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := owner.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			SELECT p.id, s.id, b.id, 3, 'receipt' FROM products p, locations s, locations b
			 WHERE p.sku = 'MUG-1' AND s.kind = 'supplier' AND b.code = 'A-01'`); err != nil {
			t.Fatal(err)
		}
	}
	moved, err := owner.MovedSince(ctx, before, []string{me})
	if err != nil || len(moved) != 1 || moved["receipt"] != 6 {
		t.Errorf("moved %v, %v; want 6 received", moved, err)
	}
	if moved, err := owner.MovedSince(ctx, before, []string{"somebody_else"}); err != nil || len(moved) != 0 {
		t.Errorf("somebody else moved %v, %v", moved, err)
	}
	if after, _ := owner.LastMovement(ctx); after != before+2 {
		t.Errorf("last movement %d, want %d", after, before+2)
	}
}
