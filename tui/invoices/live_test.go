package invoices_test

import (
	"strings"
	"testing"

	"oms/db/invoicing"
	"oms/tui"
	"oms/tui/invoices"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// TestIssuedInvoiceAppearsAfterThePoll runs the shell on the invoices screen with the live poll
// driven by messages: an invoice issued elsewhere (as `oms invoice issue --shipped` does) is not
// on screen before the next poll and is the newest row after it, with the dates key in the
// footer.
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
	if err != nil || len(due) == 0 {
		t.Fatalf("the demo has no shipped order left to invoice (%v)", err)
	}
	inv, err := store.IssueForOrder(t.Context(), "live-invoice", due[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(drv.Frame(), inv.Number) {
		t.Fatalf("%s shown before any poll", inv.Number)
	}
	drv.Send(tui.PollNow())
	lines := strings.Split(drv.Frame(), "\n")
	if len(lines) < 4 || !strings.Contains(lines[3], inv.Number) {
		t.Fatalf("%s issued elsewhere is not the newest row after a poll:\n%s", inv.Number, drv.Frame())
	}
	// The selection stays on the document it was on.
	if !strings.Contains(lines[4], ">") {
		t.Fatalf("the selection moved to the new document:\n%s", drv.Frame())
	}
}
