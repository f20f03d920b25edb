package model

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// gs1Today fixes "today" for the century rule, so the vectors do not age.
var gs1Today = time.Date(2026, time.May, 1, 12, 0, 0, 0, time.UTC)

const gs = "\x1d" // FNC1 as a scanner sends it

// gs1Day is UTC midnight of a date, as ParseGS1At returns dates.
func gs1Day(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}

// Sources of the vectors, cited by their short names below:
//
//   - genspecs: GS1 General Specifications (ref.gs1.org/standards/genspecs/); 3.4.2–3.4.7 the
//     YYMMDD dates and "day 00 is the last day of the month, e.g. 130200 is 2013 February 28,
//     160200 is 2016 February 29" (quoted at rubydoc.info/gems/gs1/1.1.0/GS1/ExpirationDate);
//     7.8.4 FNC1/<GS> as separator after variable-length data only; 7.12 the century of YY.
//   - gs1-example-gtin: 09506000134352 is the GTIN GS1 itself uses in its examples (GenSpecs,
//     GS1 Digital Link); its check digit 2 computed here by hand (sum 58 → 2).
//   - gs1dk-dates: en.gs1.dk/application-identifiers/10 — "990701 is July 1, 1999", "the end
//     of August 1999 is entered as 990800", "000615 is June 15, 2000", "011126 is November 26,
//     2001".
//   - gs1dk-weight: en.gs1.dk/application-identifiers/30 — "(3100)000035 = 35 kg",
//     "(3103)000035 = 0.035 kg".
//   - morovia: www.morovia.com/kb/Input-Format-Creating-GS1-DataMatrix-10644.html —
//     "(01)03453120000011(17)120508(10)ABCD1234(410)9501101020917".
//   - uslabels: www.uslabels.com/barcodes/gs1-data-matrix — "(30)19<FNC1>(21)123456789012".
//   - docsrs-gs1: docs.rs/gs1/latest/gs1/trait.GS1.html — "(01) 80614141123458 (21) 6789".
//   - infor-sscc: docs.infor.com/wms/2022.x/en-us/useradminlib_op/scerecug/cts1612894308275.html
//     — SSCC body 10614141192837465 has check digit 7.
//   - constructed: put together here from the rules above; check digits computed by hand.

func TestParseGS1(t *testing.T) {
	tests := []struct {
		name   string
		source string
		scan   string
		want   GS1
	}{
		{
			name: "GS1-128 with symbology identifier, variable lot last", source: "gs1-example-gtin, genspecs 7.8.4",
			scan: "]C1" + "0109506000134352" + "17201225" + "10ABC123",
			want: GS1{GTIN: "09506000134352", Expiry: gs1Day(2020, 12, 25), Lot: "ABC123"},
		},
		{
			name: "bracketed form of the same", source: "gs1-example-gtin",
			scan: "(01)09506000134352(17)201225(10)ABC123",
			want: GS1{GTIN: "09506000134352", Expiry: gs1Day(2020, 12, 25), Lot: "ABC123"},
		},
		{
			name: "DataMatrix, FNC1 ends the lot before the serial", source: "gs1-example-gtin, genspecs 7.8.4",
			scan: "]d2" + "0109506000134352" + "10ABC123" + gs + "21XYZ-9" + gs,
			want: GS1{GTIN: "09506000134352", Lot: "ABC123", Serial: "XYZ-9"},
		},
		{
			name: "DataMatrix example without its (410)", source: "morovia",
			scan: "]d2" + "0103453120000011" + "17120508" + "10ABCD1234",
			want: GS1{GTIN: "03453120000011", Expiry: gs1Day(2012, 5, 8), Lot: "ABCD1234"},
		},
		{
			name: "FNC1 after a variable count", source: "uslabels",
			scan: "3019" + gs + "21123456789012",
			want: GS1{Count: 19, Serial: "123456789012"},
		},
		{
			name: "GTIN and serial, no symbology identifier", source: "docsrs-gs1",
			scan: "0180614141123458" + "216789",
			want: GS1{GTIN: "80614141123458", Serial: "6789"},
		},
		{
			name: "leading FNC1 is tolerated", source: "genspecs 7.8.4 (FNC1 in first position)",
			scan: gs + "0109506000134352",
			want: GS1{GTIN: "09506000134352"},
		},
		{
			name: "GS1 QR prefix", source: "gs1-example-gtin",
			scan: "]Q3" + "0109506000134352" + "15260300",
			want: GS1{GTIN: "09506000134352", BestBefore: gs1Day(2026, 3, 31)},
		},
		{
			name: "DataBar prefix with production date", source: "gs1dk-dates",
			scan: "]e0" + "0109506000134352" + "11011126",
			want: GS1{GTIN: "09506000134352", Production: gs1Day(2001, 11, 26)},
		},
		{
			name: "needless FNC1 after fixed-length data is harmless", source: "genspecs 7.8.4 (SHOULD NOT, not SHALL NOT)",
			scan: "0109506000134352" + gs + "17201225",
			want: GS1{GTIN: "09506000134352", Expiry: gs1Day(2020, 12, 25)},
		},
		{
			name: "SSCC pallet label with content and count", source: "infor-sscc, gs1-example-gtin, constructed",
			scan: "]C1" + "00106141411928374657" + "0209506000134352" + "3748",
			want: GS1{SSCC: "106141411928374657", ContentGTIN: "09506000134352", ContentCount: 48},
		},
		{
			name: "SSCC from the brief", source: "constructed (GS1 US example company prefix 0614141), check digit 7 computed",
			scan: "(00)106141411234567897",
			want: GS1{SSCC: "106141411234567897"},
		},
		{
			name: "a ( in a lot is escaped in the bracketed form", source: "constructed",
			scan: `(01)09506000134352(10)A\(1)`,
			want: GS1{GTIN: "09506000134352", Lot: "A(1)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseGS1At(tt.scan, gs1Today)
			if err != nil {
				t.Fatalf("ParseGS1At(%q) [%s]: %v", tt.scan, tt.source, err)
			}
			fields := got.Fields
			got.Fields = nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseGS1At(%q) [%s]\n got %+v\nwant %+v", tt.scan, tt.source, got, tt.want)
			}
			if len(fields) == 0 {
				t.Errorf("ParseGS1At(%q): no Fields", tt.scan)
			}
		})
	}
}

func TestParseGS1KeepsFieldsInScanOrder(t *testing.T) {
	// morovia's example minus (410), then one AI with no typed field: (13) packaging date.
	got, err := ParseGS1At("]d2010345312000001117120508"+"10ABCD1234"+gs+"13120500", gs1Today)
	if err != nil {
		t.Fatal(err)
	}
	want := []GS1Field{{"01", "03453120000011"}, {"17", "120508"}, {"10", "ABCD1234"}, {"13", "120500"}}
	if !reflect.DeepEqual(got.Fields, want) {
		t.Errorf("Fields = %v, want %v", got.Fields, want)
	}
	if s := got.String(); s != "(01)03453120000011(17)120508(10)ABCD1234(13)120500" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseGS1Dates(t *testing.T) {
	tests := []struct {
		yymmdd string
		today  time.Time
		want   time.Time
		source string
	}{
		{"130200", gs1Today, gs1Day(2013, 2, 28), "genspecs 3.4: day 00 of February, common year"},
		{"160200", gs1Today, gs1Day(2016, 2, 29), "genspecs 3.4: day 00 of February, leap year"},
		{"990800", gs1Today, gs1Day(1999, 8, 31), "gs1dk-dates: end of August 1999"},
		{"990701", gs1Today, gs1Day(1999, 7, 1), "gs1dk-dates"},
		{"000615", gs1Today, gs1Day(2000, 6, 15), "gs1dk-dates"},
		{"201200", gs1Today, gs1Day(2020, 12, 31), "genspecs 3.4: day 00 of December"},
		// genspecs 7.12: a year 51–99 ahead of today's is in the previous century, one 50–99
		// behind it in the next; so a scan in 2026 reads 76 as 2076 and 77 as 1977.
		{"760101", gs1Today, gs1Day(2076, 1, 1), "genspecs 7.12: +50 stays in this century"},
		{"770101", gs1Today, gs1Day(1977, 1, 1), "genspecs 7.12: +51 is the previous century"},
		{"100101", gs1Day(2060, 1, 1), gs1Day(2110, 1, 1), "genspecs 7.12: -50 is the next century"},
		{"110101", gs1Day(2060, 1, 1), gs1Day(2011, 1, 1), "genspecs 7.12: -49 stays in this century"},
		{"000229", gs1Day(1980, 1, 1), gs1Day(2000, 2, 29), "genspecs 7.12: 2000 is a leap year"},
	}
	for _, tt := range tests {
		got, err := ParseGS1At("(17)"+tt.yymmdd, tt.today)
		if err != nil || !got.Expiry.Equal(tt.want) {
			t.Errorf("(17)%s on %s [%s] = %v, %v; want %v", tt.yymmdd, tt.today.Format(time.DateOnly),
				tt.source, got.Expiry, err, tt.want)
		}
	}
}

func TestParseGS1NetWeight(t *testing.T) {
	tests := []struct {
		scan      string
		wantKg    string
		wantGrams int64
		exact     bool
		source    string
	}{
		{"(01)90614141000015(3100)000035", "35", 35000, true, "gs1dk-weight: 35 kg"},
		{"(01)90614141000015(3103)000035", "0.035", 35, true, "gs1dk-weight: 0.035 kg"},
		{"0190614141000015" + "3102001250", "12.50", 12500, true, "constructed"},
		{"0190614141000015" + "3105123456", "1.23456", 0, false, "constructed: finer than a gram"},
	}
	for _, tt := range tests {
		got, err := ParseGS1At(tt.scan, gs1Today)
		if err != nil {
			t.Errorf("%q [%s]: %v", tt.scan, tt.source, err)
			continue
		}
		if got.NetWeightKg == nil || got.NetWeightKg.String() != tt.wantKg {
			t.Errorf("%q [%s]: NetWeightKg = %v, want %s", tt.scan, tt.source, got.NetWeightKg, tt.wantKg)
		}
		if grams, ok := got.NetWeightGrams(); grams != tt.wantGrams || ok != tt.exact {
			t.Errorf("%q [%s]: NetWeightGrams() = %d, %v; want %d, %v", tt.scan, tt.source, grams, ok, tt.wantGrams, tt.exact)
		}
	}
	if _, ok := (GS1{}).NetWeightGrams(); ok {
		t.Error("NetWeightGrams() of a scan without (310n) should not be ok")
	}
}

func TestParseGS1Errors(t *testing.T) {
	tests := []struct {
		name     string
		scan     string
		want     string // the whole message
		position int
	}{
		{"empty", "", "GS1 scan: empty scan", 0},
		{"prefix only", "]C1", "GS1 scan: no data after the GS1 prefix", 0},
		{"not a GS1 symbology", "]E04006381333931", `GS1 scan: at position 1: symbology identifier "]E0" is not one of GS1's (]C1, ]d2, ]Q3, ]e0)`, 1},
		{"wrong GTIN check digit", "(01)09506000134353",
			"GS1 scan: AI (01) at position 2: GTIN 09506000134353: check digit should be 2", 2},
		{"wrong SSCC check digit", "00106141411928374658",
			"GS1 scan: AI (00) at position 1: SSCC 106141411928374658: check digit should be 7", 1},
		{"wrong content GTIN check digit", "]C1" + "0209506000134351",
			"GS1 scan: AI (02) at position 4: GTIN 09506000134351: check digit should be 2", 4},
		{"truncated date at the end", "]C1" + "0109506000134352" + "172012",
			"GS1 scan: AI (17) at position 20: needs 6 digits, got 4", 20},
		{"truncated GTIN before an FNC1", "0109506000" + gs + "10A",
			"GS1 scan: AI (01) at position 1: needs 14 digits, got 8", 1},
		{"truncated in the bracketed form", "(01)0950600013435(10)A",
			"GS1 scan: AI (01) at position 2: needs 14 digits, got 13", 2},
		{"unknown AI, raw (morovia's (410))", "]d2" + "0103453120000011" + "17120508" + "10ABCD1234" + gs + "4109501101020917",
			"GS1 scan: at position 39: unknown AI (41…)", 39},
		{"unknown AI, bracketed", "(01)09506000134352(99)ABC", "GS1 scan: at position 20: unknown AI (99)", 20},
		{"plain EAN-13 is not element strings", "4006381333931", "GS1 scan: at position 1: unknown AI (40…)", 1},
		{"not a date", "(17)201332", "GS1 scan: AI (17) at position 2: date 201332 is not a date", 2},
		{"30 February", "(15)260230", "GS1 scan: AI (15) at position 2: date 260230 is not a date", 2},
		{"month 13", "11201300", "GS1 scan: AI (11) at position 1: date 201300 is not a date", 1},
		{"lot too long, FNC1 missing", "10" + strings.Repeat("A", 21),
			"GS1 scan: AI (10) at position 1: batch/lot is longer than 20 characters (is an FNC1 missing after it?)", 1},
		{"serial too long, bracketed", "(21)" + strings.Repeat("9", 21),
			"GS1 scan: AI (21) at position 2: serial number is 21 characters, at most 20", 2},
		{"count too long", "30123456789",
			"GS1 scan: AI (30) at position 1: variable count is longer than 8 characters (is an FNC1 missing after it?)", 1},
		{"letter in a count", "(30)1A",
			`GS1 scan: AI (30) at position 2: variable count must be digits, 'A' at position 6 is not`, 2},
		{"letter in a date", "0109506000134352" + "1720A225",
			`GS1 scan: AI (17) at position 17: expiration date must be digits, 'A' at position 21 is not`, 17},
		{"empty lot", "10" + gs + "0109506000134352", "GS1 scan: AI (10) at position 1: batch/lot is empty", 1},
		{"space in a lot", "(10)AB C", `GS1 scan: AI (10) at position 2: batch/lot cannot hold ' ' (position 7)`, 2},
		{"bracket left open", "(01", `GS1 scan: at position 1: "(" without ")"`, 1},
		{"text before the brackets", "(01)09506000134352x(10)A",
			`GS1 scan: AI (01) at position 2: needs 14 digits, got 15`, 2},
		{"not an AI", "]C1" + "AB", `GS1 scan: at position 4: expected an AI, got 'A'`, 4},
		{"AI repeated with other data", "(01)09506000134352(01)80614141123458",
			"GS1 scan: AI (01) at position 20: repeats (01)09506000134352 from position 2 with different data", 20},
		{"two net weights", "3103000035" + "3102000004",
			"GS1 scan: AI (3102) at position 11: repeats (3103)000035 from position 1 with different data", 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGS1At(tt.scan, gs1Today)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("ParseGS1At(%q) error\n got %v\nwant %s", tt.scan, err, tt.want)
			}
			var gsErr *GS1Error
			if !errors.As(err, &gsErr) || gsErr.Position != tt.position {
				t.Errorf("error %v: want a *GS1Error at position %d", err, tt.position)
			}
		})
	}
}

func TestParseGS1AcceptsARepeatWithTheSameData(t *testing.T) {
	got, err := ParseGS1At("(01)09506000134352(01)09506000134352", gs1Today)
	if err != nil || got.GTIN != "09506000134352" || len(got.Fields) != 2 {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestGS1String(t *testing.T) {
	for _, scan := range []string{
		"]C1" + "0109506000134352" + "17201225" + "10ABC123",
		"3019" + gs + "21123456789012",
		"10A(B)C" + gs + "0109506000134352",
	} {
		g, err := ParseGS1At(scan, gs1Today)
		if err != nil {
			t.Fatalf("%q: %v", scan, err)
		}
		again, err := ParseGS1At(g.String(), gs1Today)
		if err != nil || !reflect.DeepEqual(again, g) {
			t.Errorf("%q: String() %q parses to %+v, %v; want %+v", scan, g.String(), again, err, g)
		}
	}
	if got := (GS1{Fields: []GS1Field{{"10", "A(1)"}, {"3103", "000035"}}}).String(); got != `(10)A\(1)(3103)000035` {
		t.Errorf("String() = %q", got)
	}
}

func TestLooksLikeGS1(t *testing.T) {
	for scan, want := range map[string]bool{
		"]C10109506000134352":        true, // symbology identifier
		"]d2010950600013435210ABC":   true,
		"]Q3anything":                true,
		"]e00109506000134352":        true,
		"10ABC" + gs + "21X":         true, // an FNC1
		"(01)09506000134352":         true, // bracketed form
		"(3103)000035":               true,
		"0109506000134352":           true, // (01) with a valid GTIN, sent without prefix
		"010950600013435210ABC123":   true,
		"00106141411928374657":       true,  // (00) with a valid SSCC
		"4006381333931":              false, // plain EAN-13
		"09506000134352":             false, // plain GTIN-14
		"0109506000134353":           false, // check digit wrong: not a key after all
		"0010614141192837465":        false, // too short for an SSCC
		"A-01-02-1":                  false, // a bin
		"SKU-100":                    false,
		"(A)":                        false,
		"(12345)":                    false,
		"":                           false,
		"]E04006381333931":           false, // EAN-13 with its symbology identifier
		"0209506000134352" + "3748":  true,
		"01ABCDEFGHIJKLMN0000000000": false,
	} {
		if got := LooksLikeGS1(scan); got != want {
			t.Errorf("LooksLikeGS1(%q) = %v, want %v", scan, got, want)
		}
	}
}

func TestGS1CheckDigit(t *testing.T) {
	for digits, want := range map[string]int{
		"0950600013435":     2, // gs1-example-gtin
		"10614141192837465": 7, // infor-sscc
		"8061414112345":     8, // docsrs-gs1
		"0345312000001":     1, // morovia
		"1234567":           0, // sum a multiple of ten
	} {
		if got, err := GS1CheckDigit(digits); err != nil || got != want {
			t.Errorf("GS1CheckDigit(%q) = %d, %v; want %d", digits, got, err, want)
		}
	}
	for _, digits := range []string{"", "12a4", " 123"} {
		if _, err := GS1CheckDigit(digits); err == nil {
			t.Errorf("GS1CheckDigit(%q) should fail", digits)
		}
	}
}

func TestGS1DecimalString(t *testing.T) {
	for d, want := range map[GS1Decimal]string{
		{35, 0}: "35", {35, 3}: "0.035", {1250, 3}: "1.250", {123456, 6}: "0.123456", {0, 2}: "0.00",
	} {
		if got := d.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", d, got, want)
		}
	}
}

// FuzzParseGS1 holds the parser to two promises: no input panics, and what it accepts it can
// write back in the bracketed form and read again to the same fields.
func FuzzParseGS1(f *testing.F) {
	for _, seed := range []string{
		"]C1" + "0109506000134352" + "17201225" + "10ABC123",
		"(01)09506000134352(17)201225(10)ABC123",
		"]d2" + "0103453120000011" + "17120508" + "10ABCD1234" + gs + "4109501101020917",
		"3019" + gs + "21123456789012",
		"00106141411928374657" + "0209506000134352" + "3748",
		"(01)90614141000015(3103)000035",
		`(10)A\(1)(21)x)y`,
		gs + "0109506000134352" + gs,
		"(17)160200", "(17)201332", "172012", "(", "()", "(01", "]", "]C1", "\\", "310", "10é",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, scan string) {
		LooksLikeGS1(scan)
		g, err := ParseGS1At(scan, gs1Today)
		if err != nil {
			var gsErr *GS1Error
			if !errors.As(err, &gsErr) {
				t.Fatalf("ParseGS1At(%q) error %v is not a *GS1Error", scan, err)
			}
			return
		}
		again, err := ParseGS1At(g.String(), gs1Today)
		if err != nil {
			t.Fatalf("ParseGS1At(%q) = %q, which does not parse again: %v", scan, g.String(), err)
		}
		if !reflect.DeepEqual(again.Fields, g.Fields) {
			t.Fatalf("ParseGS1At(%q): fields %v, but its String() %q gives %v", scan, g.Fields, g.String(), again.Fields)
		}
	})
}
