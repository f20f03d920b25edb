package label

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"oms/model"
)

func sampleLabel() Label {
	return Label{
		Carrier: "DHL Express", CarrierCode: "dhl", Service: "Express Worldwide",
		TrackingNumber: "1Z5R89390357567127",
		SSCC:           "106141411234567897",
		From: model.Address{Company: "Acme Warehouse Venlo", Line1: "Industrieweg 12", City: "Venlo",
			PostalCode: "5928 PH", Country: "NL"},
		To: model.Address{Name: "Zoë Müller", Company: "Müller & Söhne GmbH", Line1: "Bahnhofstraße 7",
			Line2: "Hinterhaus, 3. OG", City: "München", PostalCode: "80335", Country: "DE"},
		OrderNumber: "SO-0001234", Reference: "112-1234567-1234567",
		Parcel: 1, Parcels: 2, WeightG: 1250, ShipDate: "2026-11-30",
	}
}

func render(t *testing.T, l Label) ([]zplCommand, []zplField) {
	t.Helper()
	zpl := ZPL(l)
	commands := parseZPLCommands(t, zpl)
	return commands, zplFields(t, commands)
}

func TestZPLIsOneLabelOfTheRightSize(t *testing.T) {
	zpl := ZPL(sampleLabel())
	if !bytes.HasPrefix(zpl, []byte("^XA^CI28^PW812^LL1218")) || !bytes.HasSuffix(zpl, []byte("^XZ\n")) {
		t.Errorf("label should start ^XA^CI28^PW812^LL1218 and end ^XZ:\n%s", zpl)
	}
	assertOnlyDrawing(t, parseZPLCommands(t, zpl))
}

// assertOnlyDrawing checks that the label is exactly one ^XA … ^XZ and holds no command but
// the ones the renderer draws with: nothing that could change the printer's settings, cancel
// its queue or start another label.
func assertOnlyDrawing(t *testing.T, commands []zplCommand) {
	t.Helper()
	allowed := []string{"XA", "CI", "PW", "LL", "LH", "FO", "A", "FH", "FD", "FS", "GB", "BY", "BC", "XZ"}
	count := map[string]int{}
	for _, c := range commands {
		count[c.name]++
		if c.prefix != '^' || !slices.Contains(allowed, c.name) {
			t.Errorf("unexpected command %v", c)
		}
	}
	if count["XA"] != 1 || count["XZ"] != 1 {
		t.Errorf("want exactly one ^XA and one ^XZ, got %d and %d", count["XA"], count["XZ"])
	}
	if first, last := commands[0], commands[len(commands)-1]; first.name != "XA" || last.name != "XZ" {
		t.Errorf("label runs from %v to %v, want ^XA to ^XZ", first, last)
	}
	if commands[1].name != "CI" || commands[1].params != "28" {
		t.Errorf("second command is %v, want ^CI28 before any text", commands[1])
	}
}

func TestZPLBarcodesCarryTheNumbers(t *testing.T) {
	_, fields := render(t, sampleLabel())
	codes := barcodes(fields)
	if len(codes) != 2 {
		t.Fatalf("want 2 barcodes, got %+v", codes)
	}
	if codes[0].data != ">:1Z5R89390357567127" {
		t.Errorf("tracking barcode data = %q, want the number in subset B", codes[0].data)
	}
	if codes[1].data != ">;>800106141411234567897" {
		t.Errorf("SSCC barcode data = %q, want >;>800 and the SSCC", codes[1].data)
	}
	lines := texts(fields)
	for _, want := range []string{"1Z5R89390357567127", "(00) 106141411234567897"} {
		if !slices.Contains(lines, want) {
			t.Errorf("human-readable line %q missing from %q", want, lines)
		}
	}
	if codes[1].module < 4 {
		t.Errorf("SSCC bars are %d dots, GS1 wants at least 0.495 mm (4 dots)", codes[1].module)
	}
}

// An all-digit number of even length goes in subset C, two digits a symbol: a shorter barcode.
func TestZPLDigitsTrackingUsesSubsetC(t *testing.T) {
	l := sampleLabel()
	l.TrackingNumber = "986578788855"
	_, fields := render(t, l)
	if got := barcodes(fields)[0].data; got != ">;986578788855" {
		t.Errorf("tracking barcode data = %q, want >;986578788855", got)
	}
}

func TestZPLPrintsTheAddressesAndDetails(t *testing.T) {
	_, fields := render(t, sampleLabel())
	lines := texts(fields)
	for _, want := range []string{
		"Zoë Müller", "Müller & Söhne GmbH", "Bahnhofstraße 7", "Hinterhaus, 3. OG", "80335 München", "DE",
		"FROM", "Acme Warehouse Venlo", "Industrieweg 12", "5928 PH Venlo", "NL",
		"DHL Express", "Express Worldwide", "SHIP DATE 2026-11-30",
		"ORDER SO-0001234", "REF 112-1234567-1234567", "PARCEL 1 OF 2", "WEIGHT 1.250 kg",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("line %q missing from %q", want, lines)
		}
	}
	name := fieldWith(t, fields, "Zoë Müller")
	from := fieldWith(t, fields, "Acme Warehouse Venlo")
	if name.fontSize[0] <= from.fontSize[0] || name.fontSize[0] < 40 {
		t.Errorf("ship-to name in %d-dot type, ship-from in %d: the ship-to should be large", name.fontSize[0], from.fontSize[0])
	}
}

func TestZPLPlacesPostcodeAsTheCountryReadsIt(t *testing.T) {
	l := sampleLabel()
	l.To = model.Address{Name: "Jane Roe", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}
	_, fields := render(t, l)
	if lines := texts(fields); !slices.Contains(lines, "Springfield IL 62701") {
		t.Errorf("US place line missing from %q", lines)
	}
}

func fieldWith(t *testing.T, fields []zplField, data string) zplField {
	t.Helper()
	for _, f := range fields {
		if f.data == data {
			return f
		}
	}
	t.Fatalf("no field %q", data)
	return zplField{}
}

// A customer who names themselves after ZPL commands gets those characters printed, and no
// command runs: the only commands are the renderer's, one ^XA and one ^XZ, and no "~" reaches
// the printer at all (a tilde command runs the moment the printer reads it).
func TestZPLFieldDataCannotInjectCommands(t *testing.T) {
	l := sampleLabel()
	l.To.Name = "^XZ^XA~JA\n^FDpwned_5E"
	l.To.Company = "~JR reset\r\x00\x1b[2J"
	l.To.Line1 = "Evil St 1^FS"
	l.Reference = "~DGR:LOGO.GRF"
	l.TrackingNumber = "1Z5R8939^XZ0357567127"
	zpl := ZPL(l)
	if bytes.ContainsRune(zpl, '~') {
		t.Errorf("a tilde reached the printer:\n%s", zpl)
	}
	commands := parseZPLCommands(t, zpl)
	assertOnlyDrawing(t, commands)
	fields := zplFields(t, commands)
	lines := texts(fields)
	for _, want := range []string{"^XZ^XA~JA ^FDpwned_5E", "~JR reset [2J", "Evil St 1^FS", "REF ~DGR:LOGO.GRF"} {
		if !slices.Contains(lines, want) {
			t.Errorf("hostile text should print as given (control characters as spaces): %q missing from %q", want, lines)
		}
	}
	if got := barcodes(fields)[0].data; got != ">:1Z5R8939XZ0357567127" {
		t.Errorf("tracking barcode data = %q: only letters and digits belong in it", got)
	}
}

// Everything drawn stays on the 812×1218 label, inside the margins, with lines long enough to
// need cutting.
func TestZPLStaysInsideTheLabel(t *testing.T) {
	long := strings.Repeat("Hohenzollern-Sigmaringen ", 8)
	l := sampleLabel()
	l.To = model.Address{Name: long, Company: long, Line1: long, Line2: long, City: long, Region: long, PostalCode: long, Country: "DE"}
	l.From = l.To
	l.Carrier, l.Service, l.OrderNumber, l.Reference = long, long, long, long
	l.TrackingNumber = "420221539101026837331000039521" // the longest kind: USPS with its routing code
	_, fields := render(t, l)
	for _, f := range fields {
		right, bottom := f.x+f.box[0], f.y+f.box[1]
		switch {
		case f.barcode:
			right, bottom = f.x+code128Width(t, f), f.y+f.barHeight
		case f.fontSize[0] > 0:
			right, bottom = f.x+textWidth(f.data, f.fontSize[1]), f.y+f.fontSize[0]
		}
		if f.x < margin || f.y < margin || right > labelWidth-margin || bottom > labelHeight-margin {
			t.Errorf("field %q at %d,%d reaches %d,%d: outside the label's margins", f.data, f.x, f.y, right, bottom)
		}
	}
	if lines := texts(fields); slices.Contains(lines, printable(long)) {
		t.Errorf("a line too long for the label was not cut")
	}
}

// Blocks do not run into each other, even with every address line filled: within each column
// every field starts below the one before it ends, and a full-width field (a rule, a barcode)
// below both columns.
func TestZPLBlocksDoNotOverlap(t *testing.T) {
	l := sampleLabel()
	l.From.Name, l.From.Line2, l.From.Region = "Shipping Department", "Hal 3", "Limburg"
	_, fields := render(t, l)
	var bottom [2]int // the left column's and the right column's
	for _, f := range fields {
		fullWidth := f.barcode || f.box[0] > 0
		column := 0
		if f.x >= rightColumn && !fullWidth {
			column = 1
		}
		top := bottom[column]
		if fullWidth {
			top = max(bottom[0], bottom[1])
		}
		if f.y < top {
			t.Errorf("field %q at y %d starts above the end of the one before it (%d)", f.data, f.y, top)
		}
		end := f.y + max(f.fontSize[0], f.barHeight, f.box[1])
		if fullWidth {
			bottom = [2]int{end, end}
		} else {
			bottom[column] = end
		}
	}
}

func TestZPLLeavesOutWhatIsMissing(t *testing.T) {
	l := sampleLabel()
	l.SSCC, l.To.Company, l.To.Line2, l.Reference = "", "", "", ""
	_, fields := render(t, l)
	if n := len(barcodes(fields)); n != 1 {
		t.Errorf("without an SSCC there should be 1 barcode, got %d", n)
	}
	for _, line := range texts(fields) {
		if line == "" || line == "SSCC" || strings.HasPrefix(line, "REF") {
			t.Errorf("line %q printed for something missing", line)
		}
	}
}

func TestCheckAcceptsACompleteLabel(t *testing.T) {
	if err := sampleLabel().Check(); err != nil {
		t.Errorf("Check() = %v", err)
	}
}

func TestCheckSaysEverythingWrong(t *testing.T) {
	l := sampleLabel()
	l.Carrier, l.CarrierCode = "", ""
	l.To.Name, l.To.Company, l.To.Country = "", "", "Germany"
	l.From.City = ""
	l.TrackingNumber = "1Z 5R8"
	l.SSCC = "106141411234567898"
	l.Parcel, l.Parcels = 3, 2
	l.WeightG = 0
	l.ShipDate = "30.11.2026"
	err := l.Check()
	if err == nil {
		t.Fatal("Check() accepted a broken label")
	}
	for _, want := range []string{
		"no carrier", "ship-to address has neither a name nor a company", `ship-to country "Germany"`,
		"ship-from address needs a street line and a city", `tracking number "1Z 5R8"`,
		"SSCC 106141411234567898: check digit is 8, should be 7", "parcel 3 of 2", "weight 0 g",
		`ship date "30.11.2026"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check() = %v\nwant it to say %q", err, want)
		}
	}
}
