package label

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"oms/model"
)

// The tracking-number formats, as carriers.tracking_format and shipping.RateCard.TrackingFormat
// name them. The structures and check digits are those of /work/shared/reference/shipping-tax.md
// §1 (community-derived for UPS, FedEx, DHL and USPS; UPU S10 is a published standard).
const (
	FormatUPS   = "ups"   // 1Z + shipper account (6) + service (2) + package (7) + check digit
	FormatFedEx = "fedex" // FedEx Express: 11 digits + check digit
	FormatDHL   = "dhl"   // DHL Express: 9 digits + check digit
	FormatS10   = "s10"   // UPU S10: service indicator (2 letters) + 8 digits + check digit + country
	FormatUSPS  = "usps"  // USPS IMpb: application identifier, service type, mailer ID, serial, check digit
)

// Formats lists every format Tracking and ValidTracking know, for messages and settings screens.
var Formats = []string{FormatUPS, FormatFedEx, FormatDHL, FormatS10, FormatUSPS}

var formatNames = map[string]string{
	FormatUPS: "UPS", FormatFedEx: "FedEx Express", FormatDHL: "DHL Express",
	FormatS10: "UPU S10", FormatUSPS: "USPS IMpb",
}

// serialDigits is how many digits of a carrier-assigned serial each format holds.
var serialDigits = map[string]int{FormatUPS: 7, FormatFedEx: 11, FormatDHL: 9, FormatS10: 8}

// TrackingScheme is what, besides a serial, makes a carrier's tracking number: the parts that
// stay the same for every parcel of one account.
type TrackingScheme struct {
	Format string // one of Formats
	// Account is the UPS shipper number (6 letters or digits), or for USPS the digits before the
	// serial: channel application identifier (2), service type code (3) and mailer ID (6 or 9).
	Account string
	// Service is the UPS service code (2 letters or digits, "03" Ground) or the S10 service
	// indicator (2 letters, "RB" registered letter, "CP" parcel).
	Service string
	// Country is the S10 origin postal operator's ISO 3166-1 alpha-2 code ("GB").
	Country string
}

// ParseTrackingScheme reads a carrier's tracking account as oms stores it (carriers.tracking_
// account, up to 12 capitals and digits) into a scheme: for "ups" the shipper number and the
// service code ("5R893903"), for "s10" the service indicator and the origin country ("RBGB"),
// for "usps" the digits before the serial, for "fedex" and "dhl" nothing (their number ranges
// are the carrier's serials alone).
func ParseTrackingScheme(format, account string) (TrackingScheme, error) {
	s := TrackingScheme{Format: format}
	switch format {
	case FormatUPS:
		if len(account) != 8 {
			return s, fmt.Errorf("UPS tracking account %q: want 8 characters, the shipper number (6) and the service code (2), such as 5R893903", account)
		}
		s.Account, s.Service = account[:6], account[6:]
	case FormatS10:
		if len(account) != 4 {
			return s, fmt.Errorf("UPU S10 tracking account %q: want 4 letters, the service indicator (2) and the origin country (2), such as RBGB", account)
		}
		s.Service, s.Country = account[:2], account[2:]
	default: // the check refuses an account for fedex and dhl, and an unknown format
		s.Account = account
	}
	return s, s.check()
}

// Tracking makes the tracking number with the carrier-assigned serial, check digit included:
// ParseTrackingScheme(format, account) and then Number(serial).
func Tracking(format, account string, serial int64) (string, error) {
	scheme, err := ParseTrackingScheme(format, account)
	if err != nil {
		return "", err
	}
	return scheme.Number(serial)
}

// Number makes the tracking number for serial. A serial that does not fit the format's digits
// is refused rather than cut, since a cut serial would repeat an earlier parcel's number.
func (s TrackingScheme) Number(serial int64) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	digits, err := s.serialField(serial)
	if err != nil {
		return "", err
	}
	switch s.Format {
	case FormatUPS:
		body := s.Account + s.Service + digits
		return "1Z" + body + string(upsCheckDigit(body)), nil
	case FormatFedEx:
		return digits + string(fedExCheckDigit(digits)), nil
	case FormatDHL:
		return digits + string(dhlCheckDigit(digits)), nil
	case FormatS10:
		return s.Service + digits + string(s10CheckDigit(digits)) + s.Country, nil
	default: // FormatUSPS; check refused the rest
		body := s.Account + digits
		return body + string(gs1CheckDigit(body)), nil
	}
}

// uspsLength is the length of the IMpb numbers oms makes: the common 22-digit form.
const uspsLength = 22

// serialField writes serial as the zero-padded digits the format reserves for it.
func (s TrackingScheme) serialField(serial int64) (string, error) {
	width := serialDigits[s.Format]
	if s.Format == FormatUSPS {
		width = uspsLength - 1 - len(s.Account)
	}
	if serial < 0 {
		return "", fmt.Errorf("%s tracking number: serial %d is negative", formatNames[s.Format], serial)
	}
	digits := strconv.FormatInt(serial, 10)
	if len(digits) > width {
		return "", fmt.Errorf("%s tracking number: serial %d does not fit in %d digits; ask the carrier for a new number range",
			formatNames[s.Format], serial, width)
	}
	return strings.Repeat("0", width-len(digits)) + digits, nil
}

// check says what is wrong with a scheme before any number is made from it.
func (s TrackingScheme) check() error {
	name := formatNames[s.Format]
	switch s.Format {
	case FormatUPS:
		if !allOf(s.Account, isUpperAlnum) || len(s.Account) != 6 {
			return fmt.Errorf("UPS shipper number %q: want 6 capital letters or digits", s.Account)
		}
		if !allOf(s.Service, isUpperAlnum) || len(s.Service) != 2 {
			return fmt.Errorf("UPS service code %q: want 2 capital letters or digits, such as 03", s.Service)
		}
	case FormatS10:
		if !allOf(s.Service, isUpper) || len(s.Service) != 2 {
			return fmt.Errorf("UPU S10 service indicator %q: want 2 capital letters, such as RB", s.Service)
		}
		if !allOf(s.Country, isUpper) || len(s.Country) != 2 {
			return fmt.Errorf("UPU S10 origin country %q: want an ISO 3166-1 alpha-2 code, such as GB", s.Country)
		}
	case FormatUSPS:
		if !allOf(s.Account, isDigit) || (len(s.Account) != 11 && len(s.Account) != 14) || s.Account[0] != '9' {
			return fmt.Errorf("USPS IMpb account %q: want 11 or 14 digits starting with 9: application identifier (2), service type (3), mailer ID (6 or 9)", s.Account)
		}
	case FormatFedEx, FormatDHL:
	default:
		return unknownFormat(s.Format)
	}
	if s.Format != FormatUPS && s.Format != FormatUSPS && s.Account != "" {
		return fmt.Errorf("%s tracking numbers take no account, got %q", name, s.Account)
	}
	return nil
}

func unknownFormat(format string) error {
	return fmt.Errorf("tracking format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// CheckDigitError is a number whose structure is right and whose check digit is not. On input
// of a carrier's own number it is a warning, not a refusal (shipping-tax.md §1: the carriers'
// rules are community-derived, and some published numbers fail them); test with errors.As.
type CheckDigitError struct {
	What      string // "UPS tracking number", "SSCC"
	Number    string
	Got, Want byte
}

func (e *CheckDigitError) Error() string {
	return fmt.Sprintf("%s %s: check digit is %c, should be %c", e.What, e.Number, e.Got, e.Want)
}

// IsCheckDigitError reports whether err says only that a check digit is wrong.
func IsCheckDigitError(err error) bool {
	var cd *CheckDigitError
	return errors.As(err, &cd)
}

// CleanTracking is a tracking number as typed or printed ("1z 5r8 939 03 5756 712 7") in the
// form ValidTracking and the database take: spaces and hyphens dropped, letters in capitals.
func CleanTracking(s string) string {
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s))
}

// ValidTracking checks number's structure and check digit for format. The number must be clean
// (CleanTracking). A wrong check digit alone is a *CheckDigitError.
func ValidTracking(format, number string) error {
	switch format {
	case FormatUPS:
		return validUPS(number)
	case FormatFedEx:
		return validDigitsWithCheck(FormatFedEx, number, 12, fedExCheckDigit)
	case FormatDHL:
		return validDigitsWithCheck(FormatDHL, number, 10, dhlCheckDigit)
	case FormatS10:
		return validS10(number)
	case FormatUSPS:
		return validUSPS(number)
	}
	return unknownFormat(format)
}

func validUPS(n string) error {
	const what = "UPS tracking number"
	if len(n) != 18 {
		return fmt.Errorf("%s %q: %d characters, want 18 (1Z, shipper number 6, service 2, package 7, check digit)", what, n, len(n))
	}
	if !strings.HasPrefix(n, "1Z") {
		return fmt.Errorf("%s %q: does not start with 1Z", what, n)
	}
	if bad := firstNot(n[2:17], isUpperAlnum); bad >= 0 {
		return fmt.Errorf("%s %q: %q at position %d is not a capital letter or digit", what, n, n[2+bad], 3+bad)
	}
	if !isDigit(n[17]) {
		return fmt.Errorf("%s %q: the check digit %q is not a digit", what, n, n[17])
	}
	return compareCheck(what, n, n[17], upsCheckDigit(n[2:17]))
}

func validDigitsWithCheck(format, n string, length int, checkDigit func(string) byte) error {
	what := formatNames[format] + " tracking number"
	if len(n) != length {
		return fmt.Errorf("%s %q: %d characters, want %d digits", what, n, len(n), length)
	}
	if bad := firstNot(n, isDigit); bad >= 0 {
		return fmt.Errorf("%s %q: %q at position %d is not a digit", what, n, n[bad], bad+1)
	}
	return compareCheck(what, n, n[length-1], checkDigit(n[:length-1]))
}

func validS10(n string) error {
	const what = "UPU S10 tracking number"
	if len(n) != 13 {
		return fmt.Errorf("%s %q: %d characters, want 13 (2 letters, 8 digits, check digit, 2-letter country)", what, n, len(n))
	}
	if !allOf(n[:2], isUpper) {
		return fmt.Errorf("%s %q: the service indicator %q is not 2 capital letters", what, n, n[:2])
	}
	if bad := firstNot(n[2:11], isDigit); bad >= 0 {
		return fmt.Errorf("%s %q: %q at position %d is not a digit", what, n, n[2+bad], 3+bad)
	}
	if !allOf(n[11:], isUpper) {
		return fmt.Errorf("%s %q: the country %q is not 2 capital letters", what, n, n[11:])
	}
	return compareCheck(what, n, n[10], s10CheckDigit(n[2:10]))
}

// validUSPS checks an IMpb number of 20, 22 or 26 digits, or one led by the 420 + ZIP routing
// code that the barcode carries (420 + 5 or 9 ZIP digits): the check digit covers only the
// tracking number after it.
func validUSPS(n string) error {
	const what = "USPS IMpb tracking number"
	if bad := firstNot(n, isDigit); bad >= 0 {
		return fmt.Errorf("%s %q: %q at position %d is not a digit", what, n, n[bad], bad+1)
	}
	candidates := uspsTrackingParts(n)
	if len(candidates) == 0 {
		return fmt.Errorf("%s %q: %d digits, want 20, 22 or 26, optionally after 420 and a 5- or 9-digit ZIP", what, n, len(n))
	}
	var first error
	for _, tracking := range candidates {
		err := compareCheck(what, n, tracking[len(tracking)-1], gs1CheckDigit(tracking[:len(tracking)-1]))
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// uspsTrackingParts are the readings of n as a tracking number, without a routing code or after
// one. 34 digits read either way (420 + ZIP 5 + 26, or 420 + ZIP 9 + 22), so both are tried.
func uspsTrackingParts(n string) []string {
	var parts []string
	if validUSPSLength(len(n)) {
		parts = append(parts, n)
	}
	if strings.HasPrefix(n, "420") {
		for _, zip := range []int{5, 9} {
			if rest := len(n) - 3 - zip; rest > 0 && validUSPSLength(rest) {
				parts = append(parts, n[3+zip:])
			}
		}
	}
	return parts
}

func validUSPSLength(n int) bool { return n == 20 || n == 22 || n == 26 }

func compareCheck(what, number string, got, want byte) error {
	if got != want {
		return &CheckDigitError{What: what, Number: number, Got: got, Want: want}
	}
	return nil
}

// upsCheckDigit is the UPS rule on the 15 characters after 1Z: a letter counts (ASCII − 3) mod
// 10 (A = 2 … H = 9, I = 0 …), every second character counts double, and the check digit brings
// the sum to a multiple of 10.
func upsCheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		value := int(body[i] - '0')
		if !isDigit(body[i]) {
			value = int(body[i]-3) % 10
		}
		if i%2 == 1 {
			value *= 2
		}
		sum += value
	}
	return byte('0' + (10-sum%10)%10)
}

// fedExCheckDigit weights the 11 digits 3, 1, 7, 3, 1, 7 … from the left; the check digit is
// the sum mod 11, with 10 written 0.
func fedExCheckDigit(digits string) byte {
	weights := [3]int{3, 1, 7}
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i]-'0') * weights[i%3]
	}
	return byte('0' + sum%11%10)
}

// dhlCheckDigit is the serial mod 7.
func dhlCheckDigit(digits string) byte {
	serial, _ := strconv.ParseInt(digits, 10, 64) // 9 digits, checked by the callers
	return byte('0' + serial%7)
}

// s10CheckDigit is UPU S10's: weights 8 6 4 2 3 5 9 7, C = 11 − sum mod 11, with 10 written 0
// and 11 written 5.
func s10CheckDigit(digits string) byte {
	weights := [8]int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i]-'0') * weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return '0'
	case 11:
		return '5'
	default:
		return byte('0' + c)
	}
}

// gs1CheckDigit is model.GS1CheckDigit as a character, for digits the caller has checked.
func gs1CheckDigit(digits string) byte {
	check, err := model.GS1CheckDigit(digits)
	if err != nil {
		panic("label: GS1 check digit of unchecked digits: " + err.Error())
	}
	return byte('0' + check)
}

func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isUpper(c byte) bool      { return 'A' <= c && c <= 'Z' }
func isUpperAlnum(c byte) bool { return isDigit(c) || isUpper(c) }

// firstNot is the index of the first byte of s that fails ok, or −1.
func firstNot(s string, ok func(byte) bool) int {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return i
		}
	}
	return -1
}

func allOf(s string, ok func(byte) bool) bool { return firstNot(s, ok) < 0 }
