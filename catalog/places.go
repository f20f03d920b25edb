package catalog

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zone names are checked the same on every machine
)

// iso3166 are the 249 officially assigned ISO 3166-1 alpha-2 country codes.
const iso3166 = `AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR
HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS
LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL
NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY
UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`

var countries = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(iso3166) {
		m[c] = true
	}
	return m
}()

// IsCountry reports whether code is an assigned ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool { return countries[code] }

// country reads an ISO 3166-1 alpha-2 code (any case, kept upper case); "" is "" unless required.
func (r *record) country(name string, required bool) string {
	s := strings.ToUpper(r.str(name))
	switch {
	case s == "" && required:
		r.failOn(name, "%s is empty: it is an ISO 3166 country code such as NL", name)
	case s != "" && !IsCountry(s):
		r.failOn(name, "%s %q is not an ISO 3166 country code (such as NL, DE, US)", name, r.str(name))
	}
	return s
}

// currency reads the form of an ISO 4217 code; whether oms knows it is the database's to say.
func (r *record) currency(name string) string {
	s := strings.ToUpper(r.str(name))
	if !isUpperCode(s, 3) {
		r.fail("%s %q is not an ISO 4217 currency code (three letters such as EUR)", name, r.str(name))
	}
	return s
}

// timeZone reads an IANA time zone name such as Europe/Amsterdam.
func (r *record) timeZone(name string) string {
	s := r.str(name)
	if s == "" {
		r.fail("%s is empty: it is an IANA time zone such as Europe/Amsterdam", name)
		return s
	}
	if err := CheckTimeZone(s); err != nil {
		r.fail("%s %q %v", name, s, err)
	}
	return s
}

// CheckTimeZone accepts IANA time zone names ("Europe/Amsterdam", "UTC"), not "Local".
func CheckTimeZone(s string) error {
	if s == "Local" {
		return fmt.Errorf("is not an IANA time zone: name the place, such as Europe/Amsterdam")
	}
	if _, err := time.LoadLocation(s); err != nil {
		return fmt.Errorf("is not an IANA time zone (such as Europe/Amsterdam)")
	}
	return nil
}

func isUpperCode(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
