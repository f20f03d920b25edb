package shipping

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"time"
)

// line builds one line of a rate card file from "column=value" pairs, in header order.
func line(kind string, cells ...string) string {
	values := map[string]string{}
	for _, c := range cells {
		name, value, _ := strings.Cut(c, "=")
		values[name] = value
	}
	out := []string{kind}
	for _, col := range columns[1:] {
		out = append(out, values[col])
	}
	return strings.Join(out, ",")
}

// file joins the header and rows into a file: the header is line 1, rows[0] line 2, ….
func file(rows ...string) []byte {
	return []byte(strings.Join(columns, ",") + "\n" + strings.Join(rows, "\n") + "\n")
}

// smallCard is a valid file, one row a line: line 2 card, 3 service, 4 zone, 5–6 rates,
// 7 transit. Tests replace one row to break it.
func smallCard() []string {
	return []string{
		line("card", "carrier=acme", "name=Acme Parcels", "tracking_format=dhl", "currency=EUR", "valid_from=2026-01-01",
			"weight_unit=kg", "weight_step=0.5", "dim_unit=cm", "dim_divisor=5000", "side_rounding=up", "fuel_percent=10"),
		line("service", "service=express", "name=Acme Express", "max_weight=30", "max_side=120"),
		line("zone", "origin=NL", "country=DE", "zone=1"),
		line("rate", "service=express", "zone=1", "max_weight=2", "price=10.00"),
		line("rate", "service=express", "zone=1", "max_weight=30", "price=40.00"),
		line("transit", "service=express", "zone=1", "days=1"),
	}
}

func withRow(lineNo int, text string) []byte {
	rows := smallCard()
	rows[lineNo-2] = text
	return file(rows...)
}

func TestSmallCardReads(t *testing.T) {
	got, err := ReadRateCard("t.csv", file(smallCard()...))
	if err != nil {
		t.Fatal(err)
	}
	want := RateCard{
		Carrier: "acme", Name: "Acme Parcels", TrackingFormat: "dhl", Currency: "EUR",
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		DimUnit:   "cm", DimDivisor: 5000, SideRounding: "up", WeightStepG: 500, WeightUnit: "kg", FuelPercentBP: 1000,
		Services: []Service{{Code: "express", Name: "Acme Express", MaxWeightG: 30000, MaxSideMM: 1200}},
		Zones:    []Zone{{Origin: "NL", Country: "DE", Zone: "1"}},
		Rates:    []Rate{{"express", "1", 2000, 1000}, {"express", "1", 30000, 4000}},
		Transit:  []Transit{{"express", "1", 1}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// Every sample file is in the writer's own form: reading and writing it gives back its bytes,
// and reading that again gives the same card.
func TestSampleCardsRoundTrip(t *testing.T) {
	names, _ := fs.Glob(SampleFiles(), "*.csv")
	if len(names) != 4 {
		t.Fatalf("sample files %v, want 4", names)
	}
	for _, name := range names {
		data, _ := fs.ReadFile(SampleFiles(), name)
		card, err := ReadRateCard(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out bytes.Buffer
		if err := WriteRateCard(&out, card); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if out.String() != string(data) {
			t.Errorf("%s: written back differs from the file", name)
		}
		again, err := ReadRateCard(name, out.Bytes())
		if err != nil || !reflect.DeepEqual(again, card) {
			t.Errorf("%s: read back %v, differs: %v", name, err, !reflect.DeepEqual(again, card))
		}
	}
}

// A pound card with inch sides: values that are not whole file units still come back exactly.
func TestRoundTripPoundsAndInches(t *testing.T) {
	card := RateCard{
		Carrier: "ups", Name: "UPS", TrackingFormat: "ups", Currency: "USD",
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ValidTo: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC),
		DimUnit: "in", DimDivisor: 139, SideRounding: "nearest", WeightStepG: 454, WeightUnit: "lb", FuelPercentBP: 1875,
		Services: []Service{{Code: "ground", Name: "UPS Ground", MaxWeightG: 150 * 454, MaxSideMM: 2743}}, // 108 in = 2743.2 mm
		Zones:    []Zone{{Origin: "US", Country: "US", Zone: "2"}, {Origin: "US", Country: "US", PostcodePrefix: "967", Zone: "9"}},
		Rates: []Rate{
			{"ground", "2", 227, 899},   // 0.5 lb
			{"ground", "2", 454, 1050},  // 1 lb
			{"ground", "2", 1000, 1320}, // 2.203 lb: not a whole pound
			{"ground", "9", 454, 2500},
		},
		Transit:    []Transit{{"ground", "2", 2}, {"ground", "9", 5}},
		Surcharges: []Surcharge{{Kind: "oversize", MinSideMM: 1219, AmountMinor: 2150}, {Kind: "remote", Country: "US", PostcodePrefix: "967", AmountMinor: 395}},
	}
	var out bytes.Buffer
	if err := WriteRateCard(&out, card); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"service,,UPS Ground,,,,,,,,,,,ground,150,108,", "ground,0.5,,,,,2,8.99,", "ground,2.203,,,,,2,13.20,", ",oversize,48\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("written file lacks %q:\n%s", want, out.String())
		}
	}
	back, err := ReadRateCard("ups.csv", out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, card) {
		t.Errorf("read back\n%+v\nwant\n%+v", back, card)
	}
}

// Each broken file gets the one message a person needs: file, line, column and expectation.
func TestReadRateCardErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a weight that is not a number", withRow(5, line("rate", "service=express", "zone=1", "max_weight=abc", "price=10.00")),
			`t.csv line 5: max_weight (column O) is "abc": expected a number of kg above 0`},
		{"a price with too many decimals", withRow(5, line("rate", "service=express", "zone=1", "max_weight=2", "price=10.005")),
			`t.csv line 5: price (column U) is "10.005": expected an amount in EUR such as 12.50 (3 decimals, but EUR has 2)`},
		{"an empty required cell", withRow(3, line("service", "service=express", "name=Acme Express", "max_side=120")),
			`t.csv line 3: max_weight (column O) is empty: expected a number of kg above 0`},
		{"a tracking format nobody knows", withRow(2, strings.Replace(smallCard()[0], ",dhl,", ",usps,", 1)),
			`t.csv line 2: tracking_format (column D) is "usps": expected ups or fedex or dhl or s10`},
		{"valid_to before valid_from", withRow(2, strings.Replace(smallCard()[0], "2026-01-01,", "2026-01-01,2025-12-31", 1)),
			`t.csv line 2: valid_to (column G) is "2025-12-31": expected a date on or after valid_from (2026-01-01), or empty`},
		{"an inch card's sides in a third unit", withRow(2, strings.Replace(smallCard()[0], ",cm,", ",mm,", 1)),
			`t.csv line 2: dim_unit (column J) is "mm": expected cm or in`},
		{"side rounding unknown", withRow(2, strings.Replace(smallCard()[0], ",up,", ",down,", 1)),
			`t.csv line 2: side_rounding (column L) is "down": expected nearest or up`},
		{"a cell a kind does not use", withRow(5, line("rate", "service=express", "zone=1", "max_weight=2", "price=10.00", "days=2")),
			`t.csv line 5: days (column V) is "2": expected nothing: a rate row leaves it empty`},
		{"an unknown kind", withRow(5, line("price", "service=express")),
			`t.csv line 5: kind (column A) is "price": expected one of card, service, zone, rate, transit, surcharge`},
		{"a rate for an undeclared service", withRow(5, line("rate", "service=expres", "zone=1", "max_weight=2", "price=10.00")),
			`t.csv line 5: rate for service expres, which no service row declares`},
		{"a rate to an undefined zone", withRow(5, line("rate", "service=express", "zone=2", "max_weight=2", "price=10.00")),
			`t.csv line 5: rate to zone 2, which no zone row defines`},
		{"breaks out of order", withRow(6, line("rate", "service=express", "zone=1", "max_weight=1", "price=40.00")),
			`t.csv line 6: the break 1 kg for express to zone 1 does not rise above line 5's 2 kg: breaks go from light to heavy, each once`},
		{"a repeated break", withRow(6, line("rate", "service=express", "zone=1", "max_weight=2", "price=40.00")),
			`t.csv line 6: the break 2 kg for express to zone 1 does not rise above line 5's 2 kg: breaks go from light to heavy, each once`},
		{"a break above the service's limit", withRow(6, line("rate", "service=express", "zone=1", "max_weight=31", "price=40.00")),
			`t.csv line 6: the break 31 kg is above service express's max_weight 30 kg`},
		{"a zone nobody prices", file(append(smallCard(), line("zone", "origin=NL", "country=FR", "zone=2"))...),
			`t.csv line 8: zone 2 has no rate row for any service: parcels to it could not be priced`},
		{"a repeated zone row", file(append(smallCard(), line("zone", "origin=NL", "country=de", "zone=1"))...),
			`t.csv line 8: the zone row from NL to DE repeats line 4`},
		{"a wildcard zone with a postcode", withRow(4, line("zone", "origin=NL", "country=*", "postcode_prefix=12", "zone=1")),
			`t.csv line 4: postcode_prefix (column S) is "12": expected nothing when country is *: postcodes mean something only within a country`},
		{"a country that is not one", withRow(4, line("zone", "origin=NL", "country=EU", "zone=1")),
			`t.csv line 4: country (column R) is "EU": expected an ISO 3166 country code such as NL, or * for every country no other zone row names`},
		{"rates without transit", withRow(7, line("service", "service=economy", "name=Acme Economy", "max_weight=30")),
			`t.csv line 5: express to zone 1 has rates but no transit row: its delivery date would be unknown`},
		{"a second card", file(append(smallCard(), smallCard()[0])...),
			`t.csv line 8: a second card row: the card is on line 2, and a file holds one card`},
		{"no card", file(smallCard()[1:]...),
			`t.csv line 1: no card row: one row of kind card names the carrier, currency, dates and units`},
		{"a short row", withRow(7, "transit,,,express"),
			`t.csv line 7: the row has 4 cells: the header has 24`},
		{"a missing column", []byte(strings.Replace(string(file(smallCard()...)), ",min_side\n", "\n", 1)),
			`t.csv line 1: the header lacks min_side`},
		{"an unknown column", []byte(strings.Replace(string(file(smallCard()...)), ",min_side\n", ",min_side,notes\n", 1)),
			`t.csv line 1: the header's column Y is "notes": expected one of ` + strings.Join(columns, ", ")},
		{"a broken quote", []byte(strings.Join(columns, ",") + "\ncard,\"acme\"x\n"),
			`t.csv line 2: the CSV cannot be read: extraneous or missing " in quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card, err := ReadRateCard("t.csv", tt.data)
			ce, ok := errors.AsType[*CardError](err)
			if !ok {
				t.Fatalf("err = %v, want a *CardError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", err, tt.want)
			}
			if !reflect.DeepEqual(card, RateCard{}) || len(ce.Problems) == 0 {
				t.Errorf("a rejected card must come back empty with its problems")
			}
		})
	}
}

// All problems come back at once, in line order, up to MaxProblems.
func TestReadRateCardListsEveryProblem(t *testing.T) {
	rows := smallCard()
	rows[3] = line("rate", "service=express", "zone=1", "max_weight=2kg", "price=10.00")
	rows[4] = line("rate", "service=express", "zone=1", "max_weight=30", "price=€40")
	_, err := ReadRateCard("t.csv", file(rows...))
	want := `t.csv line 5: max_weight (column O) is "2kg": expected a number of kg above 0` + "\n" +
		`t.csv line 6: price (column U) is "€40": expected an amount in EUR such as 12.50 (unexpected character '€')`
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}

	rows = smallCard()
	for i := range 60 {
		rows = append(rows, line("rate", "service=express", "zone=1", fmt.Sprintf("max_weight=x%d", i), "price=1.00"))
	}
	_, err = ReadRateCard("t.csv", file(rows...))
	ce, _ := errors.AsType[*CardError](err)
	if ce == nil || len(ce.Problems) != MaxProblems || ce.Omitted != 10 || !strings.HasSuffix(err.Error(), "t.csv: and 10 more problems") {
		t.Errorf("60 bad rows: %d problems listed, %d omitted", len(ce.Problems), ce.Omitted)
	}
}

// A spreadsheet may move columns, add empty rows and save a BOM; the card is the same.
func TestReadRateCardSpreadsheetHabits(t *testing.T) {
	want, err := ReadRateCard("t.csv", file(smallCard()...))
	if err != nil {
		t.Fatal(err)
	}
	// Swap the first two columns in every line and add a blank row.
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(file(smallCard()...))), "\n") {
		cells := strings.Split(l, ",")
		cells[0], cells[1] = cells[1], cells[0]
		lines = append(lines, strings.Join(cells, ","))
	}
	lines = append(lines[:3], append([]string{strings.Repeat(",", len(columns)-1)}, lines[3:]...)...)
	got, err := ReadRateCard("t.csv", []byte("\ufeff"+strings.Join(lines, "\r\n")+"\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("reordered columns read as %+v", got)
	}
}

func TestUnitConversions(t *testing.T) {
	tests := []struct {
		u    unit
		text string
		base int
	}{
		{kilogram, "0.5", 500},
		{kilogram, "31.5", 31500},
		{kilogram, "0.001", 1},
		{pound, "1", 454},     // GramsPerPound
		{pound, "150", 68100}, // 150 × 454
		{pound, "0.5", 227},
		{cm, "120", 1200},
		{cm, "0.5", 5},
		{inch, "108", 2743}, // 2743.2 mm rounds to 2743
		{inch, "48", 1219},  // 1219.2 mm
		{inch, "1", 25},     // 25.4 mm
	}
	for _, tt := range tests {
		got, ok := tt.u.parse(tt.text)
		if !ok || got != tt.base {
			t.Errorf("%s %s = %d, %v; want %d", tt.text, tt.u.name, got, ok, tt.base)
		}
		if back := tt.u.format(tt.base); back != tt.text {
			t.Errorf("%d base units as %s = %q, want %q", tt.base, tt.u.name, back, tt.text)
		}
	}
	for _, bad := range []string{"", "1,5", "-1", "1e3", "0.0001", ".5", "5.", "1 000"} {
		if _, ok := kilogram.parse(bad); ok {
			t.Errorf("%q parsed as a weight", bad)
		}
	}
}

// Whatever the bytes, ReadRateCard does not panic, and a card it accepts writes back to a
// file that reads as the same card.
func FuzzReadRateCard(f *testing.F) {
	f.Add(file(smallCard()...))
	for _, name := range []string{"ups-2026.csv", "postnl-2026.csv"} {
		data, _ := fs.ReadFile(SampleFiles(), name)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		card, err := ReadRateCard("fuzz.csv", data)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteRateCard(&out, card); err != nil {
			t.Fatalf("an accepted card does not write: %v", err)
		}
		back, err := ReadRateCard("fuzz.csv", out.Bytes())
		if err != nil || !reflect.DeepEqual(back, card) {
			t.Fatalf("written back reads as %+v, %v; want %+v", back, err, card)
		}
	})
}
