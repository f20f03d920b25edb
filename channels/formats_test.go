package channels

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"oms/model"
)

// Every format reads the same orders from a file whose columns are shuffled (and renamed in
// another case, padded, with an unknown column added), and from one with a BOM and CRLF.
func TestShuffledColumnsAndBOMCRLF(t *testing.T) {
	for _, c := range []struct {
		format, file string
		comma        rune
	}{
		{"shopify", "shopify_good.csv", ','}, {"shopify", "shopify_quoted.csv", ','}, {"shopify", "shopify_mixed.csv", ','},
		{"amazon", "amazon_good.tsv", '\t'}, {"amazon", "amazon_mixed.tsv", '\t'},
		{"woocommerce", "woocommerce_rows.csv", ','}, {"woocommerce", "woocommerce_packed.csv", ','}, {"woocommerce", "woocommerce_mixed.csv", ','},
		{"csv", "ours_good.csv", ','}, {"csv", "ours_mixed.csv", ','},
		{"json", "ours_good.jsonl", 0}, {"json", "ours_mixed.jsonl", 0},
	} {
		t.Run(c.file, func(t *testing.T) {
			data := testdata(t, c.file)
			opt := Options{File: c.file}
			base := readAll(t, c.format, data, opt)
			variants := map[string][]byte{"bom+crlf": bomCRLF(data)}
			if c.comma != 0 {
				variants["shuffled"] = shuffleColumns(t, data, c.comma)
				variants["shuffled+bom+crlf"] = bomCRLF(shuffleColumns(t, data, c.comma))
			}
			for name, v := range variants {
				got := readAll(t, c.format, v, opt)
				if len(got) != len(base) {
					t.Fatalf("%s: %d orders, want %d", name, len(got), len(base))
				}
				for i := range base {
					if !reflect.DeepEqual(norm(got[i].Order), norm(base[i].Order)) || got[i].Line != base[i].Line || got[i].ID != base[i].ID || !strings.EqualFold(got[i].Reason, base[i].Reason) { // messages spell columns as the header does
						t.Errorf("%s: order %d differs:\n got %d %q %q %s\nwant %d %q %q %s", name, i+1,
							got[i].Line, got[i].ID, got[i].Reason, describe(got[i].Order), base[i].Line, base[i].ID, base[i].Reason, describe(base[i].Order))
					}
				}
			}
		})
	}
}

func TestAmazonGoodFile(t *testing.T) {
	got := readFile(t, "amazon", "amazon_good.tsv", Options{})
	checkWants(t, got, []want{{2, "171-1234567-1234567", ""}, {4, "250-7654321-7654321", ""}})
	sameOrder(t, got[0].Order, model.IncomingOrder{
		ExternalID: "171-1234567-1234567", DisplayID: "171-1234567-1234567", Currency: "EUR",
		OrderedAt: date("2025-10-07T09:50:26Z"), PromisedAt: date("2025-10-10T23:59:59Z"),
		Customer: model.IncomingCustomer{Name: "Jürgen Groß", Email: "abc123@marketplace.amazon.de", Phone: "+49 30 1234"},
		ShipTo:   model.Address{Name: "Jürgen Groß", Line1: "Hauptstraße 5", Line2: "Hinterhaus", City: "Berlin", PostalCode: "10115", Country: "DE"},
		Lines: []model.IncomingLine{
			// 3 units for 19.99: the amount stays 19.99, never 3 × 6.66. The '"' in the name is kept.
			{ExternalLineID: "11111111111111", SKU: "SOCK-3", Description: `"Best" Socks 3-pack, 12" long`, Qty: 3, AmountMinor: 1999, DiscountMinor: 200, TaxMinor: 319},
			{ExternalLineID: "22222222222222", SKU: "HAT-1", Description: "Hat", Qty: 1, AmountMinor: 1000, TaxMinor: 160},
		},
		SubtotalMinor: 2999,
		ShippingMinor: 499 + 200,           // shipping + gift wrap
		TaxMinor:      319 + 80 + 160 + 32, // item, shipping and gift-wrap tax
		DiscountMinor: 200 + 499,           // promotions written negative
		TotalMinor:    2999 - 699 + 699 + 591,
		ShipService:   "Standard",
	})
	if o := got[1].Order; o.Currency != "JPY" || o.Lines[0].AmountMinor != 2400 || o.ShipTo.Region != "東京都" || o.ShipTo.Country != "JP" || o.TotalMinor != 2592 {
		t.Errorf("JPY order: %s", describe(o))
	}
	// The channel's prices include tax: Total leaves the tax out.
	if o := readFile(t, "amazon", "amazon_good.tsv", Options{TaxIncluded: true})[0].Order; !o.TaxIncluded || o.TotalMinor != 2999 {
		t.Errorf("tax included: %s", describe(o))
	}
}

func TestAmazonOlderReport(t *testing.T) {
	got := readFile(t, "amazon", "amazon_old.tsv", Options{})
	checkWants(t, got, []want{{2, "026-0000000-0000001", ""}})
	if o := got[0].Order; o.OrderedAt != date("2020-05-01T00:00:00Z") || o.TotalMinor != 999 || o.Lines[0].ExternalLineID != "1" {
		t.Errorf("%s", describe(o))
	}
}

func TestAmazonMixedGoodAndBad(t *testing.T) {
	checkWants(t, readFile(t, "amazon", "amazon_mixed.tsv", Options{}), []want{
		{2, "A-1", ""},
		{3, "A-2", `line 1 (SKU S): quantity "0" is not a whole number above 0`},
		{4, "A-3", `line 2 (SKU T): quantity "-1" is not a whole number above 0`},
		{6, "A-4", `line 1 (SKU ABC): quantity "1.5" is not a whole number above 0`},
		{7, "A-5", `currency "XYZ" is not a known currency (such as EUR, USD, GBP, JPY)`},
		{8, "A-6", "the ship-to address is incomplete: it needs a name, line 1, city and country, and has no city"},
		{9, "A-7", `line 1 (SKU S): item-price "1200.50" is not an amount in JPY: 2 decimals, but JPY has 0`},
		{10, "A-8", "line 1: sku is empty"},
		{11, "A-9", `the rows of the order disagree on ship-city: "C" on line 11 but "Other" on line 12`},
		{13, "A-10", "the promotion discounts 20.00 EUR are more than the order's items and shipping"},
		{14, "A-11", ""},
	})
}

func TestWooCommerceOneRowPerItem(t *testing.T) {
	got := readFile(t, "woocommerce", "woocommerce_rows.csv", Options{})
	checkWants(t, got, []want{{2, "WC-4711", ""}, {4, "4712", ""}, {5, "4713", ""}})
	sameOrder(t, got[0].Order, model.IncomingOrder{
		ExternalID: "4711", DisplayID: "WC-4711", Currency: "EUR", OrderedAt: date("2025-10-07T09:50:26Z"),
		Customer: model.IncomingCustomer{Name: "Zoë Ångström", Email: "zoe@example.com", Phone: "+49 1"},
		ShipTo:   model.Address{Name: "Zoë Ångström", Line1: "Shipweg 2", City: "Hamburg", PostalCode: "20095", Country: "DE"},
		BillTo:   &model.Address{Name: "Zoë Ångström", Line1: "Billweg 1", City: "Hamburg", PostalCode: "20095", Country: "DE", Phone: "+49 1"},
		Lines: []model.IncomingLine{
			{ExternalLineID: "101", SKU: "woo-hoodie", Description: "Hoodie", Qty: 2, AmountMinor: 9000, DiscountMinor: 1000, TaxMinor: 1520},
			{ExternalLineID: "102", SKU: "woo-cap", Description: "Cap", Qty: 1, AmountMinor: 1500, TaxMinor: 265},
		},
		SubtotalMinor: 10500, DiscountMinor: 1000, ShippingMinor: 500, TaxMinor: 1785, TotalMinor: 11785,
		ShipService: "Flat rate", Notes: "Bitte klingeln",
	})
	// Shipping to the billing address (shipping columns empty), on-hold: awaiting payment.
	if o := got[1].Order; o.ShipTo != *o.BillTo || o.ShipTo.Region != "東京都" || !o.AwaitingPayment || o.Currency != "JPY" {
		t.Errorf("4712: %s", describe(o))
	}
	if o := got[2].Order; !o.Cancelled || o.BillTo != nil || o.Lines[0].ExternalLineID != "1" {
		t.Errorf("4713: %s", describe(o))
	}
}

func TestWooCommercePackedLineItems(t *testing.T) {
	got := readFile(t, "woocommerce", "woocommerce_packed.csv", Options{})
	checkWants(t, got, []want{{2, "501", ""}, {3, "502", ""}})
	o := got[0].Order
	wantLines := []model.IncomingLine{
		{ExternalLineID: "5", SKU: "woo-hoodie", Description: "Hoodie", Qty: 2, AmountMinor: 9000, DiscountMinor: 1000},
		{ExternalLineID: "6", SKU: "woo-beanie", Description: "Beanie | Red", Qty: 1, AmountMinor: 1500},
	}
	if !reflect.DeepEqual(o.Lines, wantLines) || o.SubtotalMinor != 10500 || o.DiscountMinor != 1000 || o.TotalMinor != 12300 || o.TaxMinor != 1800 {
		t.Errorf("501: %s", describe(o))
	}
	if o := got[1].Order; !o.AwaitingPayment || o.Lines[0].Qty != 5 || o.ShipTo.City != "Leeds" {
		t.Errorf("502: %s", describe(o))
	}
}

func TestWooCommerceOlderExport(t *testing.T) {
	got := readFile(t, "woocommerce", "woocommerce_old.csv", Options{})
	checkWants(t, got, []want{{2, "77", ""}})
	if o := got[0].Order; o.Lines[0].AmountMinor != 2500 || o.Lines[0].Qty != 5 || o.TotalMinor != 2500 || o.ShipTo.Country != "AT" {
		t.Errorf("%s", describe(o))
	}
}

func TestWooCommerceMixedGoodAndBad(t *testing.T) {
	checkWants(t, readFile(t, "woocommerce", "woocommerce_mixed.csv", Options{}), []want{
		{2, "#1", ""},
		{3, "#2", `line 1 (SKU S): quantity "0" is not a whole number above 0`},
		{4, "#3", `line 2 (SKU T): quantity "-1" is not a whole number above 0`},
		{6, "#4", `line 1 (SKU ABC): quantity "1.5" is not a whole number above 0`},
		{7, "#5", `order_currency "XYZ" is not a known currency (such as EUR, USD, GBP, JPY)`},
		{8, "#6", "order_total 12.00 EUR is not the lines' totals 10.00 EUR + shipping_total 0.00 EUR + tax_total 0.00 EUR = 10.00 EUR"},
		{9, "#7", "the ship-to address is incomplete: it needs a name, line 1, city and country, and has no line 1, country"},
		{10, "#8", `line 1 (SKU S): subtotal "1200.50" is not an amount in JPY: 2 decimals, but JPY has 0`},
		{11, "#9", ""},
	})
}

func TestOwnCSVFiles(t *testing.T) {
	got := readFile(t, "csv", "ours_good.csv", Options{})
	// O-1's notes span lines 2-3; its second row is line 4; O-2 starts on line 5.
	checkWants(t, got, []want{{2, "#O1", ""}, {5, "O-2", ""}})
	sameOrder(t, got[0].Order, jsonGoodFirst())
	sameOrder(t, got[1].Order, model.IncomingOrder{
		ExternalID: "O-2", DisplayID: "O-2", Currency: "JPY", OrderedAt: date("2025-10-08T10:00:00+09:00"),
		Customer:      model.IncomingCustomer{Name: "山田太郎"},
		ShipTo:        model.Address{Name: "山田太郎", Line1: "千代田1-1", City: "千代田区", Region: "東京都", Country: "JP"},
		Lines:         []model.IncomingLine{{ExternalLineID: "1", SKU: "TEA", Description: "緑茶", Qty: 2, AmountMinor: 2400, TaxMinor: 218}},
		SubtotalMinor: 2400, TaxMinor: 218, TotalMinor: 2400, TaxIncluded: true, Store: "TOKYO-1", Completed: true,
	})
	old := readFile(t, "csv", "ours_old.csv", Options{TaxIncluded: true})
	checkWants(t, old, []want{{2, "X-1", ""}})
	if o := old[0].Order; o.Currency != "USD" || !o.TaxIncluded || o.TotalMinor != 100 {
		t.Errorf("old: %s", describe(o))
	}
	checkWants(t, readFile(t, "csv", "ours_mixed.csv", Options{}), []want{
		{2, "M-1", ""},
		{3, "M-2", `line 1 (SKU S): quantity "0" is not a whole number above 0`},
		{4, "M-3", `line 2 (SKU T): quantity "-1" is not a whole number above 0`},
		{6, "M-4", `line 1 (SKU ABC): quantity "1.5" is not a whole number above 0`},
		{7, "M-5", `currency "XYZ" is not a known currency (such as EUR, USD, GBP, JPY)`},
		{8, "M-6", "the total 12.00 EUR does not add up: subtotal 10.00 − discount 0.00 + shipping 1.00 + tax 0.00 = 11.00 EUR"},
		{9, "M-7", "the ship-to address is incomplete: it needs a name, line 1, city and country, and has no city, country"},
		{10, "M-8", `line 1 (SKU S): line_amount "1200.50" is not an amount in JPY: 2 decimals, but JPY has 0`},
		{11, "M-9", `the rows of the order disagree on total: "10.00" on line 11 but "20.00" on line 12`},
		{13, "M-10", `tax_included "perhaps" is not true or false (also yes/no, 1/0)`},
		{14, "M-11", ""},
	})
}

func jsonGoodFirst() model.IncomingOrder {
	return model.IncomingOrder{
		ExternalID: "O-1", DisplayID: "#O1", Currency: "EUR",
		OrderedAt: date("2025-10-07T09:50:26+02:00"), PromisedAt: date("2025-10-09T18:00:00+02:00"),
		Customer: model.IncomingCustomer{Name: "Zoë Ångström", Email: "zoe@example.com", Phone: "+31 6 1"},
		ShipTo: model.Address{Name: "Zoë Ångström", Company: "Ångström BV", Line1: "Damrak 1", Line2: "2nd floor",
			City: "Amsterdam", Region: "NH", PostalCode: "1012 LG", Country: "NL", Phone: "+31 6 2"},
		BillTo: &model.Address{Name: "Ångström BV", Line1: "Postbus 9", City: "Amsterdam", Country: "NL"},
		Lines: []model.IncomingLine{
			{ExternalLineID: "a", SKU: "SHIRT-1", Description: `T-Shirt, "blue"`, Qty: 3, AmountMinor: 5997, DiscountMinor: 500, TaxMinor: 1154},
			{ExternalLineID: "b", SKU: "MUG", Description: "Mug", Qty: 1},
		},
		SubtotalMinor: 5997, ShippingMinor: 495, DiscountMinor: 500, TaxMinor: 1258, TotalMinor: 7250,
		ShipService: "express", Notes: "Ring twice.\nThen wait.",
	}
}

func TestOwnJSONFiles(t *testing.T) {
	got := readFile(t, "json", "ours_good.jsonl", Options{})
	checkWants(t, got, []want{{1, "#J1", ""}, {3, "J-2", ""}}) // a blank line 2 is skipped
	first := jsonGoodFirst()
	first.ExternalID, first.DisplayID = "J-1", "#J1"
	sameOrder(t, got[0].Order, first)
	if o := got[1].Order; !o.TaxIncluded || o.Store != "TOKYO-1" || !o.Completed || o.BillTo != nil || o.Lines[0].ExternalLineID != "1" {
		t.Errorf("J-2: %s", describe(o))
	}
	checkWants(t, readFile(t, "json", "ours_mixed.jsonl", Options{}), []want{
		{1, "K-1", ""},
		{2, "K-2", "the line is not valid JSON: unexpected end of JSON input (at byte 194)"},
		{3, "", "the line is not valid JSON: invalid character 'h' in literal true (expecting 'r') (at byte 2)"},
		{4, "K-4", `line 1 (SKU S): quantity "1.5" is not a whole number above 0`},
		{5, "K-5", `currency "XYZ" is not a known currency (such as EUR, USD, GBP, JPY)`},
		{6, "K-6", "the total 10.00 EUR does not add up: subtotal 10.00 − discount 0.00 + shipping 1.00 + tax 0.00 = 11.00 EUR"},
		{7, "K-7", "the ship-to address is incomplete: it needs a name, line 1, city and country, and has no city, country"},
		{8, "K-8", `line 1 (SKU S): amount "1200.50" is not an amount in JPY: 2 decimals, but JPY has 0`},
		{9, "K-9", `line 1 (SKU S): quantity "0" is not a whole number above 0`},
		{10, "K-10", `line 1 (SKU S): quantity "-1" is not a whole number above 0`},
		{11, "K-11", ""}, // a plain JSON number is read digit for digit
	})
}

func TestMissingColumns(t *testing.T) {
	for _, c := range []struct{ format, header, missing string }{
		{"amazon", "order-id\torder-item-id\tpurchase-date\tsku\tquantity-purchased\titem-price\trecipient-name\tship-address-1\tship-city\tship-country\n", "currency"},
		{"woocommerce", "order_id,order_date,order_currency,order_total,shipping_first_name,shipping_address_1,shipping_city,item_sku,item_quantity,item_total\n", "shipping_country"},
		{"woocommerce", "order_id,order_date,order_currency,order_total,shipping_first_name,shipping_address_1,shipping_city,shipping_country,item_quantity,item_total\n", "item_sku (or sku, or line_item_1 …)"},
		{"csv", "order_id,ordered_at,currency,sku,line_amount,total\n", "qty"},
	} {
		_, err := readAllErr(c.format, []byte(c.header), Options{File: "f"})
		var mc *MissingColumnsError
		if !errors.As(err, &mc) || !reflect.DeepEqual(mc.Columns, []string{c.missing}) || mc.Format != c.format {
			t.Errorf("%s: got %v, want the column %s missing", c.format, err, c.missing)
		}
	}
	_, err := Open("etsy", strings.NewReader(""), Options{})
	if err == nil || !strings.Contains(err.Error(), "shopify, amazon, woocommerce, csv, json") {
		t.Errorf("unknown format: %v", err)
	}
}

// Broken quoting loses sync: the orders before it are still read, then a fatal FILE:LINE error.
func TestBrokenQuotingIsFatal(t *testing.T) {
	data := string(testdata(t, "ours_mixed.csv"))
	lines := strings.SplitAfter(data, "\n")
	broken := strings.Join(lines[:3], "") + `M-X,"unterminated` + "\n" + strings.Join(lines[3:], "")
	got, err := readAllErr("csv", []byte(broken), Options{File: "broken.csv"})
	if err == nil || !strings.HasPrefix(err.Error(), "broken.csv:") || !strings.Contains(err.Error(), "cannot be read further") {
		t.Fatalf("got %v", err)
	}
	if len(got) != 2 || got[0].ID != "M-1" || got[1].ID != "M-2" {
		t.Errorf("the orders before the break: %+v", got)
	}
}

// Amounts near the int64 limit are refused with a reason, never wrapped around.
func TestHugeAmountsAreRejectedNotWrapped(t *testing.T) {
	shopify := "Name,Currency,Subtotal,Total,Created at,Lineitem quantity,Lineitem price,Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Country\n" +
		"#1,EUR,0,0,2025-10-07 09:50:26 +0200,3,92233720368547758.07,A,N,L,C,NL\n"
	got := readAll(t, "shopify", []byte(shopify), Options{File: "f"})
	checkWants(t, got, []want{{2, "#1", "line 1 (SKU A): Lineitem price × quantity is too large"}})

	own := "order_id,ordered_at,currency,sku,qty,line_amount,total,ship_name,ship_line1,ship_city,ship_country\n" +
		"X,2025-10-07T09:50:26Z,EUR,A,1,92233720368547758.07,1,N,L,C,NL\n" +
		"X,,,B,1,92233720368547758.07,,,,,\n"
	checkWants(t, readAll(t, "csv", []byte(own), Options{File: "f"}), []want{{2, "X", "the lines' amounts are too large to add up"}})
}

// A file's text with escape sequences in it: the order comes in without its control characters,
// so no screen or terminal that shows it later gets them.
func TestEscapeSequencesInAFileAreRemoved(t *testing.T) {
	line := strings.Replace(string(testdata(t, "ours_good.jsonl")), `"customer":{"name":"Zoë Ångström"`,
		`"customer":{"name":"Zoë\u001b[2J\u001b]0;pwned\u0007 Ångström\u009b"`, 1)
	got := readAll(t, "json", []byte(line), Options{})
	if got[0].Reason != "" || got[0].Order.Customer.Name != "Zoë[2J]0;pwned Ångström" {
		t.Fatalf("the customer came in as %q (%s)", got[0].Order.Customer.Name, got[0].Reason)
	}
}
