package inbound_test

import (
	"context"
	"testing"

	"oms/db/dbtest"
	"oms/db/inbound"
)

// Two clerks receive the last open units of a PO line at once. 8 of 10 tees are in; RTM1 takes
// up to 11. Ann's receipt of 3 is held open (her transaction after oms_po_receive) while Bob
// scans 3 more: he waits for her line. When she commits he is refused, told none are open and
// that 14 would be more than 11; had she rolled back (the second PO), Bob receives them himself.
// Either way the line has 11 received, by the receipts that name it, and never more.
func TestTwoClerksReceiveTheLastUnitsOfAPO(t *testing.T) {
	t.Parallel()
	y := newYard(t)
	ctx := context.Background()
	_, annDB := clerk(t, y.Floor, "Ann Stock", "stock")
	bob, _ := clerk(t, y.Floor, "Bob Stock", "stock")

	for _, c := range []struct {
		commit   bool
		bobGets  int64
		bobError string
	}{
		{true, 0, "has 0 × TEE-1 still open (10 ordered, 11 received) and RTM1's 10% tolerance allows 1 over: receiving 3 would make 14, more than 11"},
		{false, 11, ""},
	} {
		po := y.po(t, inbound.POLineRequest{SKU: "TEE-1", Qty: 10})
		if _, err := y.stock.Receive(ctx, "", inbound.Receipt{PO: po.Number, Scan: "TEE-1", Qty: 8}); err != nil {
			t.Fatal(err)
		}
		tx, err := annDB.BeginTxx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var raw []byte
		if err := tx.Get(&raw, `SELECT oms_po_receive($1, 'TEE-1', 3, NULL, NULL, false)`, po.ID); err != nil {
			t.Fatal(err)
		}
		type answer struct {
			got inbound.Received
			err error
		}
		done := make(chan answer, 1)
		go func() {
			got, err := bob.Receive(ctx, "bob-"+po.Number, inbound.Receipt{PO: po.Number, Scan: "TEE-1", Qty: 3})
			done <- answer{got, err}
		}()
		dbtest.WaitForLockWaits(t, y.Owner, 1) // Bob waits for Ann's PO line
		if c.commit {
			err = tx.Commit()
		} else {
			err = tx.Rollback()
		}
		if err != nil {
			t.Fatal(err)
		}
		a := <-done
		if c.bobError != "" {
			wantErr(t, a.err, po.Number+" "+c.bobError)
		} else if a.err != nil || a.got.LineReceived != c.bobGets {
			t.Fatalf("Bob receiving after Ann rolled back: %+v, %v", a.got, a.err)
		}

		var line struct {
			Received  int64 `db:"qty_received"`
			Movements int64 `db:"movements"`
			Units     int64 `db:"units"`
		}
		mustGet(t, y.Owner, &line, `SELECT l.qty_received, count(m.id) AS movements, coalesce(sum(m.qty), 0) AS units
			FROM purchase_order_lines l LEFT JOIN stock_movements m ON m.po_line_id = l.id
			WHERE l.id = $1 GROUP BY l.id`, po.Lines[0].ID)
		if line.Received != 11 || line.Units != 11 || line.Movements != 2 {
			t.Errorf("%s's line after the race: %+v; want 11 received by two receipts", po.Number, line)
		}
	}
	checkClean(t, y.Owner)
}
