package shipping

import (
	"context"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/shipping"
)

// Offer is a service that can carry every parcel of a shipment, priced for all of them.
type Offer struct {
	Carrier      string    `json:"carrier"`
	Service      string    `json:"service"`
	ServiceName  string    `json:"service_name"`
	TotalMinor   int64     `json:"total_minor"` // every parcel's price, surcharges included
	Currency     string    `json:"currency"`
	Delivery     time.Time `json:"delivery"`
	MeetsPromise bool      `json:"meets_promise"`
	Default      bool      `json:"default"`
	Quotes       []shipping.Quote
}

// Key is how channels name a service: "carrier:service".
func (o Offer) Key() string { return o.Carrier + ":" + o.Service }

// offersFor rate-shops each parcel of p on day and keeps the services that carry all of them,
// their prices added up; the default is the first parcel's default when it carries all, else
// the cheapest that meets the promise, else the earliest.
func offersFor(ctx context.Context, tx *sqlx.Tx, p Packing, day time.Time) ([]Offer, error) {
	if len(p.Parcels) == 0 {
		return nil, nil
	}
	cards, err := readCards(ctx, tx, day)
	if err != nil {
		return nil, err
	}
	to := shipping.Destination{Country: p.ShipTo.Country, PostalCode: p.ShipTo.PostalCode}
	var combined []Offer
	for i, parcel := range p.Parcels {
		got := shipping.Shop(cards, p.Origin, shipping.Parcel{WeightG: parcel.WeightG, LengthMM: parcel.LengthMM,
			WidthMM: parcel.WidthMM, HeightMM: parcel.HeightMM}, to, day, p.Promised, p.Requested)
		if i == 0 {
			for _, o := range got {
				combined = append(combined, Offer{Carrier: o.Carrier, Service: o.Service, ServiceName: o.ServiceName,
					TotalMinor: o.TotalMinor, Currency: o.Currency, Delivery: o.Delivery, MeetsPromise: o.MeetsPromise,
					Default: o.Default, Quotes: []shipping.Quote{o.Quote}})
			}
			continue
		}
		combined = slices.DeleteFunc(combined, func(c Offer) bool {
			i := slices.IndexFunc(got, func(o shipping.Offer) bool { return o.Key == c.Key() })
			return i < 0
		})
		for k := range combined {
			o := got[slices.IndexFunc(got, func(o shipping.Offer) bool { return o.Key == combined[k].Key() })]
			combined[k].TotalMinor += o.TotalMinor
			combined[k].Quotes = append(combined[k].Quotes, o.Quote)
		}
	}
	slices.SortStableFunc(combined, func(a, b Offer) int {
		if a.TotalMinor != b.TotalMinor {
			return int(a.TotalMinor - b.TotalMinor)
		}
		return a.Delivery.Compare(b.Delivery)
	})
	chooseDefault(combined)
	return combined, nil
}

// chooseDefault keeps a default that survived every parcel, else picks the cheapest that meets
// the promise, else the earliest.
func chooseDefault(offers []Offer) {
	if slices.ContainsFunc(offers, func(o Offer) bool { return o.Default }) || len(offers) == 0 {
		return
	}
	best := -1
	for i, o := range offers { // sorted cheapest first
		if o.MeetsPromise {
			best = i
			break
		}
	}
	if best < 0 {
		best = 0
		for i, o := range offers {
			if o.Delivery.Before(offers[best].Delivery) {
				best = i
			}
		}
	}
	offers[best].Default = true
}

func findOffer(offers []Offer, carrier, service string) (Offer, bool) {
	i := slices.IndexFunc(offers, func(o Offer) bool { return o.Carrier == carrier && o.Service == service })
	if i < 0 {
		return Offer{}, false
	}
	return offers[i], true
}
