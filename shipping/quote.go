package shipping

import (
	"fmt"
	"slices"
	"strings"
)

// Parcel is a packed parcel as the packing station measures it. A parcel without all three
// sides (any of them 0) has no dimensional weight and is priced by its actual weight.
type Parcel struct {
	WeightG                     int
	LengthMM, WidthMM, HeightMM int
}

// longestSideMM is what side limits and oversize surcharges are measured against.
func (p Parcel) longestSideMM() int { return max(p.LengthMM, p.WidthMM, p.HeightMM) }

// Destination is where a parcel goes: an ISO 3166 alpha-2 country and its postcode as written.
type Destination struct {
	Country, PostalCode string
}

// NormalizePostcode is a postcode as zone and surcharge prefixes are compared with it: upper
// case, without spaces ("1791 ab" → "1791AB", "hs1 2aa" → "HS12AA").
func NormalizePostcode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// Quote is what one service of a card charges for a parcel, and how it got there.
type Quote struct {
	Carrier     string
	Service     string
	ServiceName string
	Zone        string

	ActualWeightG   int // the parcel's weight rounded up to the card's step
	DimWeightG      int // its dimensional weight rounded up to the step; 0 without dimensions or divisor
	BillableWeightG int // the greater of the two: what the weight break is chosen by

	BaseMinor   int64    // the weight break's price
	Surcharges  []Charge // remote and oversize as they apply, then fuel (always last, when > 0)
	TotalMinor  int64    // base plus every surcharge
	Currency    string
	TransitDays int // working days, Monday to Friday
}

// Charge is one surcharge on a quote.
type Charge struct {
	Kind        string // "remote", "oversize" or "fuel"
	AmountMinor int64
}

// SurchargeFuel is the kind of the fuel Charge, which is a percentage rather than a card row.
const SurchargeFuel = "fuel"

// RefusalError is why a service cannot carry a parcel: too heavy, too long, no zone or no
// weight break for it. Shop leaves such services out; a packer quoting one service sees it.
type RefusalError struct {
	Carrier, Service string
	Reason           string
}

func (e *RefusalError) Error() string {
	return fmt.Sprintf("%s %s cannot take the parcel: %s", e.Carrier, e.Service, e.Reason)
}

// Quote prices parcel p from origin (the warehouse's country) to a destination with one of the
// card's services. It does not look at the date: ask ValidOn, or let Shop choose the card.
//
// Billable weight is the greater of the actual weight and the dimensional weight, each rounded
// up to WeightStepG; the price is the smallest weight break that holds it. Remote and oversize
// surcharges are added as the card's rows say (at most one of each kind: the longest matching
// postcode prefix, the highest side threshold passed), and fuel is FuelPercentBP of the base
// plus those surcharges, rounded half up to a minor unit, because carriers apply fuel to
// their accessorial charges too.
func (c RateCard) Quote(origin string, p Parcel, to Destination, service string) (Quote, error) {
	refuse := func(format string, args ...any) (Quote, error) {
		return Quote{}, &RefusalError{Carrier: c.Carrier, Service: service, Reason: fmt.Sprintf(format, args...)}
	}
	svc, ok := c.service(service)
	if !ok {
		return refuse("the card has no service %s", service)
	}
	if p.WeightG <= 0 {
		return refuse("the parcel has no weight; weigh it first")
	}
	zone, ok := c.ZoneFor(origin, to)
	if !ok {
		return refuse("no zone from %s to %s%s", origin, to.Country, prefixText(NormalizePostcode(to.PostalCode)))
	}
	if svc.MaxSideMM > 0 && p.longestSideMM() > svc.MaxSideMM {
		return refuse("its longest side %d mm is over the %d mm %s takes", p.longestSideMM(), svc.MaxSideMM, svc.Code)
	}
	q := Quote{Carrier: c.Carrier, Service: svc.Code, ServiceName: svc.Name, Zone: zone, Currency: c.Currency}
	q.ActualWeightG = roundUpTo(p.WeightG, c.WeightStepG)
	q.DimWeightG = c.DimWeightG(p)
	q.BillableWeightG = max(q.ActualWeightG, q.DimWeightG)
	if q.BillableWeightG > svc.MaxWeightG {
		return refuse("its billable weight %s is over the %s %s takes", c.weightText(q.BillableWeightG), c.weightText(svc.MaxWeightG), svc.Code)
	}
	base, ok := c.breakFor(svc.Code, zone, q.BillableWeightG)
	if !ok {
		return refuse("no weight break to zone %s holds %s", zone, c.weightText(q.BillableWeightG))
	}
	days, ok := c.transitDays(svc.Code, zone)
	if !ok {
		return refuse("the card has no transit time to zone %s", zone)
	}
	q.BaseMinor, q.TransitDays = base.PriceMinor, days
	q.Surcharges = c.surcharges(p, to)
	subtotal := q.BaseMinor
	for _, s := range q.Surcharges {
		subtotal += s.AmountMinor
	}
	if fuel := divRoundHalfUp(subtotal*int64(c.FuelPercentBP), 10000); fuel > 0 {
		q.Surcharges = append(q.Surcharges, Charge{Kind: SurchargeFuel, AmountMinor: fuel})
		subtotal += fuel
	}
	q.TotalMinor = subtotal
	return q, nil
}

func (c RateCard) service(code string) (Service, bool) {
	i := slices.IndexFunc(c.Services, func(s Service) bool { return s.Code == code })
	if i < 0 {
		return Service{}, false
	}
	return c.Services[i], true
}

// ZoneFor is the card's zone for parcels from origin to a destination: among the zone rows of
// that origin and the destination's country, the longest postcode prefix the postcode starts
// with (a row without prefix matches the whole country); failing those, the origin's row for
// AnyCountry. ok is false when the card does not go there.
func (c RateCard) ZoneFor(origin string, to Destination) (zone string, ok bool) {
	postcode := NormalizePostcode(to.PostalCode)
	country, origin := strings.ToUpper(to.Country), strings.ToUpper(origin)
	best, wildcard := -1, ""
	for _, z := range c.Zones {
		if z.Origin != origin {
			continue
		}
		if z.Country == AnyCountry {
			wildcard = z.Zone
		}
		if z.Country == country && strings.HasPrefix(postcode, z.PostcodePrefix) && len(z.PostcodePrefix) > best {
			best, zone = len(z.PostcodePrefix), z.Zone
		}
	}
	if best >= 0 {
		return zone, true
	}
	return wildcard, wildcard != ""
}

// DimWeightG is the parcel's dimensional weight in grams, rounded up to the card's step: each
// side converted to whole cm or inches (SideRounding), their product divided by DimDivisor
// gives kg (cm) or lb (in). It is 0 when the card has no divisor or the parcel lacks a side.
func (c RateCard) DimWeightG(p Parcel) int {
	if c.DimDivisor <= 0 || p.LengthMM <= 0 || p.WidthMM <= 0 || p.HeightMM <= 0 {
		return 0
	}
	length, ok := lengthUnit(c.DimUnit)
	if !ok {
		return 0
	}
	volume := int64(1)
	for _, mm := range []int{p.LengthMM, p.WidthMM, p.HeightMM} {
		volume *= c.wholeUnits(length, mm)
	}
	// cm³/divisor is kg and in³/divisor is lb; rounding up to a gram first never lowers the
	// result of rounding up to the step.
	gramsPerWeightUnit := int64(1000)
	if length == inch {
		gramsPerWeightUnit = GramsPerPound
	}
	grams := divCeil(volume*gramsPerWeightUnit, int64(c.DimDivisor))
	return roundUpTo(int(grams), c.WeightStepG)
}

// wholeUnits converts a side in mm to whole cm or inches, rounded as the card says.
func (c RateCard) wholeUnits(u unit, mm int) int64 {
	// mm / (num/den) units = mm·den / num
	if c.SideRounding == "up" {
		return divCeil(int64(mm)*u.den, u.num)
	}
	return divRoundHalfUp(int64(mm)*u.den, u.num)
}

// breakFor is the smallest weight break of the service to the zone that holds the weight.
func (c RateCard) breakFor(service, zone string, weightG int) (Rate, bool) {
	var best Rate
	found := false
	for _, r := range c.Rates {
		if r.Service == service && r.Zone == zone && r.MaxWeightG >= weightG && (!found || r.MaxWeightG < best.MaxWeightG) {
			best, found = r, true
		}
	}
	return best, found
}

func (c RateCard) transitDays(service, zone string) (int, bool) {
	for _, t := range c.Transit {
		if t.Service == service && t.Zone == zone {
			return t.Days, true
		}
	}
	return 0, false
}

// surcharges are the remote and oversize charges that apply: for each kind the most specific
// row (longest postcode prefix; highest side threshold the parcel passes), since a card lists
// tiers rather than charges that add up.
func (c RateCard) surcharges(p Parcel, to Destination) []Charge {
	postcode, country := NormalizePostcode(to.PostalCode), strings.ToUpper(to.Country)
	var remote, oversize *Surcharge
	for i := range c.Surcharges {
		s := &c.Surcharges[i]
		switch s.Kind {
		case SurchargeRemote:
			if s.Country == country && strings.HasPrefix(postcode, s.PostcodePrefix) &&
				(remote == nil || len(s.PostcodePrefix) > len(remote.PostcodePrefix)) {
				remote = s
			}
		case SurchargeOversize:
			if p.longestSideMM() > s.MinSideMM && (oversize == nil || s.MinSideMM > oversize.MinSideMM) {
				oversize = s
			}
		}
	}
	var out []Charge
	for _, s := range []*Surcharge{remote, oversize} {
		if s != nil {
			out = append(out, Charge{Kind: s.Kind, AmountMinor: s.AmountMinor})
		}
	}
	return out
}

// weightText is a weight in the card's own unit, for refusals a packer reads: "31.5 kg".
func (c RateCard) weightText(g int) string {
	u, ok := weightUnit(c.WeightUnit)
	if !ok {
		u = kilogram
	}
	return u.format(g) + " " + u.name
}
