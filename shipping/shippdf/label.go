package shippdf

import (
	"fmt"
	"strings"
	"time"

	"oms/shipping/label"
)

// The 4×6 inch label, in millimetres.
const (
	labelW, labelH = 101.6, 152.4
	labelMargin    = 3.0
	// trackingH is the tracking barcode's height: a tall symbol lets a hand scanner held at a
	// slant still cross every bar, and 18 mm is what fits above a full-size SSCC.
	trackingH = 18.0
	// ssccH is the minimum height GS1's symbol specification for logistic units
	// (General Specifications §5.9.3) gives an SSCC, and ssccMaxDots its 0.495 mm minimum
	// module, rounded up to whole dots (6 dots, 0.508 mm). GS1 also puts the SSCC lowest on
	// the label (§6.6.4.1.1), which this layout does.
	ssccH            = 31.75
	ssccMaxDots      = 6
	trackingMaxDots  = 5   // 0.423 mm: the widest at which a UPS 1Z number and its quiet zones fit the width
	hriH             = 4.5 // the text under the bars
	hriGap           = 0.8 // between the bars and their text
	labelCaptionH    = 3.0
	labelGap         = 1.6
	shipToKeySize    = 13.0
	shipToLineSize   = 11.0
	shipToSmallestPt = 7.0
)

// Label renders l as a 4×6 inch (101.6 × 152.4 mm) PDF for office printers: who sends, to whom
// in large type, carrier and service, weight, parcel n of m, order, ship date, the tracking
// number as Code 128 and the SSCC as GS1-128, each with its text. It refuses a label a carrier
// could not deliver or scan, naming what is missing.
func Label(l label.Label) ([]byte, error) {
	if err := checkLabel(l); err != nil {
		return nil, err
	}
	tracking, err := code128Bars(l.TrackingNumber)
	if err != nil {
		return nil, fmt.Errorf("label for %s: %w", l.OrderNumber, err)
	}
	sscc, err := ssccBars(l.SSCC)
	if err != nil {
		return nil, fmt.Errorf("label for %s: %w", l.OrderNumber, err)
	}
	shipped, _ := time.Parse(time.DateOnly, l.ShipDate) // checked in checkLabel
	s := newSheetOfSize(labelW, labelH, labelMargin, meta{
		title: "Shipping label " + l.TrackingNumber, author: partyName(l.From), date: shipped,
	})
	s.pdf.AddPage()
	if err := drawLabel(s, l, tracking, sscc); err != nil {
		return nil, fmt.Errorf("label for %s: %w", l.OrderNumber, err)
	}
	return s.bytes()
}

// checkLabel refuses what a carrier would return: no addresses, no tracking number, an SSCC
// that fails its check digit, a parcel position outside the shipment, no weight or date.
func checkLabel(l label.Label) error {
	var p problems
	p.checkAddress("the sender", l.From)
	p.checkAddress("the addressee", l.To)
	if strings.TrimSpace(l.Carrier) == "" {
		p.add("no carrier")
	}
	if !isTrackingText(l.TrackingNumber) {
		p.add("tracking number %q is not letters and digits", l.TrackingNumber)
	}
	if err := label.ValidSSCC(l.SSCC); err != nil {
		p.add("%v", err)
	}
	if strings.TrimSpace(l.OrderNumber) == "" {
		p.add("no order number")
	}
	if l.Parcels < 1 || l.Parcel < 1 || l.Parcel > l.Parcels {
		p.add("parcel %d of %d is not a parcel of the shipment", l.Parcel, l.Parcels)
	}
	if l.WeightG <= 0 {
		p.add("weight %d g is not positive", l.WeightG)
	}
	if _, err := time.Parse(time.DateOnly, l.ShipDate); err != nil {
		p.add("ship date %q is not YYYY-MM-DD", l.ShipDate)
	}
	return p.err("label for order " + l.OrderNumber)
}

// isTrackingText: carriers' tracking numbers are ASCII letters and digits. Anything else is a
// mistake upstream, and a character such as "ñ" would even be read by the encoder as FNC1.
func isTrackingText(t string) bool {
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return t != ""
}

// drawLabel lays the label out: the sender and carrier at the top, the addressee large, the
// parcel's facts, then the two barcodes from the bottom up, so the addressee gets whatever
// height the fixed parts leave and shrinks only when a long address needs it.
func drawLabel(s *sheet, l label.Label, tracking, sscc bars) error {
	w := s.contentW()
	trackingModule, err := moduleFor(tracking, w, trackingMaxDots)
	if err != nil {
		return fmt.Errorf("tracking number %s: %w", l.TrackingNumber, err)
	}
	ssccModule, err := moduleFor(sscc, w, ssccMaxDots)
	if err != nil {
		return fmt.Errorf("SSCC %s: %w", l.SSCC, err)
	}

	s.y = s.margin
	s.labelHeader(l)
	s.rule(s.y, 0.5, 0)
	s.y += labelGap

	bottom := s.pageH - s.margin
	ssccTop := bottom - barcodeBlockH(ssccH)
	s.barcodeBlock(ssccTop, "SSCC (GS1-128)", sscc, ssccH, ssccModule, ssccHRI(l.SSCC))
	trackingTop := ssccTop - labelGap - barcodeBlockH(trackingH)
	s.rule(ssccTop-labelGap/2, 0.5, 0)
	s.barcodeBlock(trackingTop, "Tracking number", tracking, trackingH, trackingModule, l.TrackingNumber)
	factsTop := trackingTop - labelGap - factsH
	s.rule(trackingTop-labelGap/2, 0.5, 0)
	s.labelFacts(factsTop, l)
	s.rule(factsTop-labelGap/2, 0.5, 0)

	return s.shipTo(l, factsTop-labelGap)
}

// labelHeader draws the sender, small, on the left and the carrier and service on the right.
func (s *sheet) labelHeader(l label.Label) {
	const carrierW = 38.0
	fromW := s.contentW() - carrierW - 2
	top := s.y
	s.caption(s.margin, top, fromW, "From")
	y := top + labelCaptionH
	s.font("", 7.5)
	for _, line := range addressLines(l.From) {
		s.cell(s.margin, y, fromW, 3.2, s.text(line), "L")
		y += 3.2
	}
	x := s.pageW - s.margin - carrierW
	s.font("B", 14)
	s.cell(x, top, carrierW, 6.5, s.text(l.Carrier), "R")
	s.font("", 9)
	carrierBottom := top + 6.5
	for _, line := range s.wrap(s.text(l.Service), carrierW) {
		s.cell(x, carrierBottom, carrierW, 4, line, "R")
		carrierBottom += 4
	}
	s.y = max(y, carrierBottom) + 0.8
}

// factsH is the height of the parcel's facts: two rows of caption and value.
const factsH = 2 * (labelCaptionH + 5)

// labelFacts draws weight, parcel n of m and ship date in a row, then the order number and
// the channel's reference.
func (s *sheet) labelFacts(top float64, l label.Label) {
	third := s.contentW() / 3
	row := [][2]string{
		{"Weight", kg(int64(l.WeightG))},
		{"Parcel", fmt.Sprintf("%d of %d", l.Parcel, l.Parcels)},
		{"Ship date", l.ShipDate},
	}
	for i, f := range row {
		x := s.margin + float64(i)*third
		s.caption(x, top, third, f[0])
		s.font("B", 11)
		s.cell(x, top+labelCaptionH, third, 5, s.text(f[1]), "L")
	}
	top += labelCaptionH + 5
	half := s.contentW() / 2
	s.caption(s.margin, top, half, "Order")
	s.font("B", 11)
	s.cell(s.margin, top+labelCaptionH, half, 5, s.text(l.OrderNumber), "L")
	if ref := strings.TrimSpace(l.Reference); ref != "" {
		s.caption(s.margin+half, top, half, "Reference")
		s.font("", 9)
		s.cell(s.margin+half, top+labelCaptionH, half, 5, s.text(ref), "L")
	}
}

// barcodeBlockH is the height of a barcode block whose bars are barsH high.
func barcodeBlockH(barsH float64) float64 { return labelCaptionH + barsH + hriGap + hriH }

// barcodeBlock draws a caption, the bars and their text under them, from top.
func (s *sheet) barcodeBlock(top float64, caption string, b bars, h, module float64, hri string) {
	s.caption(s.margin, top, s.contentW(), caption)
	barsTop := top + labelCaptionH
	s.drawBars(b, s.margin, barsTop, s.contentW(), h, module)
	s.font("B", 10)
	s.cell(s.margin, barsTop+h+hriGap, s.contentW(), hriH, s.text(hri), "C")
}

// shipTo draws the addressee from s.y down to bottom: name, town and country bold, all of it
// as large as fits. An address that does not fit even at the smallest size is refused rather
// than printed cut off.
func (s *sheet) shipTo(l label.Label, bottom float64) error {
	s.caption(s.margin, s.y, s.contentW(), "Ship to")
	top := s.y + labelCaptionH + 0.5
	rows := addressRows(l.To)
	for scale := 1.0; ; scale -= 0.05 {
		keySize, size := shipToKeySize*scale, shipToLineSize*scale
		if size < shipToSmallestPt {
			return fmt.Errorf("the address of %s does not fit on the label", partyName(l.To))
		}
		if s.drawAddress(rows, top, bottom, keySize, size, true) {
			s.drawAddress(rows, top, bottom, keySize, size, false)
			return nil
		}
	}
}

// drawAddress prints address rows from top, the key ones bold at keySize, wrapping long ones;
// it reports whether they end above bottom, and only measures when dryRun is set.
func (s *sheet) drawAddress(rows []addressRow, top, bottom, keySize, size float64, dryRun bool) bool {
	y := top
	for _, row := range rows {
		style, pt := "", size
		if row.key {
			style, pt = "B", keySize
		}
		s.font(style, pt)
		lineH := pt * 0.42 // points to millimetres, with leading
		for _, part := range s.wrap(s.text(row.text), s.contentW()) {
			if !dryRun {
				s.cell(s.margin, y, s.contentW(), lineH, part, "L")
			}
			y += lineH
		}
	}
	return y <= bottom
}
