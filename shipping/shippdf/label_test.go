package shippdf

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"oms/model"
	"oms/shipping/label"
)

var (
	warehouse = model.Address{
		Company: "Nordlicht Logistics B.V.", Line1: "Havenstraat 12", City: "Rotterdam", PostalCode: "3011 AB",
		Country: "NL", Phone: "+31 10 123 4567",
	}
	customerPL = model.Address{
		Name: "Zoë Ångström", Company: "Bałtyk Import Sp. z o.o.", Line1: "ul. Piotrkowska 104", Line2: "lokal 7",
		City: "Łódź", PostalCode: "90-001", Country: "PL", Phone: "+48 42 555 01 02",
	}
	customerUS = model.Address{
		Name: "Dana Whitfield", Line1: "500 Market St", Line2: "Apt 4B", City: "San Francisco", Region: "CA",
		PostalCode: "94105", Country: "US", Phone: "+1 415 555 0134",
	}
)

// exampleLabel is a realistic label: a UPS parcel from Rotterdam to Łódź, the second of three.
// It is also the README's picture.
func exampleLabel() label.Label {
	return label.Label{
		Carrier: "UPS", CarrierCode: "ups", Service: "Standard",
		TrackingNumber: "1Z999AA10123456784",
		SSCC:           "387123450000000012",
		From:           warehouse, To: customerPL,
		OrderNumber: "SO-0001763", Reference: "#1042-PL",
		Parcel: 2, Parcels: 3, WeightG: 2350, ShipDate: "2026-11-30",
	}
}

func renderLabel(t testing.TB, l label.Label) []byte {
	t.Helper()
	b, err := Label(l)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestLabelReadsBack(t *testing.T) {
	b := renderLabel(t, exampleLabel())
	r := open(t, b)
	if n := r.NumPage(); n != 1 {
		t.Fatalf("the label has %d pages", n)
	}
	expectPageSize(t, "label", b, 4*72, 6*72)
	text := allText(t, r)
	expectText(t, "label", text,
		"FROM", "Nordlicht Logistics B.V.", "Havenstraat 12", "3011 AB Rotterdam", "NETHERLANDS",
		"UPS", "Standard",
		// Ł and ź are outside Windows-1252 and print as their base letters, as on the invoice
		"SHIP TO", "Zoë Ångström", "Baltyk Import Sp. z o.o.", "ul. Piotrkowska 104", "lokal 7", "90-001 Lódz", "POLAND",
		"WEIGHT", "2.350 kg", "PARCEL", "2 of 3", "SHIP DATE", "2026-11-30",
		"ORDER", "SO-0001763", "REFERENCE", "#1042-PL",
		"TRACKING NUMBER", "1Z999AA10123456784",
		"SSCC (GS1-128)", "(00) 3 8712345 000000001 2",
	)
	// The addressee comes before the barcodes, the tracking number before the SSCC.
	flat := strings.Join(strings.Fields(text), " ")
	if i, j, k := strings.Index(flat, "POLAND"), strings.Index(flat, "1Z999AA10123456784"), strings.Index(flat, "(00)"); !(i < j && j < k) {
		t.Errorf("the label's blocks are out of order:\n%s", text)
	}
}

// The bars on the page, read back from the PDF's rectangles, are the tracking number in Code
// 128 and the SSCC in GS1-128 (Start C, FNC1, AI 00), with quiet zones and a module a scanner
// reads.
func TestLabelBarcodesDecode(t *testing.T) {
	l := exampleLabel()
	r := open(t, renderLabel(t, l))
	found := barcodesOn(t, r, 1)
	if len(found) != 2 {
		t.Fatalf("%d barcodes on the label, want 2", len(found))
	}
	const mm = 72 / 25.4
	pageW := labelW * mm
	for i, want := range []string{l.TrackingNumber, "[FNC1]00" + l.SSCC} {
		d := found[i]
		values, err := decodeCode128(d.widths)
		if err != nil {
			t.Fatalf("barcode %d: %v", i+1, err)
		}
		got, err := code128Text(values)
		if err != nil {
			t.Fatalf("barcode %d: %v", i+1, err)
		}
		if got != want {
			t.Errorf("barcode %d reads %q, want %q", i+1, got, want)
		}
		if d.module < 0.25*mm {
			t.Errorf("barcode %d: module %.3f mm, under 0.25 mm", i+1, d.module/mm)
		}
		if quiet := 10 * d.module; d.left < quiet || d.right > pageW-quiet {
			t.Errorf("barcode %d spans %.1f–%.1f mm of %.1f: no quiet zone of 10 modules", i+1, d.left/mm, d.right/mm, labelW)
		}
	}
	sscc, _ := decodeCode128(found[1].widths)
	if !slices.Equal(sscc[:3], []int{valStartC, valFNC1, 0}) {
		t.Errorf("the GS1-128 starts %v, want Start C, FNC1, 00", sscc[:3])
	}
	if h := (found[1].top - found[1].bottom) / mm; h < 31.7 {
		t.Errorf("the SSCC's bars are %.1f mm high; GS1 asks 31.75 mm on logistic labels", h)
	}
	if m := found[1].module / mm; m < 0.495 {
		t.Errorf("the SSCC's module is %.3f mm; GS1 asks 0.495 mm or more on logistic labels", m)
	}
}

// A US address reads the American way, and a long address shrinks to fit rather than run into
// the barcodes.
func TestLabelAddresses(t *testing.T) {
	l := exampleLabel()
	l.To = customerUS
	text := allText(t, open(t, renderLabel(t, l)))
	expectText(t, "US label", text, "Dana Whitfield", "500 Market St", "Apt 4B", "San Francisco, CA 94105", "UNITED STATES")

	l.To = customerPL
	l.To.Company = "Przedsiębiorstwo Handlowo-Usługowe Bałtyk Import Eksport Spółka z ograniczoną odpowiedzialnością"
	l.To.Line2 = "Centrum Logistyczne, hala magazynowa numer 7, brama załadunkowa 12, wejście od ulicy Wólczańskiej"
	text = allText(t, open(t, renderLabel(t, l)))
	expectText(t, "long address", text, "Przedsiebiorstwo Handlowo-Uslugowe", "brama zaladunkowa 12", "90-001 Lódz", "POLAND")
}

func TestLabelRefusesWhatCannotShip(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(l *label.Label)
		want   string
	}{
		{"no tracking", func(l *label.Label) { l.TrackingNumber = "" }, "tracking number"},
		{"tracking with a space", func(l *label.Label) { l.TrackingNumber = "1Z 999" }, "not letters and digits"},
		{"SSCC check digit", func(l *label.Label) { l.SSCC = "387123450000000013" }, "check digit is 3, should be 2"},
		{"SSCC length", func(l *label.Label) { l.SSCC = "38712345" }, "8 characters, want 18 digits"},
		{"parcel", func(l *label.Label) { l.Parcel = 4 }, "parcel 4 of 3"},
		{"weight", func(l *label.Label) { l.WeightG = 0 }, "weight 0 g"},
		{"date", func(l *label.Label) { l.ShipDate = "30/11/2026" }, "ship date"},
		{"addressee", func(l *label.Label) { l.To = model.Address{Country: "PL"} }, "the addressee has no name"},
		{"country", func(l *label.Label) { l.To.Country = "Poland" }, `country "Poland"`},
		{"retired country code", func(l *label.Label) { l.To.Country = "UK" }, `country "UK"`},
		{"too long", func(l *label.Label) { l.TrackingNumber = strings.Repeat("AB", 20) }, "too wide"},
	} {
		l := exampleLabel()
		c.change(&l)
		b, err := Label(l)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
		if b != nil {
			t.Errorf("%s: %d bytes for a refused label", c.name, len(b))
		}
	}
}

func TestLabelIsReproducible(t *testing.T) {
	if !bytes.Equal(renderLabel(t, exampleLabel()), renderLabel(t, exampleLabel())) {
		t.Error("the same label renders to different bytes")
	}
}

// Characters outside Windows-1252 never break a label: letters with a base letter print as it,
// the rest as "?".
func TestLabelTextOutsideCP1252(t *testing.T) {
	l := exampleLabel()
	l.To.Name = "Đorđe Łukasiewicz 東京 🙂"
	l.To.Line1 = "ulica Świętokrzyska 7\tlokal 2"
	text := allText(t, open(t, renderLabel(t, l)))
	expectText(t, "folded text", text, "Dorde Lukasiewicz ?? ?", "ulica Swietokrzyska 7 lokal 2")
}

// Every carrier's format draws as bars that read back as the number, the ones that mix
// letters and digit runs switching between code sets B and C.
func TestTrackingFormatsDecode(t *testing.T) {
	for _, tracking := range []string{
		"1Z999AA10123456784",     // UPS
		"RB123456785NL",          // UPU S10
		"123456789012",           // FedEx Express, 12 digits
		"1234567895",             // DHL Express, 10 digits
		"9400111899223197428490", // USPS IMpb, 22 digits
		"JJD000390007827211",     // DHL piece id
		"00340434161094042557",   // an SSCC used as a tracking number (DPD, DHL Parcel)
		"abc123XYZ",              // lower case survives
	} {
		l := exampleLabel()
		l.TrackingNumber = tracking
		found := barcodesOn(t, open(t, renderLabel(t, l)), 1)
		if len(found) != 2 {
			t.Fatalf("%s: %d barcodes", tracking, len(found))
		}
		values, err := decodeCode128(found[0].widths)
		if err != nil {
			t.Fatalf("%s: %v", tracking, err)
		}
		if got, err := code128Text(values); err != nil || got != tracking {
			t.Errorf("%s reads back as %q (%v)", tracking, got, err)
		}
	}
}
