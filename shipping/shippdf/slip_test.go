package shippdf

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"oms/model"
)

var shop = model.Address{
	Company: "Nordlicht Handels GmbH", Line1: "Müllerstraße 12", City: "Berlin", PostalCode: "10115",
	Country: "DE", Phone: "+49 30 1234567",
}

// exampleSlip: three lines, one partly backordered, shipped in two parcels.
func exampleSlip() Slip {
	return Slip{
		Seller: shop, ShipTo: customerPL,
		OrderNumber: "SO-0001763", OrderDate: time.Date(2026, 11, 28, 14, 5, 0, 0, time.UTC),
		Channel: "Shopify", Reference: "#1042",
		Lines: []SlipLine{
			{SKU: "APP-SCK-RST-4346", Description: "Merino socks, rust", Ordered: 3, Shipped: 3},
			{SKU: "BOK-9781900001", Description: "Notebook, dotted, A5", Ordered: 5, Shipped: 2, Backordered: 3},
			{SKU: "MUG-ZOE-01", Description: "Mug „Zoë“, stoneware", Ordered: 1, Shipped: 1},
		},
		Parcels: 2, TrackingNumbers: []string{"1Z999AA10123456784", "1Z999AA10123456793"},
		ReturnsNote: "Returns within 30 days: returns.nordlicht.example, quoting SO-0001763. Backordered items ship free.",
	}
}

func renderSlip(t testing.TB, s Slip) []byte {
	t.Helper()
	b, err := PackingSlip(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPackingSlipReadsBack(t *testing.T) {
	b := renderSlip(t, exampleSlip())
	expectPageSize(t, "German seller", b, 595, 842)
	text := allText(t, open(t, b))
	expectText(t, "slip", text,
		"Packing slip",
		"Order SO-0001763", "Order date 2026-11-28", "Shopify order #1042",
		"FROM", "Nordlicht Handels GmbH", "Müllerstraße 12", "10115 Berlin", "GERMANY", "+49 30 1234567",
		"SHIP TO", "Zoë Ångström", "Baltyk Import Sp. z o.o.", "90-001 Lódz", "POLAND",
		"SKU Description Ordered This shipment Backordered",
		"APP-SCK-RST-4346 Merino socks, rust 3 3 0",
		"BOK-9781900001 Notebook, dotted, A5 5 2 3",
		"MUG-ZOE-01 Mug „Zoë“, stoneware 1 1 0",
		"3 units are on backorder and follow in a later shipment.",
		"SHIPMENT", "2 parcels, tracking 1Z999AA10123456784, 1Z999AA10123456793",
		"RETURNS", "Returns within 30 days: returns.nordlicht.example, quoting SO-0001763.",
		"Packing slip SO-0001763 · page 1 of 1",
	)
}

func TestPackingSlipLetterAndPages(t *testing.T) {
	s := exampleSlip()
	s.Seller = model.Address{Company: "Northwind Supply Inc.", Line1: "500 Market St", City: "San Francisco",
		Region: "CA", PostalCode: "94105", Country: "US"}
	s.Lines = nil
	for i := 1; i <= 70; i++ {
		s.Lines = append(s.Lines, SlipLine{SKU: fmt.Sprintf("SKU-%03d", i), Description: "Item", Ordered: 2, Shipped: 1, Backordered: 1})
	}
	b := renderSlip(t, s)
	expectPageSize(t, "US seller", b, 612, 792)
	r := open(t, b)
	if r.NumPage() < 2 {
		t.Fatalf("70 lines fit on %d page", r.NumPage())
	}
	page2 := pageLines(t, r, 2)
	if len(page2) < 2 || page2[0] != "Packing slip SO-0001763 (continued)" || page2[1] != "SKU Description Ordered This shipment Backordered" {
		t.Errorf("page 2 does not continue under the table's header:\n%s", strings.Join(page2, "\n"))
	}
	text := allText(t, r)
	expectText(t, "long slip", text, "SKU-001 Item 2 1 1", "SKU-070 Item 2 1 1", "70 units are on backorder", "San Francisco, CA 94105")
}

func TestPackingSlipRefusesContradictions(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(s *Slip)
		want   string
	}{
		{"over-shipped", func(s *Slip) { s.Lines[1].Shipped = 4 }, "4 shipped and 3 backordered is more than the 5 ordered"},
		{"negative", func(s *Slip) { s.Lines[0].Backordered = -1 }, "must not be negative"},
		{"no lines", func(s *Slip) { s.Lines = nil }, "no lines"},
		{"tracking", func(s *Slip) { s.Parcels = 1 }, "2 tracking numbers for 1 parcels"},
		{"date", func(s *Slip) { s.OrderDate = time.Time{} }, "no order date"},
	} {
		s := exampleSlip()
		c.change(&s)
		if _, err := PackingSlip(s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
