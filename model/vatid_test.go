package model

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

// The formats are the European Commission's VIES table "VAT number structure"
// (https://ec.europa.eu/taxation_customs/vies/faq.html, reproduced at
// https://portal.kyckr.com/VATCheckHelp.aspx and https://newproductspy.com/kb/vat-number/):
// each valid case is the table's pattern with 9 read as digits, L as a letter.
func TestValidVATNumber(t *testing.T) {
	valid := []struct{ number, country string }{
		{"ATU12345678", "AT"},         // ATU99999999
		{"BE0123456789", "BE"},        // BE0999999999
		{"BE1234567890", "BE"},        // new Belgian numbers may start with 1
		{"BG123456789", "BG"},         // BG999999999
		{"BG1234567890", "BG"},        // or BG9999999999
		{"CY12345678X", "CY"},         // CY99999999L
		{"CZ12345678", "CZ"},          // 8, 9 or 10 digits
		{"CZ1234567890", "CZ"},        //
		{"DE123456789", "DE"},         // DE999999999
		{"DK12 34 56 78", "DK"},       // 4 blocks of 2 digits
		{"EE123456789", "EE"},         // EE999999999
		{"EL123456789", "GR"},         // Greece: EL prefix, GR country
		{"ESX1234567X", "ES"},         // ESX9999999X: letters at both ends
		{"ESA12345678", "ES"},         // a letter first, a digit last
		{"ES12345678Z", "ES"},         // a digit first, a letter last
		{"FI12345678", "FI"},          // FI99999999
		{"FRXX123456789", "FR"},       // FRXX 999999999
		{"FR12345678901", "FR"},       //
		{"HR12345678901", "HR"},       // HR99999999999
		{"HU12345678", "HU"},          // HU99999999
		{"IE1S23456L", "IE"},          // IE9S99999L
		{"IE1+23456L", "IE"},          // S may be + or *
		{"IE1234567WA", "IE"},         // IE9999999WI
		{"IE1234567T", "IE"},          // 7 digits and a letter
		{"IT12345678901", "IT"},       // IT99999999999
		{"LT123456789", "LT"},         // 9 digits
		{"LT123456789012", "LT"},      // or 12
		{"LU12345678", "LU"},          // LU99999999
		{"LV12345678901", "LV"},       // LV99999999999
		{"MT12345678", "MT"},          // MT99999999
		{"NL123456789B01", "NL"},      // NL999999999B99
		{"PL1234567890", "PL"},        // PL9999999999
		{"PT123456789", "PT"},         // PT999999999
		{"RO12", "RO"},                // 2 to 10 digits
		{"RO1234567890", "RO"},        //
		{"SE123456789001", "SE"},      // SE999999999999
		{"SI12345678", "SI"},          // SI99999999
		{"SK1234567890", "SK"},        // SK9999999999
		{"GB123 4567 89", "GB"},       // GB999 9999 99
		{"GB123456789012", "GB"},      // GB999 9999 99 999 (branch traders)
		{"GBGD123", "GB"},             // GBGD999, government departments 000–499
		{"GBHA599", "GB"},             // GBHA999, health authorities 500–999
		{"XI123456789", "XI"},         // Northern Ireland, goods
		{" de 123.456.789 ", "DE"},    // as people type it
		{"nl-123456789-b01", "NL"},    //
		{"atu 123 456 78", "AT"},      //
		{"fr\u00a0XX123456789", "FR"}, // a no-break space from a PDF
	}
	for _, tt := range valid {
		got, err := ValidVATNumber(tt.number)
		if err != nil || got != tt.country {
			t.Errorf("ValidVATNumber(%q) = %q, %v; want %q", tt.number, got, err, tt.country)
		}
	}

	invalid := []struct{ number, says string }{
		{"DE12345678", "DE VAT numbers are DE + 9 digits"},
		{"DE1234567890", "DE VAT numbers are DE + 9 digits"},
		{"AT12345678", "AT VAT numbers are ATU + 8 digits"},
		{"GR123456789", "Greek VAT numbers start with EL, not GR"},
		{"ES123456789", "not digits at both ends"},
		{"NL123456789A01", "NL + 9 digits, B and 2 digits"},
		{"BE2123456789", "the first 0 or 1"},
		{"GBGD500", "GD + 000–499"},
		{"GBHA499", "HA + 500–999"},
		{"US123456789", "US is not the prefix of an EU member state, GB or XI"},
		{"CH123456789", "CH is not the prefix"},
		{"123456789", "two-letter country prefix"},
		{"", "two-letter country prefix"},
		{"RO1", "RO + 2 to 10 digits"},
		{"DE12345678é", "DE VAT numbers are DE + 9 digits"},
	}
	for _, tt := range invalid {
		_, err := ValidVATNumber(tt.number)
		if err == nil || !errors.Is(err, ErrInvalidVATNumber) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("ValidVATNumber(%q) = %v; want an ErrInvalidVATNumber saying %q", tt.number, err, tt.says)
		}
	}
}

// Every member state's prefix has a format, and nothing else does but GB and XI.
func TestVATFormatsCoverEUAndUK(t *testing.T) {
	want := slices.Sorted(maps.Values(euVATPrefixes))
	want = append(want, "GB", "XI")
	slices.Sort(want)
	got := slices.Sorted(maps.Keys(vatFormats))
	if !slices.Equal(got, want) {
		t.Errorf("VAT formats for %v, want the 27 member states + GB + XI: %v", got, want)
	}
	for prefix, f := range vatFormats {
		if prefix != "EL" && f.country != prefix {
			t.Errorf("prefix %s stands for %s", prefix, f.country)
		}
		if !strings.HasPrefix(f.says, prefix) {
			t.Errorf("prefix %s: the message %q must start with the prefix", prefix, f.says)
		}
	}
	if vatFormats["EL"].country != "GR" {
		t.Error("EL numbers must report Greece as GR")
	}
}

func TestNormalizeVATNumber(t *testing.T) {
	for in, want := range map[string]string{
		"de 123.456.789":      "DE123456789",
		"NL-123456789-B01":    "NL123456789B01",
		"GB 123 4567 89":      "GB123456789",
		"\tatu12345678\u00a0": "ATU12345678",
	} {
		if got := NormalizeVATNumber(in); got != want {
			t.Errorf("NormalizeVATNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
