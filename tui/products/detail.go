package products

import (
	"context"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db"
	"oms/db/catalog"
	"oms/tui/ui"
)

// DetailData is what a product's page reads, and the one command its form runs.
type DetailData interface {
	ProductDetail(ctx context.Context, id int64) (catalog.ProductDetail, error)
	EditData
}

// DetailDef is a product's page in the route table, opened by Open (not top-level).
func DetailDef(data DetailData) ui.Def {
	return ui.Def{Route: DetailRoute, Title: "Product", Short: "Product",
		Build: func(c *ui.Context, arg any) ui.Component {
			ref, _ := arg.(Ref)
			return NewDetail(c, data, ref)
		},
		Jobs: Jobs}
}

// Detail is one product's page: its fields, barcodes and stock per warehouse, scrolled as one.
type Detail struct {
	ctx   *ui.Context
	id    ui.InstanceID
	ref   Ref
	fetch *ui.Fetcher[int64, catalog.ProductDetail]
	save  *ui.Fetcher[catalog.ProductEdit, saved]
	form  *form // open while editing

	p             catalog.ProductDetail
	loaded, stale bool
	missing       bool

	width, height int
	lines         []string // laid out in SetSize and when an answer comes
	top           int
}

// NewDetail builds the page of ref; Init loads it.
func NewDetail(c *ui.Context, data DetailData, ref Ref) *Detail {
	s := &Detail{ctx: c, id: ui.NewInstanceID(), ref: ref}
	s.fetch = ui.NewFetcher(c, s.id, "product detail", func(id int64) ui.Query[catalog.ProductDetail] {
		return func(ctx context.Context) (catalog.ProductDetail, error) { return data.ProductDetail(ctx, id) }
	})
	s.save = ui.NewFetcher(c, s.id, "product save", func(e catalog.ProductEdit) ui.Query[saved] {
		return func(ctx context.Context) (saved, error) {
			v, err := data.UpdateProduct(ctx, e)
			return saved{version: v}, err
		}
	})
	return s
}

func (s *Detail) ID() ui.InstanceID { return s.id }
func (s *Detail) Title() string     { return s.ref.SKU }

// Watches: the product and its barcodes (a rename or an import elsewhere) and the stock ledger.
func (s *Detail) Watches() db.TableSet { return db.SetOf(db.Stock, db.Products) }

func (s *Detail) Init() tea.Cmd { return s.fetch.Want(s.ref.ID) }

// Capturing is true while the form is open: its fields get the keys.
func (s *Detail) Capturing() bool { return s.form != nil }

// HasUnsavedInput: an open form holds typing that quitting would lose.
func (s *Detail) HasUnsavedInput() bool { return s.form != nil }

func (s *Detail) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.ChangedMsg, ui.ActivatedMsg:
		return s.fetch.Want(s.ref.ID)
	case ui.Result:
		if a, mine, ok, next := s.save.Take(msg); mine {
			if ok {
				return tea.Batch(next, s.saveResult(a))
			}
			return next
		}
		a, mine, ok, next := s.fetch.Take(msg)
		if mine && ok {
			switch {
			case a.Err == nil:
				s.p, s.loaded, s.stale, s.missing = a.Value, true, false, false
			case errorsIs(a.Err, catalog.ErrNoProduct):
				s.missing = true
			default:
				s.stale = true // what is shown stays, said to be old
			}
			s.layout()
		}
		return next
	case tea.KeyMsg:
		if s.form != nil {
			return s.formKey(msg)
		}
		if key.Matches(msg, s.ctx.Keys.Products.Edit) && s.loaded && !s.missing && s.mayEdit() {
			s.form = newForm(s.p)
			s.top = 0
			s.layout()
			return nil
		}
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
		case key.Matches(msg, s.ctx.Keys.Products.Refresh):
			return s.fetch.Want(s.ref.ID)
		}
	}
	return nil
}

func (s *Detail) scroll(delta int) {
	s.top = max(min(s.top+delta, len(s.lines)-s.height), 0)
}

func (s *Detail) ShortHelp() []key.Binding {
	l, p := &s.ctx.Keys.List, &s.ctx.Keys.Products
	if s.form != nil {
		in := &s.ctx.Keys.Input
		return []key.Binding{withHelp(in.Submit, "save"), withHelp(in.Cancel, "leave"), p.NextField, p.PrevField}
	}
	if s.mayEdit() {
		return []key.Binding{p.Edit, l.Down, l.Up, p.Refresh}
	}
	return []key.Binding{l.Down, l.Up, p.Refresh}
}

func (s *Detail) FullHelp() [][]key.Binding {
	l, p := &s.ctx.Keys.List, &s.ctx.Keys.Products
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown}, {l.Top, l.Bottom, p.Refresh},
		{p.Edit, p.NextField, p.PrevField}}
}

func (s *Detail) SetSize(w, h int) {
	s.width, s.height = w, h
	s.layout()
}

// View draws the laid-out lines from the scroll position.
func (s *Detail) View() string {
	end := min(s.top+s.height, len(s.lines))
	return ui.Clamp(strings.Join(s.lines[min(s.top, end):end], "\n"), s.width, s.height)
}

// layout builds the page's lines for the width: labels and values, then the barcodes and the
// stock table, whose columns narrow with the terminal.
func (s *Detail) layout() {
	st := s.ctx.Styles
	w := s.width
	var out []string
	add := func(line string) { out = append(out, ui.Fit(line, w)) }
	switch {
	case s.missing:
		add(" " + s.ref.SKU + ": no such product")
		s.lines = out
		return
	case !s.loaded:
		add(" " + s.ref.SKU + " " + st.Muted.Render("loading…"))
		s.lines = out
		return
	}
	p := &s.p
	first, last := -1, -1
	if s.form != nil {
		var form []string
		form, first, last = s.formLines()
		out = append(out, form...)
	}
	head := " " + p.SKU
	if s.stale {
		head = ui.Fit(head, w-8) + st.Muted.Render(" (stale)")
	}
	add(st.Title.Render(head))
	for _, l := range ui.Wrap(p.Name, max(w-2, 1)) {
		add(" " + l)
	}
	label := 14
	if w < 40 {
		label = 8
	}
	// A value too wide for its line goes under its label (a GTIN at 20 columns).
	field := func(name, value string) {
		if 1+label+ui.Width(value) > w {
			add(" " + name)
			add("  " + value)
			return
		}
		add(" " + ui.Fit(name, label) + value)
	}
	short := w < 40
	pick := func(long, narrow string) string {
		if short {
			return narrow
		}
		return long
	}
	field("Active", yesNo(p.Active))
	field(pick("Reorder point", "Reorder"), strconv.Itoa(p.ReorderPoint))
	field("GTIN", str(p.GTIN))
	dims := "—"
	if p.LengthMM != nil && p.WidthMM != nil && p.HeightMM != nil {
		dims = strconv.Itoa(*p.LengthMM) + "×" + strconv.Itoa(*p.WidthMM) + "×" + strconv.Itoa(*p.HeightMM) + " mm"
	}
	field(pick("Dimensions", "L×W×H"), dims)
	weight := "—"
	if p.WeightG != nil {
		weight = strconv.Itoa(*p.WeightG) + " g"
	}
	field("Weight", weight)
	field("HS code", str(p.HSCode))
	field("Origin", str(p.Origin))
	field(pick("Tax category", "Tax"), p.TaxCategory)
	tracking := "none"
	switch {
	case p.ExpiryTracked:
		tracking = "lot and expiry"
	case p.LotTracked:
		tracking = "lot"
	}
	field(pick("Tracking", "Track"), tracking)

	add("")
	add(st.Title.Render(" Barcodes"))
	if len(p.Barcodes) == 0 {
		add(" " + st.Muted.Render("none besides the GTIN"))
	}
	for _, b := range p.Barcodes {
		line := " " + b.Barcode
		if !short {
			line = " " + ui.Fit(b.Barcode, 16) + " " + b.Kind
			if b.QtyPerScan != 1 {
				line += " ×" + strconv.Itoa(b.QtyPerScan)
			}
		} else if b.QtyPerScan != 1 {
			line += " ×" + strconv.Itoa(b.QtyPerScan)
		}
		add(line)
	}

	add("")
	num := 9
	if short {
		num = 4
	}
	code := max(w-1-3*(num+1), 1)
	cells := func(c, a, b, d string) string {
		return " " + ui.Fit(c, code) + " " + ui.FitRight(a, num) + " " + ui.FitRight(b, num) + " " + ui.FitRight(d, num)
	}
	if short {
		add(st.TableHeader.Render(cells("Whs", "OnH", "Res", "Av")))
	} else {
		add(st.TableHeader.Render(cells("Stock", "On hand", "Reserved", "Available")))
	}
	var total catalog.WarehouseStock
	for _, ws := range p.Stock {
		name := ws.Code
		if !short && ws.Name != "" {
			name += " " + ws.Name
		}
		add(cells(name, n(ws.OnHand), n(ws.Reserved), n(ws.Available())))
		total.OnHand += ws.OnHand
		total.Reserved += ws.Reserved
	}
	if len(p.Stock) > 1 {
		add(cells(pick("Total", "All"), n(total.OnHand), n(total.Reserved), n(total.Available())))
	}
	s.lines = out
	if first >= 0 { // the focused field in view
		s.top = max(min(s.top, first), last-s.height+1)
	}
	s.scroll(0)
}

func n(v int64) string { return strconv.FormatInt(v, 10) }

func str(p *string) string {
	if p == nil || *p == "" {
		return "—"
	}
	return *p
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
