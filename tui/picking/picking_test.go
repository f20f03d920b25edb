package picking

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/alloc"
	"oms/db/dbtest"
	"oms/db/orders"
	dbpicking "oms/db/picking"
	"oms/keymaps"
	"oms/model"
	"oms/tui/tuitest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// floor is the small business with the Rotterdam DC's bins A-01 (TEE-1 × 5), A-02 (CAP-1 × 2)
// and B-01 (barcode LOC0000B01, CAP-1 × 3) on the pick path in that order, and one released
// order SO-… for 2 × TEE-1 and 1 × CAP-1 (reserved in ).
func floor(t *testing.T) *db.DB {
	t.Helper()
	owner := allocatedFloor(t)
	if _, err := dbpicking.New(dbtest.LoginAs(t, owner, "backoffice")).Release(context.Background(), "release-1",
		dbpicking.ReleaseOptions{Warehouse: "RTM1"}); err != nil {
		t.Fatal(err)
	}
	return owner
}

// allocatedFloor is floor with its order allocated and not released yet.
func allocatedFloor(t *testing.T) *db.DB {
	t.Helper()
	owner := dbtest.SmallBusiness(t)
	for _, s := range []string{
		`INSERT INTO products (sku, name, tax_category, gtin) VALUES ('CAP-1', 'Baseball cap, navy', 'standard', '4006381333931')`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 10 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 30 FROM warehouses WHERE code = 'RTM1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq, barcode) SELECT id, 'B-01', 'bin', 40, 'LOC0000B01' FROM warehouses WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 51.885, longitude = 4.4035 WHERE code = 'RTM1'`,
		`UPDATE warehouses SET latitude = 52.53, longitude = 13.40 WHERE code = 'BER-M'`,
	} {
		mustExec(t, owner, s)
	}
	for _, r := range []struct {
		sku, bin string
		n        int
	}{{"TEE-1", "A-01", 5}, {"CAP-1", "A-02", 2}, {"CAP-1", "B-01", 3}} {
		mustExec(t, owner, `
			INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			SELECT p.id, s.id, b.id, $3, 'receipt' FROM products p, locations s, locations b, warehouses w
			 WHERE p.sku = $1 AND s.kind = 'supplier' AND b.code = $2 AND b.warehouse_id = w.id AND w.code = 'RTM1'`, r.sku, r.bin, r.n)
	}
	clerk := dbtest.LoginAs(t, owner, "backoffice")
	ctx := context.Background()
	st := orders.New(clerk)
	ch, err := st.ChannelByCode(ctx, "web-eu")
	if err != nil {
		t.Fatal(err)
	}
	o := model.IncomingOrder{ExternalID: "P1", DisplayID: "#P1", Currency: "EUR",
		OrderedAt: tuitest.Now.Add(-time.Hour), Customer: model.IncomingCustomer{Name: "Anna"},
		ShipTo: model.Address{Name: "Anna", Line1: "Damrak 1", City: "Amsterdam", Country: "NL"},
		Lines: []model.IncomingLine{{ExternalLineID: "1", SKU: "TEE-1", Qty: 2, AmountMinor: 200},
			{ExternalLineID: "2", SKU: "CAP-1", Qty: 1, AmountMinor: 100}},
		SubtotalMinor: 300, TotalMinor: 300}
	run, err := st.StartImport(ctx, ch, "json", "test", strings.Repeat("0", 64))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{{Order: o, Line: 1, Ref: "P1"}}); err != nil {
		t.Fatal(err)
	}
	var id int64
	mustGet(t, owner, &id, `SELECT id FROM orders WHERE external_id = 'P1'`)
	if _, err := alloc.New(clerk).AllocateMany(ctx, []int64{id}, false); err != nil {
		t.Fatal(err)
	}
	return owner
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

// handheld is the screen's data as the picker's login has it, with one confirmation whose answer
// is lost on the way back when loseNext is set: it commits, and the screen hears a time-out.
type handheld struct {
	*dbpicking.Store
	orders   *orders.Store
	loseNext bool
}

func (h *handheld) ShortReasons(ctx context.Context) ([]orders.Reason, error) {
	return h.orders.Reasons(ctx, "short_pick")
}

func (h *handheld) Confirm(ctx context.Context, key string, p dbpicking.Pick) (dbpicking.TaskState, error) {
	st, err := h.Store.Confirm(ctx, key, p)
	if h.loseNext && err == nil {
		h.loseNext = false
		return dbpicking.TaskState{}, errors.New("the database did not answer in time")
	}
	return st, err
}

// flat is a frame's text with its line breaks and padding gone, so a sentence wrapped at 20
// columns reads as one.
func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }

// A picker walks a whole batch by scans only — a wrong bin, a wrong item, a scan whose answer
// is lost and is sent again, a count typed after the first scan, a short pick re-tasked to
// another bin, a GS1 scan — at the handheld's sizes and at 80×24, with a golden frame for
// each step.
func TestAPickerWalksABatchByScans(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"20x16", 20, 16}, {"40x16", 40, 16}, {"80x24", 80, 24}} {
		t.Run(size.name, func(t *testing.T) {
			owner := floor(t)
			_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Piet Picker", Jobs: []string{"picker"}, Warehouse: "RTM1"})
			d := dbtest.Open(t, url)
			data := &handheld{Store: dbpicking.New(d), orders: orders.New(d)}
			c := tuitest.NewContext()
			c.Jobs, c.User.Warehouse = []string{"picker"}, "RTM1"
			s := Def(data).Build(c, nil).(*Screen)
			drv := tuitest.New(t, s, *c.Keys, size.w, size.h)
			step := func(name string, want ...string) string {
				t.Helper()
				frame := drv.Frame()
				tuitest.Exactly(t, frame, size.w, size.h)
				for _, w := range want {
					if !strings.Contains(flat(frame), w) {
						t.Fatalf("%s: the frame does not say %q:\n%s", name, w, frame)
					}
				}
				tuitest.Golden(t, "picking-"+name+"-"+size.name, frame)
				return frame
			}
			scan := func(text string) {
				drv.Type(text)
				drv.Press(keymaps.ScopeInput, "submit")
			}
			picked := func(sku string) (n int) {
				mustGet(t, owner, &n, `SELECT coalesce(sum(l.qty_picked), 0) FROM order_lines l JOIN products p ON p.id = l.product_id WHERE p.sku = $1`, sku)
				return n
			}

			step("claim")
			scan("T7")
			step("bin", "A-01", "2 × TEE-1", "Scan bin")

			scan("A-02")
			step("wrong-bin", "✗ Wrong bin: A-02, go to A-01")
			if s.scan.Value() != "A-02" {
				t.Errorf("the field lost the wrong scan: %q", s.scan.Value())
			}
			scan("A-01") // the first key replaces the refused scan
			step("item", "Scan item")

			scan("MUG-1")
			step("wrong-item", "✗ Wrong item: MUG-1 is not TEE-1")

			data.loseNext = true
			scan("TEE-1")
			if !s.bad || picked("TEE-1") != 1 {
				t.Fatalf("a lost answer: the screen should say so with the unit picked once, picked %d:\n%s", picked("TEE-1"), drv.Frame())
			}
			drv.Press(keymaps.ScopeInput, "submit") // the same scan again, with the same key
			step("replayed", "✓ 1 × TEE-1 picked (1/2)")
			if s.step != stepItem || s.lastItem != "TEE-1" {
				t.Fatalf("after the first unit the screen should wait for the next item or a count")
			}
			if n := picked("TEE-1"); n != 1 {
				t.Fatalf("a scan sent twice picked %d units, want 1", n)
			}

			scan("1") // a typed count of the item scanned
			step("next-task", "A-02", "1 × CAP-1")
			if n := picked("TEE-1"); n != 2 {
				t.Fatalf("TEE-1 picked %d, want 2", n)
			}

			drv.Send(tea.KeyMsg{Type: tea.KeyCtrlS})
			step("short-reasons", "why?", "Bin empty")
			drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("1")})
			drv.Press(keymaps.ScopeInput, "submit")
			step("retasked", "B-01", "1 × CAP-1", "Scan bin")

			scan("LOC0000B01") // the bin's barcode
			scan("]C1" + "0104006381333931")
			step("done", "picked. Take tote T7 to")

			var status string
			mustGet(t, owner, &status, `SELECT status FROM orders WHERE external_id = 'P1'`)
			if status != "picked" {
				t.Errorf("the order is %s after its batch, want picked", status)
			}
			var flagged int
			mustGet(t, owner, &flagged, `SELECT count(*) FROM count_flags f JOIN locations l ON l.id = f.location_id WHERE l.code = 'A-02'`)
			if flagged == 0 {
				t.Errorf("the short-picked bin A-02 is not flagged for a count")
			}
			rep, err := owner.Check(context.Background(), 5)
			if err != nil || !rep.OK() {
				t.Errorf("oms check after the batch: %+v %v", rep.Violations, err)
			}
		})
	}
}

// Where is it? answers for an item and a bin without leaving the task; in a warehouse whose
// rule for bins only warns, a scan of another bin is taken with a warning, and the database
// records the bin as scanned and says so too.
func TestWhereIsItAndABinRuleThatOnlyWarns(t *testing.T) {
	owner := floor(t)
	mustExec(t, owner, `UPDATE warehouses SET verify_bin = 'warn' WHERE code = 'RTM1'`)
	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}, Warehouse: "RTM1"})
	d := dbtest.Open(t, url)
	c := tuitest.NewContext()
	c.Jobs, c.User.Warehouse = []string{"picker"}, "RTM1"
	s := Def(&handheld{Store: dbpicking.New(d), orders: orders.New(d)}).Build(c, nil).(*Screen)
	drv := tuitest.New(t, s, *c.Keys, 40, 16)
	scan := func(text string) {
		drv.Type(text)
		drv.Press(keymaps.ScopeInput, "submit")
	}
	scan("")
	drv.Press(keymaps.ScopePicking, "where")
	scan("CAP-1")
	if f := flat(drv.Frame()); !strings.Contains(f, "CAP-1 Baseball cap, navy: A-02 2, B-01 3") {
		t.Fatalf("where is CAP-1:\n%s", drv.Frame())
	}
	scan("A-01")
	if f := flat(drv.Frame()); !strings.Contains(f, "A-01: 5 × TEE-1 (2 reserved)") {
		t.Fatalf("what is in A-01:\n%s", drv.Frame())
	}
	tuitest.Golden(t, "picking-where-40x16", drv.Frame())
	drv.Press(keymaps.ScopeInput, "cancel")
	if s.where || s.step != stepBin {
		t.Fatalf("esc should leave where-is-it for the task's bin prompt")
	}
	scan("A-02")
	if f := flat(drv.Frame()); s.step != stepItem || !strings.Contains(f, "! A-02 is not A-01") {
		t.Fatalf("a bin rule that warns:\n%s", drv.Frame())
	}
	scan("TEE-1")
	if f := flat(drv.Frame()); !strings.Contains(f, "✓ 1 × TEE-1 picked") {
		t.Fatalf("the pick after a warned bin:\n%s", drv.Frame())
	}
	var bin string
	mustGet(t, owner, &bin, `SELECT bin_scan FROM pick_scans ORDER BY id DESC LIMIT 1`)
	if bin != "A-02" {
		t.Errorf("the scan is recorded with bin %q, want A-02 as scanned", bin)
	}
}

// The back office cancels the order while its batch is on the picker's handheld: the next scan
// is refused with the reason, and the screen reads the batch again instead of leaving the
// picker at a task that is gone.
func TestAnOrderCancelledUnderThePicker(t *testing.T) {
	owner := floor(t)
	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}, Warehouse: "RTM1"})
	d := dbtest.Open(t, url)
	c := tuitest.NewContext()
	c.Jobs, c.User.Warehouse = []string{"picker"}, "RTM1"
	s := Def(&handheld{Store: dbpicking.New(d), orders: orders.New(d)}).Build(c, nil).(*Screen)
	drv := tuitest.New(t, s, *c.Keys, 40, 16)
	scan := func(text string) {
		drv.Type(text)
		drv.Press(keymaps.ScopeInput, "submit")
	}
	scan("T7")
	scan("A-01")
	var order int64
	mustGet(t, owner, &order, `SELECT id FROM orders WHERE external_id = 'P1'`)
	if err := orders.New(dbtest.LoginAs(t, owner, "backoffice")).CancelOrder(context.Background(), "cancel-p1", order, "CANCEL_CUSTOMER"); err != nil {
		t.Fatal(err)
	}
	scan("TEE-1")
	frame := flat(drv.Frame())
	if s.step != stepTote || !strings.Contains(frame, "✗") || !strings.Contains(frame, "Nothing else is ready to pick in RTM1") {
		t.Fatalf("after the order was cancelled the screen should say why and offer the next batch:\n%s", drv.Frame())
	}
	var picked int
	mustGet(t, owner, &picked, `SELECT coalesce(sum(qty_picked), 0) FROM order_lines WHERE order_id = $1`, order)
	if picked != 0 {
		t.Errorf("a cancelled order's unit was picked: %d", picked)
	}
}

// A supervisor on the picking screen releases the warehouse's allocated orders with one key
// and claims the batch; a picker's key does nothing (and the database would refuse them). A
// scanner that sends its burst as a paste is read like typed keys.
func TestASupervisorReleasesFromThePickingScreen(t *testing.T) {
	owner := allocatedFloor(t)
	open := func(job string) (*Screen, *tuitest.Driver) {
		_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{job}, Warehouse: "RTM1"})
		d := dbtest.Open(t, url)
		c := tuitest.NewContext()
		c.Jobs, c.User.Warehouse = []string{job}, "RTM1"
		s := Def(&handheld{Store: dbpicking.New(d), orders: orders.New(d)}).Build(c, nil).(*Screen)
		return s, tuitest.New(t, s, *c.Keys, 40, 16)
	}
	_, picker := open("picker")
	picker.Press(keymaps.ScopePicking, "release")
	if f := flat(picker.Frame()); strings.Contains(f, "released") {
		t.Fatalf("a picker released work:\n%s", picker.Frame())
	}
	s, drv := open("supervisor")
	drv.Press(keymaps.ScopePicking, "release")
	if f := flat(drv.Frame()); !strings.Contains(f, "released 1 batch, 2 lines") || !strings.Contains(f, "B-000001 RTM1 zone A: 1 order, 2 lines") {
		t.Fatalf("the supervisor's release:\n%s", drv.Frame())
	}
	tuitest.Golden(t, "picking-release-40x16", drv.Frame())
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("A-01"), Paste: true})
	drv.Press(keymaps.ScopeInput, "submit")
	if s.step != stepItem {
		t.Fatalf("a pasted bin scan was not taken:\n%s", drv.Frame())
	}
}
