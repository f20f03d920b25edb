package label

import (
	"fmt"
	"strconv"
	"strings"
)

// An SSCC (GS1 AI 00) is 18 digits: an extension digit the company chooses, its GS1 Company
// Prefix (7 to 11 digits), a serial reference that fills the prefix up to 16 digits, and the
// GS1 mod-10 check digit (GS1 General Specifications §2.2 and figure 3.3.1-1; shipping-tax.md §1).

// SSCC makes the SSCC for serial under companyPrefix. A serial with more digits than the
// prefix leaves room for is refused, not cut: a cut serial would repeat an earlier parcel's code.
func SSCC(extension int, companyPrefix string, serial int64) (string, error) {
	if extension < 0 || extension > 9 {
		return "", fmt.Errorf("SSCC extension digit %d: want 0 to 9", extension)
	}
	if len(companyPrefix) < 7 || len(companyPrefix) > 11 || !allOf(companyPrefix, isDigit) {
		return "", fmt.Errorf("GS1 company prefix %q: want 7 to 11 digits", companyPrefix)
	}
	width := 16 - len(companyPrefix)
	if serial < 0 {
		return "", fmt.Errorf("SSCC serial reference %d is negative", serial)
	}
	digits := strconv.FormatInt(serial, 10)
	if len(digits) > width {
		return "", fmt.Errorf("SSCC serial reference %d does not fit in the %d digits a %d-digit company prefix leaves",
			serial, width, len(companyPrefix))
	}
	body := strconv.Itoa(extension) + companyPrefix + strings.Repeat("0", width-len(digits)) + digits
	return body + string(gs1CheckDigit(body)), nil
}

// ValidSSCC checks that s is 18 digits with a correct check digit; a wrong check digit alone is
// a *CheckDigitError.
func ValidSSCC(s string) error {
	if len(s) != 18 {
		return fmt.Errorf("SSCC %q: %d characters, want 18 digits", s, len(s))
	}
	if bad := firstNot(s, isDigit); bad >= 0 {
		return fmt.Errorf("SSCC %q: %q at position %d is not a digit", s, s[bad], bad+1)
	}
	return compareCheck("SSCC", s, s[17], gs1CheckDigit(s[:17]))
}
