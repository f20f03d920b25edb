package shipping

import "time"

// RateCard is one carrier's published prices for a period, as `oms carriers import FILE.csv`
// reads it (ReadRateCard) and as the database stores it, row for row: each slice is one table.
// Prices live only here, never in Go code.
type RateCard struct {
	Carrier string // oms's code for the carrier, ^[a-z0-9-]{2,32}$ ("dhl")
	Name    string // as printed on labels ("DHL Express")
	// TrackingFormat says which tracking-number scheme labels use: "ups" (1Z…), "fedex"
	// (12 digits), "dhl" (10 digits), "s10" (UPU, e.g. RB123456785NL).
	TrackingFormat string
	Currency       string    // ISO 4217 of every amount on the card
	ValidFrom      time.Time // first day the card applies (a date, UTC midnight)
	ValidTo        time.Time // last day it applies; zero = until a newer card starts

	// Dimensional weight: billable = max(actual, dimensional), each rounded up to WeightStepG.
	DimUnit      string // "cm" (volume in cm³ / DimDivisor = kg) or "in" (in³ / DimDivisor = lb)
	DimDivisor   int    // 5000 for cm, 139 for in; 0 = the carrier does not charge by volume
	SideRounding string // "nearest" or "up": how each side is rounded to a whole cm or inch first
	WeightStepG  int    // billable weight is rounded up to a multiple of this (500, or 454 for a pound)
	// WeightUnit is how the card's file states weights, "kg" or "lb" ("" is kg), kept so that
	// WriteRateCard gives back the file a person wrote. Go code always works in grams.
	WeightUnit string

	FuelPercentBP int // fuel surcharge in basis points of the base price plus other surcharges (1250 = 12.5%)

	Services   []Service
	Zones      []Zone
	Rates      []Rate
	Transit    []Transit
	Surcharges []Surcharge
}

// Service is one of the carrier's products ("express", "economy").
type Service struct {
	Code       string // ^[a-z0-9_-]{1,32}$
	Name       string
	MaxWeightG int // heaviest billable parcel it takes
	MaxSideMM  int // longest side it takes; 0 = no limit
}

// Zone maps a destination to a price zone: a whole country (PostcodePrefix "") or the
// postcodes of a country that start with PostcodePrefix; the longest matching prefix wins.
// Origin is the country parcels leave from (the warehouse's).
type Zone struct {
	Origin         string // ISO 3166 alpha-2
	Country        string // ISO 3166 alpha-2
	PostcodePrefix string // compared after removing spaces and upper-casing
	Zone           string // the card's name for it ("1", "EU2", "ROW")
}

// Rate is a weight break: a parcel of the service to the zone whose billable weight is at most
// MaxWeightG costs PriceMinor (minor units of the card's currency); the smallest break that
// holds the weight applies.
type Rate struct {
	Service    string
	Zone       string
	MaxWeightG int
	PriceMinor int64
}

// Transit is how many working days (Monday to Friday) the service takes to the zone.
type Transit struct {
	Service string
	Zone    string
	Days    int
}

// Surcharge is a fixed amount per parcel. Kind "remote": a delivery to Country whose postcode
// starts with PostcodePrefix ("" = the whole country). Kind "oversize": a parcel with a side
// longer than MinSideMM.
type Surcharge struct {
	Kind           string
	Country        string
	PostcodePrefix string
	MinSideMM      int
	AmountMinor    int64
}
