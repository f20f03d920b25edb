package shippdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"oms/invoicepdf"
	"oms/model"
)

// Customs forms (shipping-tax.md §4).
const (
	// FormCN22 is the UPU declaration for letter-post items up to 2 kg worth under 300 SDR.
	FormCN22 = "CN22"
	// FormCN23 is the UPU declaration for parcels, and for letter post worth 300 SDR or more.
	FormCN23 = "CN23"
	// FormCommercialInvoice is the courier's customs document: the CN23's facts plus the
	// parties' tax ids, an invoice number and date, unit prices, the reason and a signature.
	FormCommercialInvoice = "commercial-invoice"
)

// Categories of goods, as the forms tick them.
const (
	CategoryMerchandise   = "merchandise"
	CategoryGift          = "gift"
	CategoryDocuments     = "documents"
	CategorySample        = "sample"
	CategoryReturnedGoods = "returned goods"
)

var categories = []string{CategoryGift, CategoryDocuments, CategorySample, CategoryReturnedGoods, CategoryMerchandise}

// Incoterms oms ships under: who clears the import and pays its duties and VAT.
const (
	IncotermDAP = "DAP" // the buyer does, on delivery
	IncotermDDP = "DDP" // the seller does; the channel charged the buyer at checkout
)

// cn22MaxGrossG is the heaviest item a CN22 may go on; heavier letter post and every parcel
// needs a CN23.
const cn22MaxGrossG = 2000

// Declaration is one cross-border parcel's customs declaration as it is printed.
type Declaration struct {
	Form string // FormCN22, FormCN23 or FormCommercialInvoice
	// Sender is the exporter (the shipping company, at its warehouse) and Addressee the
	// importer; both with a phone, which customs and the carrier call about a held parcel.
	Sender, Addressee model.Address
	// SenderTaxID is the exporter's EORI (and VAT) number, "NL123456789"; AddresseeTaxID the
	// importer's, "" for a consumer. Printed on every form; the commercial invoice requires
	// the sender's.
	SenderTaxID, AddresseeTaxID string
	Category                    string // one of the Category constants
	Items                       []CustomsItem
	Currency                    model.Currency // of every value and of the duties
	GrossWeightG                int64          // the parcel as weighed, packaging included
	PostageMinor                int64          // what the sender paid to send it (CN23's "postal charges"); 0 when not stated
	Incoterm                    string         // IncotermDAP or IncotermDDP
	IncotermPlace               string         // the named place, "New York, US"; required on the commercial invoice
	// DutiesMinor is the import duties and taxes the channel charged the buyer at checkout
	// (under DDP, or IOSS for the EU); 0 prints "none".
	DutiesMinor    int64
	OrderNumber    string
	TrackingNumber string
	Date           time.Time // the day the sender signs and posts it; dates the file
	// Commercial invoice only.
	InvoiceNumber   string
	InvoiceDate     time.Time
	ReasonForExport string // "Sale of goods", "Return", "Gift"
	// SignedBy is the name printed under the signature line ("A. de Vries, shipping clerk").
	SignedBy string
	// CN23 only: the boxes for papers that travel with the parcel.
	LicenceNumbers     string
	CertificateNumbers string
	Comments           string // quarantine, sanitary inspection or other restrictions; "" when none
}

// CustomsItem is one kind of goods in the parcel.
type CustomsItem struct {
	Description    string // what it is, specifically ("Cotton T-shirt, men's"): generic words are refused at borders
	Qty            int64
	NetWeightG     int64  // of all Qty units, without packaging
	UnitValueMinor int64  // price of one unit in the declaration's currency
	HSCode         string // Harmonized System code, 6 to 10 digits ("6109.10" is read as 610910)
	Origin         string // ISO 3166 alpha-2 of the country where it was made
}

// value is the item's total value.
func (it CustomsItem) value(c model.Currency) (model.Money, error) {
	return model.Money{Minor: it.UnitValueMinor, Currency: c}.MulQty(it.Qty)
}

// hsDigits is the HS code without the dots and spaces people write in it.
func (it CustomsItem) hsDigits() string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == ' ' {
			return -1
		}
		return r
	}, it.HSCode)
}

// genericDescriptions are words customs refuse as a description: they say nothing about
// what is in the parcel.
var genericDescriptions = map[string]bool{
	"gift": true, "gifts": true, "goods": true, "merchandise": true, "sample": true, "samples": true,
	"item": true, "items": true, "stuff": true, "parts": true, "other": true, "various": true,
	"clothing": true, "accessories": true, "present": true, "products": true,
}

// Customs renders d as the form it names, on A4 or Letter by the sender's country. It refuses
// a declaration a border would reject (an item without HS code, origin or a specific
// description, weights or values that do not add up, the wrong form for the parcel) rather
// than print one: the packing station checks earlier, this is the last guard.
func Customs(d Declaration) ([]byte, error) {
	if err := checkDeclaration(d); err != nil {
		return nil, err
	}
	title := formTitle(d.Form)
	if d.Form == FormCommercialInvoice {
		title += " " + d.InvoiceNumber
	}
	s := newOfficeSheet(invoicepdf.PaperFor(d.Sender.Country), 12, meta{title: title, author: partyName(d.Sender), date: d.Date})
	s.pdf.SetFooterFunc(func() { s.footer(title, partyName(d.Sender)) })
	s.newPage(title)
	s.customsHeading(d)
	s.customsParties(d)
	s.customsCategory(d)
	s.customsItems(d, title)
	s.customsTotals(d, title)
	if d.Form == FormCN23 {
		s.cn23Papers(d, title)
	}
	s.customsSignature(d, title)
	return s.bytes()
}

func formTitle(form string) string {
	switch form {
	case FormCN22:
		return "Customs declaration CN 22"
	case FormCN23:
		return "Customs declaration CN 23"
	}
	return "Commercial invoice"
}

func checkDeclaration(d Declaration) error {
	var p problems
	switch d.Form {
	case FormCN22:
		if d.GrossWeightG > cn22MaxGrossG {
			p.add("a CN22 is for items up to 2 kg, and this one weighs %s: use a CN23", kg(d.GrossWeightG))
		}
	case FormCN23:
	case FormCommercialInvoice:
		checkInvoiceFacts(&p, d)
	default:
		p.add("form %q is none of %s, %s, %s", d.Form, FormCN22, FormCN23, FormCommercialInvoice)
	}
	p.checkAddress("the sender", d.Sender)
	p.checkAddress("the addressee", d.Addressee)
	if strings.TrimSpace(d.Sender.Phone) == "" {
		p.add("the sender has no phone number")
	}
	if strings.TrimSpace(d.Addressee.Phone) == "" {
		p.add("the addressee has no phone number")
	}
	if !isCategory(d.Category) {
		p.add("category %q is none of %s", d.Category, strings.Join(categories, ", "))
	}
	if d.Incoterm != IncotermDAP && d.Incoterm != IncotermDDP {
		p.add("incoterm %q is neither DAP nor DDP", d.Incoterm)
	}
	if _, err := d.Currency.Exponent(); err != nil {
		p.add("currency: %v", err)
	}
	if d.DutiesMinor < 0 || d.PostageMinor < 0 {
		p.add("duties and postage cannot be negative")
	}
	if d.Date.IsZero() {
		p.add("no date")
	}
	checkItems(&p, d)
	return p.err(formTitle(d.Form) + " for order " + d.OrderNumber)
}

func checkInvoiceFacts(p *problems, d Declaration) {
	if strings.TrimSpace(d.InvoiceNumber) == "" || d.InvoiceDate.IsZero() {
		p.add("a commercial invoice needs its invoice number and date")
	}
	if strings.TrimSpace(d.SenderTaxID) == "" {
		p.add("a commercial invoice needs the exporter's EORI or VAT number")
	}
	if strings.TrimSpace(d.ReasonForExport) == "" {
		p.add("a commercial invoice needs the reason for export")
	}
	if strings.TrimSpace(d.IncotermPlace) == "" {
		p.add("a commercial invoice names the incoterm's place (%s where?)", d.Incoterm)
	}
	if strings.TrimSpace(d.SignedBy) == "" {
		p.add("a commercial invoice needs the name of who signs it")
	}
}

// checkItems refuses items a border rejects and totals that would not add up: each item needs
// a specific description, a quantity, a weight, an HS code of 6 to 10 digits and an origin;
// the items' net weight cannot exceed the parcel's gross weight.
func checkItems(p *problems, d Declaration) {
	if len(d.Items) == 0 {
		p.add("no items")
	}
	var net int64
	for i, it := range d.Items {
		name := fmt.Sprintf("item %d (%s)", i+1, it.Description)
		desc := strings.ToLower(strings.TrimSpace(it.Description))
		switch {
		case desc == "":
			p.add("item %d has no description", i+1)
		case genericDescriptions[desc]:
			p.add("%s: customs refuse a generic description; say what it is", name)
		}
		if it.Qty <= 0 {
			p.add("%s: quantity %d is not positive", name, it.Qty)
		}
		if it.NetWeightG <= 0 {
			p.add("%s: no net weight", name)
		}
		if it.UnitValueMinor < 0 {
			p.add("%s: negative value", name)
		}
		if _, err := it.value(d.Currency); err != nil {
			p.add("%s: %v", name, err)
		}
		if hs := it.hsDigits(); len(hs) < 6 || len(hs) > 10 || strings.Trim(hs, "0123456789") != "" {
			p.add("%s: HS code %q is not 6 to 10 digits", name, it.HSCode)
		}
		if !isCountryCode(it.Origin) {
			p.add("%s: country of origin %q is not an ISO 3166 code", name, it.Origin)
		}
		net += it.NetWeightG
	}
	if d.GrossWeightG <= 0 {
		p.add("no gross weight")
	} else if net > d.GrossWeightG {
		p.add("the items weigh %s net, more than the parcel's gross %s", kg(net), kg(d.GrossWeightG))
	}
}

func isCategory(c string) bool {
	for _, k := range categories {
		if c == k {
			return true
		}
	}
	return false
}

// customsHeading draws the form's name, the sentence the UPU forms carry and the facts that
// identify the parcel.
func (s *sheet) customsHeading(d Declaration) {
	s.font("B", 16)
	s.cell(s.margin, s.y, s.contentW()*0.6, 8, s.text(strings.ToUpper(formTitle(d.Form))), "L")
	s.font("", 8.5)
	if d.Form != FormCommercialInvoice {
		s.cell(s.margin+s.contentW()*0.6, s.y, s.contentW()*0.4, 8, s.text("May be opened officially"), "R")
	}
	s.y += 10
	pairs := [][2]string{}
	if d.Form == FormCommercialInvoice {
		pairs = append(pairs, [2]string{"Invoice number", d.InvoiceNumber}, [2]string{"Invoice date", d.InvoiceDate.Format(time.DateOnly)})
	}
	pairs = append(pairs, [2]string{"Order", d.OrderNumber})
	if d.TrackingNumber != "" {
		pairs = append(pairs, [2]string{"Tracking number", d.TrackingNumber})
	}
	pairs = append(pairs, [2]string{"Date", d.Date.Format(time.DateOnly)})
	s.y = s.factRow(pairs) + 3
}

// customsParties draws sender and addressee side by side, each with phone and tax id.
func (s *sheet) customsParties(d Declaration) {
	half := (s.contentW() - 8) / 2
	withContact := func(a model.Address, taxID string) []string {
		lines := addressLines(a)
		lines = append(lines, "Phone "+strings.TrimSpace(a.Phone))
		if id := strings.TrimSpace(taxID); id != "" {
			lines = append(lines, "EORI/VAT "+id)
		}
		return lines
	}
	from, to := "From (sender)", "To (addressee)"
	if d.Form == FormCommercialInvoice {
		from, to = "Exporter", "Importer (consignee)"
	}
	s.rule(s.y, 0.3, 0)
	s.y += 1.5
	left := s.block(s.margin, s.y, half, from, withContact(d.Sender, d.SenderTaxID), true)
	right := s.block(s.margin+half+8, s.y, half, to, withContact(d.Addressee, d.AddresseeTaxID), true)
	s.y = max(left, right) + 3
}

// customsCategory ticks the category among all five, as the UPU forms print them.
func (s *sheet) customsCategory(d Declaration) {
	s.rule(s.y, 0.3, 0)
	s.y += 1.5
	s.caption(s.margin, s.y, s.contentW(), "Category of item")
	s.y += 4
	w := s.contentW() / float64(len(categories))
	for i, c := range categories {
		x := s.margin + float64(i)*w
		s.box(x+0.5, s.y+0.6, 3.6, 3.6)
		mark := ""
		if c == d.Category {
			mark = "X"
		}
		s.font("B", 9)
		s.cell(x+0.5, s.y+0.5, 3.6, 4, mark, "C")
		s.font("", 9)
		s.cell(x+5, s.y, w-5, 4.8, s.text(titleCase(c)), "L")
	}
	s.y += 7
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// customsColumns are the items table's columns; the commercial invoice adds the unit price.
func customsColumns(d Declaration) []column[CustomsItem] {
	money := func(minor int64) string { return model.Money{Minor: minor, Currency: d.Currency}.FormatGrouped() }
	cols := []column[CustomsItem]{
		{head: "Description of contents", align: "L", value: func(it CustomsItem) string { return it.Description }},
		{head: "Qty", width: 11, align: "R", value: func(it CustomsItem) string { return strconv.FormatInt(it.Qty, 10) }},
		{head: "Net weight", width: 20, align: "R", value: func(it CustomsItem) string { return kg(it.NetWeightG) }},
	}
	if d.Form == FormCommercialInvoice {
		cols = append(cols, column[CustomsItem]{head: "Unit price", width: 21, align: "R",
			value: func(it CustomsItem) string { return money(it.UnitValueMinor) }})
	}
	cols = append(cols,
		column[CustomsItem]{head: "Value (" + string(d.Currency) + ")", width: 23, align: "R", value: func(it CustomsItem) string {
			v, _ := it.value(d.Currency) // checked in checkItems
			return v.FormatGrouped()
		}},
		column[CustomsItem]{head: "HS code", width: 22, align: "R", value: func(it CustomsItem) string { return it.hsDigits() }},
		column[CustomsItem]{head: "Origin", width: 14, align: "R", value: func(it CustomsItem) string { return strings.ToUpper(it.Origin) }},
	)
	return cols
}

// customsItems draws one row per item, the header repeated on every page it runs onto.
func (s *sheet) customsItems(d Declaration, title string) {
	cols := customsColumns(d)
	fillWidth(s, cols, "Description of contents")
	s.ensure(12, title)
	tableHeader(s, cols, 8)
	for _, it := range d.Items {
		if s.ensure(tableRow(s, cols, it, 8.5, 4.2, true), title) {
			tableHeader(s, cols, 8)
		}
		tableRow(s, cols, it, 8.5, 4.2, false)
	}
}

// customsTotals draws the net and gross weight, the total value, postage, the incoterm and
// the duties the buyer already paid.
func (s *sheet) customsTotals(d Declaration, title string) {
	var net int64
	total := model.Money{Currency: d.Currency}
	for _, it := range d.Items {
		net += it.NetWeightG
		v, _ := it.value(d.Currency) // checked in checkItems
		total, _ = total.Add(v)
	}
	money := func(minor int64) string {
		return model.Money{Minor: minor, Currency: d.Currency}.FormatGrouped() + " " + string(d.Currency)
	}
	incoterm := d.Incoterm
	if place := strings.TrimSpace(d.IncotermPlace); place != "" {
		incoterm += " " + place
	}
	duties := "none"
	if d.DutiesMinor > 0 {
		duties = money(d.DutiesMinor) + ", paid by the buyer at checkout"
	}
	pairs := [][2]string{
		{"Total net weight", kg(net)},
		{"Total gross weight", kg(d.GrossWeightG)},
		{"Total value", total.FormatGrouped() + " " + string(d.Currency)},
	}
	if d.PostageMinor > 0 {
		pairs = append(pairs, [2]string{"Postal charges", money(d.PostageMinor)})
	}
	pairs = append(pairs,
		[2]string{"Incoterm", incoterm + incotermMeaning(d.Incoterm)},
		[2]string{"Duties and taxes charged", duties},
	)
	if d.Form == FormCommercialInvoice {
		pairs = append(pairs, [2]string{"Reason for export", d.ReasonForExport})
	}
	s.y += 4
	s.ensure(float64(len(pairs))*5+2, title)
	s.facts(s.margin, s.y, s.contentW(), 0.3, pairs)
	s.y += float64(len(pairs))*4.8 + 2
}

func incotermMeaning(term string) string {
	if term == IncotermDDP {
		return " (sender pays duties and VAT)"
	}
	return " (addressee pays duties and VAT)"
}

// cn23Papers draws the CN23's boxes for what travels with the parcel: licences, certificates,
// the invoice, and comments such as quarantine.
func (s *sheet) cn23Papers(d Declaration, title string) {
	boxes := [][2]string{
		{"Licence no(s).", d.LicenceNumbers},
		{"Certificate no(s).", d.CertificateNumbers},
		{"Invoice no.", d.InvoiceNumber},
		{"Importer's reference (tax code/VAT no.)", d.AddresseeTaxID},
	}
	const h = 10.0
	s.y += 2
	s.ensure(2*h+4, title)
	w := s.contentW() / float64(len(boxes))
	for i, b := range boxes {
		x := s.margin + float64(i)*w
		s.box(x, s.y, w, h)
		s.caption(x+0.5, s.y+0.5, w-1, b[0])
		s.font("", 9)
		value := strings.TrimSpace(b[1])
		if value == "" {
			value = "none"
		}
		s.cell(x+0.5, s.y+4.2, w-1, 5, s.text(value), "L")
	}
	s.y += h
	s.box(s.margin, s.y, s.contentW(), h)
	s.caption(s.margin+0.5, s.y+0.5, s.contentW()-1, "Comments (e.g. goods subject to quarantine, sanitary/phytosanitary inspection or other restrictions)")
	comments := strings.TrimSpace(d.Comments)
	if comments == "" {
		comments = "none"
	}
	s.font("", 9)
	s.cell(s.margin+0.5, s.y+4.2, s.contentW()-1, 5, s.text(comments), "L")
	s.y += h + 2
}

// customsSignature draws the sender's declaration, then the signature line with the date and
// the signer's name under it.
func (s *sheet) customsSignature(d Declaration, title string) {
	sentence := "I certify that the particulars given in this customs declaration are correct and that this item " +
		"does not contain any dangerous article or articles prohibited by legislation or by postal or customs regulations."
	if d.Form == FormCommercialInvoice {
		sentence = "I declare that the information on this invoice is true and correct and that the contents and value " +
			"of this shipment are as stated above."
	}
	s.font("", 8.5)
	lines := s.wrap(s.text(sentence), s.contentW())
	s.y += 4
	s.ensure(float64(len(lines))*4.2+22, title)
	for _, l := range lines {
		s.cell(s.margin, s.y, s.contentW(), 4.2, l, "L")
		s.y += 4.2
	}
	s.y += 12
	half := (s.contentW() - 10) / 2
	s.pdf.SetDrawColor(0, 0, 0)
	s.pdf.SetLineWidth(0.3)
	s.pdf.Line(s.margin, s.y, s.margin+half, s.y)
	s.pdf.Line(s.margin+half+10, s.y, s.pageW-s.margin, s.y)
	signer := "Sender's signature"
	if name := strings.TrimSpace(d.SignedBy); name != "" {
		signer += ": " + name
	}
	s.font("", 8)
	s.cell(s.margin, s.y+0.5, half, 4, s.text(signer), "L")
	s.cell(s.margin+half+10, s.y+0.5, half, 4, s.text("Date: "+d.Date.Format(time.DateOnly)), "L")
	s.y += 5
}
