package invoicepdf

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"oms/model"
)

// Document kinds.
const (
	KindInvoice    = "invoice"
	KindCreditNote = "credit_note"
)

// Party is a seller or buyer as the document prints it.
type Party struct {
	Name, Company string
	Address       []string // street lines, "postcode city", region
	Country       string   // ISO-2
	VATNumber     string   // "" when none
	Phone, Email  string   // "" when none; printed for the seller
}

// Line is one line of the document, amounts in minor units of the document's currency:
// NetMinor = Qty × UnitMinor − DiscountMinor and TotalMinor = NetMinor + TaxMinor.
type Line struct {
	SKU, Description                                         string
	Qty                                                      int64
	UnitMinor, DiscountMinor, NetMinor, TaxMinor, TotalMinor int64
	TaxRatePPM                                               int64
}

// TaxLine is the document's tax at one rate.
type TaxLine struct{ RatePPM, TaxableMinor, TaxMinor int64 }

// Document is an issued invoice or credit note as it is printed.
type Document struct {
	Kind                   string // KindInvoice or KindCreditNote
	Number                 string // e.g. "INV-2026-000123"
	Issued                 time.Time
	Credits                string // for a credit note: the invoice number it corrects
	OrderNumber            string
	Seller, Buyer          Party
	ShipTo                 *Party // nil when the same as the buyer
	Currency, BaseCurrency model.Currency
	// FXRate is units of Currency per unit of BaseCurrency, as stored ("1.0842"); "" when the
	// currencies are the same. FXDate is the day of that rate.
	FXRate                                          string
	FXDate                                          time.Time
	Lines                                           []Line
	TaxLines                                        []TaxLine // one per rate
	SubtotalMinor, TaxMinor, TotalMinor             int64
	SubtotalBaseMinor, TaxBaseMinor, TotalBaseMinor int64
	// Notes are printed under the totals: the reverse-charge or export sentence, payment terms…
	Notes []string
}

// letterCountries are the countries whose offices use US Letter rather than A4: the United
// States and Canada, and Mexico, the Philippines, Chile, Colombia, Venezuela, Puerto Rico, the
// Dominican Republic, Costa Rica, Guatemala and Panama, which follow the US paper standard.
var letterCountries = map[string]bool{
	"US": true, "CA": true, "MX": true, "PH": true, "CL": true, "CO": true,
	"VE": true, "PR": true, "DO": true, "CR": true, "GT": true, "PA": true,
}

// PaperFor is the paper size a seller established in sellerCountry (ISO 3166-1 alpha-2) prints
// on: "Letter" in the Letter countries, "A4" everywhere else.
func PaperFor(sellerCountry string) string {
	if letterCountries[strings.ToUpper(strings.TrimSpace(sellerCountry))] {
		return "Letter"
	}
	return "A4"
}

// Layout, in millimetres (fonts in points).
const (
	marginX       = 15.0
	marginTop     = 15.0
	footerSpace   = 18.0 // kept free at the bottom of each page for the footer
	lineH         = 4.2  // one line of 8–9 pt text
	cellPad       = 1.0  // space inside a table cell, left and right
	rowPad        = 0.9  // space above and below a table row's text
	headFill      = 235  // grey of table headers
	ruleGrey      = 190  // grey of the rules between table rows
	minFontShrink = 5.0  // smallest size an over-long amount is shrunk to
)

// column is one column of the lines table.
type column struct {
	head  string
	width float64 // set by sizeColumns
	align string  // "L" or "R"
	value func(l Line) string
}

// renderer draws one document.
type renderer struct {
	pdf          *fpdf.Fpdf
	d            Document
	cp1252       CoreText
	pageW, pageH float64
	tax          taxWords
	cols         []column
	title        string
	y            float64 // where the next thing is drawn
}

// taxWords are what the seller's tax is called: "VAT" in most of the world.
type taxWords struct {
	name   string // "VAT", as in "VAT summary", "VAT number"
	column string // the lines table's heading for the tax, short
}

func taxWordsFor(sellerCountry string) taxWords {
	switch strings.ToUpper(strings.TrimSpace(sellerCountry)) {
	case "US":
		return taxWords{name: "Sales tax", column: "Tax"}
	case "CA":
		return taxWords{name: "GST/HST", column: "Tax"}
	case "AU", "NZ", "SG", "IN":
		return taxWords{name: "GST", column: "GST"}
	}
	return taxWords{name: "VAT", column: "VAT"}
}

// Render writes d as a PDF to w. It refuses a document that is incomplete or does not add up,
// naming what is wrong, and writes nothing then.
func Render(w io.Writer, d Document) error {
	if d.BaseCurrency == "" {
		d.BaseCurrency = d.Currency
	}
	if err := check(d); err != nil {
		return fmt.Errorf("%s %s: %w", kindWord(d.Kind), d.Number, err)
	}
	r := newRenderer(d)
	r.draw()
	if err := r.pdf.Output(w); err != nil {
		return fmt.Errorf("%s %s: writing the PDF: %w", kindWord(d.Kind), d.Number, err)
	}
	return nil
}

func kindWord(kind string) string {
	switch kind {
	case KindCreditNote:
		return "Credit note"
	case KindInvoice:
		return "Invoice"
	}
	return "document"
}

// check refuses what a finance team would send back: a missing number, date or party, an
// unknown currency, a foreign-currency document without its rate, or figures that do not add
// up (line arithmetic, the tax summary against the lines, the totals against both).
func check(d Document) error {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	switch d.Kind {
	case KindInvoice:
		if d.Credits != "" {
			add("an invoice corrects no invoice, but Credits is %q", d.Credits)
		}
	case KindCreditNote:
		if strings.TrimSpace(d.Credits) == "" {
			add("a credit note must name the invoice it corrects")
		}
	default:
		add("kind %q is neither %q nor %q", d.Kind, KindInvoice, KindCreditNote)
	}
	if strings.TrimSpace(d.Number) == "" {
		add("no document number")
	}
	if d.Issued.IsZero() {
		add("no issue date")
	}
	if strings.TrimSpace(d.Seller.Name) == "" && strings.TrimSpace(d.Seller.Company) == "" {
		add("the seller has no name")
	}
	if strings.TrimSpace(d.Buyer.Name) == "" && strings.TrimSpace(d.Buyer.Company) == "" {
		add("the buyer has no name")
	}
	if _, err := d.Currency.Exponent(); err != nil {
		add("currency: %v", err)
	}
	if _, err := d.BaseCurrency.Exponent(); err != nil {
		add("base currency: %v", err)
	}
	if d.BaseCurrency != d.Currency {
		if _, err := model.ParseRate(d.FXRate); err != nil {
			add("amounts in %s with base currency %s need the exchange rate: %v", d.Currency, d.BaseCurrency, err)
		}
		if d.FXDate.IsZero() {
			add("the exchange rate %s→%s has no date", d.BaseCurrency, d.Currency)
		}
		if d.SubtotalBaseMinor+d.TaxBaseMinor != d.TotalBaseMinor {
			add("base-currency subtotal %s + tax %s is not the total %s", amt(d.SubtotalBaseMinor, d.BaseCurrency),
				amt(d.TaxBaseMinor, d.BaseCurrency), amt(d.TotalBaseMinor, d.BaseCurrency))
		}
	}
	if len(d.Lines) == 0 {
		add("no lines")
	}
	var net, tax int64
	taxByRate := map[int64][2]int64{}
	for i, l := range d.Lines {
		gross, err := model.Money{Minor: l.UnitMinor, Currency: d.Currency}.MulQty(l.Qty)
		switch {
		case l.Qty <= 0:
			add("line %d (%s): quantity %d is not positive", i+1, l.SKU, l.Qty)
		case err != nil:
			add("line %d (%s): %v", i+1, l.SKU, err)
		case gross.Minor-l.DiscountMinor != l.NetMinor:
			add("line %d (%s): %d × %s − %s is not the net %s", i+1, l.SKU, l.Qty, amt(l.UnitMinor, d.Currency),
				amt(l.DiscountMinor, d.Currency), amt(l.NetMinor, d.Currency))
		}
		if l.NetMinor+l.TaxMinor != l.TotalMinor {
			add("line %d (%s): net %s + tax %s is not the total %s", i+1, l.SKU, amt(l.NetMinor, d.Currency),
				amt(l.TaxMinor, d.Currency), amt(l.TotalMinor, d.Currency))
		}
		net += l.NetMinor
		tax += l.TaxMinor
		s := taxByRate[l.TaxRatePPM]
		taxByRate[l.TaxRatePPM] = [2]int64{s[0] + l.NetMinor, s[1] + l.TaxMinor}
	}
	if net != d.SubtotalMinor {
		add("the lines' net adds up to %s, not the subtotal %s", amt(net, d.Currency), amt(d.SubtotalMinor, d.Currency))
	}
	if tax != d.TaxMinor {
		add("the lines' tax adds up to %s, not the tax %s", amt(tax, d.Currency), amt(d.TaxMinor, d.Currency))
	}
	if d.SubtotalMinor+d.TaxMinor != d.TotalMinor {
		add("subtotal %s + tax %s is not the total %s", amt(d.SubtotalMinor, d.Currency),
			amt(d.TaxMinor, d.Currency), amt(d.TotalMinor, d.Currency))
	}
	seen := map[int64]bool{}
	for _, tl := range d.TaxLines {
		want, ok := taxByRate[tl.RatePPM]
		switch {
		case seen[tl.RatePPM]:
			add("the tax summary has %s%% twice", model.FormatTaxPercent(tl.RatePPM))
		case !ok:
			add("the tax summary has %s%%, which no line carries", model.FormatTaxPercent(tl.RatePPM))
		case want != [2]int64{tl.TaxableMinor, tl.TaxMinor}:
			add("the tax summary at %s%% says taxable %s, tax %s; the lines say %s, %s", model.FormatTaxPercent(tl.RatePPM),
				amt(tl.TaxableMinor, d.Currency), amt(tl.TaxMinor, d.Currency), amt(want[0], d.Currency), amt(want[1], d.Currency))
		}
		seen[tl.RatePPM] = true
	}
	for rate := range taxByRate {
		if !seen[rate] && len(d.TaxLines) > 0 {
			add("the tax summary has no line for %s%%, which lines carry", model.FormatTaxPercent(rate))
		}
	}
	if len(d.TaxLines) == 0 && len(d.Lines) > 0 {
		add("no tax summary (one line per rate, 0%% included)")
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
}

// amt is minor units of c as printed: "1,234.50 EUR".
func amt(minor int64, c model.Currency) string {
	return model.Money{Minor: minor, Currency: c}.FormatGrouped() + " " + string(c)
}

func newRenderer(d Document) *renderer {
	paper := PaperFor(d.Seller.Country)
	pdf := fpdf.New("P", "mm", paper, "")
	r := &renderer{pdf: pdf, d: d, cp1252: NewCoreText(pdf), tax: taxWordsFor(d.Seller.Country)}
	r.pageW, r.pageH = pdf.GetPageSize()
	r.title = kindWord(d.Kind) + " " + d.Number

	pdf.SetMargins(marginX, marginTop, marginX)
	pdf.SetAutoPageBreak(false, footerSpace) // rows break by hand, so the header is repeated
	pdf.SetCellMargin(cellPad)
	pdf.AliasNbPages("{nb}")
	// The same document gives the same bytes: dated by its issue, objects in a fixed order.
	pdf.SetCreationDate(d.Issued)
	pdf.SetModificationDate(d.Issued)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(r.title, true)
	pdf.SetSubject(r.title, true)
	pdf.SetAuthor(partyName(d.Seller), true)
	pdf.SetCreator("oms", true)
	pdf.SetFooterFunc(r.footer)

	cur := d.Currency
	money := func(minor int64) string { return model.Money{Minor: minor, Currency: cur}.FormatGrouped() }
	r.cols = []column{
		{head: "SKU", align: "L", value: func(l Line) string { return l.SKU }},
		{head: "Description", align: "L", value: func(l Line) string { return l.Description }},
		{head: "Qty", align: "R", value: func(l Line) string { return strconv.FormatInt(l.Qty, 10) }},
		{head: "Unit price", align: "R", value: func(l Line) string { return money(l.UnitMinor) }},
		{head: "Discount", align: "R", value: func(l Line) string { return money(l.DiscountMinor) }},
		{head: "Net", align: "R", value: func(l Line) string { return money(l.NetMinor) }},
		{head: r.tax.column + " %", align: "R", value: func(l Line) string { return model.FormatTaxPercent(l.TaxRatePPM) + "%" }},
		{head: r.tax.column, align: "R", value: func(l Line) string { return money(l.TaxMinor) }},
		{head: "Total", align: "R", value: func(l Line) string { return money(l.TotalMinor) }},
	}
	r.sizeColumns()
	return r
}

// sizeColumns makes each column of figures as wide as its widest entry and the SKU column as
// wide as the longest SKU (up to 34 mm: SKUs are what a warehouse searches for, so they should
// not break when they need not); the description takes the rest, at least 40 mm. When that
// leaves too little, the figures' columns give up width in proportion and their widest entries
// are printed a little smaller (fitCell).
func (r *renderer) sizeColumns() {
	const minDesc, maxSKU = 40.0, 34.0
	desc := -1
	fixed := 0.0
	for i := range r.cols {
		c := &r.cols[i]
		if c.head == "Description" {
			desc = i
			continue
		}
		r.font("B", 8)
		w := r.pdf.GetStringWidth(r.text(c.head))
		r.font("", 8)
		for _, l := range r.d.Lines {
			w = max(w, r.pdf.GetStringWidth(r.text(c.value(l))))
		}
		c.width = w + 2*cellPad + 1
		if c.align == "L" {
			c.width = min(c.width, maxSKU)
		}
		fixed += c.width
	}
	if rest := r.contentW() - fixed; rest < minDesc {
		scale := (r.contentW() - minDesc) / fixed
		for i := range r.cols {
			r.cols[i].width *= scale
		}
		fixed *= scale
	}
	r.cols[desc].width = r.contentW() - fixed
}

func (r *renderer) contentW() float64 { return r.pageW - 2*marginX }

// bottom is the lowest y content may reach on a page.
func (r *renderer) bottom() float64 { return r.pageH - footerSpace }

// text is s as the core fonts can print it: Windows-1252, each character outside it folded to
// its base letter ("ł" → "l", "ź" → "z") or else "?", control characters as spaces.
func (r *renderer) text(s string) string { return r.cp1252.Encode(s) }

// CoreText encodes text for fpdf's core fonts (Helvetica and friends), which hold Windows-1252:
// line breaks and tabs become spaces, other control characters go, a letter outside the set is
// printed as its base letter when it has one ("Łódź" → "Lódz"), anything else as "?". Every PDF
// oms draws with core fonts (invoices, shipping paper) writes text through one.
type CoreText struct{ cp1252 func(string) string }

// NewCoreText is the encoder of pdf's Windows-1252 translator.
func NewCoreText(pdf *fpdf.Fpdf) CoreText {
	return CoreText{cp1252: pdf.UnicodeTranslatorFromDescriptor("cp1252")}
}

// Encode is s as the core fonts print it.
func (t CoreText) Encode(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\n' || c == '\t' || c == '\r':
			b.WriteByte(' ')
		case unicode.IsControl(c):
		case t.Has(c):
			b.WriteRune(c)
		default:
			b.WriteRune(t.fold(c))
		}
	}
	return t.cp1252(b.String())
}

// Has says whether fpdf's Windows-1252 translator has c; it writes "." for what it lacks.
func (t CoreText) Has(c rune) bool { return c < 0x80 || t.cp1252(string(c)) != "." }

// letterFolds are letters that are not an accented form of another (so canonical decomposition
// does not reduce them) and typographic characters, with what to print instead.
var letterFolds = map[rune]rune{
	'Ł': 'L', 'ł': 'l', 'Đ': 'D', 'đ': 'd', 'Ħ': 'H', 'ħ': 'h', 'ı': 'i', 'Ŀ': 'L', 'ŀ': 'l',
	'Ŧ': 'T', 'ŧ': 't', 'ĸ': 'k', 'Ŋ': 'N', 'ŋ': 'n', 'ſ': 's',
	'\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2212': '-', '\u2009': ' ', '\u202f': ' ', '\u2007': ' ',
}

func (t CoreText) fold(c rune) rune {
	if f, ok := letterFolds[c]; ok {
		return f
	}
	if base := []rune(norm.NFD.String(string(c))); len(base) > 0 && base[0] != c && t.Has(base[0]) {
		return base[0]
	}
	return '?'
}

func partyName(p Party) string {
	if strings.TrimSpace(p.Name) != "" {
		return p.Name
	}
	return p.Company
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func (r *renderer) font(style string, size float64) { r.pdf.SetFont("Helvetica", style, size) }

// fitCell prints s in a cell of width w, shrinking the font for this cell only when s would
// not fit (a very large amount), so figures are never cut off or run into the next column.
func (r *renderer) fitCell(w, h float64, s, align string) {
	orig, _ := r.pdf.GetFontSize()
	for size := orig; r.pdf.GetStringWidth(s) > w-2*cellPad && size > minFontShrink; {
		size -= 0.5
		r.pdf.SetFontSize(size)
	}
	r.pdf.CellFormat(w, h, s, "", 0, align, false, 0, "")
	r.pdf.SetFontSize(orig)
}

// lines splits s (already encoded) into lines no wider than w with the current font.
func (r *renderer) lines(s string, w float64) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for _, l := range r.pdf.SplitLines([]byte(s), w) {
		out = append(out, string(l))
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// draw lays the document out: heading and parties, the lines, the tax summary beside the
// totals, the base-currency totals, the notes.
func (r *renderer) draw() {
	r.newPage()
	r.heading()
	r.y += 6
	r.table()
	r.y += 6
	r.summary()
	r.notes()
}

// newPage starts a page; after the first it says whose continuation it is.
func (r *renderer) newPage() {
	r.pdf.AddPage()
	r.y = marginTop
	if r.pdf.PageNo() > 1 {
		r.pdf.SetTextColor(90, 90, 90)
		r.font("", 9)
		r.pdf.SetXY(marginX, r.y)
		r.pdf.CellFormat(r.contentW(), lineH, r.text(r.title+" (continued)"), "", 0, "L", false, 0, "")
		r.pdf.SetTextColor(0, 0, 0)
		r.y += lineH + 3
	}
}

// ensure starts a new page unless h millimetres still fit on this one, and reports whether it did.
func (r *renderer) ensure(h float64) bool {
	if r.y+h <= r.bottom() {
		return false
	}
	r.newPage()
	return true
}

func (r *renderer) footer() {
	r.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
	r.pdf.Line(marginX, r.pageH-14, r.pageW-marginX, r.pageH-14)
	r.pdf.SetTextColor(90, 90, 90)
	r.font("", 7.5)
	left := partyName(r.d.Seller)
	if r.d.Seller.Company != "" && r.d.Seller.Company != left {
		left = r.d.Seller.Company
	}
	if r.d.Seller.VATNumber != "" {
		left += " · " + r.vatLabel() + " " + r.d.Seller.VATNumber
	}
	half := r.contentW() / 2
	r.pdf.SetXY(marginX, r.pageH-13)
	r.fitCell(half, lineH, r.text(left), "L")
	r.pdf.SetXY(marginX+half, r.pageH-13)
	r.fitCell(half, lineH, r.text(fmt.Sprintf("%s · page %d of {nb}", r.title, r.pdf.PageNo())), "R")
	r.pdf.SetTextColor(0, 0, 0)
}

func (r *renderer) vatLabel() string {
	switch r.tax.name {
	case "VAT", "GST":
		return r.tax.name + " number"
	}
	return "Tax ID"
}

// heading draws the seller (left) and the title with the document's facts (right), then the
// buyer and, when it differs, the ship-to address.
func (r *renderer) heading() {
	const rightW = 85.0
	top := r.y
	leftW := r.contentW() - rightW - 10
	rightX := r.pageW - marginX - rightW

	sellerBottom := r.party(marginX, top, leftW, "Seller", r.d.Seller)

	y := top
	r.font("B", 18)
	r.pdf.SetXY(rightX, y)
	r.fitCell(rightW, 9, r.text(r.title), "R")
	y += 9
	if r.d.Kind == KindCreditNote {
		r.font("", 10)
		r.pdf.SetXY(rightX, y)
		r.fitCell(rightW, 5, r.text("corrects invoice "+r.d.Credits), "R")
		y += 5
	}
	y += 2
	facts := [][2]string{{"Issue date", date(r.d.Issued)}}
	if r.d.OrderNumber != "" {
		facts = append(facts, [2]string{"Order", r.d.OrderNumber})
	}
	facts = append(facts, [2]string{"Currency", string(r.d.Currency)})
	for _, f := range facts {
		r.font("", 9)
		r.pdf.SetTextColor(90, 90, 90)
		r.pdf.SetXY(rightX+rightW/3, y)
		r.pdf.CellFormat(rightW/3, lineH+0.6, r.text(f[0]), "", 0, "L", false, 0, "")
		r.pdf.SetTextColor(0, 0, 0)
		r.font("B", 9)
		r.pdf.SetXY(rightX+rightW/3, y)
		r.fitCell(rightW*2/3, lineH+0.6, r.text(f[1]), "R")
		y += lineH + 0.6
	}
	r.y = max(sellerBottom, y) + 8

	top = r.y
	half := (r.contentW() - 10) / 2
	bottom := r.party(marginX, top, half, "Bill to", r.d.Buyer)
	if r.d.ShipTo != nil {
		bottom = max(bottom, r.party(marginX+half+10, top, half, "Ship to", *r.d.ShipTo))
	}
	r.y = bottom
}

// party draws a labelled address block in the column at x, w wide, from y; it returns the y
// below it. Long lines wrap within the column.
func (r *renderer) party(x, y, w float64, label string, p Party) float64 {
	r.font("B", 7.5)
	r.pdf.SetTextColor(110, 110, 110)
	r.pdf.SetXY(x, y)
	r.pdf.CellFormat(w, lineH, r.text(strings.ToUpper(label)), "", 0, "L", false, 0, "")
	r.pdf.SetTextColor(0, 0, 0)
	y += lineH + 0.5

	type row struct{ style, s string }
	var rows []row
	name, company := strings.TrimSpace(p.Name), strings.TrimSpace(p.Company)
	switch {
	case company != "" && name != "" && company != name:
		rows = append(rows, row{"B", company}, row{"", name})
	case company != "":
		rows = append(rows, row{"B", company})
	default:
		rows = append(rows, row{"B", name})
	}
	for _, a := range p.Address {
		if strings.TrimSpace(a) != "" {
			rows = append(rows, row{"", a})
		}
	}
	if c := strings.TrimSpace(p.Country); c != "" {
		rows = append(rows, row{"", strings.ToUpper(c)})
	}
	if v := strings.TrimSpace(p.VATNumber); v != "" {
		rows = append(rows, row{"", r.vatLabel() + " " + v})
	}
	for _, c := range []string{p.Phone, p.Email} {
		if c = strings.TrimSpace(c); c != "" {
			rows = append(rows, row{"", c})
		}
	}
	for _, rw := range rows {
		size := 9.0
		if rw.style == "B" {
			size = 10
		}
		r.font(rw.style, size)
		for _, l := range r.lines(r.text(rw.s), w) {
			r.pdf.SetXY(x, y)
			r.pdf.CellFormat(w, lineH+0.4, l, "", 0, "L", false, 0, "")
			y += lineH + 0.4
		}
	}
	return y
}

// tableHeader draws the lines table's header row.
func (r *renderer) tableHeader() {
	const h = 6.0
	r.font("B", 8)
	r.pdf.SetFillColor(headFill, headFill, headFill)
	x := marginX
	for _, c := range r.cols {
		r.pdf.SetXY(x, r.y)
		r.pdf.CellFormat(c.width, h, r.text(c.head), "", 0, c.align, true, 0, "")
		x += c.width
	}
	r.y += h
}

// table draws the lines, repeating the header on every page it continues to.
func (r *renderer) table() {
	r.font("", 8)
	r.pdf.SetTextColor(90, 90, 90)
	r.pdf.SetXY(marginX, r.y)
	r.pdf.CellFormat(r.contentW(), lineH, r.text("Amounts in "+string(r.d.Currency)), "", 0, "R", false, 0, "")
	r.pdf.SetTextColor(0, 0, 0)
	r.y += lineH + 1
	r.ensure(6 + lineH + 2*rowPad)
	r.tableHeader()
	for _, l := range r.d.Lines {
		r.font("", 8)
		cells := make([][]string, len(r.cols))
		n := 1
		for i, c := range r.cols {
			s := r.text(c.value(l))
			if c.align == "L" {
				cells[i] = r.lines(s, c.width)
			} else {
				cells[i] = []string{s}
			}
			n = max(n, len(cells[i]))
		}
		h := float64(n)*lineH + 2*rowPad
		if r.ensure(h) {
			r.tableHeader()
			r.font("", 8)
		}
		x := marginX
		for i, c := range r.cols {
			for j, s := range cells[i] {
				r.pdf.SetXY(x, r.y+rowPad+float64(j)*lineH)
				r.fitCell(c.width, lineH, s, c.align)
			}
			x += c.width
		}
		r.y += h
		r.pdf.SetDrawColor(ruleGrey, ruleGrey, ruleGrey)
		r.pdf.SetLineWidth(0.15)
		r.pdf.Line(marginX, r.y, r.pageW-marginX, r.y)
	}
}

// summary draws the tax per rate (left) beside the totals (right), then, when the base
// currency differs, the totals in it with the rate they were converted at.
func (r *renderer) summary() {
	const rowH = 5.0
	const boxW = 85.0
	cur, base := r.d.Currency, r.d.BaseCurrency
	money := func(minor int64, c model.Currency) string {
		return model.Money{Minor: minor, Currency: c}.FormatGrouped()
	}
	foreign := base != cur
	taxH := rowH + 6 + float64(len(r.d.TaxLines))*rowH
	totalsH := 3*rowH + 3
	if foreign {
		totalsH += 4 + 4*rowH
	}
	r.ensure(max(taxH, totalsH))
	top := r.y

	// Tax summary, one row per rate.
	r.font("B", 9)
	r.pdf.SetXY(marginX, top)
	r.pdf.CellFormat(boxW, rowH, r.text(r.tax.name+" summary"), "", 0, "L", false, 0, "")
	y := top + rowH
	widths := []float64{boxW / 3, boxW / 3, boxW / 3}
	heads := []string{"Rate", "Taxable (" + string(cur) + ")", r.tax.name + " (" + string(cur) + ")"}
	r.font("B", 8)
	r.pdf.SetFillColor(headFill, headFill, headFill)
	x := marginX
	for i, h := range heads {
		align := "R"
		if i == 0 {
			align = "L"
		}
		r.pdf.SetXY(x, y)
		r.pdf.CellFormat(widths[i], 6, "", "", 0, "", true, 0, "")
		r.pdf.SetXY(x, y)
		r.fitCell(widths[i], 6, r.text(h), align)
		x += widths[i]
	}
	y += 6
	r.font("", 8.5)
	for _, tl := range r.d.TaxLines {
		vals := []string{model.FormatTaxPercent(tl.RatePPM) + "%", money(tl.TaxableMinor, cur), money(tl.TaxMinor, cur)}
		x = marginX
		for i, v := range vals {
			align := "R"
			if i == 0 {
				align = "L"
			}
			r.pdf.SetXY(x, y)
			r.fitCell(widths[i], rowH, r.text(v), align)
			x += widths[i]
		}
		y += rowH
	}
	leftBottom := y

	// Totals in the document's currency.
	bx := r.pageW - marginX - boxW
	y = top
	totalWord := "Total"
	if r.d.Kind == KindCreditNote {
		totalWord = "Total credited"
	}
	pair := func(label, value string, style string, size float64) {
		r.font(style, size)
		r.pdf.SetXY(bx, y)
		r.pdf.CellFormat(boxW*0.55, rowH, r.text(label), "", 0, "L", false, 0, "")
		r.pdf.SetXY(bx+boxW*0.55, y)
		r.fitCell(boxW*0.45, rowH, r.text(value), "R")
		y += rowH
	}
	pair("Subtotal", money(r.d.SubtotalMinor, cur)+" "+string(cur), "", 9)
	pair(r.tax.name, money(r.d.TaxMinor, cur)+" "+string(cur), "", 9)
	r.pdf.SetDrawColor(0, 0, 0)
	r.pdf.SetLineWidth(0.3)
	r.pdf.Line(bx, y+0.5, bx+boxW, y+0.5)
	y += 1.5
	pair(totalWord, money(r.d.TotalMinor, cur)+" "+string(cur), "B", 11)

	if foreign {
		y += 4
		r.font("", 8)
		r.pdf.SetTextColor(90, 90, 90)
		r.pdf.SetXY(bx, y)
		rate, _ := model.ParseRate(r.d.FXRate) // checked in check
		r.fitCell(boxW, rowH-1, r.text(fmt.Sprintf("In %s, the base currency: %s 1 = %s %s on %s",
			base, base, cur, rate, date(r.d.FXDate))), "L")
		r.pdf.SetTextColor(0, 0, 0)
		y += rowH - 1
		pair("Subtotal", money(r.d.SubtotalBaseMinor, base)+" "+string(base), "", 8.5)
		pair(r.tax.name, money(r.d.TaxBaseMinor, base)+" "+string(base), "", 8.5)
		pair(totalWord, money(r.d.TotalBaseMinor, base)+" "+string(base), "B", 9)
	}
	r.y = max(leftBottom, y)
}

// notes prints the document's notes under everything else, wrapped to the page's width.
func (r *renderer) notes() {
	if len(r.d.Notes) == 0 {
		return
	}
	r.y += 8
	r.font("", 9)
	for _, n := range r.d.Notes {
		for _, l := range r.lines(r.text(n), r.contentW()) {
			r.ensure(lineH + 0.6)
			r.pdf.SetXY(marginX, r.y)
			r.pdf.CellFormat(r.contentW(), lineH+0.6, l, "", 0, "L", false, 0, "")
			r.y += lineH + 0.6
		}
		r.y += 1.5
	}
}
