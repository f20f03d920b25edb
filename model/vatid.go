package model

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalidVATNumber is wrapped by every error of ValidVATNumber; the message names the number
// and says what the country's numbers look like, so a clerk can fix a typo without a manual.
var ErrInvalidVATNumber = errors.New("invalid VAT number")

// vatFormat is the shape of one country's VAT numbers after the two-letter prefix.
type vatFormat struct {
	country string         // ISO 3166-1 code the prefix stands for (EL → GR)
	body    *regexp.Regexp // the characters after the prefix, spaces and punctuation removed
	says    string         // the format in words, for the error message
}

// vatFormats are the VAT number formats of the 27 member states, the United Kingdom (GB) and
// Northern Ireland (XI, the prefix its traders use for goods since the Windsor Framework), keyed
// by prefix, as the European Commission publishes them for VIES (FAQ "VAT number structure",
// https://ec.europa.eu/taxation_customs/vies/faq.html, reproduced at
// https://portal.kyckr.com/VATCheckHelp.aspx). Greece's prefix is EL, not its ISO code GR.
//
// Only the format is checked, not check digits: a well-formed number may still not be
// allocated, which only VIES (or HMRC for GB) can say. The check exists to stop typos and
// numbers pasted into the wrong field before an invoice is issued without VAT.
var vatFormats = map[string]vatFormat{
	"AT": {"AT", regexp.MustCompile(`^U[0-9]{8}$`), "ATU + 8 digits"},
	// Belgian numbers began with 0; since 2023 new ones may begin with 1.
	"BE": {"BE", regexp.MustCompile(`^[01][0-9]{9}$`), "BE + 10 digits, the first 0 or 1"},
	"BG": {"BG", regexp.MustCompile(`^[0-9]{9,10}$`), "BG + 9 or 10 digits"},
	"CY": {"CY", regexp.MustCompile(`^[0-9]{8}[A-Z]$`), "CY + 8 digits and a letter"},
	"CZ": {"CZ", regexp.MustCompile(`^[0-9]{8,10}$`), "CZ + 8, 9 or 10 digits"},
	"DE": {"DE", regexp.MustCompile(`^[0-9]{9}$`), "DE + 9 digits"},
	"DK": {"DK", regexp.MustCompile(`^[0-9]{8}$`), "DK + 8 digits"},
	"EE": {"EE", regexp.MustCompile(`^[0-9]{9}$`), "EE + 9 digits"},
	"EL": {"GR", regexp.MustCompile(`^[0-9]{9}$`), "EL + 9 digits"},
	// A letter or digit, 7 digits, a letter or digit — but not digits at both ends.
	"ES": {"ES", regexp.MustCompile(`^([A-Z][0-9]{7}[A-Z0-9]|[0-9]{8}[A-Z])$`),
		"ES + 9 characters: a letter or digit, 7 digits, a letter or digit, not digits at both ends"},
	"FI": {"FI", regexp.MustCompile(`^[0-9]{8}$`), "FI + 8 digits"},
	"FR": {"FR", regexp.MustCompile(`^[A-Z0-9]{2}[0-9]{9}$`), "FR + 2 letters or digits and 9 digits"},
	"HR": {"HR", regexp.MustCompile(`^[0-9]{11}$`), "HR + 11 digits"},
	"HU": {"HU", regexp.MustCompile(`^[0-9]{8}$`), "HU + 8 digits"},
	// Old style 9S99999L (S a letter, digit, + or *), new style 7 digits and one or two letters.
	"IE": {"IE", regexp.MustCompile(`^([0-9][A-Z+*][0-9]{5}[A-Z]|[0-9]{7}[A-Z]{1,2})$`),
		"IE + 8 or 9 characters: 7 digits and 1 or 2 letters, or a digit, a letter, + or *, 5 digits and a letter"},
	"IT": {"IT", regexp.MustCompile(`^[0-9]{11}$`), "IT + 11 digits"},
	"LT": {"LT", regexp.MustCompile(`^([0-9]{9}|[0-9]{12})$`), "LT + 9 or 12 digits"},
	"LU": {"LU", regexp.MustCompile(`^[0-9]{8}$`), "LU + 8 digits"},
	"LV": {"LV", regexp.MustCompile(`^[0-9]{11}$`), "LV + 11 digits"},
	"MT": {"MT", regexp.MustCompile(`^[0-9]{8}$`), "MT + 8 digits"},
	"NL": {"NL", regexp.MustCompile(`^[0-9]{9}B[0-9]{2}$`), "NL + 9 digits, B and 2 digits"},
	"PL": {"PL", regexp.MustCompile(`^[0-9]{10}$`), "PL + 10 digits"},
	"PT": {"PT", regexp.MustCompile(`^[0-9]{9}$`), "PT + 9 digits"},
	"RO": {"RO", regexp.MustCompile(`^[0-9]{2,10}$`), "RO + 2 to 10 digits"},
	"SE": {"SE", regexp.MustCompile(`^[0-9]{12}$`), "SE + 12 digits"},
	"SI": {"SI", regexp.MustCompile(`^[0-9]{8}$`), "SI + 8 digits"},
	"SK": {"SK", regexp.MustCompile(`^[0-9]{10}$`), "SK + 10 digits"},
	// 9 digits, 12 for a branch, GD000–GD499 for government departments, HA500–HA999 for
	// health authorities.
	"GB": {"GB", regexp.MustCompile(`^([0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2})$`),
		"GB + 9 or 12 digits, GD + 000–499 or HA + 500–999"},
	"XI": {"XI", regexp.MustCompile(`^([0-9]{9}|[0-9]{12}|GD[0-4][0-9]{2}|HA[5-9][0-9]{2})$`),
		"XI + 9 or 12 digits, GD + 000–499 or HA + 500–999"},
}

// NormalizeVATNumber is the number as it is stored and printed: upper case, without the spaces,
// dots and hyphens people type ("de 123.456.789" → "DE123456789").
func NormalizeVATNumber(number string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(number) {
		switch r {
		case ' ', '.', '-', '\t', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidVATNumber checks that number (in any spacing or case) has a known prefix and the format
// published for it, and returns the ISO 3166-1 country it was issued in: "GR" for an EL
// number, "XI" for Northern Ireland. It checks the format only (see vatFormats).
func ValidVATNumber(number string) (country string, err error) {
	n := NormalizeVATNumber(number)
	if len(n) < 2 || n[0] < 'A' || n[0] > 'Z' || n[1] < 'A' || n[1] > 'Z' {
		return "", fmt.Errorf("%w %q: it must start with the two-letter country prefix, such as DE or EL for Greece", ErrInvalidVATNumber, number)
	}
	prefix, body := n[:2], n[2:]
	f, ok := vatFormats[prefix]
	switch {
	case !ok && prefix == "GR":
		return "", fmt.Errorf("%w %q: Greek VAT numbers start with EL, not GR", ErrInvalidVATNumber, number)
	case !ok:
		return "", fmt.Errorf("%w %q: %s is not the prefix of an EU member state, GB or XI", ErrInvalidVATNumber, number, prefix)
	case !f.body.MatchString(body):
		return "", fmt.Errorf("%w %q: %s VAT numbers are %s", ErrInvalidVATNumber, number, prefix, f.says)
	}
	return f.country, nil
}
