package shippdf

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"oms/invoicepdf"
	"oms/model"
)

// Slip is the packing slip that goes into a parcel: what the customer ordered, what this
// shipment brings and what is still to come.
type Slip struct {
	Seller      model.Address // the shop, as the customer knows it; its country picks the paper
	ShipTo      model.Address
	OrderNumber string    // oms's ("SO-0001763")
	OrderDate   time.Time // the day the customer ordered; also dates the file
	Channel     string    // the shop or marketplace's name ("Shopify"), "" when none
	Reference   string    // the channel's order id, which the customer quotes ("#1042")
	Lines       []SlipLine
	// Parcels is how many parcels this shipment has; TrackingNumbers lists theirs (fewer when
	// a service gives none).
	Parcels         int
	TrackingNumbers []string
	// ReturnsNote tells the customer how to send something back ("Returns within 30 days at
	// returns.example.com, quoting SO-0001763"); it is printed under the lines.
	ReturnsNote string
}

// SlipLine is one order line on the slip. Ordered is what the customer ordered; Shipped what
// is in this shipment; Backordered what is still owed and comes later. Units shipped earlier
// or cancelled account for the rest, so Shipped + Backordered never exceeds Ordered.
type SlipLine struct {
	SKU, Description              string
	Ordered, Shipped, Backordered int64
}

const slipMargin = 15.0

// PackingSlip renders s on A4, or Letter where the seller is in a Letter country (the same
// rule as the invoice, invoicepdf.PaperFor). It refuses a slip whose quantities contradict
// each other rather than tell a customer something false about their order.
func PackingSlip(s Slip) ([]byte, error) {
	if err := checkSlip(s); err != nil {
		return nil, err
	}
	title := "Packing slip " + s.OrderNumber
	sh := newOfficeSheet(invoicepdf.PaperFor(s.Seller.Country), slipMargin, meta{title: title, author: partyName(s.Seller), date: s.OrderDate})
	sh.pdf.SetFooterFunc(func() { sh.footer(title, partyName(s.Seller)) })
	sh.newPage(title)
	sh.slipHeading(s)
	sh.slipLines(s, title)
	sh.slipParcels(s, title)
	return sh.bytes()
}

func checkSlip(s Slip) error {
	var p problems
	if partyName(s.Seller) == "" {
		p.add("the seller has no name")
	}
	p.checkAddress("the addressee", s.ShipTo)
	if strings.TrimSpace(s.OrderNumber) == "" {
		p.add("no order number")
	}
	if s.OrderDate.IsZero() {
		p.add("no order date")
	}
	if len(s.Lines) == 0 {
		p.add("no lines")
	}
	for i, l := range s.Lines {
		switch {
		case l.Ordered <= 0 || l.Shipped < 0 || l.Backordered < 0:
			p.add("line %d (%s): ordered %d, shipped %d, backordered %d: quantities must not be negative, and something must be ordered",
				i+1, l.SKU, l.Ordered, l.Shipped, l.Backordered)
		case l.Shipped+l.Backordered > l.Ordered:
			p.add("line %d (%s): %d shipped and %d backordered is more than the %d ordered", i+1, l.SKU, l.Shipped, l.Backordered, l.Ordered)
		}
	}
	if s.Parcels < 1 {
		p.add("%d parcels: a shipment has at least one", s.Parcels)
	}
	if len(s.TrackingNumbers) > s.Parcels {
		p.add("%d tracking numbers for %d parcels", len(s.TrackingNumbers), s.Parcels)
	}
	return p.err("packing slip for order " + s.OrderNumber)
}

// slipHeading draws the seller and the slip's facts, then the ship-to address.
func (s *sheet) slipHeading(sl Slip) {
	const rightW = 80.0
	top := s.y
	leftW := s.contentW() - rightW - 10
	sellerBottom := s.block(s.margin, top, leftW, "From", sellerLines(sl.Seller), true)

	x := s.pageW - s.margin - rightW
	s.font("B", 18)
	s.cell(x, top, rightW, 9, s.text("Packing slip"), "R")
	pairs := [][2]string{{"Order", sl.OrderNumber}, {"Order date", sl.OrderDate.Format(time.DateOnly)}}
	if ref := strings.TrimSpace(sl.Reference); ref != "" {
		channel := "Channel reference"
		if c := strings.TrimSpace(sl.Channel); c != "" {
			channel = c + " order"
		}
		pairs = append(pairs, [2]string{channel, ref})
	}
	factsBottom := s.facts(x, top+11, rightW, 0.45, pairs)
	s.y = max(sellerBottom, factsBottom) + 8
	s.y = s.block(s.margin, s.y, leftW, "Ship to", addressLines(sl.ShipTo), true) + 8
}

// sellerLines is the seller as a customer recognises it: the shop's name, its address, its
// phone.
func sellerLines(a model.Address) []string {
	lines := addressLines(a)
	if p := strings.TrimSpace(a.Phone); p != "" {
		lines = append(lines, p)
	}
	return lines
}

func slipColumns() []column[SlipLine] {
	qty := func(n int64) string { return strconv.FormatInt(n, 10) }
	return []column[SlipLine]{
		{head: "SKU", width: 38, align: "L", value: func(l SlipLine) string { return l.SKU }},
		{head: "Description", align: "L", value: func(l SlipLine) string { return l.Description }},
		{head: "Ordered", width: 18, align: "R", value: func(l SlipLine) string { return qty(l.Ordered) }},
		{head: "This shipment", width: 24, align: "R", value: func(l SlipLine) string { return qty(l.Shipped) }},
		{head: "Backordered", width: 22, align: "R", value: func(l SlipLine) string { return qty(l.Backordered) }},
	}
}

// slipLines draws the lines, the header repeated on each page the table runs onto, and says
// under it when something is still to come.
func (s *sheet) slipLines(sl Slip, title string) {
	cols := slipColumns()
	fillWidth(s, cols, "Description")
	s.ensure(6+6, title)
	tableHeader(s, cols, 8.5)
	var owed int64
	for _, l := range sl.Lines {
		if s.ensure(tableRow(s, cols, l, 9, 4.4, true), title) {
			tableHeader(s, cols, 8.5)
		}
		tableRow(s, cols, l, 9, 4.4, false)
		owed += l.Backordered
	}
	if owed > 0 {
		s.y += 2
		s.ensure(5, title)
		s.font("B", 9)
		s.cell(s.margin, s.y, s.contentW(), 5, s.text(fmt.Sprintf(
			"%d %s on backorder and %s in a later shipment.", owed, plural(owed, "unit is", "units are"), plural(owed, "follows", "follow"))), "L")
		s.y += 5
	}
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// slipParcels says how many parcels the shipment has and their tracking numbers, then the
// returns note.
func (s *sheet) slipParcels(sl Slip, title string) {
	s.y += 6
	s.ensure(10, title)
	s.caption(s.margin, s.y, s.contentW(), "Shipment")
	s.y += 4
	s.font("", 9.5)
	count := fmt.Sprintf("%d %s", sl.Parcels, plural(int64(sl.Parcels), "parcel", "parcels"))
	if len(sl.TrackingNumbers) > 0 {
		count += ", tracking " + strings.Join(sl.TrackingNumbers, ", ")
	}
	for _, line := range s.wrap(s.text(count), s.contentW()) {
		s.ensure(4.6, title)
		s.cell(s.margin, s.y, s.contentW(), 4.6, line, "L")
		s.y += 4.6
	}
	if note := strings.TrimSpace(sl.ReturnsNote); note != "" {
		s.y += 4
		s.ensure(9, title)
		s.caption(s.margin, s.y, s.contentW(), "Returns")
		s.y += 4
		s.font("", 9.5)
		for _, line := range s.wrap(s.text(note), s.contentW()) {
			s.ensure(4.6, title)
			s.cell(s.margin, s.y, s.contentW(), 4.6, line, "L")
			s.y += 4.6
		}
	}
}
