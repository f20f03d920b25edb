package counts

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	dbcounts "oms/db/counts"
	"oms/db/dbtest"
	"oms/db/floortest"
	"oms/keymaps"
	"oms/tui/tuitest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// handheld is the screen's data as one login has it, with one record whose answer is lost on
// the way back when loseNext is set: it commits, and the screen hears a time-out.
type handheld struct {
	*dbcounts.Store
	loseNext bool
}

func (h *handheld) Record(ctx context.Context, key string, task int64, lines []dbcounts.Line) (dbcounts.Outcome, error) {
	out, err := h.Store.Record(ctx, key, task, lines)
	if h.loseNext && err == nil {
		h.loseNext = false
		return dbcounts.Outcome{}, fmt.Errorf("the answer was lost: %w", context.DeadlineExceeded)
	}
	return out, err
}

// person is one login's screen at one size.
type person struct {
	t     *testing.T
	name  string
	size  string
	w, h  int
	data  *handheld
	s     *Screen
	drv   *tuitest.Driver
	never []string // what none of this person's frames may show
}

// open builds the screen for a fresh login named name holding job, at RTM1.
func open(t *testing.T, owner *db.DB, name, job string, w, h int) *person {
	t.Helper()
	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Name: name, Jobs: []string{job}, Warehouse: "RTM1"})
	data := &handheld{Store: dbcounts.New(dbtest.Open(t, url))}
	c := tuitest.NewContext()
	c.Jobs, c.User.Name, c.User.Warehouse = []string{job}, name, "RTM1"
	s := Def(data).Build(c, nil).(*Screen)
	return &person{t: t, name: name, size: fmt.Sprintf("%dx%d", w, h), w: w, h: h, data: data, s: s,
		drv: tuitest.New(t, s, *c.Keys, w, h)}
}

// flat is a frame's text with its line breaks and padding gone, so a sentence wrapped at 20
// columns reads as one.
func flat(frame string) string { return strings.Join(strings.Fields(frame), " ") }

// frame checks the frame fills the size, says each of want and none of p.never, and is the
// golden frame counts-<name>-<size>.
func (p *person) frame(name string, want ...string) string {
	p.t.Helper()
	frame := p.drv.Frame()
	tuitest.Exactly(p.t, frame, p.w, p.h)
	for _, w := range want {
		if !strings.Contains(flat(frame), w) {
			p.t.Fatalf("%s: the frame does not say %q:\n%s", name, w, frame)
		}
	}
	for _, n := range p.never {
		if strings.Contains(frame, n) {
			p.t.Errorf("%s: %s's frame shows %q:\n%s", name, p.name, n, frame)
		}
	}
	tuitest.Golden(p.t, "counts-"+name+"-"+p.size, frame)
	return frame
}

func (p *person) scan(text string) {
	p.drv.Type(text)
	p.drv.Press(keymaps.ScopeInput, "submit")
}

func (p *person) press(scope, action string) { p.drv.Press(scope, action) }

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

// onHand is what RTM1's bin holds of sku.
func onHand(t *testing.T, owner *db.DB, bin, sku string) (n int64) {
	t.Helper()
	mustGet(t, owner, &n, `SELECT coalesce(sum(b.on_hand), 0) FROM stock_balances b JOIN locations l ON l.id = b.location_id
		JOIN warehouses w ON w.id = l.warehouse_id JOIN products p ON p.id = b.product_id
		WHERE w.code = 'RTM1' AND l.code = $1 AND p.sku = $2`, bin, sku)
	return n
}

// A blind count of A-01 on handhelds: Ann finds 37 tees where the books say 40 (a wrong bin
// first, then the right one; the answer to her count is lost and sent again, applied once),
// beyond the tolerance of 1, so Bob recounts; he finds 37 too, and Sam, a supervisor who counted
// neither, approves it as inventory lost. A-01 then holds 37, and Ann never saw the 40.
func TestABlindCountWithARecountAndApproval(t *testing.T) {
	for _, size := range []struct{ w, h int }{{20, 16}, {40, 16}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			f := floortest.New(t)
			owner, ctx := f.Owner, context.Background()
			mustExec(t, owner, `UPDATE warehouses SET count_tolerance_units = 1 WHERE code = 'RTM1'`)
			mustExec(t, owner, `UPDATE products SET unit_cost_minor = 450 WHERE sku = 'TEE-1'`)

			ann := open(t, owner, "Ann Counter", "stock", size.w, size.h)
			ann.never = []string{"40", "books", "Books"}
			if _, err := ann.data.Plan(ctx, "plan-a01", dbcounts.PlanRequest{Warehouse: "RTM1", How: "bins", Arg: "A-01"}); err != nil {
				t.Fatal(err)
			}

			ann.frame("claim", "Claim the next bin")
			ann.press(keymaps.ScopeInput, "submit")
			ann.frame("bin", "C-000001", "A-01", "Scan bin A-01")

			ann.scan("A-02")
			ann.frame("wrong-bin", "✗ Wrong bin: A-02, go to A-01")
			if ann.s.scan.Value() != "A-02" || ann.s.step != stepBin {
				t.Fatalf("the field lost the wrong scan: %q", ann.s.scan.Value())
			}
			ann.scan("a-01") // the first key replaces the refused scan; case does not matter
			ann.frame("items", "Nothing counted yet")

			ann.scan("36*TEE-1")
			ann.scan("TEE-1")
			ann.scan("MUG-1")
			ann.frame("tally", "37 × TEE-1", "1 × MUG-1", "✓ +1 MUG-1 (1)")
			ann.press(keymaps.ScopeCounts, "undo")
			ann.frame("undo", "37 × TEE-1", "Undone: 1 × MUG-1")
			if strings.Contains(ann.drv.Frame(), "× MUG-1\n") {
				t.Fatalf("the undone mug is still counted:\n%s", ann.drv.Frame())
			}

			ann.press(keymaps.ScopeCounts, "finish")
			ann.frame("record", "Record the count of A-01: 37 × TEE-1? y/n")

			ann.data.loseNext = true
			ann.press(keymaps.ScopeDialog, "confirm")
			ann.frame("lost", "✗ No answer from the database: press y to send the same count again")
			if ann.s.step != stepRecord {
				t.Fatalf("after a lost answer the screen should still ask")
			}
			ann.press(keymaps.ScopeDialog, "confirm") // the same count again, with the same key
			ann.frame("recount", "A-01 beyond tolerance: someone else will recount it")
			var rounds, recorded int
			mustGet(t, owner, &rounds, `SELECT count(*) FROM count_tasks WHERE round = 2`)
			mustGet(t, owner, &recorded, `SELECT count(*) FROM events WHERE kind = 'count.recorded'`)
			if rounds != 1 || recorded != 1 {
				t.Fatalf("a count sent twice: %d recounts, %d recorded events; want 1 and 1", rounds, recorded)
			}

			ann.press(keymaps.ScopeInput, "submit")
			ann.frame("nothing", "Nothing to count at RTM1") // her own recount is not hers

			bob := open(t, owner, "Bob Counter", "stock", size.w, size.h)
			bob.never = ann.never
			bob.press(keymaps.ScopeInput, "submit")
			bob.frame("bob-recount", "C-000001", "recount", "A-01", "Scan bin A-01")
			bob.scan("A-01")
			bob.scan("37*TEE-1")
			bob.press(keymaps.ScopeCounts, "finish")
			bob.press(keymaps.ScopeDialog, "confirm")
			bob.frame("bob-review", "A-01 beyond tolerance again: a supervisor decides")
			if n := onHand(t, owner, "A-01", "TEE-1"); n != 40 {
				t.Fatalf("A-01 holds %d tees before a supervisor decided; want 40", n)
			}

			bob.press(keymaps.ScopeCounts, "review")
			bob.frame("bob-no-review", "Only a supervisor reviews counts")

			sam := open(t, owner, "Sam Super", "supervisor", size.w, size.h)
			sam.press(keymaps.ScopeCounts, "review")
			sam.frame("reviews", "A-01", "TEE-1", "37", "40", "-3", "13.50 EUR")
			sam.press(keymaps.ScopeList, "open")
			sam.frame("decide", "Inventory lost", "Reject")
			i := -1
			for n, r := range sam.s.reasons {
				if r.Code == "CNT_LOST" {
					i = n
				}
			}
			if i < 0 || sam.s.choice != i {
				t.Fatalf("a shortage should be offered CNT_LOST first: choice %d of %+v", sam.s.choice, sam.s.reasons)
			}
			sam.drv.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(fmt.Sprint(i + 1))})
			sam.press(keymaps.ScopeInput, "submit")
			sam.frame("approve", "Approve A-01, Inventory lost: post -3 × TEE-1? y/n")
			sam.press(keymaps.ScopeDialog, "confirm")
			sam.frame("approved", "✓ A-01 approved and posted (CNT_LOST)", "No bin waits for a supervisor")

			if n := onHand(t, owner, "A-01", "TEE-1"); n != 37 {
				t.Fatalf("A-01 holds %d tees after the approval; want 37", n)
			}
			var reason string
			mustGet(t, owner, &reason, `SELECT reason_code FROM stock_movements WHERE kind = 'count' ORDER BY id DESC LIMIT 1`)
			if reason != "CNT_LOST" {
				t.Errorf("the adjustment's reason is %q, want CNT_LOST", reason)
			}
			sam.press(keymaps.ScopeCounts, "counts")
			sam.frame("counts", "C-000001 posted", "bins A-01", "1/1 posted")
			rep, err := owner.Check(ctx, 5)
			if err != nil || !rep.OK() {
				t.Errorf("oms check after the count: %+v %v", rep.Violations, err)
			}
		})
	}
}

// lists wraps the data so the counts list can fail, as a database that stops answering does.
type lists struct {
	*handheld
	fail bool
}

func (l *lists) Counts(ctx context.Context, warehouse string) ([]dbcounts.Count, error) {
	if l.fail {
		return nil, fmt.Errorf("no answer: %w", context.DeadlineExceeded)
	}
	return l.handheld.Counts(ctx, warehouse)
}

// A supervisor plans a count from the screen, claims its first bin and gives it back, claims it
// again and counts it — a lot-tracked item asks for its lot, an unknown lot is refused and kept
// — in a warehouse that shows counters what the books say; the count is within tolerance and
// posts at once. The counts list, read again while the database does not answer, keeps its
// rows, marked ○ stale.
func TestPlanGiveBackALotAndTheBooksShown(t *testing.T) {
	f := floortest.New(t)
	owner := f.Owner
	mustExec(t, owner, `UPDATE warehouses SET count_tolerance_units = 1, count_show_expected = true WHERE code = 'RTM1'`)
	mustExec(t, owner, `INSERT INTO products (sku, name, tax_category, lot_tracked) VALUES ('SRM-1', 'Serum', 'standard', true)`)
	mustExec(t, owner, `INSERT INTO lots (product_id, lot_code) SELECT id, 'L7' FROM products WHERE sku = 'SRM-1'`)

	_, url := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Sam Super", Jobs: []string{"supervisor"}, Warehouse: "RTM1"})
	data := &lists{handheld: &handheld{Store: dbcounts.New(dbtest.Open(t, url))}}
	c := tuitest.NewContext()
	c.Jobs, c.User.Name = []string{"supervisor"}, "Sam Super"
	c.User.Warehouse = "" // a login without a warehouse is asked once
	s := Def(data).Build(c, nil).(*Screen)
	p := &person{t: t, name: "Sam", size: "40x16", w: 40, h: 16, s: s, drv: tuitest.New(t, s, *c.Keys, 40, 16)}

	p.frame("warehouse", "Which warehouse do you count in?")
	p.scan("rtm1")
	p.press(keymaps.ScopeCounts, "plan")
	p.frame("plan", "Plan a count: zone, aisle, bins, abc or flags, and what")
	p.scan("shelves A")
	p.frame("plan-refused", "✗ A count is planned by zone, aisle, bins, abc, flags, not \"shelves\"")
	p.drv.Press(keymaps.ScopeInput, "clear")
	p.scan("bins A-01 A-02")
	p.frame("plan-ask", "Plan a count at RTM1: bins A-01 A-02? y/n")
	p.press(keymaps.ScopeDialog, "confirm")
	p.frame("planned", "✓ C-000001 planned: 2 bins", "C-000001 counting", "0/2 posted, 2 open")

	data.fail = true
	p.press(keymaps.ScopeCounts, "counts")
	p.frame("stale", "○ stale", "C-000001 counting")
	data.fail = false

	p.press(keymaps.ScopeInput, "cancel")
	p.press(keymaps.ScopeInput, "submit")
	p.frame("books", "A-01", "Books: 40 × TEE-1")
	p.press(keymaps.ScopeCounts, "giveBack")
	p.frame("given-back", "A-01 given back: it waits for a counter")
	var status string
	mustGet(t, owner, &status, `SELECT t.status FROM count_tasks t JOIN locations l ON l.id = t.location_id WHERE l.code = 'A-01'`)
	if status != "ready" {
		t.Fatalf("A-01 given back is %s, want ready", status)
	}

	p.scan("A-01") // a bin scanned at the claim prompt is the bin counted
	if s.step != stepItem || s.task == nil || s.task.Bin != "A-01" {
		t.Fatalf("scanning A-01 at the claim prompt should claim it and wait for items:\n%s", p.drv.Frame())
	}
	p.scan("SRM-1")
	p.frame("lot", "Lot of SRM-1?")
	p.scan("L9")
	p.frame("lot-refused", `✗ lot "L9" of this product is not known`)
	if s.scan.Value() != "L9" {
		t.Fatalf("the field lost the refused lot: %q", s.scan.Value())
	}
	p.scan("L7")
	p.scan("40*TEE-1")
	p.frame("lot-counted", "1 × SRM-1 lot L7", "40 × TEE-1")
	p.press(keymaps.ScopeCounts, "finish")
	p.press(keymaps.ScopeDialog, "confirm")
	p.frame("posted", "✓ A-01 counted: posted")
	if n := onHand(t, owner, "A-01", "SRM-1"); n != 1 {
		t.Errorf("A-01 holds %d serums after the count; want 1", n)
	}
	rep, err := owner.Check(context.Background(), 5)
	if err != nil || !rep.OK() {
		t.Errorf("oms check after the count: %+v %v", rep.Violations, err)
	}
}
