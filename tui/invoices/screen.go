package invoices

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/invoicing"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the list reads; *invoicing.Store implements it.
type Data interface {
	DocumentPage(ctx context.Context, r invoicing.PageRequest) ([]invoicing.PageRow, error)
	DocumentSeries(ctx context.Context) ([]invoicing.SeriesRow, error)
	DocData
}

// Route names the list in the route table.
const Route ui.Route = "invoices"

// Jobs are the jobs that may read invoices (migration 00009: the back office, and supervisors
// through it, and admins).
var Jobs = []string{"backoffice", "supervisor", "admin"}

// Def is the list's entry in the route table: a top-level screen reached by the menu (every
// function key is taken, so it has no jump key of its own).
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Invoices", Short: "Invoices",
		Key:   func(*keymaps.KeyMap) key.Binding { return key.NewBinding() },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) },
		Jobs:  Jobs}
}

type fetchKind int

const (
	fetchFirst fetchKind = iota
	fetchRefresh
	fetchNext
	fetchPrev
)

type pageWant struct {
	kind   fetchKind
	req    invoicing.PageRequest
	filter filter
}

type pagePayload struct {
	want pageWant
	rows []invoicing.PageRow
}

// period is the quick choice of issue days.
type period int

const (
	anyDay period = iota
	today
	thisMonth
	custom // a range typed in the dates prompt
)

// filter is what narrows the list: an order number, a series (0 all, else series[n-1]) and a
// period, with its days when it is a typed range.
type filter struct {
	order  string
	series int
	period period
	days   dayRange
}

// Screen is the list of issued documents.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	data Data

	pages     *ui.Fetcher[fetchKind, pagePayload]
	seriesGet *ui.Fetcher[struct{}, []invoicing.SeriesRow]

	order  textinput.Model
	f      filter
	series []invoicing.SeriesRow

	// dates is the prompt of a typed range; dateErr what was wrong with the last one entered
	// (the prompt keeps the text); typed the range typed last, which the prompt offers again.
	dates   textinput.Model
	dateErr *rangeError
	typed   dayRange

	width, height  int
	rows           []invoicing.PageRow
	cursor, offset int
	atStart, atEnd bool
	loaded, stale  bool
}

// New builds the list; Init loads its first page and the series.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "order number"
	ti.CharLimit = 32
	ti.Cursor.SetMode(cursor.CursorStatic)
	di := textinput.New()
	di.Prompt = "dates "
	di.Placeholder = "YYYY-MM-DD..YYYY-MM-DD"
	di.CharLimit = 40
	di.Cursor.SetMode(cursor.CursorStatic)
	s := &Screen{ctx: c, id: ui.NewInstanceID(), data: data, order: ti, dates: di}
	s.pages = ui.NewFetcher(c, s.id, "invoices page", func(kind fetchKind) ui.Query[pagePayload] {
		w := s.pageWant(kind)
		return func(ctx context.Context) (pagePayload, error) {
			rows, err := data.DocumentPage(ctx, w.req)
			return pagePayload{want: w, rows: rows}, err
		}
	})
	s.seriesGet = ui.NewFetcher(c, s.id, "invoice series", func(struct{}) ui.Query[[]invoicing.SeriesRow] {
		return data.DocumentSeries
	})
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Invoices" }

// Capturing is true while the order field or the dates prompt has the keys.
func (s *Screen) Capturing() bool { return s.order.Focused() || s.dates.Focused() }

// Watches: issued documents, so an invoice or credit note issued in another terminal or by
// `oms invoice issue` appears at the next poll.
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Invoices) }

func (s *Screen) Init() tea.Cmd {
	return tea.Batch(s.seriesGet.Want(struct{}{}), s.pages.Want(fetchFirst))
}

func (s *Screen) visibleRows() int { return max(s.height-s.chromeLines(), 1) }

func (s *Screen) chromeLines() int {
	if s.width >= 40 || s.dates.Focused() {
		return 2 // filters, column titles (or the prompt's hint or error)
	}
	return 1
}

func (s *Screen) pageSize() int  { return min(max(2*s.visibleRows(), 20), 200) }
func (s *Screen) maxWindow() int { return 3 * s.pageSize() }

// listFilter is the filter as the data layer takes it; days are UTC calendar days.
func (s *Screen) listFilter(f filter) invoicing.ListFilter {
	lf := invoicing.ListFilter{Order: f.order}
	if f.series > 0 && f.series <= len(s.series) {
		lf.Series = s.series[f.series-1].Code
	}
	now := s.ctx.Now().UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	switch f.period {
	case today:
		lf.From, lf.To = day, day
	case thisMonth:
		lf.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
		lf.To = lf.From.AddDate(0, 1, -1)
	case custom:
		lf.From, lf.To = parseDay(f.days.from), parseDay(f.days.to)
	}
	return lf
}

func (s *Screen) pageWant(kind fetchKind) pageWant {
	w := pageWant{kind: kind, filter: s.f}
	w.req = invoicing.PageRequest{Filter: s.listFilter(s.f), Limit: s.pageSize()}
	switch kind {
	case fetchRefresh:
		// From the newest when the window starts there, else from the window's first row; the
		// selected document stays selected either way.
		if len(s.rows) > 0 && !s.atStart {
			c := s.rows[0].Cursor()
			w.req.From = &c
		}
		w.req.Limit = min(max(len(s.rows), s.pageSize()), s.maxWindow())
	case fetchNext:
		c := s.rows[len(s.rows)-1].Cursor()
		w.req.After = &c
	case fetchPrev:
		c := s.rows[0].Cursor()
		w.req.Before = &c
	}
	return w
}

// Update handles keys and answers. Shown again (back from a document), it refetches its window
// in place, keeping the selected document.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return s.key(msg)
	case ui.Result:
		return s.result(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.pages.Want(fetchRefresh)
	}
	return nil
}

func (s *Screen) result(r ui.Result) tea.Cmd {
	if a, mine, ok, next := s.pages.Take(r); mine {
		switch {
		case !ok:
		case a.Err != nil:
			s.stale = true // rows and filters kept, marked stale
		case a.Value.want.filter == s.f:
			s.apply(a.Value)
		}
		return next
	}
	if a, mine, ok, next := s.seriesGet.Take(r); mine {
		if ok && a.Err == nil {
			s.series = a.Value
		}
		return next
	}
	return nil
}

func (s *Screen) apply(p pagePayload) {
	full := len(p.rows) == p.want.req.Limit
	var selected int64
	if s.cursor < len(s.rows) {
		selected = s.rows[s.cursor].ID
	}
	s.loaded, s.stale = true, false
	switch p.want.kind {
	case fetchFirst:
		s.rows, s.atStart, s.atEnd = p.rows, true, !full
		s.cursor, s.offset = 0, 0
	case fetchRefresh:
		// On the newest document of a window at the start, the cursor stays on the newest, so
		// documents issued meanwhile show on top (as tail -f follows a log); anywhere else it
		// stays on the document it was on.
		follow := s.atStart && s.cursor == 0 && p.want.req.From == nil
		s.rows, s.atEnd = p.rows, !full
		s.atStart = s.atStart || p.want.req.From == nil
		s.cursor = min(s.cursor, max(len(s.rows)-1, 0))
		for i := range s.rows {
			if s.rows[i].ID == selected && !follow {
				s.cursor = i
			}
		}
	case fetchNext:
		s.rows, s.atEnd = append(s.rows, p.rows...), !full
		if extra := len(s.rows) - s.maxWindow(); extra > 0 {
			extra = min(extra, s.offset)
			s.rows = append(s.rows[:0:0], s.rows[extra:]...)
			s.cursor -= extra
			s.offset -= extra
			s.atStart = s.atStart && extra == 0
		}
	case fetchPrev:
		s.rows = append(append(make([]invoicing.PageRow, 0, len(p.rows)+len(s.rows)), p.rows...), s.rows...)
		s.cursor += len(p.rows)
		s.offset += len(p.rows)
		s.atStart = !full
		if extra := len(s.rows) - s.maxWindow(); extra > 0 {
			keep := max(len(s.rows)-extra, s.offset+s.visibleRows())
			if keep < len(s.rows) {
				s.rows, s.atEnd = s.rows[:keep:keep], false
			}
		}
	}
	s.clampOffset()
}

func (s *Screen) clampOffset() {
	vis := s.visibleRows()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+vis {
		s.offset = s.cursor - vis + 1
	}
	s.offset = max(min(s.offset, len(s.rows)-vis), 0)
}

func (s *Screen) move(delta int) tea.Cmd {
	if len(s.rows) == 0 {
		return nil
	}
	s.cursor = max(min(s.cursor+delta, len(s.rows)-1), 0)
	s.clampOffset()
	vis := s.visibleRows()
	switch {
	case s.pages.InFlight():
	case !s.atEnd && s.cursor >= len(s.rows)-vis:
		return s.pages.Want(fetchNext)
	case !s.atStart && s.cursor < vis:
		return s.pages.Want(fetchPrev)
	}
	return nil
}

// refilter shows the first page of the new filter.
func (s *Screen) refilter() tea.Cmd {
	s.rows, s.loaded, s.cursor, s.offset = nil, false, 0, 0
	return s.pages.Want(fetchFirst)
}

func (s *Screen) key(msg tea.KeyMsg) tea.Cmd {
	if s.order.Focused() {
		return s.orderKey(msg)
	}
	if s.dates.Focused() {
		return s.datesKey(msg)
	}
	l, k := &s.ctx.Keys.List, &s.ctx.Keys.Invoices
	switch {
	case key.Matches(msg, l.Down):
		return s.move(1)
	case key.Matches(msg, l.Up):
		return s.move(-1)
	case key.Matches(msg, l.PageDown):
		return s.move(s.visibleRows())
	case key.Matches(msg, l.PageUp):
		return s.move(-s.visibleRows())
	case key.Matches(msg, l.Top):
		if s.atStart {
			return s.move(-len(s.rows))
		}
		return s.pages.Want(fetchFirst)
	case key.Matches(msg, l.Bottom):
		return s.move(len(s.rows))
	case key.Matches(msg, l.Open):
		if s.cursor < len(s.rows) {
			return Open(s.rows[s.cursor].Number)
		}
	case key.Matches(msg, k.FindOrder):
		s.order.SetValue(s.f.order)
		s.order.CursorEnd()
		return s.order.Focus()
	case key.Matches(msg, k.Series):
		s.f.series = (s.f.series + 1) % (len(s.series) + 1)
		return s.refilter()
	case key.Matches(msg, k.Dates):
		switch s.f.period {
		case thisMonth:
			return s.openDates() // the filter changes when the range is entered
		case custom:
			s.f.period, s.f.days = anyDay, dayRange{}
		default:
			s.f.period++
		}
		return s.refilter()
	case key.Matches(msg, k.ClearFilter):
		s.f = filter{}
		s.order.SetValue("")
		return s.refilter()
	case key.Matches(msg, k.Refresh):
		return s.pages.Want(fetchRefresh)
	}
	return nil
}

// orderKey edits the order number; enter applies it (empty: every order), esc leaves the field
// as it was.
func (s *Screen) orderKey(msg tea.KeyMsg) tea.Cmd {
	in := &s.ctx.Keys.Input
	switch {
	case key.Matches(msg, in.Submit):
		s.order.Blur()
		s.order.SetValue(strings.ToUpper(strings.TrimSpace(s.order.Value())))
		if s.order.Value() == s.f.order {
			return nil
		}
		s.f.order = s.order.Value()
		return s.refilter()
	case key.Matches(msg, in.Cancel):
		s.order.Blur()
		s.order.SetValue(s.f.order)
		return nil
	case key.Matches(msg, in.Clear):
		s.order.SetValue("")
		return nil
	}
	var cmd tea.Cmd
	s.order, cmd = s.order.Update(msg)
	return cmd
}

// openDates focuses the dates prompt with the range typed last, or this month.
func (s *Screen) openDates() tea.Cmd {
	r := s.typed
	if r == (dayRange{}) {
		r.from, r.to, _ = bounds("month", s.ctx.Now().UTC())
	}
	s.dates.SetValue(r.text())
	s.dates.CursorEnd()
	s.dateErr = nil
	cmd := s.dates.Focus()
	s.clampOffset()
	return cmd
}

// datesKey edits the typed range: enter applies it (nothing: any day) or says what is wrong and
// keeps the text; esc leaves the dates as they were.
func (s *Screen) datesKey(msg tea.KeyMsg) tea.Cmd {
	in := &s.ctx.Keys.Input
	switch {
	case key.Matches(msg, in.Submit):
		r, p, err := parseRange(s.dates.Value(), s.ctx.Now().UTC())
		if err != nil {
			s.dateErr = err.(*rangeError)
			return nil
		}
		s.dates.Blur()
		s.dateErr = nil
		s.clampOffset()
		if p == custom {
			s.typed = r
		}
		f := s.f
		f.period, f.days = p, r
		if f == s.f {
			return nil
		}
		s.f = f
		return s.refilter()
	case key.Matches(msg, in.Cancel):
		s.dates.Blur()
		s.dateErr = nil
		s.clampOffset()
		return nil
	case key.Matches(msg, in.Clear):
		s.dates.SetValue("")
		s.dateErr = nil
		return nil
	}
	s.dateErr = nil // what was wrong is being fixed
	var cmd tea.Cmd
	s.dates, cmd = s.dates.Update(msg)
	return cmd
}

// DocRoute opens one document's page; its Arg is a DocRef.
const DocRoute ui.Route = "invoice"

// DocRef is the argument of DocRoute: the document's number.
type DocRef struct{ Number string }

// Open opens a document's page.
func Open(number string) tea.Cmd {
	return func() tea.Msg { return ui.Open{Route: DocRoute, Arg: DocRef{Number: number}} }
}

// ShortHelp is the footer, most important first.
func (s *Screen) ShortHelp() []key.Binding {
	if s.order.Focused() || s.dates.Focused() {
		in := &s.ctx.Keys.Input
		return []key.Binding{withHelp(in.Submit, "apply"), withHelp(in.Cancel, "leave"), in.Clear}
	}
	k := &s.ctx.Keys.Invoices
	// The change feed keeps the list current, so refresh comes after the filters.
	return []key.Binding{s.ctx.Keys.List.Open, k.FindOrder, k.Dates, k.Series, k.Refresh, k.ClearFilter}
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// FullHelp is the help page: the keys, and the marks of the narrow layouts.
func (s *Screen) FullHelp() [][]key.Binding {
	marks := []key.Binding{
		key.NewBinding(key.WithKeys("→"), key.WithHelp("→ INV-…", "the invoice a credit note corrects")),
		key.NewBinding(key.WithKeys("IN"), key.WithHelp("inv IN / CN", "invoice / credit note")),
		key.NewBinding(key.WithKeys("dates"), key.WithHelp("d after this month",
			"type a range: "+rangeHint)),
	}
	return append(append(s.ctx.Keys.List.FullHelp(), s.ctx.Keys.Invoices.FullHelp()...), marks)
}

func (s *Screen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.order.Width = max(min(w-4, 20), 4)
	// Handhelds give the whole line to the dates; the line below names the field.
	s.dates.Prompt = "dates "
	if w < 40 {
		s.dates.Prompt = ""
	}
	s.dates.Width = max(min(w-len(s.dates.Prompt)-2, 24), 4)
	s.clampOffset()
}

// seriesName is the series filter in words: wide, or in a few letters.
func (s *Screen) seriesName(short bool) string {
	if s.f.series == 0 || s.f.series > len(s.series) {
		if short {
			return "all"
		}
		return "all series"
	}
	r := s.series[s.f.series-1]
	if short {
		return strings.TrimSuffix(r.Prefix, "-")
	}
	switch r.Code {
	case "invoice":
		return "invoices"
	case "credit_note":
		return "credit notes"
	}
	return strings.ReplaceAll(r.Code, "_", " ")
}

func (s *Screen) periodName(short bool) string {
	now := s.ctx.Now().UTC()
	switch s.f.period {
	case today:
		if short {
			return "today"
		}
		return "today " + now.Format("2 Jan")
	case thisMonth:
		if short {
			return now.Format("Jan")
		}
		return now.Format("January 2006")
	case custom:
		return s.f.days.name(short)
	}
	if short {
		return "any day"
	}
	return "any day"
}

// filterLine is the order field and the other filters.
func (s *Screen) filterLine() string {
	st := s.ctx.Styles
	w := s.width
	field := s.order.View()
	short := w < 60
	rest := s.seriesName(short) + " · " + s.periodName(short)
	var line string
	switch {
	case s.dates.Focused():
		line = s.dates.View()
	case w < 40 && s.order.Focused():
		line = field
	case w < 40:
		if s.f.order != "" {
			line = " " + s.f.order
		} else {
			line = " " + rest
		}
	default:
		line = ui.Fit(field, s.order.Width+2) + " " + rest
	}
	if s.stale {
		line = ui.Fit(line, w-8) + st.Muted.Render(" (stale)")
	}
	return ui.Fit(line, w)
}

// View draws the filters, column titles and the visible rows.
func (s *Screen) View() string {
	st := s.ctx.Styles
	var b strings.Builder
	b.WriteString(s.filterLine())
	switch {
	case s.dates.Focused():
		b.WriteString("\n" + s.datesHint())
	case s.width >= 40:
		b.WriteString("\n" + st.TableHeader.Render(ui.Fit(s.titles(), s.width)))
	}
	switch {
	case !s.loaded:
		b.WriteString("\n " + st.Muted.Render("Loading…"))
	case len(s.rows) == 0:
		b.WriteString("\n " + st.Muted.Render("No document matches."))
	}
	end := min(s.offset+s.visibleRows(), len(s.rows))
	for i := s.offset; i < end; i++ {
		text := s.row(&s.rows[i])
		b.WriteByte('\n')
		if i == s.cursor {
			b.WriteString(st.Selected.Render(ui.Fit(">"+text[1:], s.width)))
		} else {
			b.WriteString(ui.Fit(text, s.width))
		}
	}
	return ui.Clamp(b.String(), s.width, s.height)
}

// datesHint is the line under the dates prompt: what is wrong with the range entered, or what
// the prompt takes.
func (s *Screen) datesHint() string {
	st := s.ctx.Styles
	w := s.width
	if e := s.dateErr; e != nil {
		msg := e.long // the sentence and what the prompt takes
		switch {
		case w < 40:
			msg = e.short
		case w < 60:
			msg, _, _ = strings.Cut(e.long, ": ") // the sentence
		}
		return st.Error.Render(ui.Fit(msg, w))
	}
	hint := rangeHint
	switch {
	case w < 40:
		hint = "dates: from..to"
	case w < 60:
		hint = "YYYY-MM-DD or from..to"
	}
	return st.Muted.Render(ui.Fit(hint, w))
}

const (
	numW   = 16 // INV-2026-0000001
	orderW = 10 // SO-0000001
	totalW = 14
)

func (s *Screen) titles() string {
	w := s.width
	if w >= 60 {
		return " " + ui.Fit("Number", numW) + " " + ui.Fit("Kind", 7) + " " + ui.Fit("Issued", 6) + " " +
			ui.Fit("Order", orderW) + " " + ui.Fit("Customer", w-60) + " " + ui.FitRight("Total", totalW)
	}
	return " " + ui.Fit("Number", numW) + " " + ui.Fit("Kind", 4) + " " + ui.FitRight("Total", w-23)
}

// row lays out a document for the width: every column from 60; number, kind and total from 40;
// number and kind below.
func (s *Screen) row(r *invoicing.PageRow) string {
	w := s.width
	total := model.Money{Minor: r.Total, Currency: model.Currency(r.Currency)}
	amount := total.FormatGrouped() + " " + r.Currency
	credit := r.Kind == invoicing.CreditNote
	switch {
	case w >= 60:
		kind, who := "invoice", r.Customer
		if credit {
			kind, who = "credit", "→"+r.Credits+" "+r.Customer
		}
		return " " + ui.Fit(r.Number, numW) + " " + ui.Fit(kind, 7) + " " +
			ui.Fit(r.IssuedAt.In(s.ctx.Location).Format("02 Jan"), 6) + " " + ui.Fit(r.OrderNumber, orderW) + " " +
			ui.Fit(who, w-60) + " " + ui.FitRight(amount, totalW)
	case w >= 40:
		kind := "inv"
		if credit {
			kind = "CN"
		}
		return " " + ui.Fit(r.Number, numW) + " " + ui.Fit(kind, 4) + " " + ui.FitRight(amount, w-23)
	}
	kind := "IN"
	if credit {
		kind = "CN"
	}
	return " " + ui.Fit(r.Number, max(w-4, 1)) + " " + kind
}
