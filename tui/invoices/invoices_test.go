package invoices

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/invoicing"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}}

// list starts the invoices list on the demo data at w×h, recording the screens it opens.
func list(t *testing.T, d *db.DB, w, h int) (*Screen, *tuitest.Driver, *[]ui.Open) {
	t.Helper()
	c := tuitest.NewContext()
	s := New(c, invoicing.New(d))
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

func page(t *testing.T, d *db.DB, number string, w, h int) (*Page, *tuitest.Driver) {
	t.Helper()
	c := tuitest.NewContext()
	p := DocDef(invoicing.New(d)).Build(c, DocRef{Number: number}).(*Page)
	return p, tuitest.New(t, p, *c.Keys, w, h)
}

func get(t *testing.T, d *db.DB, dest any, q string, args ...any) {
	t.Helper()
	if err := d.Get(dest, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestInvoicesListGolden(t *testing.T) {
	d := tuitest.DemoDB(t)
	for _, size := range sizes {
		_, drv, _ := list(t, d, size.w, size.h)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "invoices-list-"+size.name, frame)
	}
}

// The newest foreign-currency invoice's page: header, parties, lines, tax summary, totals in
// its currency and in the base currency with the rate and its date.
func TestForeignCurrencyDocumentShowsBaseTotalsAndRate(t *testing.T) {
	d := tuitest.DemoDB(t)
	var number string
	get(t, d, &number, `SELECT number FROM invoices WHERE currency <> base_currency AND kind = 'invoice'
		ORDER BY issued_at DESC, id DESC LIMIT 1`)
	doc, err := invoicing.New(d).Document(t.Context(), number)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range sizes {
		p, drv := page(t, d, number, size.w, size.h)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "invoice-page-"+size.name, frame)
		drv.Press(keymaps.ScopeList, "bottom")
		bottom := drv.Frame()
		tuitest.Exactly(t, bottom, size.w, size.h)
		tuitest.Golden(t, "invoice-page-bottom-"+size.name, bottom)
		all := strings.Join(p.lines, "\n")
		base := money(doc.TotalBase, doc.BaseCurrency) + " " + string(doc.BaseCurrency)
		if !strings.Contains(all, base) || !strings.Contains(all, doc.FXDate.Format("2006-01-02")) ||
			!strings.Contains(strings.Join(strings.Fields(all), " "), Rate(doc)) {
			t.Errorf("%s: the page lacks the base total %s, the rate %s or its date:\n%s", size.name, base, Rate(doc), all)
		}
	}
}

// A credit note's row names the invoice it corrects, and its page says so too.
func TestCreditNoteSaysWhichInvoiceItCorrects(t *testing.T) {
	d := tuitest.DemoDB(t)
	var cn struct {
		Number  string `db:"number"`
		Order   string `db:"order_number"`
		Credits string `db:"credits"`
	}
	get(t, d, &cn, `SELECT i.number, o.number AS order_number, c.number AS credits FROM invoices i
		JOIN orders o ON o.id = i.order_id JOIN invoices c ON c.id = i.credited_invoice_id
		ORDER BY i.issued_at DESC, i.id DESC LIMIT 1`)
	s, drv, _ := list(t, d, 80, 24)
	drv.Press(keymaps.ScopeInvoices, "findOrder")
	drv.Type(strings.ToLower(cn.Order))
	drv.Press(keymaps.ScopeInput, "submit")
	var row string
	for _, l := range strings.Split(drv.Frame(), "\n") {
		if strings.Contains(l, cn.Number) {
			row = l
		}
	}
	if !strings.Contains(row, "credit") || !strings.Contains(row, "→"+cn.Credits) {
		t.Fatalf("the row of %s does not say it corrects %s:\n%s", cn.Number, cn.Credits, drv.Frame())
	}
	tuitest.Golden(t, "invoices-order-80x24", drv.Frame())
	_ = s
	_, pd := page(t, d, cn.Number, 80, 24)
	if f := pd.Frame(); !strings.Contains(f, "Credit note") || !strings.Contains(f, "Corrects  "+cn.Credits) {
		t.Fatalf("the credit note's page:\n%s", f)
	}
}

// Filtering by order shows exactly that order's documents; clearing shows all again.
func TestFilterByOrderShowsOnlyItsDocuments(t *testing.T) {
	d := tuitest.DemoDB(t)
	var o struct {
		Number string `db:"number"`
		N      int    `db:"n"`
	}
	get(t, d, &o, `SELECT o.number, count(*) AS n FROM invoices i JOIN orders o ON o.id = i.order_id
		GROUP BY o.number ORDER BY count(*) DESC, o.number LIMIT 1`)
	s, drv, _ := list(t, d, 40, 16)
	drv.Press(keymaps.ScopeInvoices, "findOrder")
	drv.Type(o.Number)
	if !s.Capturing() {
		t.Fatal("the order field does not have the keys")
	}
	drv.Press(keymaps.ScopeInput, "submit")
	if len(s.rows) != o.N {
		t.Fatalf("order %s: %d rows, want %d", o.Number, len(s.rows), o.N)
	}
	for _, r := range s.rows {
		if r.OrderNumber != o.Number {
			t.Fatalf("order %s lists %s of order %s", o.Number, r.Number, r.OrderNumber)
		}
	}
	if !strings.Contains(drv.Frame(), "/"+o.Number) {
		t.Errorf("the filter line does not show the order:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopeInvoices, "clearFilter")
	if len(s.rows) <= o.N {
		t.Fatalf("after clearing: %d rows", len(s.rows))
	}
}

// The series and date filters narrow the list as the data layer does.
func TestSeriesAndDatesFilters(t *testing.T) {
	d := tuitest.DemoDB(t)
	s, drv, _ := list(t, d, 80, 24)
	drv.Press(keymaps.ScopeInvoices, "series") // invoices
	drv.Press(keymaps.ScopeInvoices, "series") // credit notes
	if len(s.rows) == 0 || !strings.Contains(drv.Frame(), "credit notes") {
		t.Fatalf("credit notes:\n%s", drv.Frame())
	}
	for _, r := range s.rows {
		if r.Kind != invoicing.CreditNote {
			t.Fatalf("the credit notes list %s, a %s", r.Number, r.Kind)
		}
	}
	drv.Press(keymaps.ScopeInvoices, "series") // all again
	drv.Press(keymaps.ScopeInvoices, "dates")  // today
	var n int
	get(t, d, &n, `SELECT count(*) FROM invoices WHERE number IS NOT NULL AND issued_at >= $1 AND issued_at < $1 + interval '1 day'`,
		tuitest.Now.Truncate(24*60*60*1e9))
	if len(s.rows) != min(n, s.pageSize()) || !strings.Contains(drv.Frame(), "today") {
		t.Fatalf("today: %d rows, %d issued today\n%s", len(s.rows), n, drv.Frame())
	}
	drv.Press(keymaps.ScopeInvoices, "dates") // this month
	for _, r := range s.rows {
		if r.IssuedAt.UTC().Month() != tuitest.Now.Month() || r.IssuedAt.UTC().Year() != tuitest.Now.Year() {
			t.Fatalf("this month lists %s of %s", r.Number, r.IssuedAt)
		}
	}
	if !strings.Contains(drv.Frame(), "November 2026") {
		t.Fatalf("this month:\n%s", drv.Frame())
	}
}

// Paging down past the first window shows the next documents with none skipped or repeated,
// in the order the database gives, and the window stays bounded.
func TestPagingDownSkipsAndRepeatsNothing(t *testing.T) {
	d := tuitest.DemoDB(t)
	const walk = 200
	var want []string
	if err := d.Select(&want, `SELECT number FROM invoices WHERE number IS NOT NULL ORDER BY issued_at DESC, id DESC LIMIT $1`, walk); err != nil {
		t.Fatal(err)
	}
	if len(want) < walk {
		t.Fatalf("the demo has %d documents, fewer than %d", len(want), walk)
	}
	s, drv, _ := list(t, d, 20, 16)
	if walk <= s.maxWindow() {
		t.Fatalf("a walk of %d stays within the window of %d", walk, s.maxWindow())
	}
	got := []string{s.rows[s.cursor].Number}
	for len(got) < walk {
		drv.Press(keymaps.ScopeList, "down")
		got = append(got, s.rows[s.cursor].Number)
		if len(s.rows) > s.maxWindow() {
			t.Fatalf("%d rows held, more than the window of %d", len(s.rows), s.maxWindow())
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("document %d is %s, want %s", i, got[i], want[i])
		}
	}
	if s.atStart {
		t.Fatal("the window still holds the first document")
	}
	tuitest.Exactly(t, drv.Frame(), 20, 16)
	for i := 0; i < walk && !(s.atStart && s.cursor == 0); i++ {
		drv.Press(keymaps.ScopeList, "pageUp")
	}
	if s.rows[s.cursor].Number != want[0] {
		t.Fatalf("paging up stopped at %s, want %s", s.rows[s.cursor].Number, want[0])
	}
}

// Enter opens the selected document; back (the list shown again) keeps the same row.
func TestEnterThenBackKeepsTheRow(t *testing.T) {
	d := tuitest.DemoDB(t)
	s, drv, opened := list(t, d, 80, 24)
	for i := 0; i < 30; i++ {
		drv.Press(keymaps.ScopeList, "down")
	}
	row := s.rows[s.cursor]
	drv.Press(keymaps.ScopeList, "open")
	if len(*opened) != 1 || (*opened)[0].Route != DocRoute || (*opened)[0].Arg.(DocRef).Number != row.Number {
		t.Fatalf("enter on %s opened %+v", row.Number, *opened)
	}
	p, pd := page(t, d, row.Number, 80, 24)
	if p.Title() != row.Number || !strings.Contains(pd.Frame(), row.OrderNumber) {
		t.Fatalf("the page of %s:\n%s", row.Number, pd.Frame())
	}
	before := drv.Frame()
	drv.Send(ui.ActivatedMsg{})
	if s.rows[s.cursor].ID != row.ID || drv.Frame() != before {
		t.Fatalf("back on the list: the cursor is on %s, was %s\n%s", s.rows[s.cursor].Number, row.Number, drv.Frame())
	}
}

func TestDocumentThatDoesNotExistSaysSo(t *testing.T) {
	_, drv := page(t, tuitest.DemoDB(t), "INV-1999-0000001", 40, 16)
	if !strings.Contains(drv.Frame(), "INV-1999-0000001: no such document") {
		t.Fatalf("frame:\n%s", drv.Frame())
	}
}

// countingData counts page queries.
type countingData struct {
	Data
	pages atomic.Int64
}

func (c *countingData) DocumentPage(ctx context.Context, r invoicing.PageRequest) ([]invoicing.PageRow, error) {
	c.pages.Add(1)
	return c.Data.DocumentPage(ctx, r)
}

// A burst of change notices while a refetch is unanswered costs one query in flight and one
// more for the latest wish, as on the queue.
func TestChangeNoticesNeverRunTwoRefetchesAtOnce(t *testing.T) {
	d := tuitest.DemoDB(t)
	c := tuitest.NewContext()
	data := &countingData{Data: invoicing.New(d)}
	s := New(c, data)
	drv := tuitest.New(t, s, *c.Keys, 80, 24)
	calls := data.pages.Load()
	drv.Hold = func(msg tea.Msg) bool { _, ok := msg.(ui.Result); return ok }
	drv.Send(ui.ChangedMsg{}, ui.ChangedMsg{}, ui.ChangedMsg{})
	drv.Press(keymaps.ScopeInvoices, "refresh")
	if n := data.pages.Load() - calls; n != 1 {
		t.Fatalf("%d page queries started while the first was unanswered, want 1", n)
	}
	drv.Release()
	if n := data.pages.Load() - calls; n != 2 {
		t.Fatalf("%d page queries in all, want 2 (the one in flight and the latest wish)", n)
	}
	if s.stale || len(s.rows) == 0 {
		t.Fatalf("after the burst:\n%s", drv.Frame())
	}
}
