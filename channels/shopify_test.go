package channels

import (
	"errors"
	"testing"

	"oms/model"
)

func TestShopifyGoodFile(t *testing.T) {
	got := readFile(t, "shopify", "shopify_good.csv", Options{})
	checkWants(t, got, []want{{2, "#1001", ""}, {4, "#1002", ""}, {5, "#1003", ""}, {6, "#1004", ""}})

	sameOrder(t, got[0].Order, model.IncomingOrder{
		ExternalID: "5550001", DisplayID: "#1001", Currency: "EUR",
		OrderedAt: date("2025-10-07T09:50:26+02:00"),
		Customer:  model.IncomingCustomer{Name: "Anna Berg", Email: "anna@example.com", Phone: "+31 20 555 0001"},
		ShipTo:    model.Address{Name: "Anna Berg", Line1: "Keizersgracht 1", City: "Amsterdam", PostalCode: "1015 AA", Country: "NL"},
		Lines: []model.IncomingLine{
			{ExternalLineID: "1", SKU: "SHIRT-1", Description: "T-Shirt", Qty: 2, AmountMinor: 3998, DiscountMinor: 248},
			{ExternalLineID: "2", SKU: "MUG", Description: "Mug", Qty: 1, AmountMinor: 1250},
		},
		SubtotalMinor: 5248, DiscountMinor: 248, ShippingMinor: 495, TaxMinor: 1050, TotalMinor: 6545,
		ShipService: "Standard",
	})
	sameOrder(t, got[1].Order, model.IncomingOrder{
		ExternalID: "5550002", DisplayID: "#1002", Currency: "SEK",
		OrderedAt: date("2025-10-08T10:00:00Z"),
		Customer:  model.IncomingCustomer{Name: "Zoë Ångström", Email: "zoe@example.se", Phone: "+46 31 000"},
		ShipTo: model.Address{Name: "Zoë Ångström", Company: "Ångström AB", Line1: "Sveavägen 10", Line2: "3 tr",
			City: "Göteborg", PostalCode: "411 01", Country: "SE", Phone: "+46 31 000"},
		BillTo: &model.Address{Name: "Zoë Ångström", Line1: "Drottninggatan 5", City: "Stockholm", PostalCode: "111 51", Country: "SE"},
		Lines:  []model.IncomingLine{{ExternalLineID: "1", SKU: "TRÖJA-Å", Description: "Tröja Ångström", Qty: 1, AmountMinor: 119000}},
		// Total = Subtotal + Shipping although Taxes is 238: the prices include tax.
		SubtotalMinor: 119000, TaxMinor: 23800, TotalMinor: 119000, TaxIncluded: true,
		AwaitingPayment: true, // Financial Status pending
	})
	sameOrder(t, got[2].Order, model.IncomingOrder{
		ExternalID: "5550003", DisplayID: "#1003", Currency: "JPY",
		OrderedAt: date("2025-10-09T14:00:00+09:00"),
		Lines:     []model.IncomingLine{{ExternalLineID: "1", SKU: "YUNOMI", Description: "湯呑み", Qty: 3, AmountMinor: 3600}},
		// A point-of-sale sale: Location names the store, fulfilled means the customer took it.
		SubtotalMinor: 3600, TaxMinor: 327, TotalMinor: 3600, TaxIncluded: true, Store: "TOKYO-1", Completed: true,
	})
	o := got[3].Order
	if o.ExternalID != "#1004" || !o.Cancelled || !o.AwaitingPayment || o.TaxIncluded || o.ShipTo.Region != "MA" || o.ShipTo.PostalCode != "01101" {
		t.Errorf("#1004 (no Id cell, cancelled, voided): %s", describe(o))
	}
	// Taxes 0: both readings agree, so the channel setting decides.
	if p := readFile(t, "shopify", "shopify_good.csv", Options{TaxIncluded: true}); !p[3].Order.TaxIncluded || p[0].Order.TaxIncluded {
		t.Errorf("with the channel's prices including tax, #1004 should follow it and #1001 its own figures")
	}
}

func TestShopifyOlderExport(t *testing.T) {
	got := readFile(t, "shopify", "shopify_old.csv", Options{})
	checkWants(t, got, []want{{2, "#900", ""}})
	sameOrder(t, got[0].Order, model.IncomingOrder{
		ExternalID: "#900", DisplayID: "#900", Currency: "EUR", OrderedAt: date("2019-01-02T03:04:05+01:00"),
		Customer:      model.IncomingCustomer{Name: "Old Customer"},
		ShipTo:        model.Address{Name: "Old Customer", Line1: "Oude Gracht 1", City: "Utrecht", Country: "NL"},
		Lines:         []model.IncomingLine{{ExternalLineID: "1", SKU: "OLD-1", Qty: 2, AmountMinor: 2000}},
		SubtotalMinor: 2000, TotalMinor: 2000,
	})
}

func TestShopifyQuotedCellsKeepLineNumbers(t *testing.T) {
	got := readFile(t, "shopify", "shopify_quoted.csv", Options{})
	// #2001's Notes spans lines 2-4 and #2002's address lines 5-6: the next orders start on 5 and 7.
	checkWants(t, got, []want{{2, "#2001", ""}, {5, "#2002", ""}, {7, "#2003", ""}})
	if d := got[0].Order.Lines[0].Description; d != `Mug, "large"` {
		t.Errorf("description %q", d)
	}
	if n := got[0].Order.Notes; n != "Ring twice.\nLeave at the door, please.\n\"Thanks\"" {
		t.Errorf("notes %q", n)
	}
	if l := got[1].Order.ShipTo.Line1; l != "Line one\nline two" {
		t.Errorf("line 1 %q", l)
	}
}

func TestShopifyMixedGoodAndBad(t *testing.T) {
	got := readFile(t, "shopify", "shopify_mixed.csv", Options{})
	checkWants(t, got, []want{
		{2, "#3001", ""},
		{3, "#3002", `line 1 (SKU A): quantity "0" is not a whole number above 0`},
		{4, "#3003", `line 2 (SKU B): quantity "-1" is not a whole number above 0`},
		{6, "#3004", `line 2 (SKU ABC): quantity "1.5" is not a whole number above 0`},
		{8, "#3005", `Currency "XYZ" is not a known currency (such as EUR, USD, GBP, JPY)`},
		{9, "#3006", "Total 12.00 EUR is neither Subtotal 10.00 EUR + Shipping 0.50 EUR + Taxes 1.00 EUR = 11.50 EUR (tax on top) nor Subtotal + Shipping = 10.50 EUR (prices including tax)"},
		{10, "#3007", "the ship-to address is incomplete: it needs a name, line 1, city and country, and has no city, country"},
		{11, "#3008", `line 1 (SKU A): Lineitem price "1200.50" is not an amount in JPY: 2 decimals, but JPY has 0`},
		{12, "#3009", "line 1: Lineitem sku is empty"},
		{13, "#3010", ""},
		{14, "#3011", ""},
		{15, "#3012", `the rows of the order disagree on Currency: "EUR" on line 15 but "USD" on line 16`},
		{17, "#3013", "Subtotal 9.00 EUR is not the lines' price × quantity 10.00 EUR less Discount Amount 0.00 EUR (10.00 EUR)"},
		{18, "#3014", `the ship-to country "NETHERLANDS" is not an ISO 3166 country code (such as NL, DE, US)`},
		{19, "#3015", `Created at "07/10/2025" is not a date and time (such as 2025-10-07T09:50:26+02:00 or 2025-10-07 09:50:26 +0200)`},
		{20, "#3016", ""},
	})
	// Tax on top (Total = Subtotal + Shipping + Taxes) and tax included (Total = Subtotal + Shipping).
	if o := got[9].Order; o.TaxIncluded || o.TotalMinor != 1190 || o.TaxMinor != 190 {
		t.Errorf("#3010 tax on top: %s", describe(o))
	}
	if o := got[10].Order; !o.TaxIncluded || o.TotalMinor != 1190 || o.SubtotalMinor != 1190 {
		t.Errorf("#3011 tax included: %s", describe(o))
	}
}

func TestShopifyMissingColumn(t *testing.T) {
	data := []byte("Name,Lineitem quantity,Lineitem price,Currency,Subtotal,Total,Created at,Shipping Name,Shipping Address1,Shipping City,Shipping Country\n")
	_, err := readAllErr("shopify", data, Options{File: "orders.csv"})
	var mc *MissingColumnsError
	if !errors.As(err, &mc) || len(mc.Columns) != 1 || mc.Columns[0] != "Lineitem sku" {
		t.Fatalf("got %v", err)
	}
	if err.Error() != "orders.csv: a shopify file needs the column Lineitem sku in its header" {
		t.Errorf("message %q", err)
	}
	_, err = readAllErr("shopify", nil, Options{File: "-"})
	if !errors.As(err, &mc) || len(mc.Columns) != len(shopifyRequired) || mc.File != "stdin" {
		t.Errorf("an empty file: %v", err)
	}
}
