package intake

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/orders"
	"oms/model"
	"oms/tui/ui"
)

// RunData is what a run's page reads.
type RunData interface {
	ImportRun(ctx context.Context, id int64) (orders.ImportRunRow, error)
	ImportRejects(ctx context.Context, runID int64, limit int) ([]orders.ImportRejectRow, error)
}

// RunRoute opens one import run's page; its Arg is a RunRef.
const RunRoute ui.Route = "import-run"

// RunRef is the argument of RunRoute: the run's id, and its file to show while it loads.
type RunRef struct {
	ID   int64
	File string
}

// RunDef is a run's page in the route table, opened from the list (not top-level).
func RunDef(data RunData) ui.Def {
	return ui.Def{Route: RunRoute, Title: "Import run", Short: "Run",
		Build: func(c *ui.Context, arg any) ui.Component {
			ref, _ := arg.(RunRef)
			return NewRun(c, data, ref)
		},
		Jobs: Jobs}
}

// maxRejects is how many rejected orders a run's page lists, by line.
const maxRejects = 1000

type runPayload struct {
	run     orders.ImportRunRow
	rejects []orders.ImportRejectRow
}

// Run is one import run's page: who imported which file when, its counts, and its rejected
// orders with their reasons, scrolled as one.
type Run struct {
	ctx   *ui.Context
	id    ui.InstanceID
	ref   RunRef
	fetch *ui.Fetcher[int64, runPayload]

	p                      runPayload
	loaded, stale, missing bool

	width, height int
	lines         []string // laid out in SetSize and when an answer comes
	top           int
}

// NewRun builds the page of ref; Init loads it.
func NewRun(c *ui.Context, data RunData, ref RunRef) *Run {
	s := &Run{ctx: c, id: ui.NewInstanceID(), ref: ref}
	s.fetch = ui.NewFetcher(c, s.id, "import run", func(id int64) ui.Query[runPayload] {
		return func(ctx context.Context) (runPayload, error) {
			var p runPayload
			var err error
			if p.run, err = data.ImportRun(ctx, id); err != nil {
				return p, err
			}
			p.rejects, err = data.ImportRejects(ctx, id, maxRejects)
			return p, err
		}
	})
	return s
}

func (s *Run) ID() ui.InstanceID { return s.id }
func (s *Run) Title() string     { return s.ref.File }

// Watches: the run (it finishes) and its rejects (recorded batch by batch while it runs).
func (s *Run) Watches() db.TableSet { return db.SetOf(db.Imports) }

func (s *Run) Init() tea.Cmd { return s.fetch.Want(s.ref.ID) }

func (s *Run) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.fetch.Want(s.ref.ID)
	case ui.Result:
		a, mine, ok, next := s.fetch.Take(msg)
		if mine && ok {
			switch {
			case a.Err == nil:
				s.p, s.loaded, s.stale, s.missing = a.Value, true, false, false
			case errors.Is(a.Err, orders.ErrNoImportRun):
				s.missing = true
			default:
				s.stale = true
			}
			s.layout()
		}
		return next
	case tea.KeyMsg:
		l := &s.ctx.Keys.List
		page := max(s.height-1, 1)
		switch {
		case key.Matches(msg, l.Down):
			s.scroll(1)
		case key.Matches(msg, l.Up):
			s.scroll(-1)
		case key.Matches(msg, l.PageDown):
			s.scroll(page)
		case key.Matches(msg, l.PageUp):
			s.scroll(-page)
		case key.Matches(msg, l.Top):
			s.scroll(-len(s.lines))
		case key.Matches(msg, l.Bottom):
			s.scroll(len(s.lines))
		}
	}
	return nil
}

func (s *Run) scroll(delta int) { s.top = max(min(s.top+delta, len(s.lines)-s.height), 0) }

func (s *Run) ShortHelp() []key.Binding {
	l := &s.ctx.Keys.List
	return []key.Binding{l.Down, l.Up, l.PageDown}
}

func (s *Run) FullHelp() [][]key.Binding {
	l := &s.ctx.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown}, {l.Top, l.Bottom}}
}

func (s *Run) SetSize(w, h int) {
	s.width, s.height = w, h
	s.layout()
}

// View draws the laid-out lines from the scroll position.
func (s *Run) View() string {
	end := min(s.top+s.height, len(s.lines))
	return ui.Clamp(strings.Join(s.lines[min(s.top, end):end], "\n"), s.width, s.height)
}

// layout builds the page's lines for the width: the run's fields, then its rejected orders,
// each reason wrapped under its line number and order reference.
func (s *Run) layout() {
	st := s.ctx.Styles
	w := s.width
	var out []string
	add := func(line string) { out = append(out, ui.Fit(line, w)) }
	switch {
	case s.missing:
		add(" " + s.ref.File + ": no such import run")
		s.lines = out
		return
	case !s.loaded:
		add(" " + s.ref.File + " " + st.Muted.Render("loading…"))
		s.lines = out
		return
	}
	r := &s.p.run
	short := w < 40
	head := r.File
	if s.stale {
		head = ui.Fit(head, w-9) + st.Muted.Render(" (stale)")
	}
	for _, l := range ui.Wrap(head, max(w-2, 1)) {
		add(" " + st.Title.Render(l))
	}
	label := 10
	if short {
		label = 9
	}
	// A value too wide for its line goes under its label, wrapped.
	field := func(name, value, tone string) {
		style := func(v string) string {
			if tone == "" {
				return v
			}
			return st.Tone(tone).Render(v)
		}
		if 1+label+ui.Width(value) > w {
			add(" " + name)
			for _, l := range ui.Wrap(value, max(w-3, 1)) {
				add("   " + style(l))
			}
			return
		}
		add(" " + ui.Fit(name, label) + style(value))
	}
	loc := s.ctx.Location
	field("Channel", r.Channel+" · "+r.Format, "")
	who := r.Actor
	if r.Terminal != "" {
		who += " on " + r.Terminal
	}
	field("By", who, "")
	field("SHA-256", r.SHA256[:min(12, len(r.SHA256))], "")
	field("Started", r.StartedAt.In(loc).Format("02 Jan 15:04:05"), "")
	if r.Finished() {
		field("Finished", r.FinishedAt.Time.In(loc).Format("02 Jan 15:04:05")+", took "+ui.Age(r.Took()), "")
	} else {
		field("Finished", "not finished: running, or it died "+ui.Age(s.ctx.Clock().Sub(r.StartedAt))+" ago", string(model.ToneActive))
	}
	n := strconv.Itoa
	if r.Finished() {
		field("New", n(r.New), "")
		field("Same", n(r.Unchanged), "")
		field("Updated", n(r.Updated), "")
	}
	tone := ""
	if r.Rejected > 0 {
		tone = string(model.ToneWarning)
	}
	field("Rejected", n(r.Rejected), tone)

	add("")
	if len(s.p.rejects) == 0 {
		add(" " + st.Muted.Render("No order rejected."))
		s.lines = out
		s.scroll(0)
		return
	}
	title := "Rejected orders"
	if len(s.p.rejects) < r.Rejected {
		title += " (first " + n(len(s.p.rejects)) + ")"
	}
	add(" " + st.Title.Render(title))
	if short {
		// Line and reference on one line, the reason wrapped under them.
		for _, j := range s.p.rejects {
			add(" " + st.Tone(string(model.ToneWarning)).Render("L"+n(j.Line)) + " " + j.OrderRef)
			for _, l := range ui.Wrap(j.Reason, max(w-3, 1)) {
				add("   " + l)
			}
		}
		s.lines = out
		s.scroll(0)
		return
	}
	refW := 9
	for _, j := range s.p.rejects {
		refW = max(refW, ui.Width(j.OrderRef))
	}
	refW = min(refW, 19)
	if w < 60 {
		refW = min(refW, 12)
	}
	indent := 1 + 6 + 1 + refW + 1
	add(st.TableHeader.Render(ui.Fit(" "+ui.FitRight("Line", 6)+" "+ui.Fit("Order ref", refW)+" Reason", w)))
	for _, j := range s.p.rejects {
		reason := ui.Wrap(j.Reason, max(w-indent, 8))
		add(" " + ui.FitRight(n(j.Line), 6) + " " + ui.Fit(j.OrderRef, refW) + " " + reason[0])
		for _, l := range reason[1:] {
			add(strings.Repeat(" ", indent) + l)
		}
	}
	s.lines = out
	s.scroll(0)
}
