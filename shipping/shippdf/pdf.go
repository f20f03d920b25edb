package shippdf

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"oms/invoicepdf"
	"oms/model"
)

// Shared measures, in millimetres (fonts in points).
const (
	cellPad  = 1.0 // space inside a table cell, left and right
	headFill = 235 // grey of table headers
	ruleGrey = 190 // grey of the rules between table rows
	minFont  = 5.0 // smallest size an over-long value is shrunk to
)

// sheet is one document being drawn: fpdf plus the text rules every document here shares.
type sheet struct {
	pdf          *fpdf.Fpdf
	cp1252       invoicepdf.CoreText
	pageW, pageH float64
	margin       float64
	y            float64 // where the next thing is drawn
}

// meta is what a document says about itself in the PDF's properties.
type meta struct {
	title, author string
	// date stamps the file. It comes from the document (ship date, order date, closing time),
	// never the clock, so the same document always gives the same bytes.
	date time.Time
}

// newOfficeSheet starts a document on office paper ("A4" or "Letter").
func newOfficeSheet(paper string, margin float64, m meta) *sheet {
	return newSheet(fpdf.New("P", "mm", paper, ""), margin, m)
}

// newSheetOfSize starts a document on paper of w × h millimetres (the 4×6 label).
func newSheetOfSize(w, h, margin float64, m meta) *sheet {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	return newSheet(pdf, margin, m)
}

func newSheet(pdf *fpdf.Fpdf, margin float64, m meta) *sheet {
	s := &sheet{pdf: pdf, cp1252: invoicepdf.NewCoreText(pdf), margin: margin}
	s.pageW, s.pageH = pdf.GetPageSize()
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(false, margin) // rows break by hand, so table headers are repeated
	pdf.SetCellMargin(cellPad)
	pdf.AliasNbPages("{nb}")
	pdf.SetCreationDate(m.date)
	pdf.SetModificationDate(m.date)
	pdf.SetCatalogSort(true)
	pdf.SetTitle(m.title, true)
	pdf.SetSubject(m.title, true)
	pdf.SetAuthor(m.author, true)
	pdf.SetCreator("oms", true)
	return s
}

// bytes is the finished PDF.
func (s *sheet) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := s.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("writing the PDF: %w", err)
	}
	return buf.Bytes(), nil
}

func (s *sheet) contentW() float64 { return s.pageW - 2*s.margin }

func (s *sheet) font(style string, size float64) { s.pdf.SetFont("Helvetica", style, size) }

func (s *sheet) grey(level int) { s.pdf.SetTextColor(level, level, level) }

// text is t as the core fonts can print it (invoicepdf.CoreText: Windows-1252, other letters
// folded to their base letter or "?"), the same rule as invoices, so an address reads the same
// on the invoice and on the parcel.
func (s *sheet) text(t string) string { return s.cp1252.Encode(t) }

// cell prints t (already encoded) at x, y in a cell w wide, shrinking the font for this cell
// only when t would not fit, so a long value is never cut off or run into its neighbour.
func (s *sheet) cell(x, y, w, h float64, t, align string) {
	orig, _ := s.pdf.GetFontSize()
	for size := orig; s.pdf.GetStringWidth(t) > w-2*cellPad && size > minFont; {
		size -= 0.5
		s.pdf.SetFontSize(size)
	}
	s.pdf.SetXY(x, y)
	s.pdf.CellFormat(w, h, t, "", 0, align, false, 0, "")
	s.pdf.SetFontSize(orig)
}

// wrap splits t (already encoded) into lines that fit a cell w wide in the current font
// (SplitLines leaves room for the cell's padding itself).
func (s *sheet) wrap(t string, w float64) []string {
	var out []string
	for _, l := range s.pdf.SplitLines([]byte(t), w) {
		out = append(out, string(l))
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// caption is the small grey capitals that name a block ("SHIP TO").
func (s *sheet) caption(x, y, w float64, t string) {
	s.font("B", 6.5)
	s.grey(100)
	s.cell(x, y, w, 3, s.text(strings.ToUpper(t)), "L")
	s.grey(0)
}

// rule draws a horizontal line across the content width at y.
func (s *sheet) rule(y, width float64, grey int) {
	s.pdf.SetDrawColor(grey, grey, grey)
	s.pdf.SetLineWidth(width)
	s.pdf.Line(s.margin, y, s.pageW-s.margin, y)
}

// box outlines a rectangle in thin black.
func (s *sheet) box(x, y, w, h float64) {
	s.pdf.SetDrawColor(0, 0, 0)
	s.pdf.SetLineWidth(0.2)
	s.pdf.Rect(x, y, w, h, "D")
}

// column is one column of a table: its heading, width and how a row prints in it.
type column[R any] struct {
	head  string
	width float64
	align string // "L" or "R"
	// whole marks an identifier (SSCC, tracking number): it is shrunk to fit rather than
	// wrapped, because a number broken over two lines cannot be read out or keyed in.
	whole bool
	value func(row R) string
}

// tableHeader draws cols' headings on a grey band at s.y.
func tableHeader[R any](s *sheet, cols []column[R], size float64) {
	const h = 6.0
	s.font("B", size)
	s.pdf.SetFillColor(headFill, headFill, headFill)
	s.pdf.Rect(s.margin, s.y, s.contentW(), h, "F")
	x := s.margin
	for _, c := range cols {
		s.cell(x, s.y, c.width, h, s.text(c.head), c.align)
		x += c.width
	}
	s.y += h
}

// tableRow draws one row at s.y: left-aligned text wraps, figures and identifiers shrink to fit. It returns
// the row's height without drawing when dryRun is set, so a caller can break the page first.
func tableRow[R any](s *sheet, cols []column[R], row R, size, lineH float64, dryRun bool) float64 {
	const rowPad = 0.9
	s.font("", size)
	cells := make([][]string, len(cols))
	n := 1
	for i, c := range cols {
		t := s.text(c.value(row))
		if c.align == "L" && !c.whole {
			cells[i] = s.wrap(t, c.width)
		} else {
			cells[i] = []string{t}
		}
		n = max(n, len(cells[i]))
	}
	h := float64(n)*lineH + 2*rowPad
	if dryRun {
		return h
	}
	x := s.margin
	for i, c := range cols {
		for j, t := range cells[i] {
			s.cell(x, s.y+rowPad+float64(j)*lineH, c.width, lineH, t, c.align)
		}
		x += c.width
	}
	s.y += h
	s.rule(s.y, 0.15, ruleGrey)
	return h
}

// fillWidth gives the column named grow whatever width the others leave.
func fillWidth[R any](s *sheet, cols []column[R], grow string) {
	used := 0.0
	for _, c := range cols {
		if c.head != grow {
			used += c.width
		}
	}
	for i := range cols {
		if cols[i].head == grow {
			cols[i].width = s.contentW() - used
		}
	}
}

// addressLines is an address as it is written on post: name, company, street lines, the town
// line in the country's order, the country's name in capitals (UPU S42: the last line names
// the country, so sorting offices abroad need not know ISO codes).
func addressLines(a model.Address) []string {
	var out []string
	for _, row := range addressRows(a) {
		out = append(out, row.text)
	}
	return out
}

// addressRow is one line of an address, with whether it is what a sorter reads first: the
// addressee's name, the town line and the country, which a label prints bold.
type addressRow struct {
	text string
	key  bool
}

func addressRows(a model.Address) []addressRow {
	var rows []addressRow
	for i, l := range nonEmpty(a.Name, a.Company, a.Line1, a.Line2) {
		rows = append(rows, addressRow{l, i == 0})
	}
	for _, l := range townLines(a) {
		rows = append(rows, addressRow{l, true})
	}
	if c := countryName(a.Country); c != "" {
		rows = append(rows, addressRow{strings.ToUpper(c), true})
	}
	return rows
}

// townLines is the postcode, town and region in the order the country's post reads them:
// "San Francisco, CA 94105" in North America and Australia, the town above the postcode in the
// UK, "postcode town" elsewhere.
func townLines(a model.Address) []string {
	city, region, post := strings.TrimSpace(a.City), strings.TrimSpace(a.Region), strings.TrimSpace(a.PostalCode)
	join := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p != "" {
				kept = append(kept, p)
			}
		}
		return strings.Join(kept, " ")
	}
	switch strings.ToUpper(a.Country) {
	case "US", "CA", "AU":
		if region != "" {
			city += ","
		}
		return nonEmpty(join(city, region, post))
	case "GB", "IE":
		return nonEmpty(city, region, post)
	}
	lines := nonEmpty(join(post, city))
	if region != "" && !strings.EqualFold(region, city) {
		lines = append(lines, region)
	}
	return lines
}

func nonEmpty(lines ...string) []string {
	var out []string
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" && l != "," {
			out = append(out, l)
		}
	}
	return out
}

// countryName is the English name of an ISO 3166-1 alpha-2 code ("NL" → "Netherlands"), or
// the code itself when it names no region.
func countryName(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	region, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.English.Regions().Name(region); name != "" {
		return name
	}
	return code
}

// partyName is how a party is named in a document's properties and signatures.
func partyName(a model.Address) string {
	if c := strings.TrimSpace(a.Company); c != "" {
		return c
	}
	return strings.TrimSpace(a.Name)
}

// kg is grams as kilograms with three decimals ("1.250 kg"): exact, and what customs forms and
// carriers' manifests expect.
func kg(grams int64) string { return fmt.Sprintf("%d.%03d kg", grams/1000, grams%1000) }

// isCountryCode says whether c is a current ISO 3166-1 alpha-2 country code in capitals:
// "GB", not the retired "UK" or "SU", nor a grouping such as "EU".
func isCountryCode(c string) bool {
	if len(c) != 2 || c != strings.ToUpper(c) {
		return false
	}
	r, err := language.ParseRegion(c)
	return err == nil && r.IsCountry() && r.Canonicalize().String() == c && display.English.Regions().Name(r) != ""
}

// problems collects what is wrong with a document, so one refusal names all of it.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

func (p problems) err(what string) error {
	if len(p) == 0 {
		return nil
	}
	return fmt.Errorf("%s: %w", what, errors.New(strings.Join(p, "; ")))
}

// checkAddress adds a problem for an address post cannot deliver to: no name, no town, no
// valid country.
func (p *problems) checkAddress(who string, a model.Address) {
	if partyName(a) == "" {
		p.add("%s has no name", who)
	}
	if strings.TrimSpace(a.Line1) == "" {
		p.add("%s has no street line", who)
	}
	if strings.TrimSpace(a.City) == "" {
		p.add("%s has no town", who)
	}
	if !isCountryCode(a.Country) {
		p.add("%s's country %q is not an ISO 3166 code", who, a.Country)
	}
}
