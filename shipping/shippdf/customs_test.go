package shippdf

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"oms/model"
)

var (
	declared = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	buyerUS  = model.Address{
		Name: "Dana Whitfield", Company: "Whitfield Yarns LLC", Line1: "220 W 42nd St", City: "New York", Region: "NY",
		PostalCode: "10036", Country: "US", Phone: "+1 212 555 0199",
	}
	buyerCH = model.Address{
		Name: "Zoë Müller", Line1: "Bahnhofstrasse 1", City: "Zürich", PostalCode: "8001", Country: "CH", Phone: "+41 44 555 12 12",
	}
)

// exampleCN23 is a three-item parcel from Rotterdam to New York under DAP.
func exampleCN23() Declaration {
	return Declaration{
		Form: FormCN23, Sender: warehouse, Addressee: buyerUS,
		SenderTaxID: "NL123456789", Category: CategoryMerchandise,
		Items: []CustomsItem{
			{Description: "Merino wool socks, knitted", Qty: 3, NetWeightG: 240, UnitValueMinor: 1250, HSCode: "6115.95", Origin: "PT"},
			{Description: "Notebook, paper, dotted, A5", Qty: 5, NetWeightG: 1100, UnitValueMinor: 895, HSCode: "482010", Origin: "NL"},
			{Description: "Stoneware mug, 300 ml", Qty: 1, NetWeightG: 410, UnitValueMinor: 1800, HSCode: "6912.00.48", Origin: "CN"},
		},
		Currency: "EUR", GrossWeightG: 2150, PostageMinor: 2495,
		Incoterm: IncotermDAP, OrderNumber: "SO-0001763", TrackingNumber: "RB123456785NL", Date: declared,
		InvoiceNumber: "INV-2026-000123", LicenceNumbers: "", CertificateNumbers: "", Comments: "",
	}
}

func renderCustoms(t testing.TB, d Declaration) []byte {
	t.Helper()
	b, err := Customs(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCN23ReadsBack(t *testing.T) {
	d := exampleCN23()
	text := allText(t, open(t, renderCustoms(t, d)))
	expectText(t, "CN23", text,
		"CUSTOMS DECLARATION CN 23", "May be opened officially",
		"ORDER TRACKING NUMBER DATE", "SO-0001763 RB123456785NL 2026-11-30",
		"FROM (SENDER)", "Nordlicht Logistics B.V.", "3011 AB Rotterdam", "NETHERLANDS", "Phone +31 10 123 4567", "EORI/VAT NL123456789",
		"TO (ADDRESSEE)", "Whitfield Yarns LLC", "Dana Whitfield", "New York, NY 10036", "UNITED STATES", "Phone +1 212 555 0199",
		"CATEGORY OF ITEM", "X Merchandise",
		"Description of contents Qty Net weight Value (EUR) HS code Origin",
		// each item: its weight, value (quantity × unit), HS code and origin
		"Merino wool socks, knitted 3 0.240 kg 37.50 611595 PT",
		"Notebook, paper, dotted, A5 5 1.100 kg 44.75 482010 NL",
		"Stoneware mug, 300 ml 1 0.410 kg 18.00 69120048 CN",
		"Total net weight 1.750 kg", "Total gross weight 2.150 kg", "Total value 100.25 EUR",
		"Postal charges 24.95 EUR",
		"Incoterm DAP (addressee pays duties and VAT)", "Duties and taxes charged none",
		"LICENCE NO(S).", "CERTIFICATE NO(S).", "INVOICE NO.", "INV-2026-000123", "COMMENTS",
		"I certify that the particulars given in this customs declaration are correct",
		"Sender's signature", "Date: 2026-11-30",
	)
	if strings.Contains(text, "Unit price") {
		t.Errorf("a CN23 shows unit prices:\n%s", text)
	}
}

// Under DDP to Switzerland the channel charged the duties, and the form says how much.
func TestCN22DDPShowsDuties(t *testing.T) {
	d := exampleCN23()
	d.Form, d.Addressee, d.Incoterm, d.DutiesMinor, d.Category = FormCN22, buyerCH, IncotermDDP, 812, CategoryGift
	d.Items = d.Items[:1]
	d.GrossWeightG = 300
	text := allText(t, open(t, renderCustoms(t, d)))
	expectText(t, "CN22", text,
		"CUSTOMS DECLARATION CN 22", "Zoë Müller", "8001 Zürich", "SWITZERLAND", "X Gift",
		"Incoterm DDP (sender pays duties and VAT)", "Duties and taxes charged 8.12 EUR, paid by the buyer at checkout",
	)
	if strings.Contains(text, "LICENCE") {
		t.Errorf("a CN22 has the CN23's boxes:\n%s", text)
	}
}

func TestCommercialInvoiceReadsBack(t *testing.T) {
	d := exampleCN23()
	d.Form, d.InvoiceDate, d.ReasonForExport, d.IncotermPlace = FormCommercialInvoice, declared, "Sale of goods", "New York, US"
	d.AddresseeTaxID, d.SignedBy = "US-EIN 12-3456789", "Anouk de Vries, shipping"
	b := renderCustoms(t, d)
	expectPageSize(t, "Dutch exporter", b, 595, 842)
	text := allText(t, open(t, b))
	expectText(t, "commercial invoice", text,
		"COMMERCIAL INVOICE", "INVOICE NUMBER INVOICE DATE ORDER", "INV-2026-000123 2026-11-30 SO-0001763",
		"EXPORTER", "EORI/VAT NL123456789", "IMPORTER (CONSIGNEE)", "EORI/VAT US-EIN 12-3456789",
		"Description of contents Qty Net weight Unit price Value (EUR) HS code Origin",
		"Merino wool socks, knitted 3 0.240 kg 12.50 37.50 611595 PT",
		"Total value 100.25 EUR", "Incoterm DAP New York, US", "Reason for export Sale of goods",
		"Sender's signature: Anouk de Vries, shipping",
	)
}

func TestCustomsRefusesWhatBordersReject(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(d *Declaration)
		want   string
	}{
		{"no HS code", func(d *Declaration) { d.Items[1].HSCode = "" }, `item 2 (Notebook, paper, dotted, A5): HS code "" is not 6 to 10 digits`},
		{"short HS code", func(d *Declaration) { d.Items[0].HSCode = "6115" }, `HS code "6115"`},
		{"no origin", func(d *Declaration) { d.Items[2].Origin = "" }, `item 3 (Stoneware mug, 300 ml): country of origin ""`},
		{"generic", func(d *Declaration) { d.Items[0].Description = "Gift" }, "generic description"},
		{"net over gross", func(d *Declaration) { d.GrossWeightG = 1000 }, "weigh 1.750 kg net, more than the parcel's gross 1.000 kg"},
		{"CN22 too heavy", func(d *Declaration) { d.Form = FormCN22 }, "use a CN23"},
		{"form", func(d *Declaration) { d.Form = "CN24" }, `form "CN24"`},
		{"incoterm", func(d *Declaration) { d.Incoterm = "EXW" }, `incoterm "EXW"`},
		{"category", func(d *Declaration) { d.Category = "stuff" }, `category "stuff"`},
		{"phone", func(d *Declaration) { d.Addressee.Phone = "" }, "the addressee has no phone number"},
		{"invoice facts", func(d *Declaration) { d.Form = FormCommercialInvoice }, "needs its invoice number and date"},
	} {
		d := exampleCN23()
		c.change(&d)
		b, err := Customs(d)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
		if b != nil {
			t.Errorf("%s: %d bytes for a refused declaration", c.name, len(b))
		}
	}
}

// A US sender's commercial invoice is on Letter, and forty items run onto a second page under
// the table's header.
func TestCustomsLetterAndPages(t *testing.T) {
	d := exampleCN23()
	d.Sender, d.Addressee = customerUS, buyerCH
	d.Form, d.InvoiceDate, d.ReasonForExport, d.IncotermPlace, d.SignedBy = FormCommercialInvoice, declared, "Sale of goods", "Zürich, CH", "Dana Whitfield"
	d.Items = nil
	for i := range 40 {
		d.Items = append(d.Items, CustomsItem{Description: fmt.Sprintf("Hand-dyed yarn, merino, skein %d", i+1), Qty: 2,
			NetWeightG: 200, UnitValueMinor: 2400, HSCode: "510911", Origin: "US"})
	}
	d.GrossWeightG = 8600
	b := renderCustoms(t, d)
	expectPageSize(t, "US exporter", b, 612, 792)
	r := open(t, b)
	if r.NumPage() < 2 {
		t.Fatalf("40 items fit on %d page", r.NumPage())
	}
	page2 := pageLines(t, r, 2)
	if len(page2) < 2 || page2[0] != "Commercial invoice INV-2026-000123 (continued)" ||
		page2[1] != "Description of contents Qty Net weight Unit price Value (EUR) HS code Origin" {
		t.Errorf("page 2 does not continue under the items' header:\n%s", strings.Join(page2, "\n"))
	}
	expectText(t, "long invoice", allText(t, r), "skein 40 2 0.200 kg 24.00 48.00 510911 US",
		"Total net weight 8.000 kg", "Total gross weight 8.600 kg")
}
