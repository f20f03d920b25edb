package channels

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"oms/model"
)

// variedOrders covers every field: JPY and KWD, Unicode, tax included and on top, bill-to nil
// and given, store orders, awaiting payment, cancelled, notes with newlines, commas and quotes.
func variedOrders() []model.IncomingOrder {
	tokyo := time.FixedZone("JST", 9*3600)
	return []model.IncomingOrder{
		jsonGoodFirst(),
		{
			ExternalID: "5550003", DisplayID: "#1003", Currency: "JPY",
			OrderedAt:     time.Date(2025, 10, 9, 14, 0, 0, 0, tokyo),
			Customer:      model.IncomingCustomer{Name: "山田 太郎", Email: "taro@example.jp"},
			Lines:         []model.IncomingLine{{ExternalLineID: "1", SKU: "YUNOMI", Description: "湯呑み, \"青\"", Qty: 3, AmountMinor: 3600, TaxMinor: 327}},
			SubtotalMinor: 3600, TaxMinor: 327, TotalMinor: 3600, TaxIncluded: true, Store: "TOKYO-1", Completed: true,
		},
		{
			ExternalID: "171-1234567-1234567", DisplayID: "171-1234567-1234567", Currency: "KWD",
			OrderedAt: time.Date(2025, 1, 2, 3, 4, 5, 123456789, time.UTC), PromisedAt: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC),
			Customer: model.IncomingCustomer{Name: "Zoë Ångström", Phone: "+965 1"},
			ShipTo:   model.Address{Name: "Zoë Ångström", Line1: "Block 1, Street 2", Line2: "Flat \"7\"", City: "Kuwait City", Country: "KW"},
			BillTo:   &model.Address{Name: "Zoë", Country: "SE"},
			Lines: []model.IncomingLine{
				{ExternalLineID: "x1", SKU: "A", Qty: 1, AmountMinor: 1999, DiscountMinor: 1},
				{ExternalLineID: "x2", SKU: "B", Description: "line\nbreak", Qty: 1000000, AmountMinor: 0},
			},
			SubtotalMinor: 1999, ShippingMinor: 500, DiscountMinor: 1, TaxMinor: 10, TotalMinor: 2508,
			AwaitingPayment: true, Cancelled: true, ShipService: "Expedited", Notes: "a, b; \"c\"\nd",
		},
		{
			ExternalID: "c&c-1", DisplayID: "<C&C 1>", Currency: "GBP", OrderedAt: time.Date(2024, 2, 29, 23, 59, 59, 0, time.FixedZone("", -3*3600-30*60)),
			ShipTo:        model.Address{Name: "Click", Line1: "1", City: "London", Country: "GB"},
			Lines:         []model.IncomingLine{{ExternalLineID: "1", SKU: "SKU with spaces", Qty: 2, AmountMinor: 100000000000}},
			SubtotalMinor: 100000000000, TotalMinor: 100000000000, Store: "LON-2",
		},
	}
}

func TestWriteJSONReadsBackTheSameOrders(t *testing.T) {
	var buf bytes.Buffer
	orders := variedOrders()
	for _, o := range orders {
		if r := validate(&o); r != "" {
			t.Fatalf("test order %s is invalid: %s", o.DisplayID, r)
		}
		if err := WriteJSON(&buf, o); err != nil {
			t.Fatal(err)
		}
	}
	// Options.TaxIncluded must not matter: the writer says it for every order.
	for _, opt := range []Options{{}, {TaxIncluded: true}} {
		got := readAll(t, "json", buf.Bytes(), opt)
		if len(got) != len(orders) {
			t.Fatalf("%d orders back, want %d", len(got), len(orders))
		}
		for i, p := range got {
			if p.Reason != "" || p.Line != i+1 {
				t.Fatalf("order %d: line %d, %s", i+1, p.Line, p.Reason)
			}
			sameOrder(t, p.Order, orders[i])
		}
	}
}

func TestWriteCSVReadsBackTheSameOrders(t *testing.T) {
	var buf bytes.Buffer
	orders := variedOrders()
	w := NewCSVWriter(&buf)
	for _, o := range orders {
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{{}, {TaxIncluded: true}} {
		got := readAll(t, "csv", buf.Bytes(), opt)
		if len(got) != len(orders) {
			t.Fatalf("%d orders back, want %d", len(got), len(orders))
		}
		for i, p := range got {
			if p.Reason != "" {
				t.Fatalf("order %d: %s", i+1, p.Reason)
			}
			sameOrder(t, p.Order, orders[i])
		}
	}
	var one bytes.Buffer
	if err := WriteCSV(&one, orders[1]); err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, "csv", one.Bytes(), Options{}); len(got) != 1 || got[0].Line != 2 {
		t.Errorf("WriteCSV: %+v", got)
	}
	var empty bytes.Buffer
	if err := NewCSVWriter(&empty).Flush(); err != nil || empty.Len() == 0 {
		t.Errorf("an empty export still has its header: %q %v", empty.String(), err)
	}
}

// Every channel format's good orders survive export to both own formats.
func TestChannelOrdersSurviveExport(t *testing.T) {
	for _, c := range [][2]string{
		{"shopify", "shopify_good.csv"}, {"amazon", "amazon_good.tsv"}, {"woocommerce", "woocommerce_rows.csv"},
		{"woocommerce", "woocommerce_packed.csv"}, {"csv", "ours_good.csv"}, {"json", "ours_good.jsonl"},
	} {
		for _, p := range readFile(t, c[0], c[1], Options{}) {
			roundTrip(t, p.Order, c[0] != "json")
		}
	}
}

func roundTrip(t *testing.T, o model.IncomingOrder, viaCSV bool) {
	t.Helper()
	var j, c bytes.Buffer
	if err := WriteJSON(&j, o); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&c, o); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{"json": j.Bytes()}
	if viaCSV {
		files["csv"] = c.Bytes()
	}
	for format, data := range files {
		got, err := readAllErr(format, data, Options{})
		if err != nil || len(got) != 1 || got[0].Reason != "" {
			t.Fatalf("%s of %s: %v %+v\n%s", format, o.DisplayID, err, got, data)
		}
		sameOrder(t, got[0].Order, o)
	}
}

func seed(f interface{ Add(...any) }, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
}
