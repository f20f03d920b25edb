package returns

import (
	"context"
	"strings"
	"testing"

	"oms/keymaps"
	"oms/model"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// A returns clerk takes back a tee and a mug at the desk's 80×24 and the handhelds' 40×16 and
// 20×16, with a golden frame for each step: the empty queue, the order found by the customer's
// name, a new RMA for one of each (wrong size, arrived damaged; a refund), the parcel received
// by its return label, a wrong item and an extra mug put aside as unexpected (the extra one's
// answer lost and sent again with the same key: put aside once), the tee graded A and restocked,
// the mug graded C and scrapped, the refund's quote and its question, and the RMA closed with
// its refund and credit note.
func TestAClerkTakesBackATeeAndAMug(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"20x16", 20, 16}, {"40x16", 40, 16}, {"80x24", 80, 24}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			ctx := context.Background()
			orderID, number := f.Shipped(t, "T1", map[string]int64{"TEE-1": 2, "MUG-1": 1})
			d := openDesk(t, f, "Rita Returns", []string{"returns"}, size.w, size.h)
			s := d.s
			step := func(name string, want ...string) {
				t.Helper()
				tuitest.Golden(t, "returns-"+name+"-"+size.name, d.frame(name, want...))
			}
			step("queue", "Scan")

			d.scan("de vries")
			step("order", "TEE-1", "MUG-1")
			if s.step != stepOrder || s.order == nil || s.order.ID != orderID {
				t.Fatalf("de vries did not open %s:\n%s", number, d.drv.Frame())
			}

			d.press(keymaps.ScopeReturns, "open")
			d.drv.Type("1")
			d.press(keymaps.ScopeReturns, "prev") // the last reason: wrong size or fit
			d.press(keymaps.ScopeList, "down")
			d.drv.Type("1") // the mug, arrived damaged (the first reason)
			d.press(keymaps.ScopeList, "down")
			step("form", "TEE-1", "MUG-1", "refund")
			d.press(keymaps.ScopeInput, "submit")
			step("form-confirm", "Open an RMA of 2 units (1 × TEE-1, 1 × MUG-1) for refund?")
			d.press(keymaps.ScopeDialog, "confirm")
			if s.step != stepRMA || s.rma == nil || s.rma.Tracking == "" {
				t.Fatalf("no RMA with a return label opened:\n%s", d.drv.Frame())
			}
			rma := s.rma.Number
			step("rma", "✓ "+rma+" opened: authorized")

			d.scan(s.rma.Tracking)
			step("received", "✓ Parcel received: 2 units")

			d.press(keymaps.ScopeReturns, "queue")
			step("queue-arrived", "Arrived 1", rma, "received")
			d.press(keymaps.ScopeInput, "submit") // the chosen RMA
			if s.step != stepRMA || s.rma == nil || s.rma.Number != rma {
				t.Fatalf("enter on the queue did not open %s:\n%s", rma, d.drv.Frame())
			}

			d.scan("CAP-9")
			step("wrong-item", "✗ CAP-9 is not on "+rma+": put aside as unexpected")

			d.data.loseNext = true
			d.scan("MUG-1")
			if !s.bad || s.scan.Value() != "MUG-1" {
				t.Fatalf("a lost answer: the screen should say so and keep the scan:\n%s", d.drv.Frame())
			}
			d.press(keymaps.ScopeInput, "submit") // the same scan again, with the same key
			step("extra", "✗ 1 × MUG-1 more than "+rma+" expects: put aside as unexpected")
			var extra int
			mustGet(t, f.Owner, &extra, `SELECT count(*) FROM rma_unexpected WHERE scan = 'MUG-1'`)
			if extra != 1 {
				t.Fatalf("an extra mug sent twice was put aside %d times, want 1", extra)
			}

			d.press(keymaps.ScopeReturns, "inspect")
			step("inspect", "TEE-1", "A resaleable", "restock")
			d.press(keymaps.ScopeInput, "submit")
			step("graded", "✓ 1 × TEE-1 graded A, restocked to", "A-01", "MUG-1")
			d.press(keymaps.ScopeList, "down", 2)
			d.press(keymaps.ScopeReturns, "next", 2) // C
			d.press(keymaps.ScopeList, "down")
			d.press(keymaps.ScopeReturns, "next", 3) // scrap
			step("inspect-mug", "C damaged", "scrap")
			d.press(keymaps.ScopeInput, "submit")
			step("inspected", "✓ 1 × MUG-1 graded C, scrapped", "inspected")

			d.press(keymaps.ScopeReturns, "refund")
			step("refund", "Total", "still unrefunded", "original payment")
			d.press(keymaps.ScopeInput, "submit")
			step("refund-confirm", "back to original payment?")
			d.press(keymaps.ScopeDialog, "confirm")
			step("refunded", "✓ Refunded", "credit note", "closed")

			var status, refundStatus string
			mustGet(t, f.Owner, &status, `SELECT status FROM rmas WHERE number = $1`, rma)
			mustGet(t, f.Owner, &refundStatus, `SELECT refund_status FROM rmas WHERE number = $1`, rma)
			if status != string(model.RMAClosed) || refundStatus != string(model.RefundDone) {
				t.Errorf("%s is %s, refund %s; want closed and refunded", rma, status, refundStatus)
			}
			var refunds, notes int
			mustGet(t, f.Owner, &refunds, `SELECT count(*) FROM refunds f JOIN rmas r ON r.id = f.rma_id WHERE r.number = $1`, rma)
			mustGet(t, f.Owner, &notes, `SELECT count(*) FROM refunds f JOIN rmas r ON r.id = f.rma_id
				JOIN invoices i ON i.id = f.credit_note_id WHERE r.number = $1`, rma)
			if refunds != 1 || notes != 1 {
				t.Errorf("%d refunds and %d credit notes, want 1 and 1", refunds, notes)
			}
			rep, err := f.Owner.Check(ctx, 5)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Errorf("oms check: %+v", rep.Violations)
			}
		})
	}
}

// A customer wants another size: the clerk opens an exchange that cross-ships, and makes its
// replacement order at once, before the tee is back.
func TestAnExchangeThatCrossShips(t *testing.T) {
	f := newFloor(t)
	f.Shipped(t, "T2", map[string]int64{"TEE-1": 1})
	d := openDesk(t, f, "Rita Returns", []string{"returns"}, 80, 24)
	s := d.s
	d.scan("de vries")
	d.press(keymaps.ScopeReturns, "open")
	d.drv.Type("1")
	d.press(keymaps.ScopeList, "down")
	d.press(keymaps.ScopeReturns, "next") // exchange
	d.press(keymaps.ScopeList, "down")
	d.press(keymaps.ScopeReturns, "next") // cross-ship
	tuitest.Golden(t, "returns-exchange-form-80x24", d.frame("exchange form", "Wish: exchange", "▸ Cross-ship: yes"))
	d.press(keymaps.ScopeInput, "submit")
	d.press(keymaps.ScopeDialog, "confirm")
	if s.step != stepRMA || s.rma == nil || !s.rma.CrossShip {
		t.Fatalf("no cross-shipping exchange opened:\n%s", d.drv.Frame())
	}
	d.press(keymaps.ScopeReturns, "exchange")
	d.frame("exchange question", "Make the replacement order of "+s.rma.Number+" now?")
	d.press(keymaps.ScopeDialog, "confirm")
	tuitest.Golden(t, "returns-exchanged-80x24", d.frame("exchanged", "✓ Replacement order SO-", "made"))
	if s.rma.Exchange == "" {
		t.Errorf("the RMA names no replacement order: %+v", s.rma)
	}
}

// A read of the RMA that times out keeps what is shown, marked ○ stale, and the next answer
// clears the mark.
func TestAStaleRMAKeepsItsLines(t *testing.T) {
	f := newFloor(t)
	f.Shipped(t, "T3", map[string]int64{"TEE-1": 1})
	d := openDesk(t, f, "Rita Returns", []string{"returns"}, 40, 16)
	s := d.s
	d.scan("de vries")
	d.press(keymaps.ScopeReturns, "open")
	d.drv.Type("1")
	d.press(keymaps.ScopeInput, "submit")
	d.press(keymaps.ScopeDialog, "confirm")
	if s.step != stepRMA {
		t.Fatalf("no RMA opened:\n%s", d.drv.Frame())
	}
	d.data.down = true
	d.drv.Send(ui.ChangedMsg{})
	tuitest.Golden(t, "returns-stale-40x16", d.frame("stale", "○ stale", "TEE-1"))
	d.data.down = false
	d.drv.Send(ui.ChangedMsg{})
	if strings.Contains(d.frame("fresh"), "stale") {
		t.Errorf("the mark stayed after a good answer:\n%s", d.drv.Frame())
	}
}
