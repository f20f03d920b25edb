package shipping

import (
	"reflect"
	"testing"

	"oms/model"
)

func TestNeedsCustoms(t *testing.T) {
	tests := []struct {
		from, to string
		want     bool
	}{
		{"NL", "DE", false}, // the EU's single market
		{"NL", "GB", true},
		{"GB", "NL", true},
		{"NL", "CH", true},
		{"DE", "NO", true},
		{"US", "US", false},
		{"GB", "US", true},
		{"FR", "MC", false}, // Monaco is in the EU's customs area through France
		{"GB", "IM", false}, // the Isle of Man is in the UK's
		{"NL", "AX", true},  // Åland is outside the EU's VAT area and has its own code
	}
	for _, tt := range tests {
		if got := NeedsCustoms(tt.from, tt.to); got != tt.want {
			t.Errorf("NeedsCustoms(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
	territories := []struct {
		to   Destination
		want bool
	}{
		{Destination{"ES", "35001"}, true}, // Las Palmas de Gran Canaria
		{Destination{"ES", "28001"}, false},
		{Destination{"DE", "27498"}, true}, // Heligoland
		{Destination{"FR", "97110"}, true}, // Guadeloupe written as FR
		{Destination{"FR", "75001"}, false},
	}
	for _, tt := range territories {
		if got := NeedsCustomsTo("NL", tt.to); got != tt.want {
			t.Errorf("NeedsCustomsTo(NL, %+v) = %v (%q)", tt.to, got, SpecialTerritory(tt.to))
		}
	}
}

func TestCustomsForm(t *testing.T) {
	eurPerSDR, _ := model.ParseRate("1.17")  // 300 SDR = 351.00 EUR
	jpyPerSDR, _ := model.ParseRate("210.5") // 300 SDR = 63150 JPY
	eur := func(minor int64) model.Money { return model.Money{Minor: minor, Currency: "EUR"} }
	tests := []struct {
		name    string
		c       Consignment
		rate    model.Rate
		form    string
		invoice bool
	}{
		{"letter post under 300 SDR", Consignment{Value: eur(35099), WeightG: 1500, LetterPost: true}, eurPerSDR, FormCN22, false},
		{"letter post at exactly 300 SDR", Consignment{Value: eur(35100), WeightG: 1500, LetterPost: true}, eurPerSDR, FormCN23, false},
		{"letter post at 2 kg", Consignment{Value: eur(2000), WeightG: 2000, LetterPost: true}, eurPerSDR, FormCN22, false},
		{"letter post over 2 kg", Consignment{Value: eur(2000), WeightG: 2001, LetterPost: true}, eurPerSDR, FormCN23, false},
		{"a parcel", Consignment{Value: eur(2000), WeightG: 500}, eurPerSDR, FormCN23, false},
		{"a business buyer", Consignment{Value: eur(2000), WeightG: 500, LetterPost: true, BuyerTaxID: "GB123456789"}, eurPerSDR, FormCN22, true},
		{"a business buyer's parcel", Consignment{Value: eur(90000), WeightG: 5000, BuyerTaxID: "CHE-123.456.789"}, eurPerSDR, FormCN23, true},
		{"yen, no minor unit", Consignment{Value: model.Money{Minor: 63149, Currency: "JPY"}, WeightG: 100, LetterPost: true}, jpyPerSDR, FormCN22, false},
		{"yen at the limit", Consignment{Value: model.Money{Minor: 63150, Currency: "JPY"}, WeightG: 100, LetterPost: true}, jpyPerSDR, FormCN23, false},
	}
	for _, tt := range tests {
		f, err := CustomsForm(tt.c, tt.rate)
		if err != nil || f.Declaration != tt.form || f.CommercialInvoice != tt.invoice || f.Reason == "" {
			t.Errorf("%s: %+v, %v; want %s, invoice %v", tt.name, f, err, tt.form, tt.invoice)
		}
	}
	if _, err := CustomsForm(Consignment{Value: eur(100), LetterPost: true}, model.Rate{}); err == nil {
		t.Error("a form without an SDR rate was chosen")
	}
	if _, err := CustomsForm(Consignment{Value: model.Money{Minor: 100, Currency: "XYZ"}, LetterPost: true}, eurPerSDR); err == nil {
		t.Error("a letter-post form for an unknown currency was chosen")
	}
	// A parcel always takes a CN23, so its value needs no SDR rate (carriers' parcel services).
	if f, err := CustomsForm(Consignment{Value: eur(100), WeightG: 800}, model.Rate{}); err != nil || f.Declaration != FormCN23 {
		t.Errorf("a parcel without an SDR rate: %+v, %v; want a CN23", f, err)
	}
}

func TestCheckCustomsItems(t *testing.T) {
	good := CustomsItem{SKU: "TEE-01", Description: "Cotton T-shirt", HSCode: "6109.10", Origin: "PT", Qty: 2, WeightG: 180, ValueMinor: 2500}
	with := func(change func(*CustomsItem)) []CustomsItem {
		it := good
		change(&it)
		return []CustomsItem{it}
	}
	tests := []struct {
		name  string
		items []CustomsItem
		want  []string
	}{
		{"a complete item", []CustomsItem{good}, nil},
		{"a 10-digit code with spaces", with(func(it *CustomsItem) { it.HSCode = "6109 10 00 10" }), nil},
		{"lower-case origin", with(func(it *CustomsItem) { it.Origin = "pt" }), nil},
		{"no HS code", with(func(it *CustomsItem) { it.HSCode = "" }),
			[]string{"TEE-01: no HS code: customs need the goods' tariff code, at least 6 digits"}},
		{"a short HS code", with(func(it *CustomsItem) { it.HSCode = "61.09" }),
			[]string{`TEE-01: HS code "61.09" has 4 digits: at least 6 are needed`}},
		{"letters in the HS code", with(func(it *CustomsItem) { it.HSCode = "6109.1A" }),
			[]string{`TEE-01: HS code "6109.1A" is not digits (dots and spaces aside)`}},
		{"no origin", with(func(it *CustomsItem) { it.Origin = "" }),
			[]string{"TEE-01: no country of origin: customs need where the goods were made"}},
		{"an origin that is no country", with(func(it *CustomsItem) { it.Origin = "EU" }),
			[]string{`TEE-01: country of origin "EU" is not an ISO 3166 country code such as CN or DE`}},
		{"a generic description", with(func(it *CustomsItem) { it.Description = "Gift" }),
			[]string{`TEE-01: the description "Gift" is too vague: say what the goods are ("cotton T-shirt", "phone charger")`}},
		{"accessories alone", with(func(it *CustomsItem) { it.Description = " accessories. " }),
			[]string{`TEE-01: the description " accessories. " is too vague: say what the goods are ("cotton T-shirt", "phone charger")`}},
		{"a generic word within a description is fine", with(func(it *CustomsItem) { it.Description = "Bicycle parts: brake pads" }), nil},
		{"zero weight and value", with(func(it *CustomsItem) { it.WeightG, it.ValueMinor = 0, 0 }),
			[]string{"TEE-01: no weight: each line needs its net weight", "TEE-01: no value: each line needs its value, even a gift's"}},
		{"no SKU, several problems", []CustomsItem{good, {Description: "goods", Qty: 0, WeightG: 10, ValueMinor: 100, HSCode: "123456", Origin: "CN"}},
			[]string{`item 2 (no SKU): the description "goods" is too vague: say what the goods are ("cotton T-shirt", "phone charger")`,
				"item 2 (no SKU): quantity 0: it must be at least 1"}},
	}
	for _, tt := range tests {
		if got := CheckCustomsItems(tt.items); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\ngot  %q\nwant %q", tt.name, got, tt.want)
		}
	}
}
