package intake

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/keymaps"
	"oms/model"
	"oms/tui/ui"
)

// Data is what the Intake screen and a run's page read.
type Data interface {
	ImportRuns(ctx context.Context, r orders.ImportRunsRequest) ([]orders.ImportRunRow, error)
	OpenOrderExceptions(ctx context.Context, limit int) ([]orders.OrderExceptionRow, error)
	RunData
}

// Route names the list in the route table.
const Route ui.Route = "intake"

// Jobs are the jobs whose work imports are: the back office, supervisors (who hold it) and
// admins, who may read the tables too.
var Jobs = []string{"backoffice", "supervisor", "admin"}

// Def is the Intake screen's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Intake", Short: "Intake",
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Intake },
		Build: func(c *ui.Context, _ any) ui.Component { return New(c, data) },
		Jobs:  Jobs}
}

// maxExceptions is how many open exceptions the list shows, oldest first.
const maxExceptions = 100

type fetchKind int

const (
	fetchFirst fetchKind = iota // runs from the newest, and the exceptions
	fetchNext                   // the runs after the last one held
)

type listPayload struct {
	kind       fetchKind
	limit      int
	runs       []orders.ImportRunRow
	exceptions []orders.OrderExceptionRow
}

type itemKind int

const (
	itemHeading itemKind = iota
	itemException
	itemRun
)

// item is one line of the list: a section heading, an exception or a run.
type item struct {
	kind itemKind
	i    int // index into exceptions or runs
}

// Screen is the Intake list: open exceptions, then import runs.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	list *ui.Fetcher[fetchKind, listPayload]

	runs       []orders.ImportRunRow
	exceptions []orders.OrderExceptionRow
	items      []item
	atEnd      bool
	loaded     bool
	stale      bool

	cursor, offset int // into items; the cursor is never on a heading
	width, height  int
}

// New builds the screen; Init loads it.
func New(c *ui.Context, data Data) *Screen {
	s := &Screen{ctx: c, id: ui.NewInstanceID()}
	s.list = ui.NewFetcher(c, s.id, "intake list", func(kind fetchKind) ui.Query[listPayload] {
		p := listPayload{kind: kind, limit: s.pageSize()}
		var before *orders.ImportRunCursor
		if kind == fetchNext && len(s.runs) > 0 {
			cur := s.runs[len(s.runs)-1].Cursor()
			before = &cur
		} else {
			p.kind = fetchFirst
			// A refresh keeps as many runs as are held, so the cursor's run stays in the window.
			p.limit = min(max(len(s.runs), p.limit), maxRuns)
		}
		return func(ctx context.Context) (listPayload, error) {
			var err error
			if p.kind == fetchFirst {
				if p.exceptions, err = data.OpenOrderExceptions(ctx, maxExceptions); err != nil {
					return p, err
				}
			}
			p.runs, err = data.ImportRuns(ctx, orders.ImportRunsRequest{Limit: p.limit, Before: before})
			return p, err
		}
	})
	return s
}

// maxRuns bounds the runs held: paging down stops there (older runs are history).
const maxRuns = 500

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Intake" }

// Watches: import runs and their rejects (an import in another terminal), and exceptions.
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Imports, db.OrderExceptions) }

func (s *Screen) Init() tea.Cmd { return s.list.Want(fetchFirst) }

func (s *Screen) pageSize() int { return min(max(2*s.height, 30), 200) }

func (s *Screen) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.list.Want(fetchFirst)
	case ui.Result:
		a, mine, ok, next := s.list.Take(msg)
		if mine && ok {
			if a.Err != nil {
				s.stale = true // what is shown stays, said to be old
			} else {
				s.apply(a.Value)
			}
		}
		return next
	case tea.KeyMsg:
		return s.key(msg)
	}
	return nil
}

func (s *Screen) apply(p listPayload) {
	var selRun, selExc int64 = -1, -1
	if s.cursor < len(s.items) {
		switch it := s.items[s.cursor]; it.kind {
		case itemRun:
			selRun = s.runs[it.i].ID
		case itemException:
			selExc = s.exceptions[it.i].ID
		}
	}
	s.loaded, s.stale = true, false
	if p.kind == fetchFirst {
		s.runs, s.exceptions = p.runs, p.exceptions
	} else {
		s.runs = append(s.runs, p.runs...)
	}
	s.atEnd = len(p.runs) < p.limit || len(s.runs) >= maxRuns
	s.items = s.items[:0]
	s.items = append(s.items, item{kind: itemHeading})
	for i := range s.exceptions {
		s.items = append(s.items, item{kind: itemException, i: i})
	}
	s.items = append(s.items, item{kind: itemHeading, i: 1})
	for i := range s.runs {
		s.items = append(s.items, item{kind: itemRun, i: i})
	}
	s.cursor = -1
	for n, it := range s.items {
		if (it.kind == itemRun && s.runs[it.i].ID == selRun) || (it.kind == itemException && s.exceptions[it.i].ID == selExc) {
			s.cursor = n
		}
	}
	if s.cursor < 0 {
		s.cursor = 0
		s.step(1)
	}
	s.clampOffset()
}

// step moves the cursor to the next selectable item in direction dir (±1), if there is one.
func (s *Screen) step(dir int) bool {
	for n := s.cursor + dir; n >= 0 && n < len(s.items); n += dir {
		if s.items[n].kind != itemHeading {
			s.cursor = n
			return true
		}
	}
	return false
}

func (s *Screen) move(delta int) tea.Cmd {
	dir := 1
	if delta < 0 {
		dir, delta = -1, -delta
	}
	for ; delta > 0 && s.step(dir); delta-- {
	}
	if dir < 0 && s.cursor > 0 && s.items[s.cursor-1].kind == itemHeading {
		s.offset = min(s.offset, s.cursor-1) // show a section's heading over its first row
	}
	s.clampOffset()
	if !s.atEnd && !s.list.InFlight() && len(s.items)-s.cursor <= s.visibleRows() {
		return s.list.Want(fetchNext)
	}
	return nil
}

func (s *Screen) key(msg tea.KeyMsg) tea.Cmd {
	l := &s.ctx.Keys.List
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
		return s.move(-len(s.items))
	case key.Matches(msg, l.Bottom):
		return s.move(len(s.items))
	case key.Matches(msg, l.Open):
		if s.cursor >= len(s.items) {
			return nil
		}
		switch it := s.items[s.cursor]; it.kind {
		case itemRun:
			r := s.runs[it.i]
			return open(ui.Open{Route: RunRoute, Arg: RunRef{ID: r.ID, File: r.File}})
		case itemException:
			e := s.exceptions[it.i]
			return open(ui.Open{Route: ui.RouteOrder, Arg: ui.OrderRef{ID: e.OrderID, Number: e.Number}})
		}
	}
	return nil
}

func open(o ui.Open) tea.Cmd { return func() tea.Msg { return o } }

func (s *Screen) visibleRows() int { return max(s.height-1, 1) }

func (s *Screen) clampOffset() {
	vis := s.visibleRows()
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+vis {
		s.offset = s.cursor - vis + 1
	}
	s.offset = max(min(s.offset, len(s.items)-vis), 0)
}

// ShortHelp is the footer, most important first.
func (s *Screen) ShortHelp() []key.Binding {
	l := &s.ctx.Keys.List
	return []key.Binding{l.Open, l.Down, l.Up}
}

// FullHelp is the help page: the list keys and what the narrow layouts' letters mean.
func (s *Screen) FullHelp() [][]key.Binding {
	marks := []key.Binding{
		key.NewBinding(key.WithKeys("n"), key.WithHelp("n u r", "new, updated, rejected orders")),
		key.NewBinding(key.WithKeys("unfinished"), key.WithHelp("not finished", "running, or its process died")),
	}
	return append(s.ctx.Keys.List.FullHelp(), marks)
}

func (s *Screen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.clampOffset()
}

// View draws the column titles and the visible items.
func (s *Screen) View() string {
	st := s.ctx.Styles
	var b strings.Builder
	title := s.columns()
	if s.stale {
		title = ui.Fit(title, s.width-8) + " (stale)"
	}
	b.WriteString(st.TableHeader.Render(ui.Fit(title, s.width)))
	if !s.loaded {
		b.WriteString("\n " + st.Muted.Render("Loading…"))
		return ui.Clamp(b.String(), s.width, s.height)
	}
	end := min(s.offset+s.visibleRows(), len(s.items))
	for n := s.offset; n < end; n++ {
		b.WriteByte('\n')
		b.WriteString(s.line(s.items[n], n == s.cursor))
	}
	if len(s.runs) == 0 && end == len(s.items) {
		b.WriteString("\n " + st.Muted.Render("No file imported yet (oms import)."))
	}
	return ui.Clamp(b.String(), s.width, s.height)
}

// columns is the title line: the runs' column titles where they have columns.
func (s *Screen) columns() string {
	w := s.width
	switch {
	case w >= 60:
		return " " + ui.Fit("When", 12) + " " + ui.Fit("Channel", 10) + " " + ui.Fit("Format", 8) + " " +
			ui.Fit("File", w-60) + " Orders"
	case w >= 40:
		return " " + ui.Fit("When", 6) + " " + ui.Fit("Channel", 8) + " Orders"
	}
	return " Imports"
}

func (s *Screen) line(it item, selected bool) string {
	st := s.ctx.Styles
	w := s.width
	var text, tone string
	switch it.kind {
	case itemHeading:
		if it.i == 0 {
			n := strconv.Itoa(len(s.exceptions))
			if len(s.exceptions) == maxExceptions {
				n += "+"
			}
			if len(s.exceptions) == 0 {
				return ui.Fit(" "+st.Muted.Render(pick(w, "Open exceptions: none", "Exceptions: none", "No exceptions")), w)
			}
			return ui.Fit(" "+st.Title.Render(pick(w, "Open exceptions: ", "Exceptions: ", "Exceptions ")+n), w)
		}
		return ui.Fit(" "+st.Title.Render(pick(w, "Import runs", "Import runs", "Runs")), w)
	case itemException:
		e := &s.exceptions[it.i]
		text = " " + e.Number + " " + e.Message
		tone = string(model.ToneWarning)
		if selected {
			return st.Selected.Render(ui.Fit(">"+text[1:], w))
		}
		return ui.Fit(" "+st.Tone(tone).Render(e.Number)+" "+e.Message, w)
	}
	r := &s.runs[it.i]
	cells, counts, tone := s.runCells(r)
	if selected {
		return st.Selected.Render(ui.Fit(">"+(cells + counts)[1:], w))
	}
	if tone != "" {
		counts = st.Tone(tone).Render(counts)
	}
	return ui.Fit(cells+counts, w)
}

// runCells lays out a run for the width: the cells before its counts, its counts, and the
// counts' tone (warning when orders were rejected, active while not finished).
func (s *Screen) runCells(r *orders.ImportRunRow) (cells, counts, tone string) {
	w := s.width
	now := s.ctx.Clock()
	started := r.StartedAt.In(s.ctx.Location)
	age := ui.Age(now.Sub(r.StartedAt))
	switch {
	case w >= 60:
		cells = " " + ui.Fit(started.Format("02 Jan 15:04"), 12) + " " + ui.Fit(r.Channel, 10) + " " +
			ui.Fit(r.Format, 8) + " " + ui.Fit(r.File, w-60) + " "
		counts = strconv.Itoa(r.New) + " new · " + strconv.Itoa(r.Updated) + " upd · " + strconv.Itoa(r.Rejected) + " rej"
		if !r.Finished() {
			counts = "not finished " + age
			if r.Rejected > 0 {
				counts += " · " + strconv.Itoa(r.Rejected) + " rej"
			}
		}
	case w >= 40:
		cells = " " + ui.Fit(shortWhen(now, started), 6) + " " + ui.Fit(r.Channel, 8) + " "
		counts = strconv.Itoa(r.New) + " new " + strconv.Itoa(r.Updated) + " upd " + strconv.Itoa(r.Rejected) + " rej"
		if !r.Finished() {
			counts = "not finished " + age
			if r.Rejected > 0 {
				counts += " " + strconv.Itoa(r.Rejected) + " rej"
			}
		}
	default:
		cells = " " + ui.Fit(shortWhen(now, started), 5) + " "
		counts = strconv.Itoa(r.New) + "n " + strconv.Itoa(r.Updated) + "u " + strconv.Itoa(r.Rejected) + "r"
		if !r.Finished() {
			cells, counts = " ", "unfinished "+age
			if r.Rejected > 0 {
				counts += " " + strconv.Itoa(r.Rejected) + "r"
			}
		}
	}
	switch {
	case !r.Finished():
		tone = string(model.ToneActive)
	case r.Rejected > 0:
		tone = string(model.ToneWarning)
	}
	return cells, counts, tone
}

// shortWhen is a start time in five or six cells: the time today, the day before.
func shortWhen(now, t time.Time) string {
	y, m, d := now.Date()
	ty, tm, td := t.Date()
	if y == ty && m == tm && d == td {
		return t.Format("15:04")
	}
	return t.Format("02Jan")
}

// pick chooses a text for the width: wide (60 and over), medium (40) or narrow.
func pick(w int, wide, medium, narrow string) string {
	switch {
	case w >= 60:
		return wide
	case w >= 40:
		return medium
	}
	return narrow
}
