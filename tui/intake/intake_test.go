package intake

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/orders"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}}

// fake is a fixed morning of imports, so frames do not depend on the clock of a database.
type fake struct {
	runs       []orders.ImportRunRow
	exceptions []orders.OrderExceptionRow
	rejects    map[int64][]orders.ImportRejectRow
}

func (f *fake) ImportRuns(_ context.Context, r orders.ImportRunsRequest) ([]orders.ImportRunRow, error) {
	return f.runs, nil
}

func (f *fake) OpenOrderExceptions(context.Context, int) ([]orders.OrderExceptionRow, error) {
	return f.exceptions, nil
}

func (f *fake) ImportRun(_ context.Context, id int64) (orders.ImportRunRow, error) {
	for _, r := range f.runs {
		if r.ID == id {
			return r, nil
		}
	}
	return orders.ImportRunRow{}, orders.ErrNoImportRun
}

func (f *fake) ImportRejects(_ context.Context, id int64, _ int) ([]orders.ImportRejectRow, error) {
	return f.rejects[id], nil
}

func morning() *fake {
	at := func(d time.Duration) time.Time { return tuitest.Now.Add(d) }
	done := func(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: true} }
	return &fake{
		runs: []orders.ImportRunRow{
			{ID: 3, Channel: "web-eu", Format: "shopify", File: "orders_export_2026-11-26.csv", SHA256: strings.Repeat("3c", 32),
				Actor: "backoffice_rtm_01", Terminal: "oms import", StartedAt: at(-2 * time.Minute), Rejected: 1},
			{ID: 2, Channel: "amazon-de", Format: "amazon", File: "amazon-de-unshipped-orders.txt", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
				Actor: "backoffice_rtm_01", Terminal: "oms import", StartedAt: at(-70 * time.Minute), FinishedAt: done(at(-70*time.Minute + 12*time.Second)),
				New: 120, Unchanged: 30, Updated: 3, Rejected: 2},
			{ID: 1, Channel: "store-ber", Format: "json", File: "pos-sales.jsonl", SHA256: strings.Repeat("0a", 32),
				Actor: "supervisor_rtm_01", StartedAt: at(-20 * time.Hour), FinishedAt: done(at(-20*time.Hour + 3*time.Second)), New: 14},
		},
		exceptions: []orders.OrderExceptionRow{{ID: 1, OrderID: 42, Number: "SO-0001842",
			Message: "the channel changed the order after picking started: quantity of TEE-1 2 → 3"}},
		rejects: map[int64][]orders.ImportRejectRow{3: {{Line: 41, OrderRef: "#1040", Reason: "no shipping address"}}, 2: {
			{Line: 7, OrderRef: "#1002", Reason: `line 1: unknown SKU "NOPE" (import it with oms catalog import products first)`},
			{Line: 19, OrderRef: "302-1234567-7654321", Reason: "quantity 0 on line 2"},
		}},
	}
}

// list starts the Intake screen on data at w×h, recording the screens it opens.
func list(t *testing.T, data Data, w, h int) (*Screen, *tuitest.Driver, *[]ui.Open) {
	t.Helper()
	c := tuitest.NewContext()
	s := New(c, data)
	opened := &[]ui.Open{}
	drv := tuitest.New(t, s, *c.Keys, w, h)
	drv.Hold = func(msg tea.Msg) bool {
		if o, ok := msg.(ui.Open); ok {
			*opened = append(*opened, o)
			return true
		}
		return false
	}
	return s, drv, opened
}

func TestIntakeListGolden(t *testing.T) {
	for _, size := range sizes {
		_, drv, _ := list(t, morning(), size.w, size.h)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "intake-list-"+size.name, frame)
	}
}

func TestImportRunGolden(t *testing.T) {
	for _, size := range sizes {
		c := tuitest.NewContext()
		s := RunDef(morning()).Build(c, RunRef{ID: 2, File: "amazon-de-unshipped-orders.txt"})
		drv := tuitest.New(t, s, *c.Keys, size.w, size.h)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "intake-run-"+size.name, frame)
		if size.h == 16 {
			drv.Press(keymaps.ScopeList, "bottom") // the last reject's reason is the last line
			tuitest.Exactly(t, drv.Frame(), size.w, size.h)
			tuitest.Golden(t, "intake-run-bottom-"+size.name, drv.Frame())
		}
	}
	c := tuitest.NewContext()
	s := RunDef(morning()).Build(c, RunRef{ID: 3, File: "orders_export_2026-11-26.csv"})
	drv := tuitest.New(t, s, *c.Keys, 80, 24)
	tuitest.Golden(t, "intake-run-unfinished-80x24", drv.Frame())
}

// demo is the demo business with the store as its owner, and a channel's code.
func demo(t *testing.T) (*db.DB, *orders.Store, orders.Channel) {
	t.Helper()
	d := tuitest.DemoDB(t)
	var code string
	if err := d.Get(&code, `SELECT code FROM channels WHERE active ORDER BY id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	st := orders.New(d)
	ch, err := st.ChannelByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return d, st, ch
}

// A run started in another terminal shows up after the change feed says imports changed: the
// Watcher path, with the poll the shell makes.
func TestANewRunShowsUpAfterAChange(t *testing.T) {
	d, st, ch := demo(t)
	ctx := context.Background()
	s, drv, _ := list(t, st, 80, 24)
	snap, _, err := d.ChangesSince(ctx, "", s.Watches())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(drv.Frame(), "late-orders.csv") {
		t.Fatal("the run is listed before it started")
	}
	run, err := st.StartImport(ctx, ch, "csv", "late-orders.csv", strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	_, changed, err := d.ChangesSince(ctx, snap, s.Watches())
	if err != nil || !changed.Has(db.Imports) {
		t.Fatalf("the poll after an import started: %v (%v), want imports", changed, err)
	}
	drv.Send(ui.ChangedMsg{Tables: changed})
	if len(s.runs) == 0 || s.runs[0].ID != run.ID || !strings.Contains(drv.Frame(), "late-orders.csv") ||
		!strings.Contains(drv.Frame(), "not finished") {
		t.Fatalf("after the change the list shows:\n%s", drv.Frame())
	}
	if err := st.FinishImport(ctx, run, orders.ImportCounts{New: 4, Rejected: 0}); err != nil {
		t.Fatal(err)
	}
	drv.Send(ui.ChangedMsg{Tables: db.SetOf(db.Imports)})
	if !strings.Contains(drv.Frame(), "4 new · 0 upd · 0 rej") {
		t.Fatalf("after it finished the list shows:\n%s", drv.Frame())
	}
}

// Enter on a run opens its page, which lists the rejected orders by line with their reasons.
func TestEnterOnARunListsItsRejects(t *testing.T) {
	_, st, ch := demo(t)
	ctx := context.Background()
	run, err := st.StartImport(ctx, ch, "json", "broken.jsonl", strings.Repeat("cd", 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportBatch(ctx, run, []orders.Incoming{
		{Line: 12, Ref: "#7002", Reason: "the total does not add up: 10.00 stated, 12.50 from the lines"},
		{Line: 3, Ref: "#7001", Reason: "no lines"},
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishImport(ctx, run, orders.ImportCounts{Rejected: 2}); err != nil {
		t.Fatal(err)
	}
	s, drv, opened := list(t, st, 40, 16)
	for i := 0; i < 5 && (s.items[s.cursor].kind != itemRun || s.runs[s.items[s.cursor].i].ID != run.ID); i++ {
		drv.Press(keymaps.ScopeList, "down")
	}
	drv.Press(keymaps.ScopeList, "open")
	want := ui.Open{Route: RunRoute, Arg: RunRef{ID: run.ID, File: "broken.jsonl"}}
	if len(*opened) != 1 || (*opened)[0] != want {
		t.Fatalf("enter opened %+v, want %+v", *opened, want)
	}
	c := tuitest.NewContext()
	page := RunDef(st).Build(c, (*opened)[0].Arg)
	pd := tuitest.New(t, page, *c.Keys, 80, 24)
	frame := pd.Frame()
	tuitest.Fits(t, frame, 80, 24)
	first, second := strings.Index(frame, "#7001"), strings.Index(frame, "#7002")
	if first < 0 || second < first || !strings.Contains(frame, "     3 #7001") || !strings.Contains(frame, "    12 #7002") ||
		!strings.Contains(frame, "no lines") || !strings.Contains(frame, "the total does not add up") ||
		!strings.Contains(frame, "12.50 from the lines") {
		t.Fatalf("the run's page, want its rejects by line with their reasons:\n%s", frame)
	}
}

// Enter on an open exception opens its order, as the queue does.
func TestAnExceptionOpensTheOrder(t *testing.T) {
	d, st, _ := demo(t)
	var o struct {
		ID     int64  `db:"id"`
		Number string `db:"number"`
	}
	if err := d.Get(&o, `INSERT INTO order_exceptions (order_id, kind, message)
		SELECT id, 'changed_after_picking', 'the channel changed the order after picking started: ship-to address'
		  FROM orders WHERE status = 'picking' ORDER BY id LIMIT 1
		RETURNING order_id AS id, (SELECT number FROM orders WHERE id = order_id) AS number`); err != nil {
		t.Fatal(err)
	}
	s, drv, opened := list(t, st, 20, 16)
	if s.items[s.cursor].kind != itemException || !strings.Contains(drv.Frame(), o.Number) {
		t.Fatalf("the exception is not first:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeList, "open")
	want := ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: o.ID, Number: o.Number}}
	if len(*opened) != 1 || (*opened)[0] != want {
		t.Fatalf("enter on the exception opened %+v, want %+v", *opened, want)
	}
}
