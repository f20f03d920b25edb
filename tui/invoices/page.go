package invoices

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"oms/db/invoicing"
	"oms/model"
	"oms/tui/ui"
)

// DocData is what a document's page reads.
type DocData interface {
	Document(ctx context.Context, number string) (invoicing.IssuedDocument, error)
}

// DocDef is a document's page in the route table, opened by Open (not top-level).
func DocDef(data DocData) ui.Def {
	return ui.Def{Route: DocRoute, Title: "Invoice", Short: "Invoice",
		Build: func(c *ui.Context, arg any) ui.Component {
			ref, _ := arg.(DocRef)
			return NewPage(c, data, ref)
		},
		Jobs: Jobs}
}

// Page is one issued document, scrolled as one: header, parties, lines, tax summary, totals
// and notes. Issued documents never change, so it refetches only on its refresh key.
type Page struct {
	ctx   *ui.Context
	id    ui.InstanceID
	ref   DocRef
	fetch *ui.Fetcher[string, invoicing.IssuedDocument]

	d                      invoicing.IssuedDocument
	loaded, stale, missing bool

	width, height int
	lines         []string
	top           int
}

// NewPage builds the page of ref; Init loads it.
func NewPage(c *ui.Context, data DocData, ref DocRef) *Page {
	p := &Page{ctx: c, id: ui.NewInstanceID(), ref: ref}
	p.fetch = ui.NewFetcher(c, p.id, "invoice document", func(number string) ui.Query[invoicing.IssuedDocument] {
		return func(ctx context.Context) (invoicing.IssuedDocument, error) { return data.Document(ctx, number) }
	})
	return p
}

func (p *Page) ID() ui.InstanceID { return p.id }
func (p *Page) Title() string     { return p.ref.Number }
func (p *Page) Init() tea.Cmd     { return p.fetch.Want(p.ref.Number) }

func (p *Page) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case ui.Result:
		a, mine, ok, next := p.fetch.Take(msg)
		if mine && ok {
			switch {
			case a.Err == nil:
				p.d, p.loaded, p.stale, p.missing = a.Value, true, false, false
			case errors.Is(a.Err, invoicing.ErrNoDocument):
				p.missing = true
			default:
				p.stale = true // what is shown stays, said to be old
			}
			p.layout()
		}
		return next
	case tea.KeyMsg:
		l := &p.ctx.Keys.List
		page := max(p.height-1, 1)
		switch {
		case key.Matches(msg, l.Down):
			p.scroll(1)
		case key.Matches(msg, l.Up):
			p.scroll(-1)
		case key.Matches(msg, l.PageDown):
			p.scroll(page)
		case key.Matches(msg, l.PageUp):
			p.scroll(-page)
		case key.Matches(msg, l.Top):
			p.scroll(-len(p.lines))
		case key.Matches(msg, l.Bottom):
			p.scroll(len(p.lines))
		case key.Matches(msg, p.ctx.Keys.Invoices.Refresh):
			return p.fetch.Want(p.ref.Number)
		}
	}
	return nil
}

func (p *Page) scroll(delta int) {
	p.top = max(min(p.top+delta, len(p.lines)-p.height), 0)
}

func (p *Page) ShortHelp() []key.Binding {
	l := &p.ctx.Keys.List
	return []key.Binding{l.Down, l.Up, l.PageDown, p.ctx.Keys.Invoices.Refresh}
}

func (p *Page) FullHelp() [][]key.Binding {
	l := &p.ctx.Keys.List
	return [][]key.Binding{{l.Up, l.Down, l.PageUp, l.PageDown}, {l.Top, l.Bottom, p.ctx.Keys.Invoices.Refresh}}
}

func (p *Page) SetSize(w, h int) {
	p.width, p.height = w, h
	p.layout()
}

// View draws the laid-out lines from the scroll position.
func (p *Page) View() string {
	end := min(p.top+p.height, len(p.lines))
	return ui.Clamp(strings.Join(p.lines[min(p.top, end):end], "\n"), p.width, p.height)
}

func money(minor int64, c model.Currency) string {
	return model.Money{Minor: minor, Currency: c}.FormatGrouped()
}

// Rate says the document's stored rate as it was stored: "1 EUR = 1.0842 USD", or, for a rate
// stored the other way round, "1 GBP = 1.1737 EUR".
func Rate(d invoicing.IssuedDocument) string {
	if d.FXInverse {
		return "1 " + string(d.Currency) + " = " + d.FXRate + " " + string(d.BaseCurrency)
	}
	return "1 " + string(d.BaseCurrency) + " = " + d.FXRate + " " + string(d.Currency)
}

// layout builds the page's lines for the width: below 60 columns a document line takes three
// lines (what, quantity and net, tax and total) instead of one row of a table.
func (p *Page) layout() {
	st := p.ctx.Styles
	w := p.width
	var out []string
	add := func(line string) { out = append(out, ui.Fit(line, w)) }
	switch {
	case p.missing:
		add(" " + p.ref.Number + ": no such document")
		p.lines = out
		return
	case !p.loaded:
		add(" " + p.ref.Number + " " + st.Muted.Render("loading…"))
		p.lines = out
		return
	}
	d := &p.d
	short := w < 40
	label := 10
	if short {
		label = 8
	}
	// A value too wide for its line goes under its label.
	field := func(name, value string) {
		if 1+label+ui.Width(value) > w {
			add(" " + name)
			for _, l := range ui.Wrap(value, max(w-2, 1)) {
				add("  " + l)
			}
			return
		}
		add(" " + ui.Fit(name, label) + value)
	}
	kind := "Invoice"
	if d.Kind == invoicing.CreditNote {
		kind = "Credit note"
	}
	head := " " + d.Number + " · " + kind
	if short || ui.Width(head) > w {
		head = " " + d.Number
	}
	if p.stale {
		head = ui.Fit(head, w-8) + st.Muted.Render(" (stale)")
	}
	add(st.Title.Render(head))
	if short {
		field("Kind", strings.ToLower(kind))
	}
	issued := d.IssuedAt.In(p.ctx.Location)
	if short {
		field("Issued", issued.Format("2006-01-02"))
	} else {
		field("Issued", issued.Format("2 Jan 2006 15:04 MST"))
	}
	order := d.OrderNumber
	if d.OrderExternal != "" && d.OrderExternal != d.OrderNumber && !short {
		order += " (" + d.OrderExternal + ")"
	}
	field("Order", order)
	if d.Credits != "" {
		field("Corrects", d.Credits)
	}
	add("")
	party := func(name string, pt invoicing.Party) {
		who := pt.Name
		if pt.Country != "" {
			who += " · " + pt.Country
		}
		field(name, who)
		vat := pt.VATNumber
		if vat == "" {
			vat = "—"
		}
		field("VAT no.", vat)
	}
	party("Seller", d.Seller)
	buyer := d.Buyer
	if d.BillTo != nil && d.BillTo.Company != "" {
		buyer.Name += " (" + d.BillTo.Company + ")"
	}
	party("Buyer", buyer)

	add("")
	cur := d.Currency
	if w >= 60 {
		const qtyW, unitW, netW, rateW, taxW, totW = 4, 9, 10, 5, 9, 10
		descW := w - (1 + 12 + 1 + 1 + qtyW + 1 + unitW + 1 + netW + 1 + rateW + 1 + taxW + 1 + totW)
		cells := func(sku, desc, qty, unit, net, rate, tax, tot string) string {
			return " " + ui.Fit(sku, 12) + " " + ui.Fit(desc, descW) + " " + ui.FitRight(qty, qtyW) + " " +
				ui.FitRight(unit, unitW) + " " + ui.FitRight(net, netW) + " " + ui.FitRight(rate, rateW) + " " +
				ui.FitRight(tax, taxW) + " " + ui.FitRight(tot, totW)
		}
		add(st.TableHeader.Render(ui.Fit(cells("SKU", "Description", "Qty", "Unit", "Net", "VAT%", "VAT", "Total"), w)))
		for _, l := range d.Lines {
			add(cells(l.SKU, l.Description, strconv.FormatInt(l.Qty, 10), money(l.UnitMinor, cur),
				money(l.Qty*l.UnitMinor-l.DiscountMinor, cur), model.FormatTaxPercent(l.TaxRatePPM),
				money(l.TaxMinor, cur), money(l.TotalMinor, cur)))
		}
	} else {
		add(st.TableHeader.Render(ui.Fit(" Lines ("+string(cur)+")", w)))
		for _, l := range d.Lines {
			what := l.SKU
			if what == "" {
				what = l.Description
			} else if !short {
				what += " " + l.Description
			}
			add(" " + what)
			qty := strconv.FormatInt(l.Qty, 10) + " × " + money(l.UnitMinor, cur)
			if l.DiscountMinor != 0 {
				qty += " − " + money(l.DiscountMinor, cur)
			}
			add(ui.FitRight(qty+" = "+money(l.Qty*l.UnitMinor-l.DiscountMinor, cur), w))
			add(ui.FitRight(model.FormatTaxPercent(l.TaxRatePPM)+"% "+money(l.TaxMinor, cur)+" → "+money(l.TotalMinor, cur), w))
		}
	}

	add("")
	numW := 12
	rateCol := max(w-1-2*(numW+1), 1)
	tax := func(a, b, c string) string {
		return " " + ui.Fit(a, rateCol) + " " + ui.FitRight(b, numW) + " " + ui.FitRight(c, numW)
	}
	switch {
	case short:
		add(st.TableHeader.Render(ui.Fit(" Tax summary", w)))
		for _, t := range d.TaxLines {
			add(" " + model.FormatTaxPercent(t.RatePPM) + "% of " + money(t.TaxableMinor, cur))
			add(ui.FitRight("VAT "+money(t.TaxMinor, cur), w))
		}
	default:
		head := "VAT %"
		if w >= 60 {
			head = "Tax summary, VAT %"
		}
		add(st.TableHeader.Render(ui.Fit(tax(head, "Taxable", "VAT"), w)))
		for _, t := range d.TaxLines {
			add(tax(model.FormatTaxPercent(t.RatePPM)+"%", money(t.TaxableMinor, cur), money(t.TaxMinor, cur)))
		}
	}

	add("")
	amountW := max(min(w-1-label-1, 20), 1)
	total := func(name string, minor int64, c model.Currency) {
		add(" " + ui.Fit(name, label) + " " + ui.FitRight(money(minor, c)+" "+string(c), amountW))
	}
	total("Subtotal", d.Subtotal, cur)
	total("VAT", d.Tax, cur)
	total("Total", d.Total, cur)
	if d.Currency != d.BaseCurrency {
		add("")
		for _, l := range ui.Wrap("In "+string(d.BaseCurrency)+" at "+Rate(*d)+" of "+d.FXDate.Format(time.DateOnly)+":", max(w-2, 1)) {
			add(" " + l)
		}
		total("Subtotal", d.SubtotalBase, d.BaseCurrency)
		total("VAT", d.TaxBase, d.BaseCurrency)
		total("Total", d.TotalBase, d.BaseCurrency)
	}
	if d.Notes != "" {
		add("")
		add(st.Title.Render(" Notes"))
		for _, l := range ui.Wrap(d.Notes, max(w-2, 1)) {
			add(" " + l)
		}
	}
	p.lines = out
	p.scroll(0)
}
