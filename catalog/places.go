package catalog

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // time zone names are checked the same on every machine

	"oms/model"
)

// IsCountry reports whether code is an assigned ISO 3166-1 alpha-2 code (upper case).
func IsCountry(code string) bool { return model.IsCountry(code) }

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
