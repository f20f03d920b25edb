package returns

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/dbtest"
	dbreturns "oms/db/returns"
	"oms/keymaps"
	"oms/model"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

var sizes = []struct {
	name string
	w, h int
}{{"20x16", 20, 16}, {"40x16", 40, 16}, {"80x24", 80, 24}}

// openRMA opens an RMA on an order through the desk's own login, as the screen would: the units
// of each SKU named, for a refund.
func (d *desk) openRMA(orderID int64, skus map[string]int64) dbreturns.RMA {
	d.t.Helper()
	ctx := context.Background()
	o, err := d.data.Order(ctx, orderID)
	if err != nil {
		d.t.Fatal(err)
	}
	req := dbreturns.OpenRequest{Order: orderID, Wish: model.WishRefund, Day: tuitest.Now}
	for _, l := range o.Lines {
		if n := skus[l.SKU]; n > 0 {
			req.Lines = append(req.Lines, dbreturns.OpenLine{Line: l.ID, Qty: n, Reason: "RET_DAMAGED"})
		}
	}
	r, err := d.data.Open(ctx, "", req)
	if err != nil {
		d.t.Fatal(err)
	}
	return r
}

// has says whether the footer offers b's key with its help.
func has(help []key.Binding, b key.Binding) bool {
	for _, h := range help {
		if slices.Equal(h.Keys(), b.Keys()) {
			return true
		}
	}
	return false
}

// Three things were put aside: a cap that is not on the RMA, a mug more than it asked back,
// and a gizmo that came without any RMA (a product oms does not know). The clerk lists them on
// the queue's last list (← from the first), scraps the cap, adds the mug to its RMA (received
// with it), and sends the gizmo back, which a colleague decided meanwhile: the database's
// sentence is shown and the list stays.
func TestUnexpectedItemsAreDecided(t *testing.T) {
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			ctx := context.Background()
			orderID, _ := f.Shipped(t, "T1", map[string]int64{"TEE-1": 1, "MUG-1": 2}) // one mug is kept
			d := openDesk(t, f, "Rita Returns", []string{"returns"}, size.w, size.h)
			s := d.s
			r := d.openRMA(orderID, map[string]int64{"TEE-1": 1, "MUG-1": 1})
			if _, err := d.data.ReceiveParcel(ctx, "", r.ID, r.Tracking); err != nil {
				t.Fatal(err)
			}
			for _, scan := range []string{"CAP-9", "MUG-1"} {
				if got, err := d.data.Store.Receive(ctx, "", r.ID, scan, 1, ""); err != nil || got.Unexpected != 1 {
					t.Fatalf("receiving %s: %+v, %v", scan, got, err)
				}
			}
			if _, err := d.data.RecordUnexpected(ctx, "", "RTM1", "GIZMO-77", 1, "no label, no slip"); err != nil {
				t.Fatal(err)
			}
			step := func(name string, want ...string) {
				t.Helper()
				tuitest.Golden(t, "returns-"+name+"-"+size.name, d.frame(name, want...))
			}

			d.press(keymaps.ScopeReturns, "queue")
			d.press(keymaps.ScopeReturns, "prev") // from the first list round to the unexpected items
			step("unexpected", "Unexpected 3", "CAP-9", "MUG-1", "GIZMO-77", r.Number)
			if s.curView() != viewUnexpected || len(s.items) != 3 {
				t.Fatalf("not on the unexpected list: %v, %d items", s.curView(), len(s.items))
			}

			d.press(keymaps.ScopeInput, "submit")
			if size.w >= 40 {
				step("decide", "Unexpected 1 × CAP-9", "Add to "+r.Number, "Send back to the customer", "Keep as found stock (quarantine)", "Scrap")
			} else {
				step("decide", "CAP-9", "add to RMA", "scrap")
			}
			d.press(keymaps.ScopeList, "down", 3)
			d.press(keymaps.ScopeInput, "submit")
			step("decide-confirm", "Scrap 1 × CAP-9?")
			d.press(keymaps.ScopeDialog, "confirm")
			step("decided", "✓ 1 × CAP-9 scrapped", "Unexpected 2")
			if len(s.items) != 2 || s.items[0].SKU != "MUG-1" {
				t.Fatalf("the cap did not leave the list: %+v", s.items)
			}

			// The extra mug: added to its RMA, and received with it.
			d.press(keymaps.ScopeInput, "submit")
			d.frame("mug", "MUG-1")
			d.press(keymaps.ScopeInput, "submit")
			d.frame("mug question", "Add 1 × MUG-1 to "+r.Number+" and receive it?")
			d.press(keymaps.ScopeDialog, "confirm")
			d.frame("mug added", "✓ 1 × MUG-1 added to "+r.Number+" and received")

			// The gizmo: a colleague decides it while the question is asked.
			d.press(keymaps.ScopeInput, "submit")
			if len(s.choices) != 2 || s.choices[0] != "sent_back" {
				t.Fatalf("an unknown product without an RMA may be sent back or scrapped, not %v", s.choices)
			}
			d.press(keymaps.ScopeInput, "submit")
			_, other := dbtest.NewLogin(t, f.Owner, dbtest.Staff{Name: "Otto Other", Jobs: []string{"returns"}})
			colleague := dbreturns.New(dbtest.Open(t, other))
			if err := colleague.Decide(ctx, "", s.deciding.ID, "scrapped"); err != nil {
				t.Fatal(err)
			}
			d.press(keymaps.ScopeDialog, "confirm")
			d.frame("decided meanwhile", "✗ unexpected item", "was decided already (scrapped, by", "GIZMO-77")
			if s.step != stepQueue || len(s.items) != 1 || s.items[0].Scan != "GIZMO-77" {
				t.Fatalf("after the refusal the list should stay: step %d, %+v", s.step, s.items)
			}

			type row struct {
				Scan     string `db:"scan"`
				Decision string `db:"decision"`
			}
			var rows []row
			if err := f.Owner.Select(&rows, `SELECT scan, coalesce(decision, '') AS decision FROM rma_unexpected ORDER BY id`); err != nil {
				t.Fatal(err)
			}
			want := []row{{"CAP-9", "scrapped"}, {"MUG-1", "added_to_rma"}, {"GIZMO-77", "scrapped"}}
			if !slices.Equal(rows, want) {
				t.Errorf("decisions %+v, want %+v", rows, want)
			}
			var asked, back int64
			mustGet(t, f.Owner, &asked, `SELECT rl.qty_requested FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id
				JOIN products p ON p.id = ol.product_id WHERE rl.rma_id = $1 AND p.sku = 'MUG-1'`, r.ID)
			mustGet(t, f.Owner, &back, `SELECT rl.qty_received FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id
				JOIN products p ON p.id = ol.product_id WHERE rl.rma_id = $1 AND p.sku = 'MUG-1'`, r.ID)
			if asked != 2 || back != 2 {
				t.Errorf("the mug's line asks %d and has %d back; want 2 and 2", asked, back)
			}
			checkOK(t, f.Owner)
		})
	}
}

// Something comes without an RMA: the clerk types what it is at the find field, ctrl+t puts it
// aside with 2 units, a note and (the login has no warehouse of its own) RTM1; it is then on
// the unexpected list. With a warehouse of its own the form does not ask for one.
func TestSomethingWithoutAnRMAIsPutAside(t *testing.T) {
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			d := openDesk(t, f, "Rita Returns", []string{"returns"}, size.w, size.h)
			s := d.s
			if !has(s.ShortHelp(), s.ctx.Keys.Returns.Aside) {
				t.Errorf("the queue's footer does not offer put aside")
			}
			d.drv.Type("GIZMO-77")
			d.press(keymaps.ScopeReturns, "aside")
			if s.step != stepAside || s.aside.scan != "GIZMO-77" || s.row != 1 {
				t.Fatalf("put aside did not take the field's text: %+v", s.aside)
			}
			d.drv.Send(tea.KeyMsg{Type: tea.KeyBackspace})
			d.drv.Type("2")
			d.press(keymaps.ScopeList, "down")
			d.drv.Type("photo-less note")
			d.press(keymaps.ScopeList, "down")
			d.drv.Type("rtm1")
			tuitest.Golden(t, "returns-aside-"+size.name, d.frame("aside", "GIZMO-77", "2", "photo-less note", "RTM1"))
			d.press(keymaps.ScopeInput, "submit")
			tuitest.Golden(t, "returns-aside-done-"+size.name, d.frame("aside done", "✓ 2 × GIZMO-77 put aside as unexpected at RTM1", "Unexpected 1", "GIZMO-77"))

			type row struct {
				Warehouse string `db:"warehouse"`
				Scan      string `db:"scan"`
				Qty       int64  `db:"qty"`
				Note      string `db:"note"`
				RMA       bool   `db:"rma"`
				Actor     string `db:"actor"`
			}
			var got []row
			if err := f.Owner.Select(&got, `SELECT w.code AS warehouse, u.scan, u.qty, u.note, u.rma_id IS NOT NULL AS rma, u.actor
				FROM rma_unexpected u JOIN warehouses w ON w.id = u.warehouse_id`); err != nil {
				t.Fatal(err)
			}
			want := row{"RTM1", "GIZMO-77", 2, "photo-less note", false, s.ctx.User.Login}
			if len(got) != 1 || got[0] != want {
				t.Errorf("rma_unexpected %+v, want %+v", got, want)
			}
		})
	}

	t.Run("own warehouse", func(t *testing.T) {
		f := newFloor(t)
		d := openDesk(t, f, "Rita Returns", []string{"returns"}, 40, 16, func(c *ui.Context) { c.User.Warehouse = "RTM1" })
		d.press(keymaps.ScopeReturns, "aside") // an empty field: the form asks what came
		if d.s.row != 0 || d.s.asideRows() != 3 {
			t.Fatalf("the form: row %d of %d", d.s.row, d.s.asideRows())
		}
		d.press(keymaps.ScopeInput, "submit")
		d.frame("nothing typed", "✗ Scan or type what came")
		d.drv.Type("TEE-1")
		d.press(keymaps.ScopeList, "down", 2)
		d.drv.Type("box crushed")
		d.frame("own warehouse", "Warehouse: RTM1", "box crushed")
		d.press(keymaps.ScopeInput, "submit")
		d.frame("put aside", "✓ 1 × TEE-1 put aside as unexpected at RTM1")
		var n int
		mustGet(t, f.Owner, &n, `SELECT count(*) FROM rma_unexpected u JOIN products p ON p.id = u.product_id
			JOIN warehouses w ON w.id = u.warehouse_id WHERE p.sku = 'TEE-1' AND w.code = 'RTM1' AND u.note = 'box crushed'`)
		if n != 1 {
			t.Errorf("%d tees put aside at RTM1, want 1", n)
		}
	})
}

// An order shipped outside its channel's return window (closed to 0 days as the owner): the
// order says an RMA waits for a supervisor, the RMA opened reads requested, a clerk is told only
// a supervisor authorises it (the key is not in a clerk's footer), and a supervisor authorises
// it after a y.
func TestASupervisorAuthorisesALateReturn(t *testing.T) {
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			f.Shipped(t, "T1", map[string]int64{"TEE-1": 1})
			if _, err := f.Owner.Exec(`UPDATE channels SET return_days = 0`); err != nil {
				t.Fatal(err)
			}
			// The desk's clock after the shipment (the ledger dates it by the database's clock).
			later := func(c *ui.Context) { c.Now = func() time.Time { return time.Now().Add(48 * time.Hour) } }
			d := openDesk(t, f, "Rita Returns", []string{"returns"}, size.w, size.h, later)
			s := d.s
			step := func(name string, want ...string) {
				t.Helper()
				tuitest.Golden(t, "returns-"+name+"-"+size.name, d.frame(name, want...))
			}
			d.scan("de vries")
			step("late-order", "waits for a supervisor")
			d.press(keymaps.ScopeReturns, "open")
			d.drv.Type("1")
			d.press(keymaps.ScopeInput, "submit")
			d.press(keymaps.ScopeDialog, "confirm")
			if s.step != stepRMA || s.rma == nil || s.rma.Status != model.RMARequested {
				t.Fatalf("the late RMA is not requested:\n%s", d.drv.Frame())
			}
			rma := s.rma.Number
			step("late-rma", "requested", "waits for a supervisor")
			if has(s.ShortHelp(), s.ctx.Keys.Returns.Authorize) {
				t.Errorf("a clerk's footer offers authorise")
			}
			d.press(keymaps.ScopeReturns, "authorize")
			step("late-clerk", "✗ Only a supervisor authorises "+rma)

			sup := openDesk(t, f, "Sam Supervisor", []string{"supervisor"}, size.w, size.h, later)
			sup.scan(rma)
			if sup.s.step != stepRMA || !has(sup.s.ShortHelp(), sup.s.ctx.Keys.Returns.Authorize) {
				t.Fatalf("the supervisor's RMA offers no authorise:\n%s", sup.drv.Frame())
			}
			sup.press(keymaps.ScopeReturns, "authorize")
			tuitest.Golden(t, "returns-authorize-"+size.name, sup.frame("authorize", "Authorise "+rma+" outside the return window?"))
			sup.press(keymaps.ScopeDialog, "confirm")
			tuitest.Golden(t, "returns-authorized-"+size.name, sup.frame("authorized", "✓ "+rma+" authorized", "authorized"))

			var status string
			var by string
			mustGet(t, f.Owner, &status, `SELECT status FROM rmas WHERE number = $1`, rma)
			mustGet(t, f.Owner, &by, `SELECT coalesce(authorized_by, '') FROM rmas WHERE number = $1`, rma)
			if status != string(model.RMAAuthorized) || by != sup.s.ctx.User.Login {
				t.Errorf("%s is %s, authorised by %q; want authorized by %s", rma, status, by, sup.s.ctx.User.Login)
			}
		})
	}
}

// ctrl+z on an RMA nothing of which came back cancels it (with a note, after a y); on one with
// units back it closes it: refused while a unit is not graded and while its refund is due
// (the database's sentence shown, the RMA still open), then closed once both are settled.
func TestCancelAndClose(t *testing.T) {
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			ctx := context.Background()
			first, _ := f.Shipped(t, "T1", map[string]int64{"TEE-1": 1})
			second, _ := f.Shipped(t, "T2", map[string]int64{"MUG-1": 2})
			d := openDesk(t, f, "Rita Returns", []string{"returns"}, size.w, size.h)
			s := d.s
			step := func(name string, want ...string) {
				t.Helper()
				tuitest.Golden(t, "returns-"+name+"-"+size.name, d.frame(name, want...))
			}

			cancelled := d.openRMA(first, map[string]int64{"TEE-1": 1})
			d.scan(cancelled.Number)
			if got := s.endHelp().Help().Desc; got != "cancel RMA" {
				t.Errorf("the footer says %q for ctrl+z; want cancel RMA", got)
			}
			d.press(keymaps.ScopeReturns, "end")
			d.drv.Type("customer kept it")
			step("cancel", "Cancel "+cancelled.Number+"? Nothing of it came back.", "customer kept it")
			d.press(keymaps.ScopeInput, "submit")
			d.frame("cancel question", "y yes, n no")
			d.press(keymaps.ScopeDialog, "confirm")
			step("cancelled", "✓ "+cancelled.Number+" cancelled")
			var status, notes string
			mustGet(t, f.Owner, &status, `SELECT status FROM rmas WHERE id = $1`, cancelled.ID)
			mustGet(t, f.Owner, &notes, `SELECT notes FROM rmas WHERE id = $1`, cancelled.ID)
			if status != string(model.RMACancelled) || !strings.Contains(notes, "customer kept it") {
				t.Errorf("%s is %s with notes %q; want cancelled, the note kept", cancelled.Number, status, notes)
			}

			// Two mugs asked back, one arrives.
			r := d.openRMA(second, map[string]int64{"MUG-1": 2})
			if _, err := d.data.Store.Receive(ctx, "", r.ID, "MUG-1", 1, ""); err != nil {
				t.Fatal(err)
			}
			d.press(keymaps.ScopeReturns, "queue")
			d.scan(r.Number)
			d.press(keymaps.ScopeReturns, "end")
			d.press(keymaps.ScopeInput, "submit")
			step("close-confirm", "Close "+r.Number+"? The 1 unit not back is not coming.")
			d.press(keymaps.ScopeDialog, "confirm")
			step("close-refused", "✗ "+r.Number+" has units received and not inspected: grade them first")
			if s.step != stepRMA {
				t.Fatalf("after the refusal: step %d", s.step)
			}
			if _, err := d.data.Inspect(ctx, "", dbreturns.Grading{Line: s.rma.Lines[0].ID, Qty: 1, Grade: "C", Disposition: "scrap"}); err != nil {
				t.Fatal(err)
			}
			d.drv.Send(ui.ChangedMsg{})
			d.press(keymaps.ScopeReturns, "end")
			d.press(keymaps.ScopeInput, "submit")
			d.press(keymaps.ScopeDialog, "confirm")
			d.frame("refund due", "✗ "+r.Number+" has inspected units not refunded: refund them first")
			if _, err := d.data.Refund(ctx, "", dbreturns.RefundRequest{RMA: r.ID, Method: "original_payment"}); err != nil {
				t.Fatal(err)
			}
			d.drv.Send(ui.ChangedMsg{})
			d.press(keymaps.ScopeReturns, "end")
			d.drv.Type("one mug lost")
			d.press(keymaps.ScopeInput, "submit")
			d.press(keymaps.ScopeDialog, "confirm")
			step("closed", "✓ "+r.Number+" closed")
			mustGet(t, f.Owner, &status, `SELECT status FROM rmas WHERE id = $1`, r.ID)
			mustGet(t, f.Owner, &notes, `SELECT notes FROM rmas WHERE id = $1`, r.ID)
			if status != string(model.RMAClosed) || !strings.Contains(notes, "one mug lost") {
				t.Errorf("%s is %s with notes %q; want closed, the note kept", r.Number, status, notes)
			}
			checkOK(t, f.Owner)
		})
	}
}

// A supervisor's refund: an amount above the company's raise (10%) shows the model's sentence
// and keeps the form with the amount typed; an amount within it is paid, and the refund row
// keeps both it and the computed one.
func TestASupervisorTypesARefundAmount(t *testing.T) {
	for _, size := range sizes[1:] {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			ctx := context.Background()
			orderID, _ := f.Shipped(t, "T1", map[string]int64{"TEE-1": 2}) // 20.00 paid: room above 10.00
			d := openDesk(t, f, "Sam Supervisor", []string{"supervisor"}, size.w, size.h)
			s := d.s
			r := d.openRMA(orderID, map[string]int64{"TEE-1": 1})
			if _, err := d.data.ReceiveParcel(ctx, "", r.ID, r.Tracking); err != nil {
				t.Fatal(err)
			}
			if _, err := d.data.Inspect(ctx, "", dbreturns.Grading{Line: r.Lines[0].ID, Qty: 1, Grade: "A", Disposition: "restock"}); err != nil {
				t.Fatal(err)
			}
			step := func(name string, want ...string) {
				t.Helper()
				tuitest.Golden(t, "returns-"+name+"-"+size.name, d.frame(name, want...))
			}
			d.scan(r.Number)
			d.press(keymaps.ScopeReturns, "refund")
			d.press(keymaps.ScopeList, "down")
			d.drv.Type("11.01") // computed 10.00; 10% more is 11.00
			d.press(keymaps.ScopeInput, "submit")
			d.press(keymaps.ScopeDialog, "confirm")
			step("refund-too-much", "a supervisor may give", "Amount: 11.01")
			if s.step != stepRefund || s.amount != "11.01" {
				t.Fatalf("the form did not stay: step %d, amount %q", s.step, s.amount)
			}
			var n int
			mustGet(t, f.Owner, &n, `SELECT count(*) FROM refunds WHERE rma_id = $1`, r.ID)
			if n != 0 {
				t.Fatalf("%d refunds after a refused one", n)
			}
			for range len("11.01") {
				d.drv.Send(tea.KeyMsg{Type: tea.KeyBackspace})
			}
			d.drv.Type("10.50")
			d.press(keymaps.ScopeInput, "submit")
			d.frame("question", "Pay 10.50 EUR back to original payment?")
			d.press(keymaps.ScopeDialog, "confirm")
			step("refund-raised", "✓ Refunded 10.50 EUR", "closed")
			var amount, computed int64
			mustGet(t, f.Owner, &amount, `SELECT amount_minor FROM refunds WHERE rma_id = $1`, r.ID)
			mustGet(t, f.Owner, &computed, `SELECT computed_minor FROM refunds WHERE rma_id = $1`, r.ID)
			if amount != 1050 || computed != 1000 {
				t.Errorf("the refund paid %d of a computed %d; want 1050 of 1000", amount, computed)
			}
			checkOK(t, f.Owner)
		})
	}
}

// checkOK fails unless oms check finds nothing wrong.
func checkOK(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}
