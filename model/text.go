package model

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CleanText is s without the characters no text from outside may carry: control characters
// other than tab, line feed and carriage return (so ESC, which starts every terminal escape
// sequence, and the C1 controls go), and bytes that are not UTF-8. Everything else stays as
// given, line breaks included. A channel's file is outside data: an ESC in a customer's name
// would otherwise reach every terminal that shows it.
func CleanText(s string) string {
	if !needsCleaning(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unwanted(r, n) {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsCleaning(s string) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unwanted(r, n) {
			return true
		}
		i += n
	}
	return false
}

// unwanted is a rune (of n bytes) CleanText removes.
func unwanted(r rune, n int) bool {
	if r == utf8.RuneError && n == 1 {
		return true
	}
	return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
}

// Clean applies CleanText to every text the order carries.
func (o *IncomingOrder) Clean() {
	for _, p := range []*string{&o.ExternalID, &o.DisplayID, &o.Customer.Name, &o.Customer.Email, &o.Customer.Phone,
		&o.Store, &o.ShipService, &o.Notes} {
		*p = CleanText(*p)
	}
	o.ShipTo.clean()
	if o.BillTo != nil {
		o.BillTo.clean()
	}
	for i := range o.Lines {
		l := &o.Lines[i]
		l.ExternalLineID, l.SKU, l.Description = CleanText(l.ExternalLineID), CleanText(l.SKU), CleanText(l.Description)
	}
}

func (a *Address) clean() {
	for _, p := range []*string{&a.Name, &a.Company, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &a.Phone} {
		*p = CleanText(*p)
	}
}
