package seed

import (
	"fmt"
	"slices"
	"time"
)

// EUR is the base of every seeded exchange rate; values are micro-units of the quote currency
// per euro, close to real rates, and walk a little from day to day.
var fxStart = []struct {
	quote string
	micro int64
}{
	{"GBP", 845_000}, {"USD", 1_085_000}, {"JPY", 162_500_000}, {"PLN", 4_310_000},
	{"SEK", 11_350_000}, {"CAD", 1_480_000}, {"CHF", 945_000}, {"DKK", 7_460_000},
	{"NOK", 11_650_000}, {"CZK", 25_150_000}, {"HUF", 395_000_000}, {"AUD", 1_650_000},
}

// fxHistory is how many days of rates the seed publishes: every order's age plus a week, so
// every invoice and credit note finds a rate on or before the day it was issued, weekends
// included.
const fxHistory = planDays + 7

// fxDay is one published rate: micro-units of the quote currency per euro on a UTC day.
type fxDay struct {
	day   time.Time
	micro int64
}

// fxTable is every seeded rate per quote currency, oldest first, and the latest of each.
type fxTable struct {
	latest map[string]int64
	days   map[string][]fxDay
}

// fxRates writes a business-day series of rates for the fxHistory days up to now, as a central
// bank publishes them. The last 30 days walk forward from fxStart; the older days walk
// backwards from there on a stream of their own, so the latest rates (and the prices made from
// them) do not depend on how long the history is.
func fxRates(seed int64, now time.Time, t *table) fxTable {
	fx := fxTable{latest: map[string]int64{"EUR": 1_000_000}, days: map[string][]fxDay{}}
	r, back := newRNG().reset(seed, streamReference, 1), newRNG().reset(seed, streamReference, 3)
	start := now.AddDate(0, 0, -30).Truncate(24 * time.Hour)
	oldest := now.AddDate(0, 0, -int(fxHistory)).Truncate(24 * time.Hour)
	businessDay := func(day time.Time) bool {
		wd := day.Weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	for _, q := range fxStart {
		var older []fxDay // newest first
		rate := q.micro
		for day := start.AddDate(0, 0, -1); !day.Before(oldest); day = day.AddDate(0, 0, -1) {
			if businessDay(day) {
				rate = rate * 1_000_000 / int64(1_000_000+back.between(-3000, 3000))
				older = append(older, fxDay{day, rate})
			}
		}
		slices.Reverse(older)
		days := older
		rate = q.micro
		for day := start; !day.After(now); day = day.AddDate(0, 0, 1) {
			if businessDay(day) {
				rate = rate * int64(1_000_000+r.between(-3000, 3000)) / 1_000_000
				days = append(days, fxDay{day, rate})
			}
		}
		for _, d := range days {
			t.add("EUR", q.quote, d.day.Format(time.DateOnly), formatMicro(d.micro), "ECB")
		}
		fx.days[q.quote] = days
		fx.latest[q.quote] = rate
	}
	return fx
}

// on returns the rate of quote in force at at: the latest published on or before its UTC day.
func (fx fxTable) on(quote string, at time.Time) (fxDay, error) {
	days := fx.days[quote]
	day := at.UTC().Truncate(24 * time.Hour)
	i, found := slices.BinarySearchFunc(days, day, func(d fxDay, t time.Time) int { return d.day.Compare(t) })
	if !found {
		i--
	}
	if i < 0 {
		return fxDay{}, fmt.Errorf("seed: no EUR/%s rate on or before %s", quote, day.Format(time.DateOnly))
	}
	return days[i], nil
}

func formatMicro(v int64) string { return fmt.Sprintf("%d.%06d", v/1_000_000, v%1_000_000) }

// taxRate is a rate row; an empty to means still valid. Superseded rates are kept so the
// history (Germany's 2020 cut, Japan's 2019 rise) is there for date-aware tax code.
type taxRate struct {
	country, region, cat, name string
	ppm                        int64
	from, to                   string
}

var taxRates = []taxRate{
	{"NL", "", "standard", "BTW hoog", 210_000, "2012-10-01", ""},
	{"NL", "", "reduced", "BTW laag", 60_000, "2001-01-01", "2019-01-01"},
	{"NL", "", "reduced", "BTW laag", 90_000, "2019-01-01", ""},
	{"NL", "", "zero", "BTW 0%", 0, "2001-01-01", ""},
	{"BE", "", "standard", "BTW/TVA 21%", 210_000, "1996-01-01", ""},
	{"BE", "", "reduced", "BTW/TVA 6%", 60_000, "1996-01-01", ""},
	{"DE", "", "standard", "Umsatzsteuer 19%", 190_000, "2007-01-01", "2020-07-01"},
	{"DE", "", "standard", "Umsatzsteuer 16% (Corona)", 160_000, "2020-07-01", "2021-01-01"},
	{"DE", "", "standard", "Umsatzsteuer 19%", 190_000, "2021-01-01", ""},
	{"DE", "", "reduced", "Umsatzsteuer 7%", 70_000, "2007-01-01", "2020-07-01"},
	{"DE", "", "reduced", "Umsatzsteuer 5% (Corona)", 50_000, "2020-07-01", "2021-01-01"},
	{"DE", "", "reduced", "Umsatzsteuer 7%", 70_000, "2021-01-01", ""},
	{"AT", "", "standard", "USt 20%", 200_000, "2016-01-01", ""},
	{"AT", "", "reduced", "USt 10%", 100_000, "2016-01-01", ""},
	{"FR", "", "standard", "TVA 20%", 200_000, "2014-01-01", ""},
	{"FR", "", "reduced", "TVA 5,5%", 55_000, "2014-01-01", ""},
	{"GB", "", "standard", "VAT standard", 200_000, "2011-01-04", ""},
	{"GB", "", "reduced", "VAT reduced", 50_000, "2011-01-04", ""},
	{"GB", "", "zero", "VAT zero", 0, "2011-01-04", ""},
	{"PL", "", "standard", "VAT 23%", 230_000, "2011-01-01", ""},
	{"PL", "", "reduced", "VAT 8%", 80_000, "2011-01-01", ""},
	{"JP", "", "standard", "Consumption tax 8%", 80_000, "2014-04-01", "2019-10-01"},
	{"JP", "", "standard", "Consumption tax 10%", 100_000, "2019-10-01", ""},
	{"JP", "", "reduced", "Consumption tax 8% (reduced)", 80_000, "2019-10-01", ""},
	{"US", "CA", "standard", "California sales tax", 72_500, "2017-01-01", ""},
	{"US", "CA", "reduced", "California sales tax (exempt food)", 0, "2017-01-01", ""},
	{"US", "NV", "standard", "Nevada sales tax", 68_500, "2017-01-01", ""},
	{"US", "NV", "reduced", "Nevada sales tax (exempt food)", 0, "2017-01-01", ""},
	{"US", "WA", "standard", "Washington sales tax", 65_000, "2017-01-01", ""},
	{"US", "WA", "reduced", "Washington sales tax (exempt food)", 0, "2017-01-01", ""},
	{"US", "OR", "standard", "Oregon (no sales tax)", 0, "2017-01-01", ""},
	{"US", "OR", "reduced", "Oregon (no sales tax)", 0, "2017-01-01", ""},
	{"US", "NY", "standard", "New York sales tax", 40_000, "2017-01-01", ""},
	{"US", "NY", "reduced", "New York sales tax (exempt food)", 0, "2017-01-01", ""},
	{"US", "TX", "standard", "Texas sales tax", 62_500, "2017-01-01", ""},
	{"US", "TX", "reduced", "Texas sales tax (exempt food)", 0, "2017-01-01", ""},
	{"US", "IL", "standard", "Illinois sales tax", 62_500, "2017-01-01", ""},
	{"US", "IL", "reduced", "Illinois sales tax (food)", 10_000, "2017-01-01", ""},
	{"US", "CO", "standard", "Colorado sales tax", 29_000, "2017-01-01", ""},
	{"US", "CO", "reduced", "Colorado sales tax (exempt food)", 0, "2017-01-01", ""},
	{"CA", "", "standard", "GST", 50_000, "2008-01-01", ""},
	{"CA", "", "reduced", "GST", 50_000, "2008-01-01", ""},
	{"CA", "ON", "standard", "HST (Ontario)", 130_000, "2010-07-01", ""},
	{"CA", "BC", "standard", "GST + PST (British Columbia)", 120_000, "2013-04-01", ""},
	{"CA", "QC", "standard", "GST + QST (Québec)", 149_750, "2013-01-01", ""},
}

// carrier and service mirror carriers / carrier_services; a service lists where it ships from
// and whether it crosses borders.
type carrier struct {
	id              int64
	code, name, url string
	tracking        string // rng.digits-like pattern; 'N' digits come from the package id
	services        []*service
}

type service struct {
	id            int64
	carrier       *carrier
	code, name    string
	maxWeightG    int64
	transitDays   int64
	origins       []string
	international bool // dest '*' rather than the origin country
	express       bool
	baseEUR       int64 // cents for the lightest band
	perKgEUR      int64
	rates         []rateBand // per origin, filled when the origin has a warehouse
}

type rateBand struct {
	origin   string
	maxG     int64
	price    int64
	currency string
}

var carrierSpecs = []*carrier{
	{code: "dhl-express", name: "DHL Express", url: "https://www.dhl.com/track?AWB={tracking}", tracking: "NNNNNNNNNN",
		services: []*service{{code: "express_worldwide", name: "Express Worldwide", maxWeightG: 70_000, transitDays: 2,
			origins: []string{"NL", "GB", "US", "JP", "PL", "CA", "DE", "FR"}, international: true, express: true, baseEUR: 2900, perKgEUR: 450}}},
	{code: "ups", name: "UPS", url: "https://www.ups.com/track?tracknum={tracking}", tracking: "1ZOMS38103NNNNNNNN",
		services: []*service{
			{code: "standard", name: "UPS Standard", maxWeightG: 70_000, transitDays: 3, origins: []string{"NL", "GB", "PL", "DE", "FR"}, international: true, baseEUR: 1450, perKgEUR: 180},
			{code: "ground", name: "UPS Ground", maxWeightG: 70_000, transitDays: 4, origins: []string{"US", "CA"}, baseEUR: 1050, perKgEUR: 90},
			{code: "2nd_day_air", name: "UPS 2nd Day Air", maxWeightG: 70_000, transitDays: 2, origins: []string{"US"}, express: true, baseEUR: 2400, perKgEUR: 260}}},
	{code: "postnl", name: "PostNL", url: "https://jouw.postnl.nl/track-and-trace/{tracking}", tracking: "3SOMSNNNNNNNNN",
		services: []*service{
			{code: "standard", name: "PostNL Pakket", maxWeightG: 23_000, transitDays: 1, origins: []string{"NL"}, baseEUR: 695, perKgEUR: 40},
			{code: "mailbox", name: "PostNL Brievenbuspakje", maxWeightG: 2_000, transitDays: 1, origins: []string{"NL"}, baseEUR: 445, perKgEUR: 0},
			{code: "eu_parcel", name: "PostNL Pakket EU", maxWeightG: 20_000, transitDays: 4, origins: []string{"NL"}, international: true, baseEUR: 1300, perKgEUR: 95}}},
	{code: "dpd", name: "DPD", url: "https://tracking.dpd.de/status/en_US/parcel/{tracking}", tracking: "0150NNNNNNNNNN",
		services: []*service{{code: "classic", name: "DPD Classic", maxWeightG: 31_500, transitDays: 2,
			origins: []string{"NL", "PL", "DE", "FR", "GB"}, international: true, baseEUR: 990, perKgEUR: 60}}},
	{code: "royal-mail", name: "Royal Mail", url: "https://www.royalmail.com/track-your-item#/tracking-results/{tracking}", tracking: "TTNNNNNNNNNGB",
		services: []*service{
			{code: "tracked_48", name: "Royal Mail Tracked 48", maxWeightG: 20_000, transitDays: 2, origins: []string{"GB"}, baseEUR: 420, perKgEUR: 45},
			{code: "tracked_24", name: "Royal Mail Tracked 24", maxWeightG: 20_000, transitDays: 1, origins: []string{"GB"}, express: true, baseEUR: 560, perKgEUR: 55},
			{code: "intl_tracked", name: "Royal Mail International Tracked", maxWeightG: 2_000, transitDays: 5, origins: []string{"GB"}, international: true, baseEUR: 1150, perKgEUR: 400}}},
	{code: "usps", name: "USPS", url: "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking}", tracking: "9400111899560NNNNNNNNN",
		services: []*service{
			{code: "ground_advantage", name: "USPS Ground Advantage", maxWeightG: 31_750, transitDays: 4, origins: []string{"US"}, baseEUR: 520, perKgEUR: 110},
			{code: "priority_mail", name: "USPS Priority Mail", maxWeightG: 31_750, transitDays: 2, origins: []string{"US"}, express: true, baseEUR: 890, perKgEUR: 160}}},
	{code: "yamato", name: "Yamato Transport", url: "https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number={tracking}", tracking: "4NNNNNNNNNNN",
		services: []*service{{code: "takkyubin", name: "TA-Q-BIN", maxWeightG: 25_000, transitDays: 1, origins: []string{"JP"}, baseEUR: 600, perKgEUR: 70}}},
	{code: "japan-post", name: "Japan Post", url: "https://trackings.post.japanpost.jp/services/srv/search/?requestNo1={tracking}", tracking: "EANNNNNNNNNJP",
		services: []*service{{code: "ems", name: "EMS", maxWeightG: 30_000, transitDays: 4, origins: []string{"JP"}, international: true, express: true, baseEUR: 1800, perKgEUR: 600}}},
	{code: "inpost", name: "InPost", url: "https://inpost.pl/sledzenie-przesylek?number={tracking}", tracking: "6200NNNNNNNNNNNNNNNNNNNN",
		services: []*service{{code: "paczkomat", name: "InPost Paczkomat", maxWeightG: 25_000, transitDays: 1, origins: []string{"PL"}, baseEUR: 350, perKgEUR: 0}}},
	{code: "canada-post", name: "Canada Post", url: "https://www.canadapost-postescanada.ca/track-reperage/en#/details/{tracking}", tracking: "7023NNNNNNNNNNNN",
		services: []*service{{code: "expedited", name: "Expedited Parcel", maxWeightG: 30_000, transitDays: 3, origins: []string{"CA"}, baseEUR: 1150, perKgEUR: 130}}},
	{code: "dhl-paket", name: "DHL Paket", url: "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={tracking}", tracking: "00340434NNNNNNNNNNNN",
		services: []*service{{code: "paket", name: "DHL Paket", maxWeightG: 31_500, transitDays: 1, origins: []string{"DE"}, baseEUR: 549, perKgEUR: 25}}},
	{code: "colissimo", name: "Colissimo", url: "https://www.laposte.fr/outils/suivre-vos-envois?code={tracking}", tracking: "6AOMSNNNNNNNN",
		services: []*service{{code: "domicile", name: "Colissimo Domicile", maxWeightG: 30_000, transitDays: 2, origins: []string{"FR"}, baseEUR: 790, perKgEUR: 55}}},
}

var weightBands = []int64{500, 1_000, 2_000, 5_000, 10_000, 20_000, 31_500, 70_000}

// rateCard fills a service's weight bands for one origin, priced in the origin's currency.
func rateCard(s *service, origin, currency string, fx map[string]int64, exp int) {
	for _, band := range weightBands {
		if band > s.maxWeightG {
			band = s.maxWeightG
		}
		eurCents := s.baseEUR + s.perKgEUR*(band-500)/1000
		s.rates = append(s.rates, rateBand{origin: origin, maxG: band, currency: currency,
			price: convertPrice(eurCents, fx[currency], exp, false)})
		if band == s.maxWeightG {
			break
		}
	}
}

// priceFor is what the carrier charges for weightG from origin; parcels over the top band pay
// the top band (they would be split in real life).
func (s *service) priceFor(origin string, weightG int64) (int64, string) {
	var last rateBand
	for _, b := range s.rates {
		if b.origin != origin {
			continue
		}
		last = b
		if weightG <= b.maxG {
			return b.price, b.currency
		}
	}
	return last.price, last.currency
}

// convertPrice turns euro cents into minor units of a currency with exponent exp at a rate in
// micro-units. Shelf prices are rounded up to end in .99 (or ¥…80); costs to the minor unit.
func convertPrice(eurCents, rateMicro int64, exp int, shelf bool) int64 {
	scale := int64(1)
	for range exp {
		scale *= 10
	}
	minor := (eurCents*rateMicro*scale/100 + 500_000) / 1_000_000
	if !shelf {
		return minor
	}
	if exp == 0 {
		return max(100, (minor+99)/100*100-20)
	}
	return max(scale-1, (minor+scale-1)/scale*scale-1)
}

// staffPlan is how many people of each job a warehouse has, in the order logins are made.
var staffPlan = []struct {
	job       string
	dc, store int
}{
	{"picker", 6, 2}, {"packer", 3, 1}, {"returns", 2, 1}, {"stock", 2, 1}, {"supervisor", 1, 1}, {"admin", 1, 1},
}

// channelSpec describes a sales channel: who buys there (countries by weight) and how fast
// it promises delivery. Marketplaces promise the most.
type channelSpec struct {
	code, name, kind, currency string
	needs                      string // warehouse code the channel only exists with; "" = always
	slaHours                   int64
	share                      int
	countries                  []string
	countryW                   []int
}

var channelSpecs = []channelSpec{
	{"web-eu", "Webshop (EU)", "webshop", "EUR", "", 48, 34, []string{"NL", "DE", "FR", "BE", "AT"}, []int{30, 30, 15, 15, 10}},
	{"amazon-uk", "Amazon UK", "marketplace", "GBP", "", 24, 18, []string{"GB"}, []int{1}},
	{"amazon-us", "Amazon US", "marketplace", "USD", "", 24, 22, []string{"US"}, []int{1}},
	{"rakuten-jp", "Rakuten Ichiba", "marketplace", "JPY", "OSA1", 24, 10, []string{"JP"}, []int{1}},
	{"allegro-pl", "Allegro", "marketplace", "PLN", "GDN1", 24, 8, []string{"PL"}, []int{1}},
	{"amazon-ca", "Amazon CA", "marketplace", "CAD", "YYZ1", 24, 7, []string{"CA"}, []int{1}},
	{"store-berlin", "Berlin Mitte store", "store", "EUR", "BER-M", 4, 4, []string{"DE"}, []int{1}},
	{"phone", "Phone orders", "manual", "EUR", "", 72, 4, []string{"NL", "DE", "BE"}, []int{40, 40, 20}},
}

type channel struct {
	channelSpec
	id        int64
	warehouse *warehouse // stores only
}

// routes lists, per customer country, the warehouses that serve it in order of preference.
var routes = map[string][]string{
	"NL": {"RTM1"}, "BE": {"RTM1"}, "DE": {"RTM1"}, "AT": {"RTM1"},
	"FR": {"LYS1", "RTM1"}, "GB": {"LDS1", "RTM1"}, "US": {"RNO1", "YYZ1", "RTM1"},
	"CA": {"YYZ1", "RNO1", "RTM1"}, "JP": {"OSA1", "RNO1", "RTM1"}, "PL": {"GDN1", "RTM1"},
}
