package channels

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"oms/catalog"
	"oms/model"
)

// validate checks what every incoming order must be, whatever its format: an id, a known
// currency, a date, lines with a SKU, a unique line id and a whole quantity above 0, amounts that
// are not negative, a subtotal that is the sum of the lines, a total that adds up, and a ship-to
// address (name, line 1, city, ISO country) unless the order belongs to a store. It returns ""
// for a valid order, or the reason to reject it.
func validate(o *model.IncomingOrder) string {
	switch {
	case strings.TrimSpace(o.ExternalID) == "":
		return "the order id is empty"
	case strings.TrimSpace(o.DisplayID) == "":
		return "the order's display id is empty"
	}
	if _, err := o.Currency.Exponent(); err != nil {
		return fmt.Sprintf("currency %q is not a known currency", string(o.Currency))
	}
	if o.OrderedAt.IsZero() {
		return "the order date is missing"
	}
	if len(o.Lines) == 0 {
		return "the order has no lines"
	}
	c := o.Currency
	ids := make(map[string]bool, len(o.Lines))
	var sum int64
	for i, l := range o.Lines {
		where := lineWhere(i+1, l.SKU)
		ok := true
		switch {
		case strings.TrimSpace(l.SKU) == "":
			return fmt.Sprintf("line %d: the SKU is empty", i+1)
		case l.ExternalLineID == "":
			return where + "the line id is empty"
		case ids[l.ExternalLineID]:
			return fmt.Sprintf("%sthe line id %q appears twice in the order", where, l.ExternalLineID)
		case l.Qty <= 0:
			return fmt.Sprintf("%squantity %d is not a whole number above 0", where, l.Qty)
		case l.AmountMinor < 0:
			return fmt.Sprintf("%sthe amount %s is negative", where, amount(l.AmountMinor, c))
		case l.DiscountMinor < 0:
			return fmt.Sprintf("%sthe discount %s is negative", where, amount(l.DiscountMinor, c))
		case l.TaxMinor < 0:
			return fmt.Sprintf("%sthe tax %s is negative", where, amount(l.TaxMinor, c))
		case l.DiscountMinor > l.AmountMinor:
			return fmt.Sprintf("%sthe discount %s is more than the line's amount %s", where, amount(l.DiscountMinor, c), amount(l.AmountMinor, c))
		}
		ids[l.ExternalLineID] = true
		if sum, ok = add(sum, l.AmountMinor); !ok {
			return "the lines' amounts are too large to add up"
		}
	}
	if o.SubtotalMinor != sum {
		return fmt.Sprintf("the subtotal %s is not the sum of the lines' amounts %s", amount(o.SubtotalMinor, c), amount(sum, c))
	}
	for _, f := range []struct {
		what  string
		minor int64
	}{{"shipping", o.ShippingMinor}, {"discount", o.DiscountMinor}, {"tax", o.TaxMinor}, {"total", o.TotalMinor}} {
		if f.minor < 0 {
			return fmt.Sprintf("the %s %s is negative", f.what, amount(f.minor, c))
		}
	}
	want, ok := expectedTotal(o)
	if !ok {
		return "the order's amounts are too large to add up"
	}
	if want != o.TotalMinor {
		return fmt.Sprintf("the total %s does not add up: %s", amount(o.TotalMinor, c), totalFormula(o, want))
	}
	if r := checkAddress("ship-to", o.ShipTo, o.Store == ""); r != "" {
		return r
	}
	if o.BillTo != nil {
		if r := checkAddress("bill-to", *o.BillTo, false); r != "" {
			return r
		}
	}
	if !validUTF8(o) {
		return "the order's text is not valid UTF-8"
	}
	return ""
}

// expectedTotal is Subtotal − Discount + Shipping, plus Tax unless TaxIncluded.
func expectedTotal(o *model.IncomingOrder) (int64, bool) {
	t, ok := sub(o.SubtotalMinor, o.DiscountMinor)
	if ok {
		t, ok = add(t, o.ShippingMinor)
	}
	if ok && !o.TaxIncluded {
		t, ok = add(t, o.TaxMinor)
	}
	return t, ok
}

func totalFormula(o *model.IncomingOrder, want int64) string {
	c := o.Currency
	f := func(m int64) string { return model.Money{Minor: m, Currency: c}.Format() }
	s := fmt.Sprintf("subtotal %s − discount %s + shipping %s", f(o.SubtotalMinor), f(o.DiscountMinor), f(o.ShippingMinor))
	if o.TaxIncluded {
		return s + fmt.Sprintf(" (prices include the tax %s) = %s", f(o.TaxMinor), amount(want, c))
	}
	return s + fmt.Sprintf(" + tax %s = %s", f(o.TaxMinor), amount(want, c))
}

// checkAddress requires name, line 1, city and country when required, and an ISO country
// whenever one is given.
func checkAddress(what string, a model.Address, required bool) string {
	if required {
		var missing []string
		for _, f := range []struct{ name, v string }{{"name", a.Name}, {"line 1", a.Line1}, {"city", a.City}, {"country", a.Country}} {
			if strings.TrimSpace(f.v) == "" {
				missing = append(missing, f.name)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf("the %s address is incomplete: it needs a name, line 1, city and country, and has no %s", what, strings.Join(missing, ", "))
		}
	}
	if a.Country != "" && !catalog.IsCountry(a.Country) {
		return fmt.Sprintf("the %s country %q is not an ISO 3166 country code (such as NL, DE, US)", what, a.Country)
	}
	return ""
}

// country reads a country code: trimmed and upper case (validate checks it).
func country(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func validUTF8(o *model.IncomingOrder) bool {
	s := []string{o.ExternalID, o.DisplayID, o.Customer.Name, o.Customer.Email, o.Customer.Phone, o.Store, o.ShipService, o.Notes}
	addr := func(a model.Address) {
		s = append(s, a.Name, a.Company, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone)
	}
	addr(o.ShipTo)
	if o.BillTo != nil {
		addr(*o.BillTo)
	}
	for _, l := range o.Lines {
		s = append(s, l.ExternalLineID, l.SKU, l.Description)
	}
	for _, x := range s {
		if !utf8.ValidString(x) {
			return false
		}
	}
	return true
}

func add(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) || s == math.MinInt64 {
		return 0, false
	}
	return s, true
}

func sub(a, b int64) (int64, bool) {
	if b == math.MinInt64 {
		return 0, false
	}
	return add(a, -b)
}

func mul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || p == math.MinInt64 || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return p, true
}

// timeLayouts are the date forms channels write: ISO 8601 / RFC 3339 with or without seconds'
// fractions and zone, Shopify's "2006-01-02 15:04:05 -0700", and a bare date. A time without a
// zone is UTC.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02T15:04:05-0700",
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if l == "2006-01-02 15:04:05 MST" {
				if name, off := t.Zone(); off == 0 && name != "UTC" && name != "GMT" {
					continue // an abbreviation Go cannot place
				}
			}
			return t, true
		}
	}
	return time.Time{}, false
}

// date reads a required (or optional, "" is zero) date and time.
func (b *builder) date(col, s string, required bool) time.Time {
	if s == "" {
		if required {
			b.fail("%s is empty", col)
		}
		return time.Time{}
	}
	t, ok := parseTime(s)
	if !ok {
		b.fail("%s %q is not a date and time (such as 2025-10-07T09:50:26+02:00 or 2025-10-07 09:50:26 +0200)", col, s)
	}
	return t
}
