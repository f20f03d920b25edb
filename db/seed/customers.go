package seed

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// customer is one buyer. Customer idx is a pure function of (seed, idx), so the order pass can
// regenerate any customer instead of keeping a quarter of a million in memory.
type customer struct {
	idx        int
	id         int64
	ch         *channel
	country    *country
	city       *city
	name       string
	email      string
	phone      string
	externalID string
	addrID     int64
	addr2ID    int64 // 0 when the customer has one address
	created    time.Time
	addr       address
	addr2      address
}

type address struct {
	company, line1, line2, postal string
	city                          *city
}

// hasSecondAddress is arithmetic rather than random so the id of every second address can be
// computed without counting the customers before it.
func hasSecondAddress(idx int) bool { return idx%7 == 3 }

// customerCore draws what routing and pricing need: the channel, the country and the city.
func (w *world) customerCore(r *rng, idx int) customer {
	r.reset(w.opts.Seed, streamCustomer, uint64(idx))
	ch := w.channels[r.weighted(w.channelShares)]
	co := countries[ch.countries[r.weighted(ch.countryW)]]
	ci := &co.cities[r.IntN(len(co.cities))]
	if ch.kind == "store" {
		ci = &co.cities[0] // a store's customers live in its own city
	}
	c := customer{idx: idx, id: w.ids.customers + int64(idx) + 1, ch: ch, country: co, city: ci,
		addrID: w.ids.addresses + int64(idx) + 1}
	if hasSecondAddress(idx) {
		c.addr2ID = w.ids.addresses + int64(w.customerCount) + int64(idx/7) + 1
	}
	return c
}

// customerAt draws the whole customer: core, then name, contact details and addresses.
func (w *world) customerAt(r *rng, idx int) customer {
	c := w.customerCore(r, idx)
	first, last := pick(r, c.country.first), pick(r, c.country.last)
	c.name = first + " " + last
	if c.country.familyFirst {
		c.name = last + " " + first
	}
	c.email = w.email(r, &c, first, last)
	c.phone = r.digits(c.country.phone)
	c.externalID = customerExternalID(c.ch, idx)
	c.created = w.now.Add(-time.Duration(r.between(61*24, 900*24)) * time.Hour)
	c.addr = newAddress(r, c.country, c.city)
	if c.addr2ID != 0 {
		c.addr2 = newAddress(r, c.country, &c.country.cities[r.IntN(len(c.country.cities))])
		c.addr2.company = last + " " + pick(r, companyWords) + " " + pick(r, c.country.company)
	}
	return c
}

// email looks like what the channel hands over: marketplaces relay through anonymous
// addresses, shops get the customer's own.
func (w *world) email(r *rng, c *customer, first, last string) string {
	switch c.ch.code {
	case "amazon-uk":
		return fmt.Sprintf("%s@marketplace.amazon.co.uk", relayID(r, c.idx))
	case "amazon-us":
		return fmt.Sprintf("%s@marketplace.amazon.com", relayID(r, c.idx))
	case "amazon-ca":
		return fmt.Sprintf("%s@marketplace.amazon.ca", relayID(r, c.idx))
	}
	local := fold(first) + "." + fold(last)
	if r.chance(400) {
		local += fmt.Sprint(r.between(1, 99))
	}
	return local + "@" + pick(r, c.country.domains)
}

// relayID is the local part of a marketplace's anonymised buyer address.
func relayID(r *rng, idx int) string {
	return base36(permute(uint64(idx), 1e18), 12) + base36(uint64(r.IntN(36*36)), 2)
}

// base36 writes n in exactly width lower-case base-36 digits.
func base36(n uint64, width int) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = digits[n%36]
		n /= 36
	}
	return string(b)
}

// fold makes a name usable in an email address: "Müller" → "mueller", "de Vries" → "devries".
func fold(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if a, ok := asciiFold[c]; ok {
			b.WriteString(a)
		} else if c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// customerExternalID is the customer's key in the channel, unique per channel because it is
// a bijection of the index.
func customerExternalID(ch *channel, idx int) string {
	n := uint64(idx)
	switch ch.kind {
	case "webshop":
		return fmt.Sprint(6_000_000_000_000 + permute(n, 1e12))
	case "marketplace":
		return "A" + strings.ToUpper(base36(permute(n, 1e18), 12))
	case "store":
		return fmt.Sprintf("LC-%08d", permute(n, 1e8))
	}
	return fmt.Sprintf("PH-%06d", idx+1)
}

func newAddress(r *rng, co *country, ci *city) address {
	a := address{city: ci, postal: r.digits(ci.postal)}
	switch {
	case len(ci.areas) > 0:
		a.line1 = fmt.Sprintf("%d-%d-%d %s", r.between(1, 6), r.between(1, 20), r.between(1, 30), pick(r, ci.areas))
	case co.numberFirst:
		a.line1 = fmt.Sprintf("%d %s", houseNumber(r, co.code), pick(r, co.streets))
	default:
		a.line1 = fmt.Sprintf("%s %d", pick(r, co.streets), r.between(1, 180))
	}
	if len(co.line2) > 0 {
		a.line2 = pick(r, co.line2)
	}
	return a
}

func houseNumber(r *rng, country string) int {
	if country == "US" || country == "CA" {
		return r.between(100, 9899)
	}
	return r.between(1, 120)
}

// rows adds the customer and their addresses to the batch.
func (c *customer) rows(b *batch) {
	b.customers.add(c.id, c.ch.id, c.externalID, c.name, c.email, c.phone, c.country.code,
		c.ch.currency, c.created)
	c.addr.row(b.addresses, c.addrID, c.id, c.name, c.country.code, c.phone)
	if c.addr2ID != 0 {
		c.addr2.row(b.addresses, c.addr2ID, c.id, c.name, c.country.code, c.phone)
	}
}

func (a *address) row(t *table, id, customerID int64, name, country, phone string) {
	t.add(id, customerID, name, a.company, a.line1, a.line2, a.city.name, a.city.region,
		a.postal, country, phone)
}
