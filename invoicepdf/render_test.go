package invoicepdf

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rsc.io/pdf"

	"oms/model"
)

// The tests read the PDFs back with rsc.io/pdf, a PDF reader in Go, and check the text a
// reader of the document would see, so they need no tool installed.

var (
	issued = time.Date(2026, 11, 30, 10, 30, 0, 0, time.UTC)
	seller = Party{
		Company:   "Nordlicht Handels GmbH",
		Address:   []string{"Müllerstraße 12", "10115 Berlin"},
		Country:   "DE",
		VATNumber: "DE123456789",
	}
	buyer = Party{
		Name:      "Zoë Ångström",
		Company:   "Bałtyk Import Sp. z o.o.",
		Address:   []string{"ul. Piotrkowska 104", "90-001 Łódź"},
		Country:   "PL",
		VATNumber: "PL5260250995",
	}
	shipTo = Party{
		Name:    "Jan Müller",
		Company: "Bałtyk Import, magazyn",
		Address: []string{"ul. Portowa 3", "81-001 Gdynia"},
		Country: "PL",
	}
)

// line builds a line whose net, tax and total add up, tax rounded as the model rounds it.
func line(t testing.TB, sku, desc string, qty, unit, discount, ratePPM int64) Line {
	t.Helper()
	net := qty*unit - discount
	_, tax, err := model.LineTax(net, ratePPM, model.TaxExclusive)
	if err != nil {
		t.Fatal(err)
	}
	return Line{SKU: sku, Description: desc, Qty: qty, UnitMinor: unit, DiscountMinor: discount,
		NetMinor: net, TaxMinor: tax, TotalMinor: net + tax, TaxRatePPM: ratePPM}
}

// withTotals fills the tax summary and totals from the lines, the base-currency amounts with
// model.Totals at the document's rate.
func withTotals(t testing.TB, d Document) Document {
	t.Helper()
	var ml []model.InvoiceLine
	for _, l := range d.Lines {
		ml = append(ml, model.InvoiceLine{Qty: l.Qty, UnitMinor: l.UnitMinor, DiscountMinor: l.DiscountMinor,
			TaxMinor: l.TaxMinor, TaxRatePPM: l.TaxRatePPM})
	}
	rateText := d.FXRate
	if rateText == "" {
		rateText = "1"
	}
	rate, err := model.ParseRate(rateText)
	if err != nil {
		t.Fatal(err)
	}
	tot, err := model.Totals(ml, d.Currency, d.BaseCurrency, rate)
	if err != nil {
		t.Fatal(err)
	}
	d.TaxLines = nil
	for _, tl := range tot.TaxLines {
		d.TaxLines = append(d.TaxLines, TaxLine{RatePPM: tl.RatePPM, TaxableMinor: tl.TaxableMinor, TaxMinor: tl.TaxMinor})
	}
	d.SubtotalMinor, d.TaxMinor, d.TotalMinor = tot.Subtotal, tot.Tax, tot.Total
	d.SubtotalBaseMinor, d.TaxBaseMinor, d.TotalBaseMinor = tot.SubtotalBase, tot.TaxBase, tot.TotalBase
	return d
}

// exampleInvoice is a German seller's EUR invoice to a Polish business: the goods are an
// intra-Community supply (reverse charge, 0 %), the workshop tickets are admission to an event
// in Berlin and so carry German VAT (19 %). 40 lines, so it runs onto a second page. It is
// also the README's picture.
func exampleInvoice(t testing.TB) Document {
	d := Document{
		Kind: KindInvoice, Number: "INV-2026-000123", Issued: issued, OrderNumber: "SO-0001763",
		Seller: seller, Buyer: buyer, ShipTo: &shipTo,
		Currency: "EUR", BaseCurrency: "EUR",
		Notes: []string{
			model.ReverseChargeNote,
			"Payment within 30 days of the issue date to IBAN DE89 3704 0044 0532 0130 00, quoting INV-2026-000123.",
		},
	}
	d.Lines = append(d.Lines,
		line(t, "APP-SCK-RST-4346", "Merino socks, rust", 3, 1250, 0, 0),
		line(t, "WKS-BER-2612", "Workshop ticket: stock planning for small shops, Berlin, 2026-12-08 "+
			"(admission to an event, taxed where the event takes place)", 2, 14900, 1490, 190000),
	)
	for i := 3; i <= 40; i++ {
		d.Lines = append(d.Lines, line(t, fmt.Sprintf("BOK-97819000%05d", i*37),
			fmt.Sprintf("Notebook, dotted, A5, pack %d", i), int64(i%7+1), 895+int64(i)*10, 0, 0))
	}
	return withTotals(t, d)
}

// readmeInvoice is the example invoice cut to its first ten lines, so that its one page shows
// everything an invoice has: the parties, lines, tax per rate, totals and notes.
func readmeInvoice(t testing.TB) Document {
	d := exampleInvoice(t)
	d.Lines = d.Lines[:10]
	return withTotals(t, d)
}

// exampleCreditNote credits part of the invoice in USD; the seller keeps its books in EUR.
func exampleCreditNote(t testing.TB) Document {
	d := Document{
		Kind: KindCreditNote, Number: "CN-2026-000007", Issued: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC),
		Credits: "INV-2026-000123", OrderNumber: "SO-0001763",
		Seller: seller, Buyer: buyer,
		Currency: "USD", BaseCurrency: "EUR", FXRate: "1.084200000000", FXDate: issued,
		Notes: []string{"Credited for 1 pair of socks returned damaged (RMA-000042)."},
	}
	d.Lines = []Line{
		line(t, "APP-SCK-RST-4346", "Merino socks, rust", 1, 1355, 0, 0),
		line(t, "WKS-BER-2612", "Workshop ticket, Berlin, 2026-12-08", 1, 16154, 0, 190000),
	}
	return withTotals(t, d)
}

func render(t testing.TB, d Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t testing.TB, b []byte) *pdf.Reader {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("the PDF does not read back: %v", err)
	}
	return r
}

// run is one piece of text shown on a page, at its start in points from the bottom left.
type run struct {
	x, y float64
	s    string
}

// pageLines is the text of page n as lines, top to bottom, pieces on a line left to right
// joined by a space. It interprets the page's content stream: the text position (Td, Tm) and
// the strings shown (Tj, TJ), decoded with the font's encoding.
func pageLines(t testing.TB, r *pdf.Reader, n int) []string {
	t.Helper()
	p := r.Page(n)
	if p.V.IsNull() {
		t.Fatalf("page %d does not exist", n)
	}
	var runs []run
	var enc pdf.TextEncoding
	var x, y float64
	pdf.Interpret(p.V.Key("Contents"), func(stk *pdf.Stack, op string) {
		args := make([]pdf.Value, stk.Len())
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "BT":
			x, y = 0, 0
		case "Tf":
			enc = p.Font(args[0].Name()).Encoder()
		case "Td":
			x, y = x+args[0].Float64(), y+args[1].Float64()
		case "Tm":
			x, y = args[4].Float64(), args[5].Float64()
		case "Tj":
			runs = append(runs, run{x, y, enc.Decode(args[0].RawString())})
		case "TJ":
			var s strings.Builder
			for i := 0; i < args[0].Len(); i++ {
				if v := args[0].Index(i); v.Kind() == pdf.String {
					s.WriteString(enc.Decode(v.RawString()))
				}
			}
			runs = append(runs, run{x, y, s.String()})
		}
	})
	// Top to bottom; pieces whose baselines are within 2 pt share a line (a shrunk amount sits
	// a little lower than its neighbours).
	slices.SortStableFunc(runs, func(a, b run) int {
		switch {
		case a.y > b.y:
			return -1
		case a.y < b.y:
			return 1
		}
		return 0
	})
	var lines []string
	for i := 0; i < len(runs); {
		j := i + 1
		for j < len(runs) && runs[i].y-runs[j].y < 2 {
			j++
		}
		group := slices.Clone(runs[i:j])
		slices.SortStableFunc(group, func(a, b run) int {
			switch {
			case a.x < b.x:
				return -1
			case a.x > b.x:
				return 1
			}
			return 0
		})
		var parts []string
		for _, g := range group {
			if s := strings.TrimSpace(g.s); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			lines = append(lines, strings.Join(parts, " "))
		}
		i = j
	}
	return lines
}

func allText(t testing.TB, r *pdf.Reader) string {
	var pages []string
	for n := 1; n <= r.NumPage(); n++ {
		pages = append(pages, strings.Join(pageLines(t, r, n), "\n"))
	}
	return strings.Join(pages, "\n")
}

// expectText fails for each piece a reader would look for and not find. Pieces are matched
// with any run of white space (a line break included) as one space.
func expectText(t *testing.T, name, text string, want ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("%s: no %q in the text:\n%s", name, w, text)
		}
	}
}

func TestInvoiceReadsBack(t *testing.T) {
	d := exampleInvoice(t)
	d.Seller.Phone, d.Seller.Email = "+49 30 1234567", "rechnung@nordlicht.example"
	r := open(t, render(t, d))
	if n := r.NumPage(); n != 2 {
		t.Errorf("the 40-line invoice has %d pages, want 2\n%s", n, allText(t, r))
	}
	text := allText(t, r)
	eur := func(minor int64) string { return model.Money{Minor: minor, Currency: "EUR"}.FormatGrouped() }
	expectText(t, "invoice", text,
		"Invoice INV-2026-000123",
		"Issue date 2026-11-30",
		"Order SO-0001763",
		"Currency EUR",
		// parties: names in Windows-1252 come out exactly; Ł and ź are not in it and print as
		// their base letters
		"Nordlicht Handels GmbH", "Müllerstraße 12", "10115 Berlin", "VAT number DE123456789",
		"+49 30 1234567", "rechnung@nordlicht.example",
		"BILL TO", "Baltyk Import Sp. z o.o.", "Zoë Ångström", "90-001 Lódz", "VAT number PL5260250995",
		"SHIP TO", "Jan Müller", "81-001 Gdynia",
		// the table and two of its lines
		"Amounts in EUR",
		"SKU Description Qty Unit price Discount Net VAT % VAT Total",
		"APP-SCK-RST-4346 Merino socks, rust 3 12.50 0.00 37.50 0% 0.00 37.50",
		"WKS-BER-2612 Workshop ticket: stock planning",
		"2 149.00 14.90 283.10 19% 53.79 336.89",
		"taxed where the event takes place)", // a description wraps within its column
		// the summary per rate and the totals
		"VAT summary",
		"Rate Taxable (EUR) VAT (EUR)",
		"0% "+eur(d.TaxLines[0].TaxableMinor)+" 0.00",
		"19% 283.10 53.79",
		"Subtotal "+eur(d.SubtotalMinor)+" EUR",
		"VAT 53.79 EUR",
		"Total "+eur(d.TotalMinor)+" EUR",
		// the notes, whole, though they wrap
		model.ReverseChargeNote,
		"quoting INV-2026-000123.",
		"page 1 of 2", "page 2 of 2",
	)
	if strings.Contains(text, "base currency") {
		t.Errorf("an invoice in its base currency shows base-currency totals:\n%s", text)
	}

	// Page 2 continues the table under its header.
	page2 := pageLines(t, r, 2)
	if len(page2) < 3 || page2[0] != "Invoice INV-2026-000123 (continued)" ||
		page2[1] != "SKU Description Qty Unit price Discount Net VAT % VAT Total" {
		t.Errorf("page 2 does not start with the continued table's header:\n%s", strings.Join(page2, "\n"))
	}
	if !strings.HasPrefix(page2[2], "BOK-") {
		t.Errorf("page 2's first row is %q, want a line of the order", page2[2])
	}
	page1 := strings.Join(pageLines(t, r, 1), "\n")
	for _, l := range d.Lines {
		if !strings.Contains(text, l.SKU) {
			t.Errorf("line %s is missing", l.SKU)
		}
	}
	if strings.Contains(page1, "VAT summary") {
		t.Errorf("the summary is on page 1, so the table did not run over")
	}
}

func TestCreditNoteReadsBack(t *testing.T) {
	d := exampleCreditNote(t)
	r := open(t, render(t, d))
	text := allText(t, r)
	usd := func(minor int64) string { return model.Money{Minor: minor, Currency: "USD"}.FormatGrouped() }
	eur := func(minor int64) string { return model.Money{Minor: minor, Currency: "EUR"}.FormatGrouped() }
	expectText(t, "credit note", text,
		"Credit note CN-2026-000007",
		"corrects invoice INV-2026-000123",
		"Issue date 2026-12-03",
		"Order SO-0001763",
		"Currency USD",
		"VAT number DE123456789", "VAT number PL5260250995",
		"Amounts in USD",
		"APP-SCK-RST-4346 Merino socks, rust 1 13.55 0.00 13.55 0% 0.00 13.55",
		"Rate Taxable (USD) VAT (USD)",
		"19% 161.54 30.69",
		"Subtotal "+usd(d.SubtotalMinor)+" USD",
		"Total credited "+usd(d.TotalMinor)+" USD",
		"In EUR, the base currency: EUR 1 = USD 1.0842 on 2026-11-30",
		"Subtotal "+eur(d.SubtotalBaseMinor)+" EUR",
		"VAT "+eur(d.TaxBaseMinor)+" EUR",
		"Total credited "+eur(d.TotalBaseMinor)+" EUR",
		"Credited for 1 pair of socks returned damaged (RMA-000042).",
		"page 1 of 1",
	)
	if strings.Contains(text, "SHIP TO") {
		t.Errorf("a document without a ship-to address shows one:\n%s", text)
	}
}

func TestRenderIsReproducible(t *testing.T) {
	a, b := render(t, exampleInvoice(t)), render(t, exampleInvoice(t))
	if !bytes.Equal(a, b) {
		t.Error("the same invoice renders to different bytes")
	}
}

// Characters outside Windows-1252 never break the document: accented letters print as their
// base letter and the rest as "?".
func TestTextOutsideCP1252(t *testing.T) {
	d := exampleCreditNote(t)
	d.Buyer.Name = "Đorđe Łukasiewicz 東京 🙂"
	d.Buyer.Address = []string{"ulica Świętokrzyska 7\tlokal 2", "00-001 Warszawa"}
	d.Notes = []string{"Ciężarówka − 20 € ‘quoted’ “twice” – done…"}
	text := allText(t, open(t, render(t, d)))
	expectText(t, "folded text", text,
		"Dorde Lukasiewicz ?? ?",
		"ulica Swietokrzyska 7 lokal 2",
		"Ciezarówka - 20 € ‘quoted’ “twice” – done…",
	)
}

func TestPaperFor(t *testing.T) {
	for _, c := range []struct{ country, want string }{
		{"US", "Letter"}, {"CA", "Letter"}, {"MX", "Letter"}, {"PH", "Letter"}, {"CL", "Letter"},
		{" us ", "Letter"}, {"ca", "Letter"},
		{"DE", "A4"}, {"GB", "A4"}, {"FR", "A4"}, {"AU", "A4"}, {"JP", "A4"}, {"BR", "A4"},
		{"", "A4"}, {"XX", "A4"},
	} {
		if got := PaperFor(c.country); got != c.want {
			t.Errorf("PaperFor(%q) = %q, want %q", c.country, got, c.want)
		}
	}
}

// mediaBox is a page's size in points, from its MediaBox (on the page or inherited).
func mediaBox(t *testing.T, r *pdf.Reader, n int) (w, h float64) {
	t.Helper()
	for v := r.Page(n).V; !v.IsNull(); v = v.Key("Parent") {
		if box := v.Key("MediaBox"); box.Len() == 4 {
			return box.Index(2).Float64() - box.Index(0).Float64(), box.Index(3).Float64() - box.Index(1).Float64()
		}
	}
	t.Fatalf("page %d has no MediaBox", n)
	return 0, 0
}

func TestPageSize(t *testing.T) {
	us := exampleCreditNote(t)
	us.Seller = Party{Company: "Northwind Supply Inc.", Address: []string{"500 Market St", "San Francisco, CA 94105"}, Country: "US"}
	for _, c := range []struct {
		name string
		d    Document
		w, h float64
	}{
		{"German seller, A4", exampleInvoice(t), 595, 842},
		{"US seller, Letter", us, 612, 792},
	} {
		r := open(t, render(t, c.d))
		for n := 1; n <= r.NumPage(); n++ {
			w, h := mediaBox(t, r, n)
			if math.Abs(w-c.w) > 0.5 || math.Abs(h-c.h) > 0.5 {
				t.Errorf("%s: page %d is %.2f×%.2f pt, want %.0f×%.0f", c.name, n, w, h, c.w, c.h)
			}
		}
	}
	text := allText(t, open(t, render(t, us)))
	expectText(t, "US seller", text, "Tax % Tax", "Sales tax summary")
}

func TestRenderRefusesWhatDoesNotAddUp(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(d *Document)
		want   string
	}{
		{"kind", func(d *Document) { d.Kind = "receipt" }, `kind "receipt"`},
		{"credit note without invoice", func(d *Document) { d.Credits = "" }, "must name the invoice it corrects"},
		{"no number", func(d *Document) { d.Number = " " }, "no document number"},
		{"no date", func(d *Document) { d.Issued = time.Time{} }, "no issue date"},
		{"unknown currency", func(d *Document) { d.Currency = "XYZ" }, `unknown currency "XYZ"`},
		{"no rate", func(d *Document) { d.FXRate = "" }, "need the exchange rate"},
		{"no rate date", func(d *Document) { d.FXDate = time.Time{} }, "has no date"},
		{"line net", func(d *Document) { d.Lines[0].NetMinor++ }, "line 1 (APP-SCK-RST-4346): 1 × 13.55 USD − 0.00 USD is not the net 13.56 USD"},
		{"total", func(d *Document) { d.TotalMinor++ }, "is not the total"},
		{"tax summary", func(d *Document) { d.TaxLines[1].TaxMinor++ }, "the tax summary at 19% says"},
		{"missing rate", func(d *Document) { d.TaxLines = d.TaxLines[:1] }, "no line for 19%"},
		{"base total", func(d *Document) { d.TotalBaseMinor++ }, "base-currency subtotal"},
	} {
		d := exampleCreditNote(t)
		c.change(&d)
		var buf bytes.Buffer
		err := Render(&buf, d)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written for a refused document", c.name, buf.Len())
		}
	}
}

// The README shows the example invoice, cut to one page (readmeInvoice), as docs/invoice.png. Regenerate it with
//
//	OMS_UPDATE_README=1 go test -run TestREADMEPicture ./invoicepdf/
//
// which needs pdftoppm (poppler-utils). Without the variable the test checks that the README
// shows the picture and that it is a small PNG.
func TestREADMEPicture(t *testing.T) {
	png := filepath.Join("..", "docs", "invoice.png")
	if os.Getenv("OMS_UPDATE_README") != "" {
		tool, err := exec.LookPath("pdftoppm")
		if err != nil {
			t.Fatalf("regenerating docs/invoice.png needs pdftoppm: apt-get install poppler-utils (%v)", err)
		}
		dir := t.TempDir()
		src := filepath.Join(dir, "invoice.pdf")
		if err := os.WriteFile(src, render(t, readmeInvoice(t)), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, "invoice")
		if b, err := exec.Command(tool, "-png", "-gray", "-r", "80", "-singlefile", src, out).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, b)
		}
		b, err := os.ReadFile(out + ".png")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(png, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("%v; regenerate it with OMS_UPDATE_README=1 go test -run TestREADMEPicture ./invoicepdf/", err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("%s is not a PNG", png)
	}
	if len(b) > 150<<10 {
		t.Errorf("%s is %d KB; keep the README's picture under 150 KB", png, len(b)>>10)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(readme, []byte("](docs/invoice.png)")) {
		t.Error("README.md does not show docs/invoice.png")
	}
}
