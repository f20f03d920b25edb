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
	ProductMovements(ctx context.Context, id int64, after catalog.MovementKey, limit int) ([]catalog.Movement, bool, error)
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

// Detail is one product's page: its fields, barcodes, stock per warehouse (with what is in
// transit and on order, and a low mark), per bin, and its movements, newest first, scrolled as
// one. Scrolling to the bottom loads older movements, a page at a time, up to maxMovements.
type Detail struct {
	ctx   *ui.Context
	id    ui.InstanceID
	ref   Ref
	fetch *ui.Fetcher[int64, catalog.ProductDetail]
	older *ui.Fetcher[catalog.MovementKey, olderPage]
	save  *ui.Fetcher[catalog.ProductEdit, saved]
	form  *form // open while editing

	p             catalog.ProductDetail
	loaded, stale bool
	missing       bool
	loadingOlder  bool

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
	s.older = ui.NewFetcher(c, s.id, "product movements", func(after catalog.MovementKey) ui.Query[olderPage] {
		id := s.ref.ID
		return func(ctx context.Context) (olderPage, error) {
			ms, more, err := data.ProductMovements(ctx, id, after, catalog.DetailMovements)
			return olderPage{after: after, moves: ms, more: more}, err
		}
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
		if a, mine, ok, next := s.older.Take(msg); mine {
			if ok {
				s.olderResult(a)
			}
			return next
		}
		a, mine, ok, next := s.fetch.Take(msg)
		if mine && ok {
			switch {
			case a.Err == nil:
				s.p, s.loaded, s.stale, s.missing, s.loadingOlder = a.Value, true, false, false, false
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
		return s.wantOlder()
	}
	return nil
}

// maxMovements bounds the movements a page holds: older ones are the ledger's to show.
const maxMovements = 500

// olderPage is a page of older movements, after the key it was asked for.
type olderPage struct {
	after catalog.MovementKey
	moves []catalog.Movement
	more  bool
}

// wantOlder asks for the next page of older movements once the bottom of the page is in view
// and there are more.
func (s *Detail) wantOlder() tea.Cmd {
	p := &s.p
	if s.form != nil || !s.loaded || s.loadingOlder || !p.MoreMovements || len(p.Movements) == 0 ||
		len(p.Movements) >= maxMovements || s.top+s.height < len(s.lines) {
		return nil
	}
	s.loadingOlder = true
	s.layout()
	return s.older.Want(p.Movements[len(p.Movements)-1].Key())
}

// olderResult appends a page of older movements, if the page still ends where it was asked
// for (a refresh meanwhile starts again from the newest); an error marks the page stale.
func (s *Detail) olderResult(a ui.Answer[catalog.MovementKey, olderPage]) {
	s.loadingOlder = false
	p := &s.p
	switch {
	case a.Err != nil:
		s.stale = true
	case sameKey(a.Value.after, lastKey(p.Movements)):
		p.Movements = append(p.Movements, a.Value.moves...)
		p.MoreMovements = a.Value.more
	}
	s.layout()
}

func sameKey(a, b catalog.MovementKey) bool { return a.ID == b.ID && a.At.Equal(b.At) }

func lastKey(ms []catalog.Movement) catalog.MovementKey {
	if len(ms) == 0 {
		return catalog.MovementKey{}
	}
	return ms[len(ms)-1].Key()
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
	s.stockLines(add)
	add("")
	s.binLines(add)
	add("")
	s.movementLines(add)
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

// The stock sections' widths: wide from 68 columns (every column spelled out), narrow from 40
// (abbreviated headings and a legend), short below (a handheld: a column or two and lines
// under a row for the rest).
const (
	wideFrom   = 68
	narrowFrom = 40
)

// lowMark says a warehouse is low on the product: a mark and a word, not colour alone.
const lowMark = "▼ low"

// stockLines is the stock per warehouse: on hand, reserved, available, in transit to it and on
// order for it, and the low mark where available is at or below the reorder point.
func (s *Detail) stockLines(add func(string)) {
	st, w, p := s.ctx.Styles, s.width, &s.p
	low := func(ws catalog.WarehouseStock) string {
		if ws.Low {
			return st.Warning.Render(lowMark)
		}
		return ""
	}
	var total catalog.WarehouseStock
	for _, ws := range p.Stock {
		total.OnHand += ws.OnHand
		total.Reserved += ws.Reserved
		total.InTransit += ws.InTransit
		total.OnOrder += ws.OnOrder
	}
	rows := p.Stock
	if len(p.Stock) > 1 {
		total.Code = "Total"
		rows = append(rows[:len(rows):len(rows)], total)
	}
	switch {
	case w >= wideFrom:
		code := w - 1 - 54
		cells := func(c, a, b, d, e, f, g string) string {
			return " " + ui.Fit(c, code) + " " + ui.FitRight(a, 8) + " " + ui.FitRight(b, 8) + " " + ui.FitRight(d, 9) +
				" " + ui.FitRight(e, 10) + " " + ui.FitRight(f, 8) + " " + ui.Fit(g, 5)
		}
		add(st.TableHeader.Render(cells("Stock", "On hand", "Reserved", "Available", "In transit", "On order", "")))
		for _, ws := range rows {
			name := ws.Code
			if ws.Name != "" {
				name += " " + ws.Name
			}
			add(cells(name, n(ws.OnHand), n(ws.Reserved), n(ws.Available()), n(ws.InTransit), n(ws.OnOrder), low(ws)))
		}
	case w >= narrowFrom:
		code := w - 1 - 5*5 - 6
		cells := func(c, a, b, d, e, f, g string) string {
			return " " + ui.Fit(c, code) + " " + ui.FitRight(a, 4) + " " + ui.FitRight(b, 4) + " " + ui.FitRight(d, 4) +
				" " + ui.FitRight(e, 4) + " " + ui.FitRight(f, 4) + " " + ui.Fit(g, 5)
		}
		add(st.TableHeader.Render(cells("Whs", "OnH", "Res", "Av", "Trn", "Ord", "")))
		for _, ws := range rows {
			add(cells(ws.Code, n(ws.OnHand), n(ws.Reserved), n(ws.Available()), n(ws.InTransit), n(ws.OnOrder), low(ws)))
		}
		add(" " + st.Muted.Render("Trn in transit · Ord on order"))
	default:
		num := 4
		code := max(w-1-3*(num+1), 1)
		cells := func(c, a, b, d string) string {
			return " " + ui.Fit(c, code) + " " + ui.FitRight(a, num) + " " + ui.FitRight(b, num) + " " + ui.FitRight(d, num)
		}
		add(st.TableHeader.Render(cells("Whs", "OnH", "Res", "Av")))
		for _, ws := range rows {
			if ws.Code == "Total" && ws.Name == "" {
				ws.Code = "All"
			}
			add(cells(ws.Code, n(ws.OnHand), n(ws.Reserved), n(ws.Available())))
			if ws.Low {
				add("  " + low(ws))
			}
			if ws.InTransit != 0 {
				add("  in transit " + n(ws.InTransit))
			}
			if ws.OnOrder != 0 {
				add("  on order " + n(ws.OnOrder))
			}
		}
	}
}

// binLines is every place holding or reserving the product, by warehouse and pick path, with
// the lot when the product has lots.
func (s *Detail) binLines(add func(string)) {
	st, w, p := s.ctx.Styles, s.width, &s.p
	if len(p.Bins) == 0 {
		add(st.Title.Render(" Bins"))
		add(" " + st.Muted.Render("in no place"))
		return
	}
	lots := false
	for _, b := range p.Bins {
		lots = lots || b.Lot != ""
	}
	switch {
	case w >= narrowFrom:
		num := [3]int{8, 8, 9}
		lotW := 14
		heads := [3]string{"On hand", "Reserved", "Available"}
		if w < wideFrom {
			num, lotW, heads = [3]int{4, 4, 4}, 8, [3]string{"OnH", "Res", "Av"}
		}
		if !lots {
			lotW = 0
		}
		place := w - 1 - 3 - num[0] - num[1] - num[2]
		if lotW > 0 {
			place -= lotW + 1
		}
		cells := func(c, lot, a, b, d string) string {
			line := " " + ui.Fit(c, place)
			if lotW > 0 {
				line += " " + ui.Fit(lot, lotW)
			}
			return line + " " + ui.FitRight(a, num[0]) + " " + ui.FitRight(b, num[1]) + " " + ui.FitRight(d, num[2])
		}
		add(st.TableHeader.Render(cells("Bins", "Lot", heads[0], heads[1], heads[2])))
		for _, b := range p.Bins {
			add(cells(b.Warehouse+" "+b.Code, b.Lot, n(b.OnHand), n(b.Reserved), n(b.Available())))
		}
	default:
		place := max(w-1-5, 1)
		cells := func(c, a string) string { return " " + ui.Fit(c, place) + " " + ui.FitRight(a, 4) }
		add(st.TableHeader.Render(cells("Bins", "OnH")))
		for _, b := range p.Bins {
			add(cells(b.Warehouse+" "+b.Code, n(b.OnHand)))
			if b.Lot != "" {
				add("  lot " + b.Lot)
			}
			if b.Reserved != 0 {
				add("  " + n(b.Reserved) + " reserved")
			}
		}
	}
}

// movementLines is the product's movements, newest first: when, what, how many, from where to
// where, and (where there is room) who, with the reason, lot and note on a line of their own.
func (s *Detail) movementLines(add func(string)) {
	st, w, p := s.ctx.Styles, s.width, &s.p
	title := " Movements"
	switch {
	case s.loadingOlder:
		title += " " + st.Muted.Render("(loading older…)")
	case p.MoreMovements && len(p.Movements) >= maxMovements:
		title += " " + st.Muted.Render("(latest "+strconv.Itoa(len(p.Movements))+")")
	}
	add(st.Title.Render(title))
	if len(p.Movements) == 0 {
		add(" " + st.Muted.Render("none"))
		return
	}
	loc := s.ctx.Location
	for _, m := range p.Movements {
		at := m.At.In(loc)
		var extra []string
		if m.Lot != "" {
			extra = append(extra, "lot "+m.Lot)
		}
		if m.Reason != "" {
			extra = append(extra, m.Reason)
		}
		if m.Note != "" {
			extra = append(extra, m.Note)
		}
		switch {
		case w >= wideFrom:
			// time 12, kind 10, qty 5, the places and the actor share the rest.
			rest := w - 1 - 12 - 1 - 10 - 1 - 5 - 1
			actor := min(12, rest/4)
			place := max((rest-actor-1-3)/2, 1)
			add(" " + at.Format("02 Jan 15:04") + " " + ui.Fit(m.Kind, 10) + " " + ui.FitRight(n(m.Qty), 5) + " " +
				ui.Fit(m.From, place) + " → " + ui.Fit(m.To, place) + " " + ui.Fit(m.Actor, actor))
			if len(extra) > 0 {
				add(strings.Repeat(" ", 14) + st.Muted.Render(strings.Join(extra, " · ")))
			}
		case w >= narrowFrom:
			add(" " + at.Format("02 Jan 15:04") + " " + ui.Fit(m.Kind, 10) + " " + ui.FitRight(n(m.Qty), 5) + " " +
				ui.Fit(m.Actor, max(w-31, 1)))
			add("   " + m.From + " → " + m.To)
			if len(extra) > 0 {
				add("   " + st.Muted.Render(strings.Join(extra, " · ")))
			}
		default:
			add(" " + ui.Fit(at.Format("02 Jan")+" "+m.Kind, max(w-6, 1)) + " " + ui.FitRight(n(m.Qty), 4))
			if route := "  " + m.From + "→" + m.To; ui.Width(route) <= w {
				add(route)
			} else {
				add("  " + m.From)
				add("  →" + m.To)
			}
		}
	}
	if p.MoreMovements && len(p.Movements) < maxMovements {
		add(" " + st.Muted.Render("older movements follow…"))
	}
}
