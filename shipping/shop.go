package shipping

import (
	"cmp"
	"slices"
	"time"
)

// ValidOn says whether the card's prices apply to parcels shipped on day (its calendar date
// where day is, not the instant): from ValidFrom through ValidTo, both included. A card
// without ValidTo stays valid; when a newer card of the carrier starts, Shop prefers it.
func (c RateCard) ValidOn(day time.Time) bool {
	d := dateOf(day)
	if d.Before(dateOf(c.ValidFrom)) {
		return false
	}
	return c.ValidTo.IsZero() || !d.After(dateOf(c.ValidTo))
}

// dateOf is t's calendar date as UTC midnight, the form cards keep their dates in.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Offer is one service that can carry the parcel on the ship day, as rate shopping lists it.
type Offer struct {
	Quote
	Key          string    // "carrier:service", as a channel requests a service
	Delivery     time.Time // the expected delivery date (UTC midnight)
	MeetsPromise bool      // delivered on or before the promised date
	Default      bool      // the one the packing station preselects
}

// Shop lists every service of every card valid on shipDay that can carry the parcel from
// origin to the destination, cheapest first (then earliest, then by key). When two cards of one
// carrier are valid, the one with the latest ValidFrom is the carrier's current card.
//
// Delivery is shipDay plus the service's transit days counted in working days (Monday to
// Friday; a parcel handed over on a weekend leaves on Monday). An offer meets the promise when
// it arrives on or before promise's date; a zero promise is met by every offer.
//
// Exactly one offer is the Default (when there are any): the service the channel requested
// ("carrier:service") if it can carry the parcel, else the cheapest that meets the promise,
// else the fastest (the earliest delivery, the cheaper of equals). Prices are compared as
// minor units, so the cards must share a currency (the demo's are all EUR).
func Shop(cards []RateCard, origin string, p Parcel, to Destination, shipDay, promise time.Time, requested string) []Offer {
	var offers []Offer
	for _, c := range currentCards(cards, shipDay) {
		for _, s := range c.Services {
			q, err := c.Quote(origin, p, to, s.Code)
			if err != nil {
				continue // this service cannot carry it; the others may
			}
			delivery := AddWorkingDays(shipDay, q.TransitDays)
			offers = append(offers, Offer{
				Quote:        q,
				Key:          c.Carrier + ":" + s.Code,
				Delivery:     delivery,
				MeetsPromise: promise.IsZero() || !delivery.After(dateOf(promise)),
			})
		}
	}
	slices.SortFunc(offers, func(a, b Offer) int {
		return cmp.Or(cmp.Compare(a.TotalMinor, b.TotalMinor), a.Delivery.Compare(b.Delivery), cmp.Compare(a.Key, b.Key))
	})
	if i := defaultOffer(offers, requested); i >= 0 {
		offers[i].Default = true
	}
	return offers
}

// currentCards is each carrier's card for the day: of those valid on it, the latest to start.
func currentCards(cards []RateCard, day time.Time) []RateCard {
	current := map[string]int{}
	var order []string
	for i, c := range cards {
		if !c.ValidOn(day) {
			continue
		}
		j, seen := current[c.Carrier]
		if !seen {
			order = append(order, c.Carrier)
		}
		if !seen || c.ValidFrom.After(cards[j].ValidFrom) {
			current[c.Carrier] = i
		}
	}
	out := make([]RateCard, 0, len(order))
	for _, carrier := range order {
		out = append(out, cards[current[carrier]])
	}
	return out
}

// defaultOffer picks the index of the default among offers sorted by price; -1 if none.
func defaultOffer(offers []Offer, requested string) int {
	if i := slices.IndexFunc(offers, func(o Offer) bool { return o.Key == requested }); i >= 0 {
		return i
	}
	if i := slices.IndexFunc(offers, func(o Offer) bool { return o.MeetsPromise }); i >= 0 {
		return i // the first that meets it is the cheapest that does
	}
	fastest := -1
	for i, o := range offers {
		if fastest < 0 || o.Delivery.Before(offers[fastest].Delivery) {
			fastest = i
		}
	}
	return fastest
}

// AddWorkingDays is the date n working days (Monday to Friday) after day. A day on a weekend
// first moves to the Monday after it, since carriers do not collect at weekends; public
// holidays are not known here.
func AddWorkingDays(day time.Time, n int) time.Time {
	d := dateOf(day)
	for isWeekend(d) {
		d = d.AddDate(0, 0, 1)
	}
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if !isWeekend(d) {
			n--
		}
	}
	return d
}

func isWeekend(d time.Time) bool {
	return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
}
