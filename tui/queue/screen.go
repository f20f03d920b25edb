package queue

import (
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Def is the queue's entry in the shell's route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: ui.RouteQueue, Title: "Queue", Short: "Queue",
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Queue },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) },
		// Customers' e-mail and phone, which the search reads, are not for pickers and packers.
		Jobs: OfficeJobs}
}

// OfficeJobs are the jobs that work with whole orders and their customers: the queue and an
// order's detail are theirs.
var OfficeJobs = []string{"backoffice", "supervisor", "returns", "stock", "admin"}

// Screen is the order queue.
type Screen struct {
	ctx  *ui.Context
	data Data
	id   ui.InstanceID
	f    fetchers

	width, height int
	layout        layout

	// What the user chose; never touched by refreshes or errors.
	status      string // string(orders.StatusOpen) (the default), "" for all, or one status
	channelID   int64  // 0 = all
	warehouseID int64  // 0 = all
	unassigned  bool   // only orders no warehouse was chosen for yet
	sort        orders.QueueSort
	search      textinput.Model
	picker      *picker
	lookups     orders.Lookups

	// The window: a bounded slice of the result set, paged by keyset.
	rows           []orders.QueueRow
	lines          []string // rendered rows, parallel to rows
	linesMinute    time.Time
	cursor, offset int
	atStart, atEnd bool
	loaded, stale  bool
	counts         orders.StatusCounts
}

// New builds the queue screen on data; Init loads its first page.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "order, customer, e-mail, phone"
	ti.CharLimit = 64
	// A steady cursor: blinking redraws the screen twice a second, which costs handhelds on
	// slow links (and every test) for nothing.
	ti.Cursor.SetMode(cursor.CursorStatic)
	s := &Screen{ctx: c, data: data, id: ui.NewInstanceID(), status: string(orders.StatusOpen), search: ti}
	s.newFetchers()
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Queue" }

// Capturing is true while the search field or a picker has the keys.
func (s *Screen) Capturing() bool { return s.search.Focused() || s.picker != nil }

// HasUnsavedInput: a typed search is the user's work; quitting asks first.
func (s *Screen) HasUnsavedInput() bool { return s.search.Value() != "" }

// Watches is what the queue shows: the open queue wakes only for open orders (and any status
// change, for its counts); other filters for every order and line.
func (s *Screen) Watches() db.TableSet {
	if s.status == string(orders.StatusOpen) {
		return db.SetOf(db.OpenOrders)
	}
	return db.SetOf(db.Orders, db.OrderLines)
}

func (s *Screen) Init() tea.Cmd {
	return tea.Batch(s.f.lookups.Want(struct{}{}), s.reload(fetchFirst))
}

// visibleRows is how many table rows the body shows.
func (s *Screen) visibleRows() int { return max(s.height-s.chromeLines(), 1) }

// pageSize is the rows fetched at a time: two screens' worth, so a page key never waits.
func (s *Screen) pageSize() int { return min(max(2*s.visibleRows(), 20), 200) }

// maxWindow bounds the rows held in memory whatever the size of the queue.
func (s *Screen) maxWindow() int { return 3 * s.pageSize() }

func (s *Screen) filter() orders.QueueFilter {
	return orders.QueueFilter{Status: orders.StatusFilter(s.status), Search: s.search.Value(),
		ChannelID: s.channelID, WarehouseID: s.warehouseID, Unassigned: s.unassigned}
}

// reload fetches counts and a page of the given kind.
func (s *Screen) reload(kind fetchKind) tea.Cmd {
	return tea.Batch(s.f.counts.Want(struct{}{}), s.f.pages.Want(kind))
}

// pageWant builds the request for a kind of page from the window as it is now.
func (s *Screen) pageWant(kind fetchKind) pageWant {
	w := pageWant{kind: kind, req: orders.PageRequest{Filter: s.filter(), Sort: s.sort}, limit: s.pageSize()}
	switch kind {
	case fetchLast:
		w.req.Last = true
	case fetchRefresh:
		if len(s.rows) == 0 || s.atStart {
			w.kind = fetchFirst
		} else {
			k := s.rows[0].Key(s.sort)
			w.req.From = &k
		}
		w.limit = min(max(len(s.rows), s.pageSize()), s.maxWindow())
	case fetchNext:
		k := s.rows[len(s.rows)-1].Key(s.sort)
		w.req.After = &k
	case fetchPrev:
		k := s.rows[0].Key(s.sort)
		w.req.Before = &k
	}
	return w
}

// Update handles keys, answers, change notices and the clock.
func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return s.key(msg)
	case ui.Result:
		return s.result(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.reload(fetchRefresh)
	case ui.ClockMsg:
		// Ages and due times move with the minute; re-render here, never in View.
		if !s.ctx.Clock().Truncate(time.Minute).Equal(s.linesMinute) {
			s.renderLines()
		}
	}
	return nil
}

func (s *Screen) result(r ui.Result) tea.Cmd {
	if a, mine, ok, next := s.f.pages.Take(r); mine {
		switch {
		case !ok:
		case a.Err != nil:
			s.stale = true // keep the rows, the filters and the search: only mark them stale
		case a.Value.want.req.Filter == s.filter() && a.Value.want.req.Sort == s.sort:
			s.apply(a.Value)
		} // else: an answer for a filter the user has since changed
		return next
	}
	if a, mine, ok, next := s.f.counts.Take(r); mine {
		switch {
		case !ok:
		case a.Err != nil:
			s.stale = true // counts kept, as the rows are, but said to be old
		case a.Value.filter == s.filter():
			s.counts = a.Value.counts
		}
		return next
	}
	if a, mine, ok, next := s.f.lookups.Take(r); mine {
		if ok && a.Err == nil {
			s.lookups = a.Value
		}
		return next
	}
	if a, mine, ok, next := s.f.scan.Take(r); mine {
		// A scanner types the number and Enter: one order found opens it, unless the user
		// has since typed something else.
		if ok && a.Err == nil && a.Value.found && a.Value.text == s.search.Value() {
			return tea.Batch(next, openOrder(a.Value.match.ID, a.Value.match.Number))
		}
		return next
	}
	return nil
}

// apply puts a page into the window, keeping the cursor on the same order where it can.
func (s *Screen) apply(p pagePayload) {
	full := len(p.rows) == p.want.limit
	var selected int64
	if s.cursor < len(s.rows) {
		selected = s.rows[s.cursor].ID
	}
	s.loaded, s.stale = true, false
	switch p.want.kind {
	case fetchFirst:
		s.rows, s.atStart, s.atEnd = p.rows, true, !full
		s.cursor, s.offset = 0, 0
	case fetchLast:
		s.rows, s.atStart, s.atEnd = p.rows, !full, true
		s.cursor = max(len(s.rows)-1, 0)
		s.offset = max(len(s.rows)-s.visibleRows(), 0)
	case fetchRefresh:
		s.rows, s.atEnd = p.rows, !full
		s.cursor = min(s.cursor, max(len(s.rows)-1, 0))
		s.keepSelected(selected)
	case fetchNext:
		s.rows, s.atEnd = append(s.rows, p.rows...), !full
		s.lines = s.appendLines(s.lines, p.rows)
		s.trimFront()
	case fetchPrev:
		s.rows = append(append(make([]orders.QueueRow, 0, len(p.rows)+len(s.rows)), p.rows...), s.rows...)
		s.lines = append(s.appendLines(make([]string, 0, len(p.rows)+len(s.lines)), p.rows), s.lines...)
		s.cursor += len(p.rows)
		s.offset += len(p.rows)
		s.atStart = !full
		s.trimBack()
	}
	s.clampOffset()
	if p.want.kind != fetchNext && p.want.kind != fetchPrev {
		s.renderLines() // steps render only the rows they bring
	}
}

func (s *Screen) keepSelected(id int64) {
	for i := range s.rows {
		if s.rows[i].ID == id {
			s.cursor = i
			return
		}
	}
}

// trimFront drops rows scrolled far above the screen so the window stays bounded.
func (s *Screen) trimFront() {
	if extra := len(s.rows) - s.maxWindow(); extra > 0 {
		extra = min(extra, s.offset)
		s.rows = append(s.rows[:0:0], s.rows[extra:]...)
		s.lines = append(s.lines[:0:0], s.lines[extra:]...)
		s.cursor -= extra
		s.offset -= extra
		s.atStart = s.atStart && extra == 0
	}
}

// trimBack drops rows far below the screen.
func (s *Screen) trimBack() {
	if extra := len(s.rows) - s.maxWindow(); extra > 0 {
		keep := max(len(s.rows)-extra, s.offset+s.visibleRows())
		if keep < len(s.rows) {
			s.rows = s.rows[:keep:keep]
			s.lines = s.lines[:keep:keep]
			s.atEnd = false
		}
	}
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

// move shifts the cursor by delta rows, fetching beyond the window when it gets close.
func (s *Screen) move(delta int) tea.Cmd {
	if len(s.rows) == 0 {
		return nil
	}
	s.cursor = max(min(s.cursor+delta, len(s.rows)-1), 0)
	s.clampOffset()
	return s.prefetch()
}

// prefetch asks for the next or previous page while the cursor is within a screen of the
// window's edge, so the rows are there before the user reaches them.
func (s *Screen) prefetch() tea.Cmd {
	vis := s.visibleRows()
	switch {
	case s.f.pages.InFlight():
	case !s.atEnd && s.cursor >= len(s.rows)-vis:
		return s.f.pages.Want(fetchNext)
	case !s.atStart && s.cursor < vis:
		return s.f.pages.Want(fetchPrev)
	}
	return nil
}

func (s *Screen) key(msg tea.KeyMsg) tea.Cmd {
	if s.picker != nil {
		return s.pickerKey(msg)
	}
	if s.search.Focused() {
		return s.searchKey(msg)
	}
	l, q := &s.ctx.Keys.List, &s.ctx.Keys.Queue
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
		return s.jump(fetchFirst)
	case key.Matches(msg, l.Bottom):
		return s.jump(fetchLast)
	case key.Matches(msg, l.Open):
		return s.open()
	case key.Matches(msg, q.Search):
		return s.search.Focus()
	case key.Matches(msg, q.ClearFilter):
		s.status, s.channelID, s.warehouseID, s.unassigned = string(orders.StatusOpen), 0, 0, false
		s.search.SetValue("")
		return s.reload(fetchFirst)
	case key.Matches(msg, q.FilterStatus):
		s.picker = s.newPicker(pickStatus)
	case key.Matches(msg, q.FilterChannel):
		s.picker = s.newPicker(pickChannel)
		return s.f.lookups.Want(struct{}{}) // a channel added since start shows
	case key.Matches(msg, q.FilterWarehouse):
		s.picker = s.newPicker(pickWarehouse)
		return s.f.lookups.Want(struct{}{})
	case key.Matches(msg, q.NextStatus):
		return s.setStatus(cycleStatus(s.status, 1))
	case key.Matches(msg, q.PrevStatus):
		return s.setStatus(cycleStatus(s.status, -1))
	case key.Matches(msg, q.SortToggle):
		s.sort = 1 - s.sort
		return s.reload(fetchFirst)
	case key.Matches(msg, q.Refresh):
		return tea.Batch(s.f.lookups.Want(struct{}{}), s.reload(fetchRefresh))
	case key.Matches(msg, q.NewOrder):
		return func() tea.Msg { return ui.Open{Route: ui.RouteNewOrder} }
	case key.Matches(msg, q.Hold):
		return s.openWith("hold")
	case key.Matches(msg, q.Cancel):
		return s.openWith("cancel")
	case key.Matches(msg, q.Edit):
		return s.openWith("edit")
	case key.Matches(msg, q.Reroute):
		return s.openWith("reroute")
	case key.Matches(msg, q.Split):
		return s.openWith("split")
	}
	return nil
}

// openWith opens the selected order with one of its actions started (ui.OrderActions).
func (s *Screen) openWith(action string) tea.Cmd {
	if s.cursor >= len(s.rows) {
		return nil
	}
	r := s.rows[s.cursor]
	return func() tea.Msg {
		return ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: r.ID, Number: r.Number, Action: action}}
	}
}

// jump goes to the first or last row: if the window already holds that end, no query.
func (s *Screen) jump(kind fetchKind) tea.Cmd {
	if kind == fetchFirst && s.atStart {
		return s.move(-len(s.rows))
	}
	if kind == fetchLast && s.atEnd {
		return s.move(len(s.rows))
	}
	return s.f.pages.Want(kind)
}

func (s *Screen) open() tea.Cmd {
	if s.cursor >= len(s.rows) {
		return nil
	}
	return openOrder(s.rows[s.cursor].ID, s.rows[s.cursor].Number)
}

func openOrder(id int64, number string) tea.Cmd {
	return func() tea.Msg { return ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: id, Number: number}} }
}

func (s *Screen) setStatus(status string) tea.Cmd {
	s.status = status
	return s.reload(fetchFirst)
}

// searchKey edits the search; every change refetches (the fetchers coalesce a fast typist's
// keys into one query in flight plus the latest). Enter leaves the field and, when the text
// names exactly one order (a scanned number, external id or tracking number), opens it; Esc
// leaves the field. Both keep the text.
func (s *Screen) searchKey(msg tea.KeyMsg) tea.Cmd {
	in := &s.ctx.Keys.Input
	switch {
	case key.Matches(msg, in.Submit):
		s.search.Blur()
		if text := s.search.Value(); text != "" {
			return s.f.scan.Want(text)
		}
		return nil
	case key.Matches(msg, in.Cancel):
		s.search.Blur()
		return nil
	case key.Matches(msg, in.Clear):
		s.search.SetValue("")
		return s.reload(fetchFirst)
	}
	before := s.search.Value()
	var cmd tea.Cmd
	s.search, cmd = s.search.Update(msg)
	if s.search.Value() != before {
		return tea.Batch(cmd, s.reload(fetchFirst))
	}
	return cmd
}

// cycleStatus steps through open, all and every status in order.
func cycleStatus(current string, step int) string {
	all := statusChoices()
	i := 0
	for j, st := range all {
		if st == current {
			i = j
		}
	}
	return all[(i+step+len(all))%len(all)]
}

// statusChoices are the status filters: open orders, all orders, then each status.
func statusChoices() []string {
	out := []string{string(orders.StatusOpen), ""}
	for _, st := range model.AllStatuses {
		out = append(out, string(st))
	}
	return out
}

// ShortHelp is the footer, most important first: what the focused part of the screen does.
func (s *Screen) ShortHelp() []key.Binding {
	switch {
	case s.picker != nil:
		return []key.Binding{withHelp(s.ctx.Keys.List.Open, "ok"), withHelp(s.ctx.Keys.Global.Back, "cancel"),
			s.ctx.Keys.List.Down, s.ctx.Keys.List.Up}
	case s.search.Focused():
		in := &s.ctx.Keys.Input
		return []key.Binding{withHelp(in.Submit, "done"), withHelp(in.Cancel, "leave"), in.Clear}
	}
	q := &s.ctx.Keys.Queue
	return []key.Binding{s.ctx.Keys.List.Open, q.Search, q.FilterStatus, q.FilterWarehouse, q.FilterChannel, q.SortToggle}
}

// withHelp is b described for the context it is shown in.
func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// FullHelp is the help page: the keys, then what the marks in the table mean.
func (s *Screen) FullHelp() [][]key.Binding {
	return append(append(s.ctx.Keys.List.FullHelp(), s.ctx.Keys.Queue.FullHelp()...), marks())
}

// marks explains the one-character marks narrow layouts use. They are shown as help entries;
// no key does anything with them.
func marks() []key.Binding {
	mark := func(m, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(m), key.WithHelp(m, desc))
	}
	out := []key.Binding{
		mark("!", "late: promise passed"),
		mark("~", "due today"),
		mark("+", "count is at least this"),
	}
	for _, st := range model.AllStatuses {
		out = append(out, mark(st.Short()+" "+string(st.Glyph()), st.Label()))
	}
	return out
}

// SetSize lays the columns out for the new width and re-renders the rows.
func (s *Screen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.layout = layoutFor(w)
	s.search.Width = max(w-4, 8)
	s.clampOffset()
	s.renderLines()
}
