package label

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"oms/model"
)

// The label is 4×6 in at 203 dpi: 8 dots per mm (shipping-tax.md §2).
const (
	labelWidth  = 812  // dots, ^PW
	labelHeight = 1218 // dots, ^LL
	margin      = 30   // dots left clear on every side
	contentWide = labelWidth - 2*margin
)

// Font sizes (^A0N,h,w with w = h) and where each block starts. The blocks have fixed tops so a
// carrier's barcode is always in the same place, whatever the addresses above it hold; each
// block has room for all its lines.
const (
	smallText   = 22 // ship-from, headings, the channel's reference
	normalText  = 30 // order, parcel, weight
	serviceText = 26 // the carrier's service, which can be a long name
	headText    = 40 // the carrier's name
	addrText    = 38 // ship-to company and street lines
	bigText     = 48 // ship-to name, postcode and city, country
	hriText     = 34 // the human-readable lines under the barcodes

	fromTop     = margin // ship-from (left) and carrier (right)
	rightColumn = 450    // where the carrier block starts
	toTop       = 232    // ship-to
	detailsTop  = 598    // order, reference, parcel n of m, weight
	trackingTop = 696    // the tracking barcode and its line
	ssccTop     = 906    // the SSCC heading, barcode and line
	hriGap      = 8      // between a barcode and its human-readable line
)

// charWidthPercent is how wide a character of font 0 is taken to be, in percent of the font's
// width parameter. Font 0 is proportional: its average glyph is about half the width parameter
// and capitals nearer 0.6, so at 60% typical text of the counted length fits. A line made mostly
// of the widest capitals (W, M) can still run a little over; text is cut to fit, never wrapped.
const charWidthPercent = 60

// maxChars is how many characters of a font of size fit in width dots.
func maxChars(width, size int) int { return width * 100 / (size * charWidthPercent) }

// ZPL renders the label as ZPL II for a 4×6 in thermal label at 203 dpi: ship-from and carrier
// at the top, ship-to in large type, the order's details, the tracking number as Code 128 and
// the SSCC as GS1-128, each barcode with its human-readable line. Text is UTF-8 (^CI28) and
// written with ^FH escapes, so no name or address can start a ZPL command; lines too long for
// their place are cut. ZPL does not judge the label: call Check first.
func ZPL(l Label) []byte {
	z := &zplWriter{}
	z.raw("^XA^CI28^PW%d^LL%d^LH0,0\n", labelWidth, labelHeight)
	z.shipFrom(l.From)
	z.carrier(l)
	z.rule(toTop - 14)
	z.shipTo(l.To)
	z.rule(detailsTop - 16)
	z.details(l)
	z.rule(trackingTop - 14)
	z.tracking(l.TrackingNumber)
	if l.SSCC != "" {
		z.rule(ssccTop - 12)
		z.sscc(l.SSCC)
	}
	z.raw("^XZ\n")
	return z.b.Bytes()
}

type zplWriter struct{ b bytes.Buffer }

func (z *zplWriter) raw(format string, args ...any) { fmt.Fprintf(&z.b, format, args...) }

// text writes s at (x, y) in font 0 of size, cut to width dots. Empty text writes nothing.
func (z *zplWriter) text(x, y, size, width int, s string) {
	s = cut(printable(s), maxChars(width, size))
	if s == "" {
		return
	}
	z.raw("^FO%d,%d^A0N,%d,%d^FH^FD%s^FS\n", x, y, size, size, escapeFieldData(s))
}

// lines writes the non-empty texts one under the other from y; an empty line takes no room, so
// a missing company does not leave a gap.
func (z *zplWriter) lines(x, y, width int, texts ...sizedText) {
	for _, t := range texts {
		if printable(t.s) == "" {
			continue
		}
		z.text(x, y, t.size, width, t.s)
		y += t.size + t.size/5
	}
}

type sizedText struct {
	size int
	s    string
}

// rule draws a full-width horizontal line 3 dots thick.
func (z *zplWriter) rule(y int) {
	z.raw("^FO%d,%d^GB%d,3,3^FS\n", margin, y, contentWide)
}

func (z *zplWriter) shipFrom(a model.Address) {
	const width = rightColumn - margin - 20
	lines := []sizedText{{smallText, "FROM"}}
	for _, s := range addressLines(a) {
		lines = append(lines, sizedText{smallText, s})
	}
	z.lines(margin, fromTop, width, lines...)
}

func (z *zplWriter) carrier(l Label) {
	const width = labelWidth - margin - rightColumn
	name := l.Carrier
	if printable(name) == "" {
		name = strings.ToUpper(l.CarrierCode)
	}
	date := ""
	if printable(l.ShipDate) != "" {
		date = "SHIP DATE " + l.ShipDate
	}
	z.lines(rightColumn, fromTop, width,
		sizedText{headText, name}, sizedText{serviceText, l.Service}, sizedText{smallText, date})
}

func (z *zplWriter) shipTo(a model.Address) {
	z.text(margin, toTop, smallText, contentWide, "SHIP TO")
	y := toTop + smallText + 10
	z.lines(margin, y, contentWide, sizedText{bigText, a.Name}, sizedText{addrText, a.Company},
		sizedText{addrText, a.Line1}, sizedText{addrText, a.Line2},
		sizedText{bigText, placeLine(a)}, sizedText{bigText, a.Country})
}

func (z *zplWriter) details(l Label) {
	const leftWidth = rightColumn - margin - 20
	const rightWidth = labelWidth - margin - rightColumn
	order := ""
	if printable(l.OrderNumber) != "" {
		order = "ORDER " + l.OrderNumber
	}
	reference := ""
	if printable(l.Reference) != "" {
		reference = "REF " + l.Reference
	}
	z.lines(margin, detailsTop, leftWidth, sizedText{normalText, order}, sizedText{smallText, reference})
	parcel := ""
	if l.Parcels > 0 {
		parcel = fmt.Sprintf("PARCEL %d OF %d", l.Parcel, l.Parcels)
	}
	weight := ""
	if l.WeightG > 0 {
		weight = "WEIGHT " + kilograms(l.WeightG)
	}
	z.lines(rightColumn, detailsTop, rightWidth, sizedText{normalText, parcel}, sizedText{normalText, weight})
}

// kilograms writes grams exactly, as a label's weight is read: 1250 → "1.250 kg".
func kilograms(grams int) string { return fmt.Sprintf("%d.%03d kg", grams/1000, grams%1000) }

// tracking draws the tracking number as Code 128 with the number under it. Only letters and
// digits go into the bars: tracking numbers have nothing else, and anything else could be a
// ZPL command or a Code 128 invocation code (">").
func (z *zplWriter) tracking(number string) {
	data := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (isUpperAlnum(byte(r)) || ('a' <= r && r <= 'z')) {
			return r
		}
		return -1
	}, number)
	if data == "" {
		return
	}
	start, symbols := ">:", len(data) // subset B: one symbol a character
	if len(data)%2 == 0 && allOf(data, isDigit) {
		start, symbols = ">;", len(data)/2 // subset C: one symbol per two digits, a shorter symbol
	}
	const height = 150
	z.barcode(trackingTop, 3, height, symbols, start+data)
	z.centred(trackingTop+height+hriGap, hriText, data)
}

// sscc draws the SSCC as GS1-128: start C, FNC1 (">8"), AI 00 and the 18 digits; under it the
// human-readable "(00) …". Anything but 18 digits is not drawn as bars (Check refuses it).
func (z *zplWriter) sscc(sscc string) {
	z.text(margin, ssccTop, smallText, contentWide, "SSCC")
	if len(sscc) != 18 || !allOf(sscc, isDigit) {
		z.text(margin, ssccTop+smallText+10, hriText, contentWide, "(00) "+sscc)
		return
	}
	// GS1 logistic labels aim at 0.5 mm bars, 4 dots at 8 dots/mm, and 32 mm tall (cobaltis.co.uk,
	// "Logistics Labels"). A 4×6 parcel label that also carries the carrier's barcode cannot spare
	// 32 mm: 200 dots is 25 mm, which scanners read.
	const height = 200
	top := ssccTop + smallText + 10
	z.barcode(top, 4, height, 1+10, ">;>800"+sscc) // FNC1 and ten digit pairs
	z.centred(top+height+hriGap, hriText, "(00) "+sscc)
}

// barcode draws Code 128 data of symbols symbol characters, centred, with the widest bars
// (module in dots, down to 2) that keep it inside the margins. The printer's own human-readable
// line is off: the caller writes one it controls.
func (z *zplWriter) barcode(y, module, height, symbols int, data string) {
	modules := code128Modules(symbols)
	for module > 2 && modules*module > contentWide {
		module--
	}
	x := (labelWidth - modules*module) / 2
	z.raw("^FO%d,%d^BY%d^BCN,%d,N,N,N^FD%s^FS\n", x, y, module, height, data)
}

// code128Modules is a Code 128 symbol's width in modules: 11 for the start character, each
// symbol character and the check character, 13 for the stop character.
func code128Modules(symbols int) int { return 11*(1+symbols+1) + 13 }

// centred writes a line of text centred on the label, by the same width estimate as cutting.
func (z *zplWriter) centred(y, size int, s string) {
	s = cut(printable(s), maxChars(contentWide, size))
	x := max(margin, (labelWidth-textWidth(s, size))/2)
	z.text(x, y, size, labelWidth-margin-x, s)
}

// textWidth is the estimated width of s in font 0 of size, in dots.
func textWidth(s string, size int) int {
	return utf8.RuneCountInString(s) * size * charWidthPercent / 100
}

// addressLines are an address's lines in printing order; lines() leaves out the empty ones.
func addressLines(a model.Address) []string {
	return []string{a.Name, a.Company, a.Line1, a.Line2, placeLine(a), a.Country}
}

// placeLine puts postcode, city and region on one line in the order the country's post reads
// them: city, region and postcode in North America, Australia and the British Isles; postcode
// first elsewhere, with the region (a province) after the city.
func placeLine(a model.Address) string {
	switch a.Country {
	case "US", "CA", "AU", "GB", "IE":
		return join(a.City, a.Region, a.PostalCode)
	default:
		return join(a.PostalCode, a.City, a.Region)
	}
}

func join(parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = printable(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// printable is s as one printable line: invalid UTF-8 replaced, control characters (a newline
// among them) turned into spaces, runs of white space collapsed, the ends trimmed.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cut keeps the first n characters of s.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// escapeFieldData writes the characters ZPL would read as commands as ^FH hex escapes: "^"
// and "~" start commands anywhere, even inside ^FD (a customer named "^XZ" would end the label,
// "~JA" would cancel the printer's queue), and "_" is ^FH's own escape character. The printer
// turns the escapes back into the characters, so the name prints as given.
func escapeFieldData(s string) string {
	return fieldEscaper.Replace(s)
}

var fieldEscaper = strings.NewReplacer("_", "_5F", "^", "_5E", "~", "_7E")
