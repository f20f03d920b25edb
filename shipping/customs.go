package shipping

import (
	"errors"
	"fmt"
	"math/big"
	"strings"

	"oms/model"
)

// NeedsCustoms says whether goods from one country to another cross a customs border: they do
// whenever the two are in different markets (model.MarketOf), so GB ↔ EU, CH and NO ↔ EU and
// the US ↔ anywhere do, and NL → DE does not. Two small territories that share a neighbour's
// customs and VAT area without being in its market are counted with it: Monaco (France, so the
// EU) and the Isle of Man (the United Kingdom). For territories known only by postcode, such
// as the Canary Islands, use NeedsCustomsTo.
func NeedsCustoms(from, to string) bool {
	return customsMarket(from) != customsMarket(to)
}

func customsMarket(country string) string {
	switch c := strings.ToUpper(country); c {
	case "MC":
		return model.MarketOf("FR")
	case "IM":
		return model.MarketOf("GB")
	default:
		return model.MarketOf(c)
	}
}

// specialTerritories are parts of EU countries outside the EU's customs or VAT area, known by
// their postcodes: a parcel to them needs a customs declaration even from inside the EU.
var specialTerritories = []struct{ country, prefix, name string }{
	{"ES", "35", "the Canary Islands (Las Palmas)"},
	{"ES", "38", "the Canary Islands (Santa Cruz de Tenerife)"},
	{"ES", "51", "Ceuta"},
	{"ES", "52", "Melilla"},
	{"DE", "27498", "Heligoland"},
	{"DE", "78266", "Büsingen am Hochrhein"},
	{"IT", "23041", "Livigno"},
	{"IT", "22061", "Campione d'Italia"},
	{"GR", "63086", "Mount Athos"},
	{"FR", "971", "Guadeloupe"}, // French overseas departments, when written as country FR
	{"FR", "972", "Martinique"},
	{"FR", "973", "French Guiana"},
	{"FR", "974", "Réunion"},
	{"FR", "976", "Mayotte"},
}

// SpecialTerritory names the territory outside the EU's customs or VAT area a destination is
// in by its postcode ("the Canary Islands (Las Palmas)"), or "" when it is in none.
func SpecialTerritory(to Destination) string {
	postcode, country := NormalizePostcode(to.PostalCode), strings.ToUpper(to.Country)
	for _, t := range specialTerritories {
		if t.country == country && strings.HasPrefix(postcode, t.prefix) {
			return t.name
		}
	}
	return ""
}

// NeedsCustomsTo is NeedsCustoms for a full destination: a parcel to a special territory
// (SpecialTerritory) needs a declaration whatever country it leaves from.
func NeedsCustomsTo(from string, to Destination) bool {
	return NeedsCustoms(from, to.Country) || SpecialTerritory(to) != ""
}

// Customs declarations (UPU forms).
const (
	FormCN22 = "CN22" // letter-post items up to 2 kg worth under 300 SDR
	FormCN23 = "CN23" // parcels, and letter-post items worth 300 SDR or more
)

// Letter-post limits for a CN22.
const (
	CN22MaxWeightG = 2000
	CN22BelowSDR   = 300
)

// Consignment is what the customs paperwork of one parcel depends on.
type Consignment struct {
	Value      model.Money // declared value of the contents
	WeightG    int         // gross weight
	LetterPost bool        // sent as a letter-post item (small packet), not as a parcel
	BuyerTaxID string      // the importer's VAT or tax id; given means a business buyer (B2B)
}

// Form is the paperwork a parcel needs.
type Form struct {
	Declaration       string // FormCN22 or FormCN23
	CommercialInvoice bool   // a commercial invoice with both parties' ids goes with it (B2B)
	Reason            string // why, in words a packer can check
}

// CustomsForm chooses the paperwork for a parcel that crosses a customs border: a CN22 for a
// letter-post item of at most 2 kg worth under 300 SDR, a CN23 for everything else, and a
// commercial invoice besides when the buyer is a business (has a tax id), because the importer
// reclaims VAT and clears duty on it.
//
// unitsPerSDR is how many units of the value's currency one SDR (the IMF's special drawing
// right, the unit of UPU limits) is worth on the day: about 1.17 for EUR. The caller supplies
// it from its stored rates; the comparison is exact. A parcel (not letter post) always takes a
// CN23, so for one the rate is not read.
func CustomsForm(c Consignment, unitsPerSDR model.Rate) (Form, error) {
	f := Form{Declaration: FormCN23}
	belowLimit := false
	if c.LetterPost && c.WeightG <= CN22MaxWeightG { // only then does the value decide
		var err error
		if belowLimit, err = valueBelowSDR(c.Value, CN22BelowSDR, unitsPerSDR); err != nil {
			return Form{}, err
		}
	}
	switch {
	case !c.LetterPost:
		f.Reason = "a parcel needs a CN23"
	case c.WeightG > CN22MaxWeightG:
		f.Reason = fmt.Sprintf("a letter-post item over %d g needs a CN23", CN22MaxWeightG)
	case !belowLimit:
		f.Reason = fmt.Sprintf("%s is %d SDR or more, which needs a CN23", c.Value, CN22BelowSDR)
	default:
		f.Declaration = FormCN22
		f.Reason = fmt.Sprintf("a letter-post item of at most %d g worth under %d SDR takes a CN22", CN22MaxWeightG, CN22BelowSDR)
	}
	if strings.TrimSpace(c.BuyerTaxID) != "" {
		f.CommercialInvoice = true
		f.Reason += "; the buyer is a business, so a commercial invoice goes with it"
	}
	return f, nil
}

// valueBelowSDR says whether value < limit SDR at unitsPerSDR, exactly:
// minor / 10^exp < limit × num/den  ⇔  minor × den < limit × num × 10^exp.
func valueBelowSDR(value model.Money, limit int64, unitsPerSDR model.Rate) (bool, error) {
	exp, err := value.Currency.Exponent()
	if err != nil {
		return false, fmt.Errorf("customs value %s: %w", value, err)
	}
	rate := model.FXRateOf(unitsPerSDR)
	if !rate.Valid() {
		return false, errors.New("customs form: no SDR rate given for " + string(value.Currency))
	}
	numText, denText := rate.Fraction()
	num, _ := new(big.Int).SetString(numText, 10)
	den, _ := new(big.Int).SetString(denText, 10)
	left := new(big.Int).Mul(big.NewInt(value.Minor), den)
	right := new(big.Int).Mul(big.NewInt(limit), num)
	right.Mul(right, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(exp)), nil))
	return left.Cmp(right) < 0, nil
}

// CustomsItem is one line of a customs declaration.
type CustomsItem struct {
	SKU, Description, HSCode, Origin string
	Qty, WeightG                     int
	ValueMinor                       int64
}

// genericDescriptions are words customs refuse as a whole description: they say nothing of
// what the goods are.
var genericDescriptions = map[string]bool{
	"gift": true, "gifts": true, "goods": true, "sample": true, "samples": true,
	"merchandise": true, "part": true, "parts": true, "accessory": true, "accessories": true,
}

// MinHSDigits is the internationally harmonised part of a tariff code; countries add digits.
const MinHSDigits = 6

// CheckCustomsItems lists what customs would refuse in a declaration's items, one sentence per
// problem naming the SKU: a missing or short HS code (at least 6 digits once dots and spaces
// are removed, digits only), a missing or unknown country of origin, a missing or generic
// description ("gift", "parts" …), and a quantity, weight or value that is not above 0.
func CheckCustomsItems(items []CustomsItem) []string {
	var problems []string
	for i, it := range items {
		name := it.SKU
		if strings.TrimSpace(name) == "" {
			name = fmt.Sprintf("item %d (no SKU)", i+1)
		}
		say := func(format string, args ...any) {
			problems = append(problems, name+": "+fmt.Sprintf(format, args...))
		}
		if msg := hsCodeProblem(it.HSCode); msg != "" {
			say("%s", msg)
		}
		switch origin := strings.TrimSpace(it.Origin); {
		case origin == "":
			say("no country of origin: customs need where the goods were made")
		case !model.IsCountry(strings.ToUpper(origin)):
			say("country of origin %q is not an ISO 3166 country code such as CN or DE", it.Origin)
		}
		switch desc := strings.ToLower(strings.Trim(strings.TrimSpace(it.Description), ".!")); {
		case desc == "":
			say("no description: customs need to know what the goods are")
		case genericDescriptions[desc]:
			say("the description %q is too vague: say what the goods are (\"cotton T-shirt\", \"phone charger\")", it.Description)
		}
		if it.Qty <= 0 {
			say("quantity %d: it must be at least 1", it.Qty)
		}
		if it.WeightG <= 0 {
			say("no weight: each line needs its net weight")
		}
		if it.ValueMinor <= 0 {
			say("no value: each line needs its value, even a gift's")
		}
	}
	return problems
}

func hsCodeProblem(code string) string {
	digits := strings.NewReplacer(".", "", " ", "").Replace(code)
	switch {
	case digits == "":
		return fmt.Sprintf("no HS code: customs need the goods' tariff code, at least %d digits", MinHSDigits)
	case !allDigits(digits):
		return fmt.Sprintf("HS code %q is not digits (dots and spaces aside)", code)
	case len(digits) < MinHSDigits:
		return fmt.Sprintf("HS code %q has %d digits: at least %d are needed", code, len(digits), MinHSDigits)
	}
	return ""
}
