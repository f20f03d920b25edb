package label

import (
	"strings"
	"testing"
)

// Published SSCCs with their parts. Sources:
//   - 106141411234567897: the SSCC of GS1's examples (company prefix 0614141, GS1 US's example
//     prefix), used as the sample by many GS1 validators and barcode libraries;
//   - 106141412345678908: github.com/fulfilio/pyepc README (company prefix 0614141, extension 1,
//     serial reference 234567890 → "(00)106141412345678908");
//   - 000123450000000027: shipping-tax.md §2's ZPL example, also a "valid" FedEx SSCC-18 test
//     number in github.com/jkeen/tracking_number_data couriers/fedex.json;
//   - 376130321109103420, 157035381410375177: github.com/jodal/biip src/biip/sscc.py doctests
//     (company prefixes 76130321 and 5703538).
var publishedSSCCs = []struct {
	extension int
	prefix    string
	serial    int64
	sscc      string
}{
	{1, "0614141", 123456789, "106141411234567897"},
	{1, "0614141", 234567890, "106141412345678908"},
	{0, "0012345", 2, "000123450000000027"},
	{3, "76130321", 10910342, "376130321109103420"},
	{1, "5703538", 141037517, "157035381410375177"},
}

func TestSSCCRebuildsPublishedCodes(t *testing.T) {
	for _, c := range publishedSSCCs {
		got, err := SSCC(c.extension, c.prefix, c.serial)
		if err != nil || got != c.sscc {
			t.Errorf("SSCC(%d, %q, %d) = %q, %v; want %q", c.extension, c.prefix, c.serial, got, err, c.sscc)
		}
		if err := ValidSSCC(c.sscc); err != nil {
			t.Errorf("ValidSSCC(%q) = %v", c.sscc, err)
		}
	}
}

func TestSSCCRefusesWhatDoesNotFit(t *testing.T) {
	for _, c := range []struct {
		extension int
		prefix    string
		serial    int64
		want      string
	}{
		{1, "0614141", 1000000000, "serial reference 1000000000 does not fit in the 9 digits a 7-digit company prefix leaves"},
		{1, "06141411234", 100000, "does not fit in the 5 digits a 11-digit company prefix leaves"},
		{1, "0614141", -5, "serial reference -5 is negative"},
		{10, "0614141", 1, "extension digit 10: want 0 to 9"},
		{-1, "0614141", 1, "extension digit -1"},
		{1, "061414", 1, `GS1 company prefix "061414": want 7 to 11 digits`},
		{1, "061414112345", 1, "want 7 to 11 digits"},
		{1, "06141A1", 1, "want 7 to 11 digits"},
	} {
		got, err := SSCC(c.extension, c.prefix, c.serial)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SSCC(%d, %q, %d) = %q, %v; want an error containing %q", c.extension, c.prefix, c.serial, got, err, c.want)
		}
	}
	// The largest serial that fits is taken.
	if got, err := SSCC(9, "06141411234", 99999); err != nil || got[:17] != "90614141123499999" {
		t.Errorf("SSCC at the top of the range = %q, %v", got, err)
	}
}

func TestValidSSCCExplains(t *testing.T) {
	for _, c := range []struct{ sscc, want string }{
		{"106141411234567898", "SSCC 106141411234567898: check digit is 8, should be 7"},
		{"10614141123456789", `SSCC "10614141123456789": 17 characters, want 18 digits`},
		{"(00)106141411234567897", "22 characters"},
		{"1061414112345678A7", `'A' at position 17 is not a digit`},
	} {
		if err := ValidSSCC(c.sscc); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ValidSSCC(%q) = %v; want %q", c.sscc, err, c.want)
		}
	}
	if !IsCheckDigitError(ValidSSCC("106141411234567898")) {
		t.Error("a wrong SSCC check digit should be a *CheckDigitError")
	}
}
