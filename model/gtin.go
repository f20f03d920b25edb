package model

import (
	"fmt"
	"strings"
)

// GTINCheckDigit computes the GS1 mod-10 check digit for the body of a GTIN-8, -12, -13 or -14
// (7, 11, 12 or 13 digits). It returns the ASCII character '0'…'9', ready to compare with or
// append to a scanned code.
func GTINCheckDigit(body string) (byte, error) {
	switch len(body) {
	case 7, 11, 12, 13:
	default:
		return 0, fmt.Errorf("GTIN body %q: %d digits, want 7, 11, 12 or 13", body, len(body))
	}
	if bad := firstNonDigit(body); bad >= 0 {
		return 0, fmt.Errorf("GTIN body %q: %q is not a digit", body, body[bad])
	}
	return gs1CheckDigit(body), nil
}

// gs1CheckDigit weights digits 3, 1, 3, … from the right, so codes of every length that differ
// only by leading zeros share a check digit.
func gs1CheckDigit(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// ValidGTIN reports whether s is a GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN) or GTIN-14 with a
// correct check digit. It does not trim: scan input is cleaned before it gets here.
func ValidGTIN(s string) bool {
	return checkGTIN(s) == nil
}

// NormalizeGTIN14 validates s and left-pads it with zeros to the 14 digits used as the
// product key, so "036000291452" and "00036000291452" name the same product.
func NormalizeGTIN14(s string) (string, error) {
	if err := checkGTIN(s); err != nil {
		return "", err
	}
	return strings.Repeat("0", 14-len(s)) + s, nil
}

func checkGTIN(s string) error {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return fmt.Errorf("GTIN %q: %d digits, want 8, 12, 13 or 14", s, len(s))
	}
	if bad := firstNonDigit(s); bad >= 0 {
		return fmt.Errorf("GTIN %q: %q is not a digit", s, s[bad])
	}
	body, got := s[:len(s)-1], s[len(s)-1]
	if want := gs1CheckDigit(body); got != want {
		return fmt.Errorf("GTIN %q: check digit is %c, should be %c", s, got, want)
	}
	return nil
}
