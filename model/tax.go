package model

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// Tax in oms is decided in three steps, all here and all pure:
//
//  1. which tax applies to a sale (DecideTaxTreatment): whose VAT or sales tax, or none;
//  2. which rate that is for a product's tax category on the day of supply (TaxTreatment.Rate,
//     FindTaxRate over the tax_rates table);
//  3. how much tax each line and the document carry (LineTax, ComputeDocumentTax, ApplyTax),
//     rounded half away from zero (TaxRounding) per line or per invoice, as the seller chose.
//
// Rates are parts per million (rate_ppm, 20 % = 200000) and amounts integer minor units, so no
// step ever meets a float.

// Tax categories are the codes of tax_categories (migration 00002); a product carries one.
const (
	TaxCategoryStandard = "standard"
	TaxCategoryReduced  = "reduced"
	TaxCategoryZero     = "zero"
	TaxCategoryExempt   = "exempt"
)

var (
	// ErrNoTaxRate is wrapped when the rate table has no rate for a place, category and day.
	// A missing rate is always an error, never a silent 0 % on an invoice.
	ErrNoTaxRate = errors.New("no tax rate")
	// ErrAmbiguousTaxRate is wrapped when two rows of the table claim the same day.
	ErrAmbiguousTaxRate = errors.New("tax rates overlap")
)

// TaxRate is one row of tax_rates: the rate of a tax category in a country, or in one region of
// it (a US state for sales tax), from ValidFrom until the day before ValidTo.
type TaxRate struct {
	Country  string // ISO 3166-1 alpha-2, upper case
	Region   string // "" for the whole country; otherwise the region's code (US: the state, "CA")
	Category string // a tax_categories code: standard, reduced, zero, exempt
	Name     string // as printed on the invoice: "Umsatzsteuer 19%"
	PPM      int64  // parts per million: 19 % = 190000
	// ValidFrom is the first day the rate applies. ValidTo is the first day it no longer applies
	// (the next rate's ValidFrom, as the seed data and every rate change are written), or the
	// zero Time while it is current. Only the calendar date of each counts.
	ValidFrom, ValidTo time.Time
}

// ValidOn reports whether the rate applies on the calendar day of day.
func (r TaxRate) ValidOn(day time.Time) bool {
	d := calendarDay(day)
	return !d.Before(calendarDay(r.ValidFrom)) && (r.ValidTo.IsZero() || d.Before(calendarDay(r.ValidTo)))
}

// calendarDay is t's date as written in t's own location, so a tax point stated in the seller's
// time zone is not moved to another day by UTC.
func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// FindTaxRate returns the rate of category in country (and region) valid on the day on. A rate
// for the region beats the country-wide one, because regions (US states, Canary-style
// territories) exist to differ from the country; without a regional row the country-wide rate
// applies. No rate at all is an error naming country, region, category and day, and so are two
// rows valid on the same day, since picking one would be a guess.
func FindTaxRate(rates []TaxRate, country, region, category string, on time.Time) (TaxRate, error) {
	var regional, national []TaxRate
	for _, r := range rates {
		if !strings.EqualFold(r.Country, country) || r.Category != category || !r.ValidOn(on) {
			continue
		}
		switch {
		case region != "" && strings.EqualFold(r.Region, region):
			regional = append(regional, r)
		case r.Region == "":
			national = append(national, r)
		}
	}
	day := calendarDay(on).Format(time.DateOnly)
	for _, found := range [][]TaxRate{regional, national} {
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		}
		return TaxRate{}, fmt.Errorf("%w: %d %q rates for %s are valid on %s (%q from %s and %q from %s)",
			ErrAmbiguousTaxRate, len(found), category, taxPlace(found[0].Country, found[0].Region), day,
			found[0].Name, found[0].ValidFrom.Format(time.DateOnly), found[1].Name, found[1].ValidFrom.Format(time.DateOnly))
	}
	where := "country " + country
	if region != "" {
		where += ", region " + region + " (nor for " + country + " as a whole)"
	}
	return TaxRate{}, fmt.Errorf("%w: no %q tax rate for %s valid on %s", ErrNoTaxRate, category, where, day)
}

func taxPlace(country, region string) string {
	if region == "" {
		return country
	}
	return country + "-" + region
}

// PriceBasis says whether a price already contains its tax. Consumer prices in the EU and UK are
// usually tax-inclusive (the shelf price is what is paid); business and US prices exclusive.
type PriceBasis int

const (
	// TaxExclusive prices are net: tax = amount × rate, added on top.
	TaxExclusive PriceBasis = iota + 1
	// TaxInclusive prices are gross: net = gross / (1 + rate), tax = gross − net.
	TaxInclusive
)

func (b PriceBasis) String() string {
	switch b {
	case TaxExclusive:
		return "tax-exclusive"
	case TaxInclusive:
		return "tax-inclusive"
	}
	return fmt.Sprintf("PriceBasis(%d)", int(b))
}

// TaxRoundingLevel is where a seller rounds tax to the minor unit, a setting per seller. Tax
// authorities accept either as long as it is used consistently (HMRC VAT Notice 700 §17.5); the
// two can differ by a few minor units on the same invoice.
type TaxRoundingLevel int

const (
	// RoundTaxPerLine rounds each line's tax; the invoice's tax is their sum.
	RoundTaxPerLine TaxRoundingLevel = iota + 1
	// RoundTaxPerInvoice adds the exact tax of all lines at one rate and rounds that sum once;
	// the lines then share it (largest remainder), so they still add up to the document.
	RoundTaxPerInvoice
)

func (l TaxRoundingLevel) String() string {
	switch l {
	case RoundTaxPerLine:
		return "per line"
	case RoundTaxPerInvoice:
		return "per invoice"
	}
	return fmt.Sprintf("TaxRoundingLevel(%d)", int(l))
}

// taxFraction is the exact tax of an amount at a rate, num/den: amount × ppm / 10⁶ on a net
// amount, amount × ppm / (10⁶ + ppm) on a gross one.
func taxFraction(amount *big.Int, ratePPM int64, basis PriceBasis) (num, den *big.Int) {
	num = new(big.Int).Mul(amount, big.NewInt(ratePPM))
	den = big.NewInt(ppm)
	if basis == TaxInclusive {
		den.Add(den, big.NewInt(ratePPM))
	}
	return num, den
}

// roundedTax rounds the exact tax of amount at ratePPM to the minor unit. On a net amount the
// tax is rounded half away from zero (TaxRounding). On a gross amount the net is rounded half
// away from zero and the tax is what remains, so net + tax is the price the customer paid.
func roundedTax(amount *big.Int, ratePPM int64, basis PriceBasis) (int64, error) {
	if basis == TaxExclusive {
		num, den := taxFraction(amount, ratePPM, basis)
		return divRound(num, den, TaxRounding)
	}
	netNum := new(big.Int).Mul(amount, big.NewInt(ppm))
	net, err := divRound(netNum, big.NewInt(ppm+ratePPM), TaxRounding)
	if err != nil {
		return 0, err
	}
	tax := new(big.Int).Sub(amount, big.NewInt(net))
	if !tax.IsInt64() {
		return 0, errOverflowResult
	}
	return tax.Int64(), nil
}

func checkTaxInputs(amount, ratePPM int64, basis PriceBasis) error {
	switch {
	case basis != TaxExclusive && basis != TaxInclusive:
		return fmt.Errorf("price basis %s is not supported", basis)
	case ratePPM < 0 || ratePPM > ppm:
		return fmt.Errorf("tax rate %d ppm is outside 0…%d", ratePPM, ppm)
	case amount < 0:
		return fmt.Errorf("amount %d is negative; credit notes carry positive amounts too", amount)
	}
	return nil
}

// LineTax splits one line amount (in minor units, after discount) at ratePPM into net and tax:
// on a tax-exclusive amount net is the amount and tax = amount × rate; on a tax-inclusive one
// net = amount / (1 + rate) and tax = amount − net. Both round half away from zero.
func LineTax(amount, ratePPM int64, basis PriceBasis) (net, tax int64, err error) {
	if err := checkTaxInputs(amount, ratePPM, basis); err != nil {
		return 0, 0, err
	}
	tax, err = roundedTax(big.NewInt(amount), ratePPM, basis)
	if err != nil {
		return 0, 0, fmt.Errorf("tax on %d at %d ppm: %w", amount, ratePPM, err)
	}
	if basis == TaxExclusive {
		return amount, tax, nil
	}
	return amount - tax, tax, nil
}

// TaxableLine is one line of a document before tax: its amount after discount in minor units
// (net for tax-exclusive prices, gross for tax-inclusive ones) and its rate.
type TaxableLine struct {
	AmountMinor int64
	RatePPM     int64
}

// TaxedLine is a line's net and tax after ComputeDocumentTax; NetMinor + TaxMinor is what the
// customer pays for it.
type TaxedLine struct {
	NetMinor, TaxMinor int64
	RatePPM            int64
}

// DocumentTax is the tax of a whole document: each line's share in input order, the summary
// per rate (ascending, as model.Totals and invoice_tax_lines order them; the base-currency
// fields are left for Totals to fill), and the document's net and tax.
type DocumentTax struct {
	Lines              []TaxedLine
	ByRate             []TaxLine
	NetMinor, TaxMinor int64
}

// ComputeDocumentTax works out the tax of a document's lines with the seller's rounding level.
//
// Per line, each line's tax is rounded on its own (LineTax) and each rate's tax is their sum.
// Per invoice, the exact tax of all lines at one rate is added and rounded once; the lines then
// share that total: each gets its exact tax rounded towards zero, and the minor units left go
// one each to the lines with the largest remainders, ties to the earlier line (the largest
// remainder method, as Money.Allocate). Either way the lines' tax adds up exactly to the
// per-rate totals, which is what the database checks when the document is issued.
func ComputeDocumentTax(lines []TaxableLine, basis PriceBasis, level TaxRoundingLevel) (DocumentTax, error) {
	if level != RoundTaxPerLine && level != RoundTaxPerInvoice {
		return DocumentTax{}, fmt.Errorf("tax rounding level %s is not supported", level)
	}
	doc := DocumentTax{Lines: make([]TaxedLine, len(lines))}
	byRate := map[int64][]int{} // rate → line indexes, in input order
	for i, l := range lines {
		if err := checkTaxInputs(l.AmountMinor, l.RatePPM, basis); err != nil {
			return DocumentTax{}, fmt.Errorf("line %d: %w", i+1, err)
		}
		byRate[l.RatePPM] = append(byRate[l.RatePPM], i)
	}
	rates := make([]int64, 0, len(byRate))
	for r := range byRate {
		rates = append(rates, r)
	}
	slices.Sort(rates)
	var docNet, docTax big.Int
	for _, rate := range rates {
		idx := byRate[rate]
		var err error
		if level == RoundTaxPerLine {
			err = taxPerLine(lines, idx, basis, doc.Lines)
		} else {
			err = taxPerInvoice(lines, idx, rate, basis, doc.Lines)
		}
		if err != nil {
			return DocumentTax{}, fmt.Errorf("tax at %d ppm: %w", rate, err)
		}
		var net, tax big.Int
		for _, i := range idx {
			net.Add(&net, big.NewInt(doc.Lines[i].NetMinor))
			tax.Add(&tax, big.NewInt(doc.Lines[i].TaxMinor))
		}
		if !net.IsInt64() || !tax.IsInt64() {
			return DocumentTax{}, fmt.Errorf("tax at %d ppm: %w", rate, errOverflowResult)
		}
		doc.ByRate = append(doc.ByRate, TaxLine{RatePPM: rate, TaxableMinor: net.Int64(), TaxMinor: tax.Int64()})
		docNet.Add(&docNet, &net)
		docTax.Add(&docTax, &tax)
	}
	if !docNet.IsInt64() || !docTax.IsInt64() {
		return DocumentTax{}, errOverflowResult
	}
	doc.NetMinor, doc.TaxMinor = docNet.Int64(), docTax.Int64()
	return doc, nil
}

// taxPerLine fills out[i] for the lines idx, rounding each line's tax on its own.
func taxPerLine(lines []TaxableLine, idx []int, basis PriceBasis, out []TaxedLine) error {
	for _, i := range idx {
		net, tax, err := LineTax(lines[i].AmountMinor, lines[i].RatePPM, basis)
		if err != nil {
			return fmt.Errorf("line %d: %w", i+1, err)
		}
		out[i] = TaxedLine{NetMinor: net, TaxMinor: tax, RatePPM: lines[i].RatePPM}
	}
	return nil
}

// taxPerInvoice fills out[i] for the lines idx, which share one rate: the rate's total tax is
// rounded once from the exact sum and shared out by largest remainder.
func taxPerInvoice(lines []TaxableLine, idx []int, rate int64, basis PriceBasis, out []TaxedLine) error {
	var sum big.Int
	for _, i := range idx {
		sum.Add(&sum, big.NewInt(lines[i].AmountMinor))
	}
	total, err := roundedTax(&sum, rate, basis)
	if err != nil {
		return err
	}
	// Amounts are not negative, so truncating division is the floor and remainders are ≥ 0.
	floors := make([]int64, len(idx))
	remainders := make([]*big.Int, len(idx))
	left := total
	for k, i := range idx {
		num, den := taxFraction(big.NewInt(lines[i].AmountMinor), rate, basis)
		q, r := new(big.Int).QuoRem(num, den, new(big.Int))
		floors[k], remainders[k] = q.Int64(), r // q ≤ amount, so it fits
		left -= floors[k]
	}
	// The rounded total lies between the sum of the floors and that sum plus one per line with
	// a remainder, so every line gets at most one more minor unit.
	order := make([]int, len(idx))
	for k := range order {
		order[k] = k
	}
	slices.SortStableFunc(order, func(a, b int) int { return remainders[b].Cmp(remainders[a]) })
	if left < 0 || left > int64(len(idx)) {
		return fmt.Errorf("rounded total %d is not within one minor unit per line of the exact shares", total)
	}
	for _, k := range order[:left] {
		floors[k]++
	}
	for k, i := range idx {
		amount := lines[i].AmountMinor
		net := amount
		if basis == TaxInclusive {
			net = amount - floors[k]
		}
		out[i] = TaxedLine{NetMinor: net, TaxMinor: floors[k], RatePPM: rate}
	}
	return nil
}

// ApplyTax returns a copy of tax-exclusive invoice lines with TaxRatePPM set to ratesPPM[i] and
// TaxMinor worked out at the seller's rounding level (ComputeDocumentTax on each line's Net), so
// that model.Totals and the database's checks add up. Invoice lines hold net unit prices, which
// is why only tax-exclusive lines can be filled here; a document priced tax-inclusive gets its
// net per line from ComputeDocumentTax.
func ApplyTax(lines []InvoiceLine, ratesPPM []int64, level TaxRoundingLevel) ([]InvoiceLine, error) {
	if len(ratesPPM) != len(lines) {
		return nil, fmt.Errorf("%d invoice lines but %d tax rates", len(lines), len(ratesPPM))
	}
	taxable := make([]TaxableLine, len(lines))
	for i, l := range lines {
		taxable[i] = TaxableLine{AmountMinor: l.Net(), RatePPM: ratesPPM[i]}
	}
	doc, err := ComputeDocumentTax(taxable, TaxExclusive, level)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(lines)
	for i := range out {
		out[i].TaxRatePPM = ratesPPM[i]
		out[i].TaxMinor = doc.Lines[i].TaxMinor
	}
	return out, nil
}

// euVATPrefixes are the 27 member states of the European Union (ISO 3166-1 code → the prefix of
// their VAT numbers). Greece is GR in addresses but EL in VAT numbers. Northern Ireland (XI)
// is not a member state but stays in the EU's VAT area for goods (Windsor Framework), so it is
// kept apart (euGoodsArea, ukVAT).
var euVATPrefixes = map[string]string{
	"AT": "AT", "BE": "BE", "BG": "BG", "CY": "CY", "CZ": "CZ", "DE": "DE", "DK": "DK",
	"EE": "EE", "ES": "ES", "FI": "FI", "FR": "FR", "GR": "EL", "HR": "HR", "HU": "HU",
	"IE": "IE", "IT": "IT", "LT": "LT", "LU": "LU", "LV": "LV", "MT": "MT", "NL": "NL",
	"PL": "PL", "PT": "PT", "RO": "RO", "SE": "SE", "SI": "SI", "SK": "SK",
}

// IsEUMember reports whether an ISO 3166-1 country is a member state of the European Union.
func IsEUMember(country string) bool {
	_, ok := euVATPrefixes[country]
	return ok
}

// euGoodsArea reports whether goods in country move under the EU's VAT rules for goods: the
// member states and Northern Ireland ("XI", which addresses give as GB with a BT postcode; the
// caller maps them).
func euGoodsArea(country string) bool { return IsEUMember(country) || country == "XI" }

// ukVAT reports whether country is in the United Kingdom's VAT system: Great Britain and
// Northern Ireland charge UK VAT at the same rates.
func ukVAT(country string) bool { return country == "GB" || country == "XI" }

// taxRateCountry is the country whose rows of the rate table apply: Northern Ireland uses UK
// rates, stored under GB.
func taxRateCountry(country string) string {
	if country == "XI" {
		return "GB"
	}
	return country
}

// EUDistanceSaleThresholdEURCents is the EU-wide threshold (EUR 10,000 a calendar year, in euro
// cents) of distance sales of goods to consumers in other member states below which a seller
// established in one member state may charge its own VAT (Article 59c, Council Directive
// 2006/112/EC, since 1 July 2021).
const EUDistanceSaleThresholdEURCents = 10_000_00

// OverEUDistanceSaleThreshold reports whether a seller's distance sales must be taxed where the
// goods arrive: the preceding calendar year's cross-border B2C sales exceeded EUR 10,000, or
// this year's did, counting the sale being invoiced (the sale that crosses the threshold is
// already taxed at destination). Amounts are euro cents, net of VAT; converting other currencies
// into euro is the caller's (with a stored rate, §2.4).
func OverEUDistanceSaleThreshold(previousYearEURCents, thisYearInclThisSaleEURCents int64) bool {
	return previousYearEURCents > EUDistanceSaleThresholdEURCents ||
		thisYearInclThisSaleEURCents > EUDistanceSaleThresholdEURCents
}

// TaxKind is which tax a sale carries.
type TaxKind int

const (
	// TaxDomestic is the VAT (or GST, consumption tax) of the country where the goods are sold
	// and delivered; UK VAT between Great Britain and Northern Ireland.
	TaxDomestic TaxKind = iota + 1
	// TaxDistanceSaleOrigin is an EU distance sale to a consumer in another member state taxed
	// at the seller's rate: the seller is under the threshold and not registered for OSS.
	TaxDistanceSaleOrigin
	// TaxDistanceSaleDestination is an EU distance sale taxed at the destination's rate,
	// declared through the One Stop Shop or a local registration.
	TaxDistanceSaleDestination
	// TaxReverseCharge is an intra-Community supply of goods to a business with a VAT number in
	// another member state: no VAT on the invoice, the customer accounts for it.
	TaxReverseCharge
	// TaxExport is a supply of goods leaving the seller's VAT area: zero-rated.
	TaxExport
	// TaxUSSalesTax is US sales tax at the destination state's rate.
	TaxUSSalesTax
)

func (k TaxKind) String() string {
	switch k {
	case TaxDomestic:
		return "domestic"
	case TaxDistanceSaleOrigin:
		return "EU distance sale at origin"
	case TaxDistanceSaleDestination:
		return "EU distance sale at destination"
	case TaxReverseCharge:
		return "reverse charge"
	case TaxExport:
		return "export"
	case TaxUSSalesTax:
		return "US sales tax"
	}
	return fmt.Sprintf("TaxKind(%d)", int(k))
}

// Invoice mentions that the law requires when an invoice carries no VAT (Article 226(11) and
// (11a), Council Directive 2006/112/EC). Goods sold to a business in another member state are an
// exempt intra-Community supply (Article 138) whose VAT the customer accounts for on
// acquisition; the mention names both, since customers and auditors look for "reverse charge".
const (
	ReverseChargeNote = "Reverse charge: exempt intra-Community supply of goods (Article 138, " +
		"Council Directive 2006/112/EC); VAT to be accounted for by the recipient."
	ExportNoteEU = "Zero-rated export of goods outside the EU (Article 146, Council Directive 2006/112/EC)."
	ExportNoteUK = "Zero-rated export of goods outside the UK (VAT Notice 703)."
	ExportNote   = "Export of goods: no VAT charged."
)

// TaxSeller is what decides tax about the seller. Goods are taken to leave from Country.
type TaxSeller struct {
	Country   string // ISO 3166-1 code where the seller is established and ships from; "XI" for Northern Ireland
	VATNumber string
	// OSSRegistered sellers declare EU distance sales in the One Stop Shop and tax them at
	// destination from the first euro.
	OSSRegistered bool
	// OverDistanceSaleThreshold is OverEUDistanceSaleThreshold for this sale.
	OverDistanceSaleThreshold bool
}

// TaxBuyer is what decides tax about the buyer.
type TaxBuyer struct {
	Country   string // ISO 3166-1 code of the billing address
	Region    string // state or province, as the rate table names it
	Business  bool
	VATNumber string // of a business customer; "" for consumers
}

// NewTaxBuyer is the buyer as an order states it: a customer with a VAT number or a company
// name on the billing address buys as a business, everyone else as a consumer.
func NewTaxBuyer(country, region, vatNumber, company string) TaxBuyer {
	return TaxBuyer{Country: country, Region: region, VATNumber: vatNumber,
		Business: vatNumber != "" || strings.TrimSpace(company) != ""}
}

// TaxTreatment is which tax a sale carries, with whose rates and why.
type TaxTreatment struct {
	Kind TaxKind
	// Country and Region select the rows of the rate table; both are "" when no tax is charged.
	Country, Region string
	// Note is the sentence the invoice must print, or "".
	Note string
	// Reason says in one sentence why, for the order's history and for a finance person.
	Reason string
}

// ChargesTax reports whether lines under the treatment carry tax from the rate table.
func (t TaxTreatment) ChargesTax() bool {
	return t.Kind != TaxReverseCharge && t.Kind != TaxExport
}

// Rate is the rate of category on the day on under the treatment: 0 for reverse charge, exports
// and exempt goods (named, so the invoice says why), else the table's rate for the treatment's
// country and region (FindTaxRate, an error when missing).
func (t TaxTreatment) Rate(rates []TaxRate, category string, on time.Time) (TaxRate, error) {
	switch {
	case t.Kind == TaxReverseCharge:
		return TaxRate{Category: category, Name: "Reverse charge", ValidFrom: calendarDay(on)}, nil
	case t.Kind == TaxExport:
		return TaxRate{Category: category, Name: "Export, zero-rated", ValidFrom: calendarDay(on)}, nil
	case category == TaxCategoryExempt:
		return TaxRate{Country: t.Country, Region: t.Region, Category: category, Name: "Exempt", ValidFrom: calendarDay(on)}, nil
	}
	return FindTaxRate(rates, t.Country, t.Region, category, on)
}

// DecideTaxTreatment says which tax a sale of goods from seller to buyer, delivered to shipTo
// (the buyer's own address when shipTo.Country is ""), carries. Goods are taxed where the law
// puts the supply, in this order:
//
//   - to the United States: sales tax of the destination state (the region of shipTo);
//   - within one country, or between Great Britain and Northern Ireland: domestic tax;
//   - between two countries of the EU's goods area (the member states and XI): to a business
//     with a well-formed VAT number of another member state, reverse charge; to a consumer,
//     destination VAT when the seller is OSS-registered or over the distance-sale threshold,
//     otherwise the seller's own VAT. A business without a usable VAT number is charged VAT like
//     a consumer, because the exemption needs the customer's number;
//   - anything else leaves the seller's VAT area: an export, zero-rated.
//
// Special territories outside the EU's VAT area (Canary Islands, Åland, Mount Athos, …) are not
// known here; a caller that ships there passes them as their own country.
func DecideTaxTreatment(seller TaxSeller, buyer TaxBuyer, shipTo Address) (TaxTreatment, error) {
	from := strings.ToUpper(strings.TrimSpace(seller.Country))
	to, region := strings.ToUpper(strings.TrimSpace(shipTo.Country)), strings.TrimSpace(shipTo.Region)
	if to == "" {
		to, region = strings.ToUpper(strings.TrimSpace(buyer.Country)), strings.TrimSpace(buyer.Region)
	}
	switch {
	case len(from) != 2:
		return TaxTreatment{}, fmt.Errorf("seller country %q: want an ISO 3166-1 code such as DE", seller.Country)
	case len(to) != 2:
		return TaxTreatment{}, fmt.Errorf("destination country %q: want an ISO 3166-1 code such as FR", to)
	}
	region = strings.ToUpper(region)
	switch {
	case to == "US":
		if region == "" {
			return TaxTreatment{}, errors.New("US sales tax depends on the destination state, and the address has none")
		}
		return TaxTreatment{Kind: TaxUSSalesTax, Country: "US", Region: region,
			Reason: "Shipped to " + region + ", US: sales tax of the destination state."}, nil
	case from == to || (ukVAT(from) && ukVAT(to)):
		return TaxTreatment{Kind: TaxDomestic, Country: taxRateCountry(to), Region: region,
			Reason: "Sold and delivered within " + taxRateCountry(to) + ": domestic tax."}, nil
	case euGoodsArea(from) && euGoodsArea(to):
		return euCrossBorder(seller, buyer, from, to, region)
	}
	t := TaxTreatment{Kind: TaxExport, Note: ExportNote,
		Reason: "Shipped from " + from + " to " + to + ", outside the seller's VAT area: export, zero-rated."}
	switch {
	case euGoodsArea(from):
		t.Note = ExportNoteEU
	case ukVAT(from):
		t.Note = ExportNoteUK
	}
	return t, nil
}

// euCrossBorder decides a sale of goods between two different countries of the EU's goods area.
func euCrossBorder(seller TaxSeller, buyer TaxBuyer, from, to, region string) (TaxTreatment, error) {
	var noNumber string
	if buyer.Business {
		vatCountry, err := ValidVATNumber(buyer.VATNumber)
		switch {
		case strings.TrimSpace(buyer.VATNumber) == "":
			noNumber = "the business customer gave no VAT number"
		case err != nil:
			noNumber = "the business customer's VAT number is not valid (" + err.Error() + ")"
		case !euGoodsArea(vatCountry):
			noNumber = "the business customer's VAT number " + NormalizeVATNumber(buyer.VATNumber) + " is not from the EU"
		case vatCountry == from:
			noNumber = "the business customer's VAT number " + NormalizeVATNumber(buyer.VATNumber) + " is from the seller's own country"
		default:
			if _, err := ValidVATNumber(seller.VATNumber); err != nil {
				return TaxTreatment{}, fmt.Errorf("a reverse-charge invoice needs the seller's own VAT number: %w", err)
			}
			return TaxTreatment{Kind: TaxReverseCharge, Note: ReverseChargeNote,
				Reason: "Goods shipped from " + from + " to " + to + " for a business with VAT number " +
					NormalizeVATNumber(buyer.VATNumber) + ": intra-Community supply, reverse charge."}, nil
		}
	}
	why := "consumer"
	if noNumber != "" {
		why = "sale charged as to a consumer, because " + noNumber
	}
	if seller.OSSRegistered || seller.OverDistanceSaleThreshold {
		basis := "the seller is over the EUR 10,000 distance-sale threshold"
		if seller.OSSRegistered {
			basis = "the seller declares through the One Stop Shop"
		}
		return TaxTreatment{Kind: TaxDistanceSaleDestination, Country: taxRateCountry(to), Region: region,
			Reason: "Distance sale from " + from + " to " + to + " (" + why + "): VAT of " + to + ", as " + basis + "."}, nil
	}
	return TaxTreatment{Kind: TaxDistanceSaleOrigin, Country: taxRateCountry(from),
		Reason: "Distance sale from " + from + " to " + to + " (" + why + "): VAT of " + from +
			", as the seller is under the EUR 10,000 distance-sale threshold and not in the One Stop Shop."}, nil
}
