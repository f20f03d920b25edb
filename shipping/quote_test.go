package shipping

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// sample is one of the embedded cards by its carrier and first valid year.
func sample(t *testing.T, carrier string, year int) RateCard {
	t.Helper()
	for _, c := range SampleCards() {
		if c.Carrier == carrier && c.ValidFrom.Year() == year {
			return c
		}
	}
	t.Fatalf("no sample card %s %d", carrier, year)
	return RateCard{}
}

func TestDimWeight(t *testing.T) {
	ups := RateCard{DimUnit: "in", DimDivisor: 139, SideRounding: "nearest", WeightStepG: GramsPerPound}
	dhl := RateCard{DimUnit: "cm", DimDivisor: 5000, SideRounding: "up", WeightStepG: 500}
	tests := []struct {
		name string
		card RateCard
		p    Parcel
		want int
	}{
		// UPS, https://www.ups.com/us/en/help-center/packaging-and-supplies/determine-billable-weight.page:
		// each side to the nearest whole inch (1.00–1.49 → 1, 1.50–1.99 → 2), L×W×H ÷ 139 for
		// international, any fraction up to the next pound.
		// 315 mm = 12.40 in → 12; 267 mm = 10.51 in → 11; 208 mm = 8.19 in → 8.
		// 12 × 11 × 8 = 1056 in³ ÷ 139 = 7.60 lb → 8 lb = 8 × 454 g = 3632 g.
		{"UPS 139 in example", ups, Parcel{2200, 315, 267, 208}, 3632},
		// A side of exactly x.5 in rounds up: 38.1 mm = 1.5 in → 2; 2 × 1 × 1 = 2 in³ ÷ 139 → 1 lb.
		{"UPS half inch rounds up", ups, Parcel{100, 38, 25, 25}, 454},
		// FedEx/DHL, https://ask.fedex.com/help/en-gb/account-payments/calculation-dim-weight-rex:
		// cm³ ÷ 5000. 40 × 30 × 20 cm = 24000 cm³ ÷ 5000 = 4.8 kg → 5.0 kg on a 500 g step.
		{"5000 cm example", dhl, Parcel{1000, 400, 300, 200}, 5000},
		// The card rounds sides up: 395 → 40, 295 → 30, 201 → 21 cm; 25200 ÷ 5000 = 5.04 kg → 5.5 kg.
		{"sides rounded up", dhl, Parcel{1000, 395, 295, 201}, 5500},
		// The same parcel on a "nearest" card: 39.5 → 40, 29.5 → 30, 20.1 → 20; 24000 → 4.8 → 5.0 kg.
		{"sides rounded to nearest", RateCard{DimUnit: "cm", DimDivisor: 5000, SideRounding: "nearest", WeightStepG: 500}, Parcel{1000, 395, 295, 201}, 5000},
		// Guernsey Post's FedEx example (guernseypost.com, FedEx size and weight limits):
		// 90 × 70 × 50 cm ÷ 6000 = 52.5 kg.
		{"6000 cm example", RateCard{DimUnit: "cm", DimDivisor: 6000, SideRounding: "nearest", WeightStepG: 500}, Parcel{2000, 900, 700, 500}, 52500},
		{"no divisor", RateCard{DimUnit: "cm", WeightStepG: 1}, Parcel{1000, 900, 700, 500}, 0},
		{"no dimensions", dhl, Parcel{1000, 400, 0, 200}, 0},
	}
	for _, tt := range tests {
		if got := tt.card.DimWeightG(tt.p); got != tt.want {
			t.Errorf("%s: %d g, want %d g", tt.name, got, tt.want)
		}
	}
}

func TestZoneFor(t *testing.T) {
	card := RateCard{Zones: []Zone{
		{Origin: "NL", Country: "DE", Zone: "DE"},
		{Origin: "NL", Country: "DE", PostcodePrefix: "2", Zone: "DE-NORTH"},
		{Origin: "NL", Country: "DE", PostcodePrefix: "26", Zone: "DE-BORDER"},
		{Origin: "NL", Country: "GB", PostcodePrefix: "HS", Zone: "HEBRIDES"},
		{Origin: "NL", Country: "*", Zone: "ROW"},
		{Origin: "GB", Country: "GB", Zone: "DOM"},
	}}
	tests := []struct {
		origin  string
		to      Destination
		zone    string
		hasZone bool
	}{
		{"NL", Destination{"DE", "26721"}, "DE-BORDER", true}, // the longest prefix wins
		{"NL", Destination{"DE", "20095"}, "DE-NORTH", true},
		{"NL", Destination{"DE", "80331"}, "DE", true}, // no prefix matches: the whole country
		{"NL", Destination{"DE", ""}, "DE", true},      // no postcode: the whole country
		{"NL", Destination{"DE", " 2 6721 "}, "DE-BORDER", true},
		{"NL", Destination{"GB", "hs1 2aa"}, "HEBRIDES", true}, // lower case, spaces
		{"NL", Destination{"GB", "LS1 4AP"}, "ROW", true},      // GB has only a prefix row: the wildcard takes the rest
		{"NL", Destination{"jp", "100-0001"}, "ROW", true},
		{"GB", Destination{"GB", "LS1 4AP"}, "DOM", true},
		{"GB", Destination{"FR", "75001"}, "", false}, // GB has no wildcard row
		{"US", Destination{"DE", "26721"}, "", false}, // no rows from the US
	}
	for _, tt := range tests {
		zone, ok := card.ZoneFor(tt.origin, tt.to)
		if zone != tt.zone || ok != tt.hasZone {
			t.Errorf("%s → %+v: %q, %v; want %q, %v", tt.origin, tt.to, zone, ok, tt.zone, tt.hasZone)
		}
	}
}

// quoteCard is a small card for break and surcharge cases: 500 g steps, no dimensional
// weight, fuel 10%.
func quoteCard() RateCard {
	return RateCard{
		Carrier: "acme", Currency: "EUR", WeightUnit: "kg", WeightStepG: 500, DimUnit: "cm", FuelPercentBP: 1000,
		Services: []Service{{Code: "std", MaxWeightG: 30000, MaxSideMM: 1500}},
		Zones:    []Zone{{Origin: "NL", Country: "NL", Zone: "1"}},
		Rates:    []Rate{{"std", "1", 2000, 700}, {"std", "1", 5000, 900}, {"std", "1", 20000, 1500}},
		Transit:  []Transit{{"std", "1", 1}},
		Surcharges: []Surcharge{
			{Kind: "remote", Country: "NL", PostcodePrefix: "17", AmountMinor: 100},
			{Kind: "remote", Country: "NL", PostcodePrefix: "179", AmountMinor: 300},
			{Kind: "oversize", MinSideMM: 1000, AmountMinor: 500},
			{Kind: "oversize", MinSideMM: 1200, AmountMinor: 1200},
		},
	}
}

func TestQuoteBreaksAndSurcharges(t *testing.T) {
	amsterdam := Destination{"NL", "1012 AB"}
	tests := []struct {
		name       string
		p          Parcel
		to         Destination
		billable   int
		base       int64
		surcharges []Charge
		total      int64
	}{
		// 2000 g is exactly on the 2 kg break: 7.00, fuel 0.70.
		{"on a break", Parcel{WeightG: 2000}, amsterdam, 2000, 700, []Charge{{"fuel", 70}}, 770},
		// 2001 g rounds up to 2500 g: the 5 kg break, 9.00 + fuel 0.90.
		{"one gram over", Parcel{WeightG: 2001}, amsterdam, 2500, 900, []Charge{{"fuel", 90}}, 990},
		// Texel (1791): the longest remote prefix (179 → 3.00, not 17 → 1.00); fuel 10% of
		// 7.00 + 3.00 = 1.00; total 11.00.
		{"fuel on top of remote", Parcel{WeightG: 1000}, Destination{"NL", "1791 ab"}, 1000, 700, []Charge{{"remote", 300}, {"fuel", 100}}, 1100},
		// Den Helder (1781) only matches 17: 1.00; fuel 10% of 8.00 = 0.80; total 8.80.
		{"shorter remote prefix", Parcel{WeightG: 1000}, Destination{"NL", "1781"}, 1000, 700, []Charge{{"remote", 100}, {"fuel", 80}}, 880},
		// Longest side 1100 mm passes the 1000 mm tier only: 5.00; fuel 10% of 12.00 = 1.20.
		{"oversize", Parcel{1000, 1100, 100, 100}, amsterdam, 1000, 700, []Charge{{"oversize", 500}, {"fuel", 120}}, 1320},
		// 1300 mm passes both tiers: the higher one applies alone, 12.00; fuel 1.90; 20.90.
		{"oversize, higher tier", Parcel{1000, 100, 1300, 100}, amsterdam, 1000, 700, []Charge{{"oversize", 1200}, {"fuel", 190}}, 2090},
		// Exactly 1000 mm is not longer than the threshold.
		{"oversize threshold itself", Parcel{1000, 1000, 100, 100}, amsterdam, 1000, 700, []Charge{{"fuel", 70}}, 770},
	}
	for _, tt := range tests {
		q, err := quoteCard().Quote("NL", tt.p, tt.to, "std")
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if q.BillableWeightG != tt.billable || q.BaseMinor != tt.base || q.TotalMinor != tt.total || !reflect.DeepEqual(q.Surcharges, tt.surcharges) {
			t.Errorf("%s: billable %d base %d %v total %d; want %d %d %v %d", tt.name,
				q.BillableWeightG, q.BaseMinor, q.Surcharges, q.TotalMinor, tt.billable, tt.base, tt.surcharges, tt.total)
		}
	}
}

func TestQuoteFuelRoundsHalfUp(t *testing.T) {
	card := quoteCard()
	card.FuelPercentBP = 1875 // 18.75% of 7.00 = 1.3125 → 1.31; of 9.00 = 1.6875 → 1.69
	for _, tt := range []struct {
		weight int
		fuel   int64
	}{{1000, 131}, {3000, 169}} {
		q, _ := card.Quote("NL", Parcel{WeightG: tt.weight}, Destination{"NL", "1012"}, "std")
		if got := q.Surcharges[len(q.Surcharges)-1]; got != (Charge{"fuel", tt.fuel}) {
			t.Errorf("%d g: %v, want fuel %d", tt.weight, got, tt.fuel)
		}
	}
}

func TestQuoteRefusals(t *testing.T) {
	postnl := sample(t, "postnl", 2026)
	tests := []struct {
		name    string
		card    RateCard
		origin  string
		p       Parcel
		to      Destination
		service string
		reason  string
	}{
		{"too heavy", postnl, "NL", Parcel{WeightG: 2001}, Destination{"NL", "1012AB"}, "letterbox",
			"its billable weight 2.001 kg is over the 2 kg letterbox takes"},
		{"side too long", postnl, "NL", Parcel{500, 400, 200, 20}, Destination{"NL", "1012AB"}, "letterbox",
			"its longest side 400 mm is over the 380 mm letterbox takes"},
		{"no zone", postnl, "GB", Parcel{WeightG: 500}, Destination{"NL", "1012AB"}, "parcel",
			"no zone from GB to NL postcodes 1012AB…"},
		// The parcel service takes 31.5 kg, but its breaks to EU1 stop at 30 kg.
		{"no break", postnl, "NL", Parcel{WeightG: 30500}, Destination{"DE", "10115"}, "parcel",
			"no weight break to zone EU1 holds 30.5 kg"},
		{"no break to the zone", postnl, "NL", Parcel{WeightG: 500}, Destination{"DE", "10115"}, "letterbox",
			"no weight break to zone EU1 holds 0.5 kg"},
		{"unknown service", postnl, "NL", Parcel{WeightG: 500}, Destination{"NL", "1012AB"}, "express",
			"the card has no service express"},
		{"no weight", postnl, "NL", Parcel{}, Destination{"NL", "1012AB"}, "parcel",
			"the parcel has no weight; weigh it first"},
		{"too heavy in pounds", sample(t, "ups", 2026), "NL", Parcel{WeightG: 70000}, Destination{"DE", "10115"}, "standard",
			"its billable weight 155 lb is over the 150 lb standard takes"}, // 70000 g ÷ 454 = 154.2 → 155 lb
	}
	for _, tt := range tests {
		_, err := tt.card.Quote(tt.origin, tt.p, tt.to, tt.service)
		refusal, ok := errors.AsType[*RefusalError](err)
		if !ok || refusal.Reason != tt.reason {
			t.Errorf("%s: %v; want the reason %q", tt.name, err, tt.reason)
		} else if !strings.HasPrefix(err.Error(), tt.card.Carrier+" "+tt.service+" cannot take the parcel: ") {
			t.Errorf("%s: %q does not name carrier and service", tt.name, err)
		}
	}
}

// One hand-computed quote per sample card, prices read off the files.
func TestSampleQuotes(t *testing.T) {
	tests := []struct {
		name    string
		card    RateCard
		origin  string
		p       Parcel
		to      Destination
		service string
		want    Quote
	}{
		{
			// Sides up to 40 × 30 × 21 cm = 25200 cm³ ÷ 5000 = 5.04 kg → 5.5 kg; actual 2.3 → 2.5 kg.
			// US is zone 4; 5.5 kg takes the 10 kg break, 179.60. Fuel 27.5% = 49.39. Total 228.99.
			"DHL to the US by volume", sample(t, "dhl-express", 2026), "NL", Parcel{2300, 395, 295, 201}, Destination{"US", "10001"}, "express",
			Quote{Carrier: "dhl-express", Service: "express", ServiceName: "DHL Express Worldwide", Zone: "4",
				ActualWeightG: 2500, DimWeightG: 5500, BillableWeightG: 5500, BaseMinor: 17960,
				Surcharges: []Charge{{"fuel", 4939}}, TotalMinor: 22899, Currency: "EUR", TransitDays: 2},
		},
		{
			// 125 × 20 × 10 cm = 25000 ÷ 5000 = 5 kg, exactly the 5 kg break to zone 2: 61.50.
			// 1250 mm is over the 1200 mm oversize threshold: 28.00. Fuel 27.5% of 89.50 = 24.6125
			// → 24.61. Total 114.11.
			"DHL oversize within the EU", sample(t, "dhl-express", 2026), "GB", Parcel{1200, 1250, 200, 100}, Destination{"DE", "10115"}, "express",
			Quote{Carrier: "dhl-express", Service: "express", ServiceName: "DHL Express Worldwide", Zone: "2",
				ActualWeightG: 1500, DimWeightG: 5000, BillableWeightG: 5000, BaseMinor: 6150,
				Surcharges: []Charge{{"oversize", 2800}, {"fuel", 2461}}, TotalMinor: 11411, Currency: "EUR", TransitDays: 1},
		},
		{
			// The UPS example of TestDimWeight: dim 8 lb, actual 2.2 kg = 4.85 lb → 5 lb (2270 g).
			// HS (Outer Hebrides) is zone UKHI; 8 lb takes the 10 lb break, 100.40. Fuel 18.75% =
			// 18.825 → 18.83. Total 119.23.
			"UPS to the Hebrides", sample(t, "ups", 2026), "NL", Parcel{2200, 315, 267, 208}, Destination{"GB", "HS1 2AA"}, "express_saver",
			Quote{Carrier: "ups", Service: "express_saver", ServiceName: "UPS Worldwide Express Saver", Zone: "UKHI",
				ActualWeightG: 2270, DimWeightG: 3632, BillableWeightG: 3632, BaseMinor: 10040,
				Surcharges: []Charge{{"fuel", 1883}}, TotalMinor: 11923, Currency: "EUR", TransitDays: 3},
		},
		{
			// 1300 mm = 51.18 in → 51, 300 mm = 11.81 → 12, 200 mm = 7.87 → 8: 4896 in³ ÷ 139 =
			// 35.22 lb → 36 lb (16344 g); actual 9 kg = 19.8 lb → 20 lb. Norway is EUX; 36 lb takes
			// the 44 lb break, 214.80. Tromsø (9xxx) is remote: 14.20. 1300 mm is over 48 in
			// (1219 mm) but not 96 in: additional handling 21.50. Fuel 18.75% of 250.50 = 46.96875
			// → 46.97. Total 297.47.
			"UPS to northern Norway, oversize", sample(t, "ups", 2026), "NL", Parcel{9000, 1300, 300, 200}, Destination{"NO", "9010"}, "express_saver",
			Quote{Carrier: "ups", Service: "express_saver", ServiceName: "UPS Worldwide Express Saver", Zone: "EUX",
				ActualWeightG: 9080, DimWeightG: 16344, BillableWeightG: 16344, BaseMinor: 21480,
				Surcharges: []Charge{{"remote", 1420}, {"oversize", 2150}, {"fuel", 4697}}, TotalMinor: 29747, Currency: "EUR", TransitDays: 2},
		},
		{
			// No dimensional weight, 1 g steps: 12 kg takes the 23 kg break, 13.45. Texel (1791) is a
			// Wadden island: 2.95. No fuel in 2026. Total 16.40.
			"PostNL 2026 to Texel", sample(t, "postnl", 2026), "NL", Parcel{12000, 600, 400, 400}, Destination{"NL", "1791 AB"}, "parcel",
			Quote{Carrier: "postnl", Service: "parcel", ServiceName: "PostNL Pakket", Zone: "NL",
				ActualWeightG: 12000, BillableWeightG: 12000, BaseMinor: 1345,
				Surcharges: []Charge{{"remote", 295}}, TotalMinor: 1640, Currency: "EUR", TransitDays: 1},
		},
		{
			// The 2027 card: 13.95 + Wadden 3.25 = 17.20; fuel 1.5% = 0.258 → 0.26. Total 17.46.
			"PostNL 2027 to Texel", sample(t, "postnl", 2027), "NL", Parcel{12000, 600, 400, 400}, Destination{"NL", "1791 AB"}, "parcel",
			Quote{Carrier: "postnl", Service: "parcel", ServiceName: "PostNL Pakket", Zone: "NL",
				ActualWeightG: 12000, BillableWeightG: 12000, BaseMinor: 1395,
				Surcharges: []Charge{{"remote", 325}, {"fuel", 26}}, TotalMinor: 1746, Currency: "EUR", TransitDays: 1},
		},
		{
			// 10000 g is exactly the 10 kg break, 6.95; one gram more is the 23 kg break (next case).
			"PostNL on a break", sample(t, "postnl", 2026), "NL", Parcel{WeightG: 10000}, Destination{"NL", "3011"}, "parcel",
			Quote{Carrier: "postnl", Service: "parcel", ServiceName: "PostNL Pakket", Zone: "NL",
				ActualWeightG: 10000, BillableWeightG: 10000, BaseMinor: 695, TotalMinor: 695, Currency: "EUR", TransitDays: 1},
		},
		{
			"PostNL one gram over", sample(t, "postnl", 2026), "NL", Parcel{WeightG: 10001}, Destination{"NL", "3011"}, "parcel",
			Quote{Carrier: "postnl", Service: "parcel", ServiceName: "PostNL Pakket", Zone: "NL",
				ActualWeightG: 10001, BillableWeightG: 10001, BaseMinor: 1345, TotalMinor: 1345, Currency: "EUR", TransitDays: 1},
		},
	}
	for _, tt := range tests {
		q, err := tt.card.Quote(tt.origin, tt.p, tt.to, tt.service)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(q, tt.want) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", tt.name, q, tt.want)
		}
	}
}
