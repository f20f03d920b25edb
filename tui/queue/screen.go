package queue

import (
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// Screen is the order queue.
type Screen struct {
	ctx *ui.Context
	id  ui.InstanceID

	width, height int
	layout        layout

	// What the user chose; never touched by refreshes or errors.
	status    string // string(orders.StatusOpen) (the default), "" for all, or one status
	channel   int    // index into ctx.Lookups.Channels, -1 = all
	warehouse int    // index into ctx.Lookups.Warehouses, -1 = all
	sort      orders.QueueSort
	search    textinput.Model
	picker    *statusPicker

	// The window: a bounded slice of the result set, paged by keyset.
	rows             []orders.QueueRow
	lines            []string // rendered rows, parallel to rows
	linesMinute      time.Time
	cursor, offset   int
	atStart, atEnd   bool
	loaded, stale    bool
	counts           orders.StatusCounts
	pages, countReqs fetcher
}

// New builds the queue screen; Init loads its first page.
func New(c *ui.Context) *Screen {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "order, external id or customer"
	ti.CharLimit = 64
	// A steady cursor: blinking redraws the screen twice a second, which costs handhelds on
	// slow links (and every test) for nothing.
	ti.Cursor.SetMode(cursor.CursorStatic)
	return &Screen{ctx: c, id: ui.NewInstanceID(), status: string(orders.StatusOpen), channel: -1, warehouse: -1, search: ti}
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Queue" }

// Capturing is true while the search field or the status picker has the keys.
func (s *Screen) Capturing() bool { return s.search.Focused() || s.picker != nil }

func (s *Screen) Init() tea.Cmd { return s.reload(fetchFirst) }

// visibleRows is how many table rows the body shows.
func (s *Screen) visibleRows() int { return max(s.height-s.chromeLines(), 1) }

// pageSize is the rows fetched at a time: two screens' worth, so a page key never waits.
func (s *Screen) pageSize() int { return min(max(2*s.visibleRows(), 20), 200) }

// maxWindow bounds the rows held in memory whatever the size of the queue.
func (s *Screen) maxWindow() int { return 3 * s.pageSize() }

func (s *Screen) filter() orders.QueueFilter {
	f := orders.QueueFilter{Status: orders.StatusFilter(s.status), Search: s.search.Value()}
	if s.channel >= 0 {
		f.ChannelID = s.ctx.Lookups.Channels[s.channel].ID
	}
	if s.warehouse >= 0 {
		f.WarehouseID = s.ctx.Lookups.Warehouses[s.warehouse].ID
	}
	return f
}

// reload fetches counts and a page of the given kind.
func (s *Screen) reload(kind fetchKind) tea.Cmd {
	return tea.Batch(s.countReqs.want(fetchRefresh, s.sendCounts), s.fetch(kind))
}

// fetch asks for a page relative to the window.
func (s *Screen) fetch(kind fetchKind) tea.Cmd { return s.pages.want(kind, s.sendPage) }

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

// Update handles keys, answers and change notices.
func (s *Screen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		return s, s.key(msg)
	case ui.Result:
		return s, s.result(msg)
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s, s.reload(fetchRefresh)
	}
	return s, nil
}

func (s *Screen) result(r ui.Result) tea.Cmd {
	switch p := r.Payload.(type) {
	case countsPayload:
		next := s.countReqs.done()
		if r.Err == nil {
			s.counts = p.counts
		}
		if next != nil {
			return s.countReqs.want(*next, s.sendCounts)
		}
	case pagePayload:
		next := s.pages.done()
		switch {
		case r.Err != nil:
			s.stale = true // keep the rows, the filters and the search: only mark them stale
		case p.want.req.Filter == s.filter() && p.want.req.Sort == s.sort:
			s.apply(p)
		} // else: an answer for a filter the user has since changed
		if next != nil {
			return s.fetch(*next)
		}
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
	case !s.atEnd && s.cursor >= len(s.rows)-vis && !s.pages.inFlight:
		return s.fetch(fetchNext)
	case !s.atStart && s.cursor < vis && !s.pages.inFlight:
		return s.fetch(fetchPrev)
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
		s.status, s.channel, s.warehouse = string(orders.StatusOpen), -1, -1
		s.search.SetValue("")
		return s.reload(fetchFirst)
	case key.Matches(msg, q.FilterStatus):
		s.picker = newStatusPicker(s.status)
		return nil
	case key.Matches(msg, q.NextStatus):
		return s.setStatus(cycleStatus(s.status, 1))
	case key.Matches(msg, q.PrevStatus):
		return s.setStatus(cycleStatus(s.status, -1))
	case key.Matches(msg, q.FilterChannel):
		s.channel = cycleIndex(s.channel, len(s.ctx.Lookups.Channels))
		return s.reload(fetchFirst)
	case key.Matches(msg, q.FilterWarehouse):
		s.warehouse = cycleIndex(s.warehouse, len(s.ctx.Lookups.Warehouses))
		return s.reload(fetchFirst)
	case key.Matches(msg, q.SortToggle):
		s.sort = 1 - s.sort
		return s.reload(fetchFirst)
	case key.Matches(msg, q.Refresh):
		return s.reload(fetchRefresh)
	}
	return nil
}

// jump goes to the first or last row: if the window already holds that end, no query.
func (s *Screen) jump(kind fetchKind) tea.Cmd {
	if kind == fetchFirst && s.atStart {
		return s.move(-len(s.rows))
	}
	if kind == fetchLast && s.atEnd {
		return s.move(len(s.rows))
	}
	return s.fetch(kind)
}

func (s *Screen) open() tea.Cmd {
	if s.cursor >= len(s.rows) {
		return nil
	}
	r := s.rows[s.cursor]
	return func() tea.Msg { return ui.OpenOrderMsg{ID: r.ID, Number: r.Number} }
}

func (s *Screen) setStatus(status string) tea.Cmd {
	s.status = status
	return s.reload(fetchFirst)
}

// searchKey edits the search; every change refetches (the fetcher coalesces a fast typist's
// keys into one query in flight plus the latest). Enter and Esc leave the field, keeping the text.
func (s *Screen) searchKey(msg tea.KeyMsg) tea.Cmd {
	in := &s.ctx.Keys.Input
	switch {
	case key.Matches(msg, in.Submit), key.Matches(msg, in.Cancel):
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
	return append([]string{string(orders.StatusOpen), ""}, statusNames()...)
}

func statusNames() []string {
	names := make([]string, len(model.AllStatuses))
	for i, st := range model.AllStatuses {
		names[i] = string(st)
	}
	return names
}

// cycleIndex steps -1 (all), 0, 1, … n-1, -1.
func cycleIndex(i, n int) int {
	if i+1 >= n {
		return -1
	}
	return i + 1
}

// ShortHelp is the footer.
func (s *Screen) ShortHelp() []key.Binding {
	if s.search.Focused() {
		return s.ctx.Keys.Input.ShortHelp()
	}
	q := &s.ctx.Keys.Queue
	return []key.Binding{q.Search, q.FilterStatus, q.SortToggle, s.ctx.Keys.List.Open}
}

// FullHelp is the ? page.
func (s *Screen) FullHelp() [][]key.Binding {
	return append(s.ctx.Keys.List.FullHelp(), s.ctx.Keys.Queue.FullHelp()...)
}

// SetSize lays the columns out for the new width and re-renders the rows.
func (s *Screen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.layout = layoutFor(w)
	s.search.Width = max(w-20, 8)
	s.clampOffset()
	s.renderLines()
}
