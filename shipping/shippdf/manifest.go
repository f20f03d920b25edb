package shippdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"oms/invoicepdf"
	"oms/shipping/label"
)

// Handover is what the end-of-day manifest lists: the parcels one warehouse hands one carrier
// when the day is closed. (It is not called Manifest because the function that renders it is.)
type Handover struct {
	Number    string // the manifest's number ("MAN-2026-11-30-DHL-RTM")
	Carrier   string // as printed ("DHL Express")
	Account   string // the shipper's account with the carrier, "" when none
	Warehouse string // code and name as printed ("RTM · Rotterdam")
	// Country is the warehouse's ISO 3166 code; it picks the paper, as for invoices.
	Country  string
	ClosedAt time.Time // when the day was closed; printed, and dates the file
	Parcels  []HandoverParcel
}

// HandoverParcel is one parcel's row on the manifest.
type HandoverParcel struct {
	OrderNumber    string
	SSCC           string // 18 digits, check digit included; "" for a parcel without one
	TrackingNumber string
	Service        string
	WeightG        int64
	Country        string // destination, ISO 3166 alpha-2
	PostalCode     string // destination
}

const manifestMargin = 12.0

// Manifest renders h as the end-of-day manifest a driver signs on collection: one row per
// parcel, the header repeated and the pages numbered when it runs long, the totals and the
// signature lines at the end.
func Manifest(h Handover) ([]byte, error) {
	if err := checkHandover(h); err != nil {
		return nil, err
	}
	title := "Carrier manifest " + h.Number
	s := newOfficeSheet(invoicepdf.PaperFor(h.Country), manifestMargin, meta{title: title, author: h.Warehouse, date: h.ClosedAt})
	s.pdf.SetFooterFunc(func() { s.footer(title, h.Carrier+" · "+h.Warehouse) })
	cols := manifestColumns()
	fillWidth(s, cols, "Tracking number")
	s.pdf.AddPage()
	s.y = s.margin
	s.manifestHeading(h, title)
	tableHeader(s, cols, 8)
	for i, p := range h.Parcels {
		row := numbered{i + 1, p}
		if s.ensure(tableRow(s, cols, row, 8.5, 4.2, true), title) {
			tableHeader(s, cols, 8)
		}
		tableRow(s, cols, row, 8.5, 4.2, false)
	}
	s.manifestTotals(h, title)
	return s.bytes()
}

func checkHandover(h Handover) error {
	var p problems
	if strings.TrimSpace(h.Number) == "" {
		p.add("no manifest number")
	}
	if strings.TrimSpace(h.Carrier) == "" {
		p.add("no carrier")
	}
	if strings.TrimSpace(h.Warehouse) == "" {
		p.add("no warehouse")
	}
	if h.ClosedAt.IsZero() {
		p.add("no closing time")
	}
	if len(h.Parcels) == 0 {
		p.add("no parcels: a carrier signs for something")
	}
	seen := map[string]int{}
	for i, pc := range h.Parcels {
		row := fmt.Sprintf("parcel %d (order %s)", i+1, pc.OrderNumber)
		if pc.SSCC != "" {
			if err := label.ValidSSCC(pc.SSCC); err != nil {
				p.add("%s: %v", row, err)
			}
		}
		if strings.TrimSpace(pc.TrackingNumber) == "" {
			p.add("%s: no tracking number", row)
		} else if first, dup := seen[pc.TrackingNumber]; dup {
			p.add("%s: tracking number %s is also parcel %d's", row, pc.TrackingNumber, first)
		} else {
			seen[pc.TrackingNumber] = i + 1
		}
		if pc.WeightG <= 0 {
			p.add("%s: weight %d g is not positive", row, pc.WeightG)
		}
		if !isCountryCode(pc.Country) {
			p.add("%s: destination %q is not an ISO 3166 code", row, pc.Country)
		}
	}
	return p.err("manifest " + h.Number)
}

// numbered is a parcel with its position on the manifest, which the driver counts by.
type numbered struct {
	n int
	p HandoverParcel
}

func manifestColumns() []column[numbered] {
	return []column[numbered]{
		{head: "#", width: 10, align: "R", value: func(r numbered) string { return strconv.Itoa(r.n) }},
		{head: "Order", width: 25, align: "L", whole: true, value: func(r numbered) string { return r.p.OrderNumber }},
		{head: "SSCC", width: 33, align: "L", whole: true, value: func(r numbered) string { return r.p.SSCC }},
		{head: "Tracking number", align: "L", whole: true, value: func(r numbered) string { return r.p.TrackingNumber }},
		{head: "Service", width: 32, align: "L", value: func(r numbered) string { return r.p.Service }},
		{head: "Weight", width: 18, align: "R", value: func(r numbered) string { return kg(r.p.WeightG) }},
		{head: "Destination", width: 26, align: "L", value: func(r numbered) string {
			return strings.TrimSpace(strings.ToUpper(r.p.Country) + " " + r.p.PostalCode)
		}},
	}
}

// manifestHeading draws the title and the facts that identify the handover.
func (s *sheet) manifestHeading(h Handover, title string) {
	s.font("B", 16)
	s.cell(s.margin, s.y, s.contentW(), 8, s.text(title), "L")
	s.y += 10
	pairs := [][2]string{
		{"Carrier", h.Carrier},
		{"Warehouse", h.Warehouse},
		{"Closed at", h.ClosedAt.Format("2006-01-02 15:04 MST")},
	}
	if a := strings.TrimSpace(h.Account); a != "" {
		pairs = append(pairs, [2]string{"Account", a})
	}
	s.y = s.factRow(pairs) + 3
}

// manifestTotals draws the parcel count and total weight, then lines for the warehouse and the
// driver to sign: the signed copy is the proof the carrier took the parcels.
func (s *sheet) manifestTotals(h Handover, title string) {
	var weight int64
	for _, p := range h.Parcels {
		weight += p.WeightG
	}
	s.y += 3
	s.ensure(10+26, title)
	s.font("B", 10)
	s.cell(s.margin, s.y, s.contentW(), 5.5, s.text(fmt.Sprintf("Total: %d %s, %s",
		len(h.Parcels), plural(int64(len(h.Parcels)), "parcel", "parcels"), kg(weight))), "R")
	s.y += 22
	half := (s.contentW() - 10) / 2
	s.pdf.SetDrawColor(0, 0, 0)
	s.pdf.SetLineWidth(0.3)
	s.pdf.Line(s.margin, s.y, s.margin+half, s.y)
	s.pdf.Line(s.margin+half+10, s.y, s.pageW-s.margin, s.y)
	s.font("", 8)
	s.cell(s.margin, s.y+0.5, half, 4, s.text("Handed over by ("+h.Warehouse+"): name, signature"), "L")
	s.cell(s.margin+half+10, s.y+0.5, half, 4, s.text("Received by ("+h.Carrier+" driver): name, signature, time"), "L")
	s.y += 5
}
