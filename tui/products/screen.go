package products

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/catalog"
	"oms/keymaps"
	"oms/tui/ui"
)

// Data is what the list reads.
type Data interface {
	ProductPage(ctx context.Context, r catalog.ProductPageRequest) ([]catalog.ProductRow, error)
	ProductByCode(ctx context.Context, code string) (catalog.ProductRow, bool, error)
}

// Route names the list in the route table.
const Route ui.Route = "products"

// Jobs are the jobs whose work master data is.
var Jobs = []string{"backoffice", "supervisor", "stock", "admin"}

// Def is the list's entry in the route table.
func Def(data Data) ui.Def {
	return ui.Def{Route: Route, Title: "Products", Short: "Products",
		Key:   func(k *keymaps.KeyMap) key.Binding { return k.Global.Products },
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
	kind  fetchKind
	req   catalog.ProductPageRequest
	limit int
}

type pagePayload struct {
	want pageWant
	rows []catalog.ProductRow
}

type scanPayload struct {
	text  string
	row   catalog.ProductRow
	found bool
}

// Screen is the products list.
type Screen struct {
	ctx  *ui.Context
	id   ui.InstanceID
	data Data

	pages *ui.Fetcher[fetchKind, pagePayload]
	scan  *ui.Fetcher[string, scanPayload]

	search textinput.Model

	width, height  int
	rows           []catalog.ProductRow
	cursor, offset int
	atStart, atEnd bool
	loaded, stale  bool
	low            bool // only the products low somewhere
}

// New builds the list; Init loads its first page.
func New(c *ui.Context, data Data) *Screen {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "SKU, name or scan"
	ti.CharLimit = 64
	ti.Cursor.SetMode(cursor.CursorStatic)
	s := &Screen{ctx: c, id: ui.NewInstanceID(), data: data, search: ti}
	s.pages = ui.NewFetcher(c, s.id, "products page", func(kind fetchKind) ui.Query[pagePayload] {
		w := s.pageWant(kind)
		return func(ctx context.Context) (pagePayload, error) {
			req := w.req
			req.Limit = w.limit
			rows, err := data.ProductPage(ctx, req)
			return pagePayload{want: w, rows: rows}, err
		}
	})
	s.scan = ui.NewFetcher(c, s.id, "products scan", func(text string) ui.Query[scanPayload] {
		return func(ctx context.Context) (scanPayload, error) {
			row, found, err := data.ProductByCode(ctx, text)
			return scanPayload{text: text, row: row, found: found}, err
		}
	})
	return s
}

func (s *Screen) ID() ui.InstanceID { return s.id }
func (s *Screen) Title() string     { return "Products" }

// Capturing is true while the search field has the keys.
func (s *Screen) Capturing() bool { return s.search.Focused() }

// Watches: the catalogue (a rename or an import elsewhere) and the stock ledger (on hand).
func (s *Screen) Watches() db.TableSet { return db.SetOf(db.Stock, db.Products) }

func (s *Screen) Init() tea.Cmd { return s.pages.Want(fetchFirst) }

// visibleRows is how many rows the body shows.
func (s *Screen) visibleRows() int { return max(s.height-s.chromeLines(), 1) }

func (s *Screen) chromeLines() int {
	if s.width >= 40 {
		return 2 // search, column titles
	}
	return 1
}

func (s *Screen) pageSize() int  { return min(max(2*s.visibleRows(), 20), 200) }
func (s *Screen) maxWindow() int { return 3 * s.pageSize() }

func (s *Screen) pageWant(kind fetchKind) pageWant {
	w := pageWant{kind: kind, req: catalog.ProductPageRequest{Search: s.search.Value(), Low: s.low}, limit: s.pageSize()}
	switch kind {
	case fetchRefresh:
		if len(s.rows) == 0 || s.atStart {
			w.kind = fetchFirst
		} else {
			w.req.From = s.rows[0].SKU
		}
		w.limit = min(max(len(s.rows), s.pageSize()), s.maxWindow())
	case fetchNext:
		w.req.After = s.rows[len(s.rows)-1].SKU
	case fetchPrev:
		w.req.Before = s.rows[0].SKU
	}
	return w
}

// Update handles keys, answers and change notices.
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
			s.stale = true // rows and search kept, marked stale
		case a.Value.want.req.Search == s.search.Value() && a.Value.want.req.Low == s.low:
			s.apply(a.Value)
		}
		return next
	}
	if a, mine, ok, next := s.scan.Take(r); mine {
		if ok && a.Err == nil && a.Value.found && a.Value.text == s.search.Value() {
			return tea.Batch(next, Open(a.Value.row.ID, a.Value.row.SKU))
		}
		return next
	}
	return nil
}

// DetailRoute opens one product's page; its Arg is a Ref.
const DetailRoute ui.Route = "product"

// Ref is the argument of DetailRoute: the product's id, and its SKU to show while it loads.
type Ref struct {
	ID  int64
	SKU string
}

// Open opens a product's page.
func Open(id int64, sku string) tea.Cmd {
	return func() tea.Msg { return ui.Open{Route: DetailRoute, Arg: Ref{ID: id, SKU: sku}} }
}

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
	case fetchRefresh:
		s.rows, s.atEnd = p.rows, !full
		s.cursor = min(s.cursor, max(len(s.rows)-1, 0))
		for i := range s.rows {
			if s.rows[i].ID == selected {
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
		s.rows = append(append(make([]catalog.ProductRow, 0, len(p.rows)+len(s.rows)), p.rows...), s.rows...)
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

func (s *Screen) key(msg tea.KeyMsg) tea.Cmd {
	if s.search.Focused() {
		return s.searchKey(msg)
	}
	l, p := &s.ctx.Keys.List, &s.ctx.Keys.Products
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
			return Open(s.rows[s.cursor].ID, s.rows[s.cursor].SKU)
		}
	case key.Matches(msg, p.Search):
		return s.search.Focus()
	case key.Matches(msg, p.ClearSearch):
		s.search.SetValue("")
		return s.pages.Want(fetchFirst)
	case key.Matches(msg, p.Low):
		s.low = !s.low
		return s.pages.Want(fetchFirst)
	case key.Matches(msg, p.Refresh):
		return s.pages.Want(fetchRefresh)
	}
	return nil
}

// searchKey edits the search; every change refetches. Enter leaves the field and, when the
// text is a code naming one product (a scanned GTIN or barcode, an exact SKU), opens it.
func (s *Screen) searchKey(msg tea.KeyMsg) tea.Cmd {
	in := &s.ctx.Keys.Input
	switch {
	case key.Matches(msg, in.Submit):
		s.search.Blur()
		if text := s.search.Value(); text != "" {
			return s.scan.Want(text)
		}
		return nil
	case key.Matches(msg, in.Cancel):
		s.search.Blur()
		return nil
	case key.Matches(msg, in.Clear):
		s.search.SetValue("")
		return s.pages.Want(fetchFirst)
	}
	before := s.search.Value()
	var cmd tea.Cmd
	s.search, cmd = s.search.Update(msg)
	if s.search.Value() != before {
		return tea.Batch(cmd, s.pages.Want(fetchFirst))
	}
	return cmd
}

// ShortHelp is the footer, most important first.
func (s *Screen) ShortHelp() []key.Binding {
	if s.search.Focused() {
		in := &s.ctx.Keys.Input
		return []key.Binding{withHelp(in.Submit, "done"), withHelp(in.Cancel, "leave"), in.Clear}
	}
	p := &s.ctx.Keys.Products
	return []key.Binding{s.ctx.Keys.List.Open, p.Search, p.ClearSearch, p.Low, p.Refresh}
}

func withHelp(b key.Binding, desc string) key.Binding {
	b.SetHelp(b.Help().Key, desc)
	return b
}

// FullHelp is the help page: the keys and the mark narrow layouts use.
func (s *Screen) FullHelp() [][]key.Binding {
	mark := key.NewBinding(key.WithKeys("×"), key.WithHelp("×", "inactive product"))
	low := key.NewBinding(key.WithKeys(lowMark), key.WithHelp(lowMark, "low somewhere it is stocked"))
	return append(append(s.ctx.Keys.List.FullHelp(), s.ctx.Keys.Products.FullHelp()...), []key.Binding{mark, low})
}

func (s *Screen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.search.Width = max(w-4, 8)
	s.clampOffset()
}

// View draws the search line, column titles and the visible rows.
func (s *Screen) View() string {
	st := s.ctx.Styles
	var b strings.Builder
	line := s.search.View()
	if s.low {
		line = ui.Fit(strings.TrimRight(line, " "), s.width-11) + st.Warning.Render(" ▼ low only")
	}
	if s.stale {
		line = ui.Fit(line, s.width-8) + st.Muted.Render(" (stale)")
	}
	b.WriteString(ui.Fit(line, s.width))
	if s.width >= 40 {
		b.WriteString("\n" + st.TableHeader.Render(ui.Fit(s.row("SKU", "Name", "On hand", "Active"[:min(6, max(3, s.width-54))]), s.width)))
	}
	switch {
	case !s.loaded:
		b.WriteString("\n " + st.Muted.Render("Loading…"))
	case len(s.rows) == 0 && s.low:
		b.WriteString("\n " + st.Muted.Render("Nothing is low."))
	case len(s.rows) == 0:
		b.WriteString("\n " + st.Muted.Render("No product matches."))
	}
	end := min(s.offset+s.visibleRows(), len(s.rows))
	for i := s.offset; i < end; i++ {
		r := &s.rows[i]
		active := "yes"
		if !r.Active {
			active = "no"
		}
		onHand := strconv.FormatInt(r.OnHand, 10)
		if r.Low {
			onHand = "▼" + onHand
		}
		text := s.row(r.SKU, r.Name, onHand, active)
		b.WriteByte('\n')
		if i == s.cursor {
			b.WriteString(st.Selected.Render(ui.Fit(">"+text[1:], s.width)))
		} else {
			b.WriteString(ui.Fit(text, s.width))
		}
	}
	return ui.Clamp(b.String(), s.width, s.height)
}

// row lays out one line's cells for the width: SKU, name, on hand and active from 60 columns;
// without the name below 40, with "×" alone for an inactive product.
func (s *Screen) row(sku, name, onHand, active string) string {
	w := s.width
	switch {
	case w >= 60:
		return " " + ui.Fit(sku, 16) + " " + ui.Fit(name, w-16-9-7-4) + " " + ui.FitRight(onHand, 9) + " " + ui.Fit(active, 6)
	case w >= 40:
		return " " + ui.Fit(sku, 14) + " " + ui.Fit(name, w-14-7-3-4) + " " + ui.FitRight(onHand, 7) + " " + ui.Fit(active, 3)
	}
	mark := " "
	if active == "no" {
		mark = "×"
	}
	return " " + ui.Fit(sku, w-9) + " " + ui.FitRight(onHand, 6) + mark
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
