package model

import (
	"strings"
	"testing"
)

func TestGTINCheckDigit(t *testing.T) {
	for body, want := range map[string]byte{
		"400638133393":  '1', // EAN-13 4006381333931
		"03600029145":   '2', // UPC-A 036000291452
		"9638507":       '4', // EAN-8 96385074
		"0001234560001": '2', // GTIN-14 00012345600012
		"590123412345":  '7', // EAN-13 5901234123457
		"1234567":       '0', // check digit 0 (sum is a multiple of ten)
	} {
		if got, err := GTINCheckDigit(body); err != nil || got != want {
			t.Errorf("GTINCheckDigit(%q) = %q, %v; want %q", body, got, err, want)
		}
	}
	for _, body := range []string{"", "123456", "12345678", "40063813339A", "40063813339310", " 400638133393"} {
		if got, err := GTINCheckDigit(body); err == nil || !strings.Contains(err.Error(), body) {
			t.Errorf("GTINCheckDigit(%q) = %q, %v; want an error naming the input", body, got, err)
		}
	}
}

func TestValidGTIN(t *testing.T) {
	valid := []string{"4006381333931", "036000291452", "96385074", "00012345600012",
		"5901234123457", "12345670", "00000000000000"}
	for _, s := range valid {
		if !ValidGTIN(s) {
			t.Errorf("ValidGTIN(%q) = false, want true", s)
		}
	}
	invalid := []string{
		"4006381333932",   // wrong check digit
		"036000291453",    // wrong check digit
		"96385075",        // wrong check digit
		"00012345600013",  // wrong check digit
		"4006381333913",   // two digits swapped
		"03600029145",     // 11 digits
		"123456789012345", // 15 digits
		"1234567",         // 7 digits
		"",
		"4006381333931 ", // scanner noise is cleaned before this point
		"40063813339A1",
		"-96385074",
	}
	for _, s := range invalid {
		if ValidGTIN(s) {
			t.Errorf("ValidGTIN(%q) = true, want false", s)
		}
	}
}

func TestNormalizeGTIN14(t *testing.T) {
	for in, want := range map[string]string{
		"036000291452":   "00036000291452",
		"4006381333931":  "04006381333931",
		"96385074":       "00000096385074",
		"00012345600012": "00012345600012",
	} {
		if got, err := NormalizeGTIN14(in); err != nil || got != want {
			t.Errorf("NormalizeGTIN14(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// A UPC-A and its EAN-13 form name the same product.
	a, _ := NormalizeGTIN14("036000291452")
	b, _ := NormalizeGTIN14("0036000291452")
	if a != b {
		t.Errorf("UPC-A and EAN-13 forms normalize differently: %q vs %q", a, b)
	}
	for _, in := range []string{"4006381333932", "123", "abcdefghijklm"} {
		if got, err := NormalizeGTIN14(in); err == nil || !strings.Contains(err.Error(), in) {
			t.Errorf("NormalizeGTIN14(%q) = %q, %v; want an error naming the input", in, got, err)
		}
	}
	_, err := NormalizeGTIN14("4006381333932")
	if err == nil || !strings.Contains(err.Error(), "should be 1") {
		t.Errorf("wrong check digit error %v should say the right digit", err)
	}
}
