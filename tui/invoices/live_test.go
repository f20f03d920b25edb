package invoices_test

import (
	"fmt"
	"strings"
	"testing"

	"oms/db/invoicing"
	"oms/keymaps"
	"oms/tui"
	"oms/tui/invoices"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// TestIssuedInvoiceAppearsAfterThePoll runs the shell on the invoices screen with the live poll
// driven by messages: an invoice issued elsewhere (as `oms invoice issue --shipped` does) is not
// on screen before the next poll and is the newest row after it, with the dates key in the
// footer. On the newest row the cursor follows the newest; on another it stays on its document.
func TestIssuedInvoiceAppearsAfterThePoll(t *testing.T) {
	d := tuitest.DemoDB(t)
	store := invoicing.New(d)
	c := tuitest.NewContext()
	m := tui.New(c, []ui.Def{invoices.Def(store), invoices.DocDef(store)}, tui.DirectFeed(d), 0)
	drv := tuitest.New(t, m, *c.Keys, 80, 24)
	drv.Send(tui.PollNow()) // the baseline
	if f := drv.Frame(); !strings.Contains(f, "oms · Invoices") || !strings.Contains(f, "d dates") {
		t.Fatalf("the invoices screen with its dates key in the footer:\n%s", f)
	}
	due, err := store.ShippedUninvoiced(t.Context())
	if err != nil || len(due) < 2 {
		t.Fatalf("the demo has %d shipped orders left to invoice, want 2 (%v)", len(due), err)
	}
	rows := func() []string { return strings.Split(drv.Frame(), "\n")[3:] } // under the header, filters and titles
	issue := func(i int) string {
		t.Helper()
		inv, err := store.IssueForOrder(t.Context(), fmt.Sprint("live-invoice-", i), due[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(drv.Frame(), inv.Number) {
			t.Fatalf("%s shown before any poll", inv.Number)
		}
		drv.Send(tui.PollNow())
		if !strings.Contains(rows()[0], inv.Number) {
			t.Fatalf("%s issued elsewhere is not the newest row after a poll:\n%s", inv.Number, drv.Frame())
		}
		return inv.Number
	}
	first := issue(0)
	if !strings.HasPrefix(rows()[0], ">") {
		t.Fatalf("on the newest row, the cursor did not follow to %s:\n%s", first, drv.Frame())
	}
	drv.Press(keymaps.ScopeList, "down")
	selected := rows()[1]
	issue(1)
	if rows()[2] != selected {
		t.Fatalf("the cursor left its document for the new one: was %q\n%s", selected, drv.Frame())
	}
}
