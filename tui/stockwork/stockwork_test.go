package stockwork

import (
	"context"
	"fmt"
	"oms/model"
	"regexp"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/floortest"
	dbinbound "oms/db/inbound"
	dbreplenish "oms/db/replenish"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// handheld is the screen's data as one login has it, with one command whose answer is lost on
// the way back when lose says so: it commits, and the screen hears a time-out.
type handheld struct {
	Stores
	loseReceipt func(dbinbound.Receipt) bool
	losePutaway bool
	loseConfirm bool
	loseASN     bool
	failWaiting bool
	asnKeys     []string // the keys ReceiveASN was sent
}

func (h *handheld) ReceiveASN(ctx context.Context, key, scan string) (dbinbound.ReceivedASN, error) {
	h.asnKeys = append(h.asnKeys, key)
	got, err := h.Stores.ReceiveASN(ctx, key, scan)
	if err == nil && h.loseASN {
		h.loseASN = false
		return dbinbound.ReceivedASN{}, errLost
	}
	return got, err
}

func (h *handheld) Waiting(ctx context.Context, warehouse string) ([]dbinbound.Holding, error) {
	if h.failWaiting {
		return nil, fmt.Errorf("no answer: %w", context.DeadlineExceeded)
	}
	return h.Stores.Waiting(ctx, warehouse)
}

var errLost = fmt.Errorf("the answer was lost: %w", context.DeadlineExceeded)

func (h *handheld) Receive(ctx context.Context, key string, r dbinbound.Receipt) (dbinbound.Received, error) {
	got, err := h.Stores.Receive(ctx, key, r)
	if err == nil && h.loseReceipt != nil && h.loseReceipt(r) {
		h.loseReceipt = nil
		return dbinbound.Received{}, errLost
	}
	return got, err
}

func (h *handheld) Putaway(ctx context.Context, key string, m dbinbound.Move) (dbinbound.Moved, error) {
	got, err := h.Stores.Putaway(ctx, key, m)
	if err == nil && h.losePutaway {
		h.losePutaway = false
		return dbinbound.Moved{}, errLost
	}
	return got, err
}

func (h *handheld) Confirm(ctx context.Context, key string, c dbreplenish.Confirm) (dbreplenish.Task, error) {
	got, err := h.Stores.Confirm(ctx, key, c)
	if err == nil && h.loseConfirm {
		h.loseConfirm = false
		return dbreplenish.Task{}, errLost
	}
	return got, err
}

// yard is floortest's floor made ready for inbound work, as db/inbound's tests have it: RTM1
// has a RECEIVING location, A-01 and A-02 are in zone A with the empty bins, B-01
// (zone B, first on the pick path) is empty too; MILK-1 is lot- and expiry-tracked; the
// supplier ACME. office is the back office's inbound store.
type yard struct {
	*floortest.Floor
	office *dbinbound.Store
}

func newYard(t *testing.T) *yard {
	t.Helper()
	f := floortest.New(t)
	for _, q := range []string{
		`INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'RECEIVING', 'receiving' FROM warehouses WHERE code = 'RTM1'`,
		`UPDATE locations SET zone = 'A' WHERE code IN ('A-01', 'A-02') AND warehouse_id = (SELECT id FROM warehouses WHERE code = 'RTM1')`,
		`INSERT INTO locations (warehouse_id, code, kind, zone, pick_seq)
		 SELECT w.id, x.code, 'bin', x.zone, x.seq FROM warehouses w,
		        (VALUES ('A-03', 'A', 30), ('A-04', 'A', 25), ('B-01', 'B', 5)) AS x(code, zone, seq) WHERE w.code = 'RTM1'`,
		`INSERT INTO products (sku, name, tax_category, lot_tracked, expiry_tracked) VALUES ('MILK-1', 'Milk', 'standard', true, true)`,
		`UPDATE products SET unit_cost_minor = CASE sku WHEN 'TEE-1' THEN 1000 WHEN 'MUG-1' THEN 2000 WHEN 'MILK-1' THEN 100 ELSE 0 END`,
	} {
		mustExec(t, f.Owner, q)
	}
	y := &yard{Floor: f, office: dbinbound.New(f.Clerk)}
	if err := y.office.AddSupplier(context.Background(), "", dbinbound.Supplier{Code: "acme", Name: "Acme Supplies", Country: "NL", Currency: "EUR"}); err != nil {
		t.Fatal(err)
	}
	return y
}

// po is a PO from ACME to RTM1, created by the back office.
func (y *yard) po(t *testing.T, lines ...dbinbound.POLineRequest) dbinbound.PO {
	t.Helper()
	po, err := y.office.CreatePO(context.Background(), "", dbinbound.PORequest{Supplier: "ACME", Warehouse: "RTM1", Lines: lines})
	if err != nil {
		t.Fatal(err)
	}
	return po
}

// person is one login's screen at one size.
type person struct {
	t    *testing.T
	name string
	size string
	w, h int
	data *handheld
	s    *Screen
	drv  *tuitest.Driver
}

// open builds the screen for a fresh stock clerk named name at RTM1.
func open(t *testing.T, owner *db.DB, name string, w, h int) *person {
	t.Helper()
	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Name: name, Jobs: []string{"stock"}, Warehouse: "RTM1"})
	d := dbtest.Open(t, url)
	data := &handheld{Stores: Stores{Store: dbinbound.New(d), Replenish: dbreplenish.New(d)}}
	c := tuitest.NewContext()
	c.Jobs, c.User.Name, c.User.Warehouse = []string{"stock"}, name, "RTM1"
	s := Def(data).Build(c, nil).(*Screen)
	return &person{t: t, name: name, size: fmt.Sprintf("%dx%d", w, h), w: w, h: h, data: data, s: s,
		drv: tuitest.New(t, s, *c.Keys, w, h)}
}

// flat is a frame's text with its line breaks and padding gone, so a sentence wrapped at 20
// columns reads as one.
func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }

// frame checks the frame fills the size, says each of want, and is the golden frame
// stockwork-<name>-<size>.
func (p *person) frame(name string, want ...string) string {
	p.t.Helper()
	frame := p.drv.Frame()
	tuitest.Exactly(p.t, frame, p.w, p.h)
	for _, w := range want {
		if !strings.Contains(flat(frame), w) {
			p.t.Fatalf("%s: the frame does not say %q:\n%s", name, w, frame)
		}
	}
	tuitest.Golden(p.t, "stockwork-"+name+"-"+p.size, clockTime.ReplaceAllString(frame, "at HH:MM"))
	return frame
}

// clockTime is a time of day the database wrote (a notice's receipt), masked in golden frames.
var clockTime = regexp.MustCompile(`at \d\d:\d\d`)

func (p *person) scan(text string) {
	p.drv.Type(text)
	p.drv.Press(keymaps.ScopeInput, "submit")
}

func (p *person) press(scope, action string) { p.drv.Press(scope, action) }

// kept fails unless the field still holds a refused scan, at the step it was refused at.
func (p *person) kept(text string, at step) {
	p.t.Helper()
	if p.s.scan.Value() != text || p.s.step != at {
		p.t.Fatalf("after a refusal the field holds %q at step %d; want %q kept at %d", p.s.scan.Value(), p.s.step, text, at)
	}
}

func mustExec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func mustGet(t *testing.T, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// onHand is what a place of RTM1 holds of sku.
func onHand(t *testing.T, owner *db.DB, place, sku string) (n int64) {
	t.Helper()
	mustGet(t, owner, &n, `SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id
		WHERE w.code = 'RTM1' AND l.code = $1 AND p.sku = $2`, place, sku)
	return n
}

func checkClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil || !rep.OK() {
		t.Errorf("oms check: %+v %v", rep.Violations, err)
	}
}

var sizes = []struct{ w, h int }{{20, 16}, {40, 16}, {80, 24}}

// Stan receives PO-000001 (10 tees, 5 mugs, 20 milk) on a handheld: a cap, not on the PO, is
// refused and kept in the field; 8 tees and a typed 3 more (11: within RTM1's 10% tolerance),
// a mug by its GTIN marked damaged and two good ones, 12 milk of a new lot L2701 with its expiry
// (a day that is not one refused first), and 3 more by a GS1 label printing the lot and expiry.
// The answer to the damaged mug's receipt is lost and sent again under its key: it is received
// once. One tee more is refused with the database's sentence, and stays scanned.
func TestReceivingAPOByScans(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			y := newYard(t)
			owner := y.Owner
			po := y.po(t, dbinbound.POLineRequest{SKU: "TEE-1", Qty: 10}, dbinbound.POLineRequest{SKU: "MUG-1", Qty: 5},
				dbinbound.POLineRequest{SKU: "MILK-1", Qty: 20})
			mustExec(t, owner, `UPDATE products SET gtin = '08712345000011' WHERE sku = 'MILK-1'`)
			stan := open(t, owner, "Stan Stock", size.w, size.h)

			stan.frame("menu", "1", "Receive", "4", "Replenish")
			stan.drv.Type("1")
			stan.frame("po", "Scan")
			stan.scan(strings.ToLower(po.Number))
			stan.frame("po-lines", "PO-000001", "TEE-1", "0", "10", "MILK-1", "Nothing scanned yet")

			stan.scan("CAP-9")
			stan.frame("wrong-item", "✗ CAP-9 is not on PO-000001")
			stan.kept("CAP-9", stepRecvItem)
			stan.scan("8*TEE-1") // the first key replaces the refused scan
			stan.scan("3")
			stan.scan("4006381333931")
			stan.press(keymaps.ScopeStockwork, "damaged")
			stan.scan("2*MUG-1")
			stan.scan("12*MILK-1")
			stan.frame("lot", "Lot of MILK-1?")
			stan.scan("L2701")
			stan.frame("expiry", "Lot L2701 is new: when does it expire?")
			stan.scan("2027-13-01")
			stan.frame("expiry-refused", `✗ "2027-13-01" is not a day: type it as YYYY-MM-DD`)
			stan.kept("2027-13-01", stepRecvExpiry)
			stan.scan("2027-03-01")
			stan.scan("(01)08712345000011(17)270301(10)L2701(30)3") // a GS1 label: lot, expiry and count
			stan.frame("scanned", "11 × TEE-1", "1 × MUG-1 damaged", "2 × MUG-1", "15 × MILK-1 lot L2701", "✓ +3 MILK-1 (15)")

			stan.press(keymaps.ScopeStockwork, "finish")
			stan.frame("receive-ask", "Receive 11 × TEE-1, 1 × MUG-1 damaged, 2 × MUG-1, 15 × MILK-1 lot L2701 on PO-000001? y/n")
			stan.data.loseReceipt = func(r dbinbound.Receipt) bool { return r.Damaged }
			stan.press(keymaps.ScopeDialog, "confirm")
			stan.frame("receive-lost", "✗ No answer from the database: press y to send the same receipt again")
			if stan.s.step != stepRecvConfirm || len(stan.s.lines) != 3 {
				t.Fatalf("after a lost answer the screen should still ask for the 3 lines left: step %d, %d lines", stan.s.step, len(stan.s.lines))
			}
			stan.press(keymaps.ScopeDialog, "confirm") // the same lines again, under the same keys
			stan.frame("received", "✓ Received 11 × TEE-1, 1 × MUG-1 damaged, 2 × MUG-1, 15 × MILK-1 on PO-000001", "Nothing scanned yet")

			stan.scan("TEE-1")
			stan.press(keymaps.ScopeStockwork, "finish")
			stan.press(keymaps.ScopeDialog, "confirm")
			stan.frame("over-receipt", "✗ PO-000001 has 0 × TEE-1 still open (10 ordered, 11 received) and RTM1's 10% tolerance allows 1 over: receiving 1 would make 12, more than 11",
				"1 × TEE-1")
			if stan.s.step != stepRecvItem || len(stan.s.lines) != 1 || stan.s.lines[0].qty != 1 {
				t.Fatalf("the refused tee should stay scanned: step %d, lines %+v", stan.s.step, stan.s.lines)
			}
			stan.press(keymaps.ScopeStockwork, "undo")
			stan.frame("undone", "Undone: 1 × TEE-1 (0 left)")

			got, err := y.office.PO(context.Background(), po.Number)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range []struct{ received, damaged int64 }{{11, 0}, {3, 1}, {15, 0}} {
				if l := got.Lines[i]; l.Received != want.received || l.Damaged != want.damaged {
					t.Errorf("%s: %d received, %d damaged; want %d and %d", l.SKU, l.Received, l.Damaged, want.received, want.damaged)
				}
			}
			for _, c := range []struct {
				place, sku string
				want       int64
			}{{"RECEIVING", "TEE-1", 11}, {"RECEIVING", "MUG-1", 2}, {"QUARANTINE", "MUG-1", 1}, {"RECEIVING", "MILK-1", 15}} {
				if n := onHand(t, owner, c.place, c.sku); n != c.want {
					t.Errorf("%s holds %d × %s; want %d", c.place, n, c.sku, c.want)
				}
			}
			var damaged int
			mustGet(t, owner, &damaged, `SELECT count(*) FROM stock_movements m JOIN locations l ON l.id = m.to_location_id
				WHERE m.po_line_id IS NOT NULL AND l.kind = 'quarantine'`)
			if damaged != 1 {
				t.Errorf("%d receipts into quarantine; the lost one was sent twice", damaged)
			}
			var expires time.Time
			mustGet(t, owner, &expires, `SELECT l.expires_on FROM lots l JOIN products p ON p.id = l.product_id WHERE p.sku = 'MILK-1' AND l.lot_code = 'L2701'`)
			if !expires.Equal(time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)) {
				t.Errorf("lot L2701 expires on %s", expires)
			}
			checkClean(t, owner)
		})
	}
}

// Stan puts away what a delivery left at receiving: tees to the bin that holds tees (A-01,
// suggested); scanning A-02 asks first and n goes back, QUARANTINE is not a bin. Caps, which
// have no bin, go to the first empty bin (B-01), chosen by scanning the receiving location: three
// of five, and the answer is lost and sent again, put away once. Then he moves five tees from A-01 to A-03 (a mug A-01 does not hold and
// A-01 itself refused on the way).
func TestPutawayAndAMove(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			y := newYard(t)
			owner := y.Owner
			po := y.po(t, dbinbound.POLineRequest{SKU: "TEE-1", Qty: 5}, dbinbound.POLineRequest{SKU: "CAP-9", Qty: 5})
			stan := open(t, owner, "Stan Stock", size.w, size.h)
			for _, sku := range []string{"TEE-1", "CAP-9"} {
				if _, err := stan.data.Receive(context.Background(), "", dbinbound.Receipt{PO: po.Number, Scan: sku, Qty: 5}); err != nil {
					t.Fatal(err)
				}
			}

			stan.drv.Type("2")
			stan.frame("put-waiting", "5 × TEE-1", "5 × CAP-9", "Scan an item")
			stan.scan("MUG-1")
			stan.frame("put-nothing", "✗ No MUG-1 waits to be put away at RTM1")
			stan.kept("MUG-1", stepPutItem)
			stan.scan("TEE-1")
			stan.frame("put-bin", "A-01", "Scan bin A-01")
			stan.scan("A-02")
			stan.frame("put-other", "Put away in A-02, not A-01? y/n")
			stan.press(keymaps.ScopeDialog, "cancel")
			stan.scan("QUARANTINE")
			stan.frame("put-not-bin", "✗ QUARANTINE is a quarantine location, not a bin")
			stan.kept("QUARANTINE", stepPutBin)
			stan.scan("a-01")
			stan.frame("put-qty", "How many TEE-1 into A-01?", "enter: all 5")
			stan.scan("")
			stan.frame("put-done", "✓ 5 × TEE-1 put away in A-01", "5 × CAP-9")

			stan.scan("receiving") // the receiving location's scan: the first item waiting there
			if stan.s.putItem.SKU != "CAP-9" || stan.s.suggest.Bin != "B-01" {
				t.Fatalf("caps are suggested %+v; want B-01, the first empty bin", stan.s.suggest)
			}
			stan.scan("B-01")
			stan.data.losePutaway = true
			stan.scan("3")
			stan.frame("put-lost", "✗ No answer from the database: press enter to send the same again")
			stan.kept("3", stepPutQty)
			stan.press(keymaps.ScopeInput, "submit")
			stan.frame("put-caps", "✓ 3 × CAP-9 put away in B-01", "2 × CAP-9")
			stan.data.failWaiting = true // stock moves while the database stops answering: the list stays, marked stale
			stan.drv.Send(ui.ChangedMsg{Tables: db.SetOf(db.Stock)})
			stan.frame("put-stale", "○", "2 × CAP-9")
			stan.data.failWaiting = false
			stan.drv.Send(ui.ChangedMsg{Tables: db.SetOf(db.Stock)})
			if stan.s.stale {
				t.Fatal("the list read again is still marked stale")
			}
			var putaways int
			mustGet(t, owner, &putaways, `SELECT count(*) FROM stock_movements m JOIN products p ON p.id = m.product_id WHERE m.kind = 'putaway' AND p.sku = 'CAP-9'`)
			if n := onHand(t, owner, "B-01", "CAP-9"); n != 3 || putaways != 1 {
				t.Fatalf("B-01 holds %d caps by %d putaways; want 3 by one", n, putaways)
			}

			stan.press(keymaps.ScopeInput, "cancel")
			stan.drv.Type("3")
			stan.frame("move-from", "Scan")
			stan.scan("A-01")
			stan.frame("move-item", "A-01 holds:", "45 × TEE-1")
			stan.scan("MUG-1")
			stan.frame("move-wrong-item", "✗ A-01 holds no MUG-1")
			stan.kept("MUG-1", stepMoveItem)
			stan.scan("TEE-1")
			stan.frame("move-qty", "How many TEE-1?", "enter: all 45")
			stan.scan("5")
			stan.scan("A-01")
			stan.frame("move-same-bin", "✗ A-01 is where the units are")
			stan.kept("A-01", stepMoveTo)
			stan.scan("A-03")
			stan.frame("moved", "✓ 5 × TEE-1 moved A-01 → A-03")

			for _, c := range []struct {
				place, sku string
				want       int64
			}{{"A-01", "TEE-1", 40}, {"A-03", "TEE-1", 5}, {"RECEIVING", "TEE-1", 0}, {"RECEIVING", "CAP-9", 2}} {
				if n := onHand(t, owner, c.place, c.sku); n != c.want {
					t.Errorf("%s holds %d × %s; want %d", c.place, n, c.sku, c.want)
				}
			}
			checkClean(t, owner)
		})
	}
}

// A replenishment task: P-01 holds 4 tees, its min is 5 and its max 20, and the reserve R-01
// holds 10: the task moves 10. Rita claims it, scans P-01 first (refused, the way to R-01 shown),
// then R-01 and P-01, and confirms; the answer is lost and sent again, moved once. Nothing is
// left to claim. A second task (mugs for P-02) she cancels.
func TestAReplenishmentTask(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := floortest.New(t)
			owner := f.Owner
			mustExec(t, owner, `INSERT INTO locations (warehouse_id, code, kind, pick_seq)
				SELECT w.id, x.code, 'bin', x.seq FROM warehouses w, (VALUES ('P-01', 5), ('P-02', 6), ('R-01', 50)) AS x(code, seq)
				 WHERE w.code = 'RTM1'`)
			floortest.Receive(t, owner, "TEE-1", "P-01", 4)
			floortest.Receive(t, owner, "TEE-1", "R-01", 10)
			floortest.Receive(t, owner, "MUG-1", "R-01", 3)
			rita := open(t, owner, "Rita Refill", size.w, size.h)
			ctx := context.Background()
			st := rita.data.Replenish
			if err := st.SetReserve(ctx, "", "RTM1", "R-01", true); err != nil {
				t.Fatal(err)
			}
			for _, l := range []dbreplenish.Level{{Warehouse: "RTM1", Bin: "P-01", SKU: "TEE-1", Min: 5, Max: 20},
				{Warehouse: "RTM1", Bin: "P-02", SKU: "MUG-1", Min: 1, Max: 3}} {
				if _, err := st.SetLevel(ctx, "", l); err != nil {
					t.Fatal(err)
				}
			}
			if r, err := st.Raise(ctx, "", "RTM1"); err != nil || r.Tasks != 2 {
				t.Fatalf("raise: %+v, %v; want two tasks", r, err)
			}

			rita.drv.Type("4")
			rita.frame("rep-claim", "enter")
			rita.press(keymaps.ScopeInput, "submit")
			rita.frame("rep-from", "R-01", "10 × TEE-1 → P-01", "Scan bin R-01")
			rita.scan("P-01")
			rita.frame("rep-wrong-bin", "✗ Wrong bin: P-01, go to R-01")
			rita.kept("P-01", stepRepFrom)
			rita.scan("r-01")
			rita.frame("rep-to", "P-01", "Scan bin P-01")
			rita.scan("P-01")
			rita.frame("rep-confirm", "Move 10 × TEE-1 R-01 → P-01? y/n")
			rita.data.loseConfirm = true
			rita.press(keymaps.ScopeDialog, "confirm")
			rita.frame("rep-lost", "✗ No answer from the database: press y to send the same again")
			rita.press(keymaps.ScopeDialog, "confirm")
			rita.frame("rep-done", "✓ 10 × TEE-1 to P-01: it holds 14")
			var moves int
			mustGet(t, owner, &moves, `SELECT count(*) FROM stock_movements m JOIN locations f ON f.id = m.from_location_id
				WHERE f.code = 'R-01' AND m.kind = 'transfer'`)
			if p, r := onHand(t, owner, "P-01", "TEE-1"), onHand(t, owner, "R-01", "TEE-1"); p != 14 || r != 0 || moves != 1 {
				t.Fatalf("P-01 holds %d and R-01 %d by %d moves; want 14 and 0 by one", p, r, moves)
			}

			rita.press(keymaps.ScopeInput, "submit")
			rita.frame("rep-mugs", "R-01", "3 × MUG-1 → P-02")
			rita.press(keymaps.ScopeStockwork, "cancel")
			rita.frame("rep-cancel", "Cancel the task 3 × MUG-1 R-01 → P-02? y/n")
			rita.press(keymaps.ScopeDialog, "confirm")
			rita.frame("rep-cancelled", "Task R-01 → P-02 cancelled")
			rita.press(keymaps.ScopeInput, "submit")
			rita.frame("rep-none", "No replenishment task at RTM1")
			var status string
			mustGet(t, owner, &status, `SELECT t.status FROM replenish_tasks t JOIN products p ON p.id = t.product_id WHERE p.sku = 'MUG-1'`)
			if status != "cancelled" {
				t.Errorf("the mugs' task is %s, want cancelled", status)
			}
			checkClean(t, owner)
		})
	}
}

// sscc is an SSCC with extension digit 3, GS1 company prefix 8712345 and serial n, its check
// digit computed (as db/inbound's tests make one).
func sscc(t *testing.T, n int) string {
	t.Helper()
	body := fmt.Sprintf("38712345%09d", n)
	d, err := model.GS1CheckDigit(body)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s%d", body, d)
}

// ACME's notice DESADV-1001 announces 6 of PO-000001's 10 tees and its 20 milk of lot L2701 on
// one pallet. At the dock Stan scans the pallet's GS1 label at the PO prompt: the PO opens with
// the notice under its header, and ctrl+o asks to receive it as announced. The answer to y is
// lost and y sends it again under the same key: it is received once. A second ctrl+o is told who
// received it. The other four tees are then scanned one by one, as ever.
func TestReceivingANotice(t *testing.T) {
	for _, size := range sizes {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			y := newYard(t)
			owner := y.Owner
			ctx := context.Background()
			po := y.po(t, dbinbound.POLineRequest{SKU: "TEE-1", Qty: 10}, dbinbound.POLineRequest{SKU: "MILK-1", Qty: 20})
			pallet := sscc(t, 7781)
			if _, err := y.office.CreateASN(ctx, "", dbinbound.ASNRequest{PO: po.Number, Number: "DESADV-1001", SSCC: pallet,
				Lines: []dbinbound.ASNLineRequest{{SKU: "TEE-1", Qty: 6}, {SKU: "MILK-1", Qty: 20, Lot: "L2701", Expires: "2027-01-31"}}}); err != nil {
				t.Fatal(err)
			}
			stan := open(t, owner, "Stan Stock", size.w, size.h)
			stan.drv.Type("1")
			stan.scan("]C100" + pallet) // the pallet label as a scanner sends it
			stan.frame("asn", "PO-000001", "DESADV-1001", pallet, "6", "TEE-1", "20", "MILK-1 L2701", "Nothing scanned yet")

			stan.press(keymaps.ScopeStockwork, "notice")
			stan.frame("asn-ask", "Receive DESADV-1001 as announced: 26 units? y/n")
			stan.data.loseASN = true
			stan.press(keymaps.ScopeDialog, "confirm")
			stan.frame("asn-lost", "✗ No answer from the database: press y to send the same again")
			if stan.s.step != stepRecvASN {
				t.Fatalf("after a lost answer the screen should still ask: step %d", stan.s.step)
			}
			stan.press(keymaps.ScopeDialog, "confirm")
			stan.frame("asn-received", "✓ DESADV-1001: 26 units received against PO-000001", "received by Stan Stock at")
			if k := stan.data.asnKeys; len(k) != 2 || k[0] == "" || k[0] != k[1] {
				t.Errorf("the notice's receipt was sent under keys %q; want the same key twice", k)
			}

			got, err := y.office.PO(ctx, po.Number)
			if err != nil {
				t.Fatal(err)
			}
			if got.Lines[0].Received != 6 || got.Lines[1].Received != 20 {
				t.Errorf("the PO's lines received %d and %d; want 6 and 20", got.Lines[0].Received, got.Lines[1].Received)
			}
			if tees, milk := onHand(t, owner, "RECEIVING", "TEE-1"), onHand(t, owner, "RECEIVING", "MILK-1"); tees != 6 || milk != 20 {
				t.Errorf("receiving holds %d tees and %d milk; want 6 and 20 (received once)", tees, milk)
			}

			stan.press(keymaps.ScopeStockwork, "notice")
			stan.frame("asn-again", "✗ notice DESADV-1001 was received already by Stan Stock at ")

			stan.scan("4*TEE-1") // the rest, scanned one by one as ever
			stan.press(keymaps.ScopeStockwork, "finish")
			stan.press(keymaps.ScopeDialog, "confirm")
			if n := onHand(t, owner, "RECEIVING", "TEE-1"); n != 10 {
				t.Errorf("receiving holds %d tees; want 10", n)
			}
			checkClean(t, owner)
		})
	}
}
