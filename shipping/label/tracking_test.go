package label

import (
	"strings"
	"testing"
)

// Published numbers with valid check digits. Sources:
//   - ups, fedex, dhl, s10, usps: the "valid" test numbers of github.com/jkeen/tracking_number_data,
//     couriers/ups.json, fedex.json ("FedEx Express (12)"), dhl.json ("DHL Express", the 10-digit
//     ones), s10.json and usps.json ("USPS 20", "USPS 34v2", "USPS 91"), cleaned of spaces;
//   - RB123456785GB is also the UPU S10 example of shipping-tax.md §1 (after Wikipedia, "S10 (UPU
//     standard)", oldid 969882277).
var publishedTracking = []struct{ format, number string }{
	{FormatUPS, "1Z5R89390357567127"},
	{FormatUPS, "1Z879E930346834440"},
	{FormatUPS, "1Z410E7W0392751591"},
	{FormatUPS, "1Z8V92A70367203024"},
	{FormatFedEx, "986578788855"},
	{FormatFedEx, "477179081230"},
	{FormatFedEx, "799531274483"},
	{FormatFedEx, "790535312317"},
	{FormatFedEx, "974367662710"},
	{FormatDHL, "3318810025"},
	{FormatDHL, "8487135506"},
	{FormatDHL, "1099255990"},
	{FormatDHL, "3821724944"},
	{FormatDHL, "3318810036"},
	{FormatDHL, "3318810014"},
	{FormatS10, "RB123456785GB"},
	{FormatS10, "RB123456785US"},
	{FormatUSPS, "03071790000523483741"},
	{FormatUSPS, "71123456789123456787"},
	{FormatUSPS, "9400111201080805483016"},
	{FormatUSPS, "9361289878700317633795"},
	{FormatUSPS, "9505511069605048600624"},
	{FormatUSPS, "92748931507708513018050063"},
	{FormatUSPS, "420221539101026837331000039521"},
	{FormatUSPS, "4201002334249200190132607600833457"},
}

func TestValidTrackingAcceptsPublishedNumbers(t *testing.T) {
	for _, c := range publishedTracking {
		if err := ValidTracking(c.format, c.number); err != nil {
			t.Errorf("ValidTracking(%q, %q) = %v", c.format, c.number, err)
		}
	}
}

// The same sources' "invalid" numbers whose structure is right: only the check digit is wrong,
// which callers take as a warning.
func TestValidTrackingFlagsWrongCheckDigits(t *testing.T) {
	for _, c := range []struct{ format, number, message string }{
		{FormatFedEx, "996578788855", `FedEx Express tracking number 996578788855: check digit is 5, should be 6`},
		{FormatDHL, "3318810010", `DHL Express tracking number 3318810010: check digit is 0, should be 4`},
		{FormatDHL, "3318810034", `DHL Express tracking number 3318810034: check digit is 4, should be 6`},
		{FormatS10, "RB123456786US", `UPU S10 tracking number RB123456786US: check digit is 6, should be 5`},
		{FormatUSPS, "03071790000523483742", `USPS IMpb tracking number 03071790000523483742: check digit is 2, should be 1`},
		{FormatUPS, "1Z1111111111111111", `UPS tracking number 1Z1111111111111111: check digit is 1, should be 8`},
	} {
		err := ValidTracking(c.format, c.number)
		if !IsCheckDigitError(err) || err.Error() != c.message {
			t.Errorf("ValidTracking(%q, %q) = %v; want the check-digit error %q", c.format, c.number, err, c.message)
		}
	}
}

func TestValidTrackingExplainsBadStructure(t *testing.T) {
	for _, c := range []struct{ format, number, want string }{
		{FormatUPS, "1Z5R8939035756712", "17 characters, want 18"},
		{FormatUPS, "2Z5R89390357567127", "does not start with 1Z"},
		{FormatUPS, "1Z5r89390357567127", `'r' at position 4 is not a capital letter`},
		{FormatUPS, "1Z5R8939035756712X", `check digit 'X' is not a digit`},
		{FormatFedEx, "98657878885", "11 characters, want 12 digits"},
		{FormatFedEx, "98657878885A", `'A' at position 12 is not a digit`},
		{FormatDHL, "33188100255", "11 characters, want 10 digits"},
		{FormatS10, "R1123456785GB", `service indicator "R1"`},
		{FormatS10, "RB12345678GB", "12 characters, want 13"},
		{FormatS10, "RB1234567X5GB", `'X' at position 10 is not a digit`},
		{FormatS10, "RB123456785G1", `country "G1"`},
		{FormatUSPS, "940011120108080548301", "21 digits, want 20, 22 or 26"},
		{FormatUSPS, "9400 1112 0108 0805 4830 16", `' ' at position 5 is not a digit`},
		{"royalmail", "RB123456785GB", `tracking format "royalmail": want one of ups, fedex, dhl, s10, usps`},
	} {
		err := ValidTracking(c.format, c.number)
		if err == nil || IsCheckDigitError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ValidTracking(%q, %q) = %v; want a structural error containing %q", c.format, c.number, err, c.want)
		}
	}
}

// Tracking rebuilds the published numbers from their parts, so the check digits oms computes are
// the carriers' (as far as the published numbers show them).
func TestTrackingRebuildsPublishedNumbers(t *testing.T) {
	for _, c := range []struct {
		format, account string
		serial          int64
		want            string
	}{
		{FormatUPS, "5R893903", 5756712, "1Z5R89390357567127"},
		{FormatUPS, "410E7W03", 9275159, "1Z410E7W0392751591"},
		{FormatFedEx, "", 98657878885, "986578788855"},
		{FormatFedEx, "", 97436766271, "974367662710"},
		{FormatDHL, "", 331881002, "3318810025"},
		{FormatDHL, "", 109925599, "1099255990"},
		{FormatS10, "RBGB", 12345678, "RB123456785GB"},
		{FormatUSPS, "94001112010", 8080548301, "9400111201080805483016"},
		{FormatUSPS, "93612898787", 31763379, "9361289878700317633795"},
	} {
		got, err := Tracking(c.format, c.account, c.serial)
		if err != nil || got != c.want {
			t.Errorf("Tracking(%q, %q, %d) = %q, %v; want %q", c.format, c.account, c.serial, got, err, c.want)
		}
	}
}

// Every number oms makes passes its own check, at the edges of each serial range too.
func TestTrackingNumbersAreValid(t *testing.T) {
	schemes := []TrackingScheme{
		{Format: FormatUPS, Account: "A1B2C3", Service: "03"},
		{Format: FormatFedEx},
		{Format: FormatDHL},
		{Format: FormatS10, Service: "CP", Country: "NL"},
		{Format: FormatUSPS, Account: "92055123456"},
		{Format: FormatUSPS, Account: "92055123456789"},
	}
	for _, s := range schemes {
		for _, serial := range []int64{0, 1, 7, 42, 9999999} {
			number, err := s.Number(serial)
			if err != nil {
				t.Errorf("%+v.Number(%d): %v", s, serial, err)
				continue
			}
			if err := ValidTracking(s.Format, number); err != nil {
				t.Errorf("%+v.Number(%d) = %q, which fails: %v", s, serial, number, err)
			}
		}
	}
}

func TestTrackingRefusesWhatDoesNotFit(t *testing.T) {
	for _, c := range []struct {
		format, account string
		serial          int64
		want            string
	}{
		{FormatUPS, "5R893903", 10000000, "UPS tracking number: serial 10000000 does not fit in 7 digits"},
		{FormatFedEx, "", 100000000000, "serial 100000000000 does not fit in 11 digits"},
		{FormatDHL, "", 1000000000, "serial 1000000000 does not fit in 9 digits"},
		{FormatS10, "RBGB", 100000000, "serial 100000000 does not fit in 8 digits"},
		{FormatUSPS, "92055123456789", 10000000, "serial 10000000 does not fit in 7 digits"},
		{FormatDHL, "", -1, "serial -1 is negative"},
		{FormatUPS, "5R8939", 1, "want 8 characters, the shipper number (6) and the service code (2)"},
		{FormatUPS, "5r893903", 1, `UPS shipper number "5r8939"`},
		{FormatS10, "RBG", 1, "want 4 letters"},
		{FormatS10, "R1GB", 1, `service indicator "R1"`},
		{FormatS10, "RBG1", 1, `origin country "G1"`},
		{FormatUSPS, "8205512345", 1, `USPS IMpb account "8205512345"`},
		{FormatFedEx, "123456", 1, `FedEx Express tracking numbers take no account, got "123456"`},
		{"", "", 1, `tracking format "": want one of`},
	} {
		got, err := Tracking(c.format, c.account, c.serial)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Tracking(%q, %q, %d) = %q, %v; want an error containing %q", c.format, c.account, c.serial, got, err, c.want)
		}
	}
}

func TestCleanTracking(t *testing.T) {
	if got := CleanTracking(" 1z 5r8 939-03 5756 712 7 "); got != "1Z5R89390357567127" {
		t.Errorf("CleanTracking = %q", got)
	}
}
