package model

import (
	"errors"
	"maps"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// rateTable is a slice of tax_rates as db/seed/reference.go writes it (valid_to = the next
// rate's valid_from), plus the rows the cases below need.
var rateTable = []TaxRate{
	// Germany's temporary cut from 19 % to 16 % from 1 July to 31 December 2020.
	{"DE", "", "standard", "Umsatzsteuer 19%", 190_000, day("2007-01-01"), day("2020-07-01")},
	{"DE", "", "standard", "Umsatzsteuer 16% (Corona)", 160_000, day("2020-07-01"), day("2021-01-01")},
	{"DE", "", "standard", "Umsatzsteuer 19%", 190_000, day("2021-01-01"), time.Time{}},
	{"DE", "", "reduced", "Umsatzsteuer 7%", 70_000, day("2007-01-01"), time.Time{}},
	{"FR", "", "standard", "TVA 20%", 200_000, day("2014-01-01"), time.Time{}},
	{"FR", "", "reduced", "TVA 5,5%", 55_000, day("2014-01-01"), time.Time{}},
	{"GR", "", "standard", "ΦΠΑ 24%", 240_000, day("2016-06-01"), time.Time{}},
	{"GB", "", "standard", "VAT standard", 200_000, day("2011-01-04"), time.Time{}},
	{"GB", "", "reduced", "VAT reduced", 50_000, day("2011-01-04"), time.Time{}},
	{"GB", "", "zero", "VAT zero", 0, day("2011-01-04"), time.Time{}},
	// California's statewide base rate is 7.25 % (6.25 % state + 1 % uniform local), administered
	// by the CDTFA: https://legalfix.com/topics/taxes/sales-tax/ca
	{"US", "CA", "standard", "California sales tax", 72_500, day("2017-01-01"), time.Time{}},
	{"US", "NV", "standard", "Nevada sales tax", 68_500, day("2017-01-01"), time.Time{}},
	// A region with its own rate beats the country's: Spain's Canary Islands (IGIC), with a
	// country-wide IVA row beside it.
	{"ES", "", "standard", "IVA 21%", 210_000, day("2012-09-01"), time.Time{}},
	{"ES", "CN", "standard", "IGIC 7%", 70_000, day("2019-01-01"), time.Time{}},
}

func TestFindTaxRate(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*60*60)
	tests := []struct {
		name                      string
		country, region, category string
		on                        time.Time
		wantPPM                   int64
		wantName                  string
	}{
		{"the last day of 19 %", "DE", "", "standard", day("2020-06-30"), 190_000, "Umsatzsteuer 19%"},
		{"the first day of 16 %", "DE", "", "standard", day("2020-07-01"), 160_000, "Umsatzsteuer 16% (Corona)"},
		{"the last day of 16 %", "DE", "", "standard", day("2020-12-31"), 160_000, "Umsatzsteuer 16% (Corona)"},
		{"19 % again", "DE", "", "standard", day("2021-01-01"), 190_000, "Umsatzsteuer 19%"},
		{"half past midnight in Berlin is 1 July there", "DE", "", "standard",
			time.Date(2020, 7, 1, 0, 30, 0, 0, berlin), 160_000, "Umsatzsteuer 16% (Corona)"},
		{"open-ended rate", "DE", "", "reduced", day("2026-11-30"), 70_000, "Umsatzsteuer 7%"},
		{"a region without its own row takes the country's", "DE", "BY", "standard", day("2024-05-01"), 190_000, "Umsatzsteuer 19%"},
		{"a region's own rate beats the country's", "ES", "CN", "standard", day("2024-05-01"), 70_000, "IGIC 7%"},
		{"the rest of Spain", "ES", "", "standard", day("2024-05-01"), 210_000, "IVA 21%"},
		{"US sales tax by state", "US", "CA", "standard", day("2024-05-01"), 72_500, "California sales tax"},
		{"codes in lower case", "us", "nv", "standard", day("2024-05-01"), 68_500, "Nevada sales tax"},
		{"a zero rate is a row, not a missing one", "GB", "", "zero", day("2024-05-01"), 0, "VAT zero"},
	}
	for _, tt := range tests {
		got, err := FindTaxRate(rateTable, tt.country, tt.region, tt.category, tt.on)
		if err != nil || got.PPM != tt.wantPPM || got.Name != tt.wantName {
			t.Errorf("%s: FindTaxRate(%s, %q, %s, %s) = %d %q, %v; want %d %q", tt.name, tt.country,
				tt.region, tt.category, tt.on.Format(time.DateOnly), got.PPM, got.Name, err, tt.wantPPM, tt.wantName)
		}
	}
}

func TestFindTaxRateRefusesToGuess(t *testing.T) {
	missing := []struct {
		name                      string
		country, region, category string
		on                        time.Time
		says                      []string
	}{
		{"before the first rate", "DE", "", "standard", day("2006-12-31"),
			[]string{`"standard"`, "country DE", "2006-12-31"}},
		{"a state without a row", "US", "TX", "standard", day("2024-05-01"),
			[]string{`"standard"`, "country US", "region TX", "nor for US as a whole", "2024-05-01"}},
		{"a category the country has no row for", "FR", "", "zero", day("2024-05-01"),
			[]string{`"zero"`, "country FR", "2024-05-01"}},
		{"a country not in the table", "JP", "", "standard", day("2024-05-01"),
			[]string{"country JP"}},
	}
	for _, tt := range missing {
		got, err := FindTaxRate(rateTable, tt.country, tt.region, tt.category, tt.on)
		if !errors.Is(err, ErrNoTaxRate) {
			t.Errorf("%s: got %+v, %v; want ErrNoTaxRate", tt.name, got, err)
			continue
		}
		for _, s := range tt.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not say %q", tt.name, err, s)
			}
		}
	}
	overlapping := append(slices.Clone(rateTable),
		TaxRate{"DE", "", "reduced", "Umsatzsteuer 5% (Corona)", 50_000, day("2020-07-01"), day("2021-01-01")})
	_, err := FindTaxRate(overlapping, "DE", "", "reduced", day("2020-08-01"))
	if !errors.Is(err, ErrAmbiguousTaxRate) || !strings.Contains(err.Error(), "2020-08-01") {
		t.Errorf("two reduced rates on one day: %v; want ErrAmbiguousTaxRate naming the day", err)
	}
}

func TestLineTax(t *testing.T) {
	tests := []struct {
		name           string
		amount, ppm    int64
		basis          PriceBasis
		wantNet, wantT int64
	}{
		// HMRC, "Calculating VAT for VAT-inclusive and VAT-exclusive prices",
		// http://www.hmrc.gov.uk/vat/forms-rates/rates/calculating.htm: £100 + 20 % = £20 VAT,
		// £120; £100 + 5 % = £5 VAT, £105; and back from the VAT-inclusive prices.
		{"HMRC: £100 at 20 %", 100_00, 200_000, TaxExclusive, 100_00, 20_00},
		{"HMRC: £100 at 5 %", 100_00, 50_000, TaxExclusive, 100_00, 5_00},
		{"HMRC: £120 including 20 %", 120_00, 200_000, TaxInclusive, 100_00, 20_00},
		// £105 including 5 % is £100 and £5, as HMRC shows:
		// https://www.reference.com/business-finance/vat-calculation-formula-a53084f2f3835d02
		{"HMRC: £105 including 5 %", 105_00, 50_000, TaxInclusive, 100_00, 5_00},
		// The VAT fraction (1/6 at 20 %, 1/21 at 5 %):
		// http://itsrelative.co.uk/headlines/2014-06-11-vat-fraction — £60 of petrol holds £10.00
		// VAT; £80 at the reduced rate holds £3.81 (80/21 = 3.8095…, net 76.19).
		{"£60 of petrol including 20 %", 60_00, 200_000, TaxInclusive, 50_00, 10_00},
		{"£80 including 5 %", 80_00, 50_000, TaxInclusive, 76_19, 3_81},
		// Italian IVA 22 % on 9.99 is 2.20 (2.1978 rounded half up):
		// https://github.com/odoo/odoo/issues/50174
		{"IVA 22 % on 9.99", 9_99, 220_000, TaxExclusive, 9_99, 2_20},
		// Half a minor unit rounds away from zero (TaxRounding): 10 % of 0.05 is 0.005.
		{"half a cent rounds up", 5, 100_000, TaxExclusive, 5, 1},
		// On a gross price it is the net that rounds half away from zero: 0.99 including 20 %
		// is 0.825 net, so 0.83 net and 0.16 tax.
		{"0.99 including 20 %: the net rounds", 99, 200_000, TaxInclusive, 83, 16},
		{"zero-rated", 12_34, 0, TaxExclusive, 12_34, 0},
		{"zero-rated, inclusive", 12_34, 0, TaxInclusive, 12_34, 0},
		{"yen have no minor unit: 10 % on ¥1,234", 1234, 100_000, TaxExclusive, 1234, 123},
		{"¥1,100 including 10 %", 1100, 100_000, TaxInclusive, 1000, 100},
		{"nothing", 0, 200_000, TaxInclusive, 0, 0},
	}
	for _, tt := range tests {
		net, tax, err := LineTax(tt.amount, tt.ppm, tt.basis)
		if err != nil || net != tt.wantNet || tax != tt.wantT {
			t.Errorf("%s: LineTax(%d, %d, %s) = %d, %d, %v; want %d, %d", tt.name, tt.amount, tt.ppm,
				tt.basis, net, tax, err, tt.wantNet, tt.wantT)
		}
	}
	for _, bad := range []struct {
		amount, ppm int64
		basis       PriceBasis
	}{{-1, 200_000, TaxExclusive}, {100, -1, TaxExclusive}, {100, 1_000_001, TaxInclusive}, {100, 200_000, 0}} {
		if _, _, err := LineTax(bad.amount, bad.ppm, bad.basis); err == nil {
			t.Errorf("LineTax(%d, %d, %s) succeeded", bad.amount, bad.ppm, bad.basis)
		}
	}
}

// HMRC lets an invoice trader round VAT per line or on the invoice's total, to the nearest
// penny, as long as it is consistent (VAT Notice 700 §17.5,
// https://gov.uk/hmrc-internal-manuals/vat-trader-records/vatrec12010), and a per-line invoice
// can differ by pennies from VAT worked out on the total
// (https://tallyaccounts.co.uk/support/vat-calculations-rounding). Three items at £0.99 show
// it: per line each carries 19.8p → 20p, 60p; per invoice £2.97 × 20 % = 59.4p → 59p.
func TestDocumentTaxPerLineAndPerInvoiceDiffer(t *testing.T) {
	tests := []struct {
		name     string
		basis    PriceBasis
		lines    []TaxableLine
		level    TaxRoundingLevel
		wantTax  []int64 // per line
		wantRate []TaxLine
	}{
		{"£0.99 ×3 + 20 %, per line", TaxExclusive,
			[]TaxableLine{{99, 200_000}, {99, 200_000}, {99, 200_000}}, RoundTaxPerLine,
			[]int64{20, 20, 20}, []TaxLine{{RatePPM: 200_000, TaxableMinor: 297, TaxMinor: 60}}},
		{"£0.99 ×3 + 20 %, per invoice", TaxExclusive,
			[]TaxableLine{{99, 200_000}, {99, 200_000}, {99, 200_000}}, RoundTaxPerInvoice,
			// 59p shared: each line 19p and 0.8p over; the two earliest of the equal remainders
			// take the two pennies left.
			[]int64{20, 20, 19}, []TaxLine{{RatePPM: 200_000, TaxableMinor: 297, TaxMinor: 59}}},
		// The same with VAT-inclusive prices: per line each 99p holds 0.825 → 83p net, 16p VAT;
		// per invoice £2.97 holds 2.475 → £2.48 net, 49p VAT.
		{"£0.99 ×3 including 20 %, per line", TaxInclusive,
			[]TaxableLine{{99, 200_000}, {99, 200_000}, {99, 200_000}}, RoundTaxPerLine,
			[]int64{16, 16, 16}, []TaxLine{{RatePPM: 200_000, TaxableMinor: 249, TaxMinor: 48}}},
		{"£0.99 ×3 including 20 %, per invoice", TaxInclusive,
			[]TaxableLine{{99, 200_000}, {99, 200_000}, {99, 200_000}}, RoundTaxPerInvoice,
			[]int64{17, 16, 16}, []TaxLine{{RatePPM: 200_000, TaxableMinor: 248, TaxMinor: 49}}},
		// Rates are rounded apart: a 5 % line and a zero-rated line beside the 20 % ones. At 5 %
		// £0.30 + £0.30 is 1.5p + 1.5p: per line 2p + 2p = 4p, per invoice 3p (2p + 1p).
		{"mixed rates, per line", TaxExclusive,
			[]TaxableLine{{99, 200_000}, {30, 50_000}, {5_00, 0}, {99, 200_000}, {30, 50_000}}, RoundTaxPerLine,
			[]int64{20, 2, 0, 20, 2},
			[]TaxLine{{RatePPM: 0, TaxableMinor: 500}, {RatePPM: 50_000, TaxableMinor: 60, TaxMinor: 4},
				{RatePPM: 200_000, TaxableMinor: 198, TaxMinor: 40}}},
		{"mixed rates, per invoice", TaxExclusive,
			[]TaxableLine{{99, 200_000}, {30, 50_000}, {5_00, 0}, {99, 200_000}, {30, 50_000}}, RoundTaxPerInvoice,
			[]int64{20, 2, 0, 20, 1},
			[]TaxLine{{RatePPM: 0, TaxableMinor: 500}, {RatePPM: 50_000, TaxableMinor: 60, TaxMinor: 3},
				{RatePPM: 200_000, TaxableMinor: 198, TaxMinor: 40}}},
		// The larger remainder takes the penny, wherever its line is: 20 % of 0.96 = 19.2p and of
		// 0.99 = 19.8p; per invoice 39p, and the 0.99 line gets the 20th.
		{"largest remainder wins", TaxExclusive,
			[]TaxableLine{{96, 200_000}, {99, 200_000}}, RoundTaxPerInvoice,
			[]int64{19, 20}, []TaxLine{{RatePPM: 200_000, TaxableMinor: 195, TaxMinor: 39}}},
		{"an empty document", TaxExclusive, nil, RoundTaxPerInvoice, []int64{}, nil},
	}
	for _, tt := range tests {
		doc, err := ComputeDocumentTax(tt.lines, tt.basis, tt.level)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var gotTax []int64
		for i, l := range doc.Lines {
			gotTax = append(gotTax, l.TaxMinor)
			if tt.basis == TaxInclusive && l.NetMinor+l.TaxMinor != tt.lines[i].AmountMinor {
				t.Errorf("%s: line %d: net %d + tax %d is not the price paid %d", tt.name, i+1, l.NetMinor, l.TaxMinor, tt.lines[i].AmountMinor)
			}
			if tt.basis == TaxExclusive && l.NetMinor != tt.lines[i].AmountMinor {
				t.Errorf("%s: line %d: net %d, want the amount %d", tt.name, i+1, l.NetMinor, tt.lines[i].AmountMinor)
			}
		}
		if !slices.Equal(gotTax, tt.wantTax) && (len(gotTax) != 0 || len(tt.wantTax) != 0) {
			t.Errorf("%s: line tax %v, want %v", tt.name, gotTax, tt.wantTax)
		}
		if !slices.Equal(doc.ByRate, tt.wantRate) {
			t.Errorf("%s: per rate %+v, want %+v", tt.name, doc.ByRate, tt.wantRate)
		}
		var net, tax int64
		for _, r := range tt.wantRate {
			net += r.TaxableMinor
			tax += r.TaxMinor
		}
		if doc.NetMinor != net || doc.TaxMinor != tax {
			t.Errorf("%s: document net %d tax %d, want %d %d", tt.name, doc.NetMinor, doc.TaxMinor, net, tax)
		}
	}
}

func TestDocumentTaxRefusesBadInput(t *testing.T) {
	good := []TaxableLine{{100, 200_000}}
	for name, f := range map[string]func() error{
		"no rounding level": func() error { _, err := ComputeDocumentTax(good, TaxExclusive, 0); return err },
		"no price basis":    func() error { _, err := ComputeDocumentTax(good, 0, RoundTaxPerLine); return err },
		"negative amount": func() error {
			_, err := ComputeDocumentTax([]TaxableLine{{100, 0}, {-1, 0}}, TaxExclusive, RoundTaxPerInvoice)
			return err
		},
		"rate above 100 %": func() error {
			_, err := ComputeDocumentTax([]TaxableLine{{100, 1_000_001}}, TaxExclusive, RoundTaxPerLine)
			return err
		},
		"rates not one per line": func() error {
			_, err := ApplyTax([]InvoiceLine{{Qty: 1, UnitMinor: 100}}, nil, RoundTaxPerLine)
			return err
		},
	} {
		if f() == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := ComputeDocumentTax([]TaxableLine{{1 << 62, 0}, {1 << 62, 0}}, TaxExclusive, RoundTaxPerLine); !errors.Is(err, ErrOverflow) {
		t.Errorf("a document net beyond int64: %v, want ErrOverflow", err)
	}
}

// Whatever the lines, both levels give line taxes that add up to the per-rate totals, each line
// within a minor unit of its exact tax; per line equals LineTax, and per invoice each rate's tax
// is its exact total rounded once.
func TestDocumentTaxAddsUp(t *testing.T) {
	r := newRand(t)
	ratesPPM := []int64{0, 50_000, 70_000, 190_000, 200_000, 72_500, 1_000_000}
	for iter := 0; iter < 2000; iter++ {
		lines := make([]TaxableLine, 1+r.IntN(12))
		for i := range lines {
			lines[i] = TaxableLine{AmountMinor: r.Int64N(100_000), RatePPM: ratesPPM[r.IntN(len(ratesPPM))]}
		}
		for _, basis := range []PriceBasis{TaxExclusive, TaxInclusive} {
			for _, level := range []TaxRoundingLevel{RoundTaxPerLine, RoundTaxPerInvoice} {
				doc, err := ComputeDocumentTax(lines, basis, level)
				if err != nil {
					t.Fatalf("%v %s %s: %v", lines, basis, level, err)
				}
				sumTax, sumNet, sumAmount := map[int64]int64{}, map[int64]int64{}, map[int64]int64{}
				for i, l := range doc.Lines {
					sumTax[l.RatePPM] += l.TaxMinor
					sumNet[l.RatePPM] += l.NetMinor
					sumAmount[l.RatePPM] += lines[i].AmountMinor
					num, den := taxFraction(big.NewInt(lines[i].AmountMinor), l.RatePPM, basis)
					diff := new(big.Int).Sub(new(big.Int).Mul(big.NewInt(l.TaxMinor), den), num)
					if diff.Abs(diff).Cmp(den) >= 0 {
						t.Fatalf("%v %s %s: line %d tax %d is a minor unit or more from %s/%s", lines, basis, level, i+1, l.TaxMinor, num, den)
					}
					if level == RoundTaxPerLine {
						if net, tax, _ := LineTax(lines[i].AmountMinor, l.RatePPM, basis); net != l.NetMinor || tax != l.TaxMinor {
							t.Fatalf("%v %s: line %d is %+v, LineTax says %d, %d", lines, basis, i+1, l, net, tax)
						}
					}
				}
				if len(doc.ByRate) != len(sumTax) {
					t.Fatalf("%v %s %s: %d rates in the summary, %d on lines", lines, basis, level, len(doc.ByRate), len(sumTax))
				}
				for _, tl := range doc.ByRate {
					if tl.TaxMinor != sumTax[tl.RatePPM] || tl.TaxableMinor != sumNet[tl.RatePPM] {
						t.Fatalf("%v %s %s: rate %d summary %+v, lines add to %d, %d", lines, basis, level, tl.RatePPM, tl, sumNet[tl.RatePPM], sumTax[tl.RatePPM])
					}
					if level == RoundTaxPerInvoice {
						_, once, _ := LineTax(sumAmount[tl.RatePPM], tl.RatePPM, basis)
						if tl.TaxMinor != once {
							t.Fatalf("%v %s: rate %d tax %d, the total rounded once is %d", lines, basis, tl.RatePPM, tl.TaxMinor, once)
						}
					}
				}
			}
		}
	}
}

// ApplyTax fills invoice lines so that model.Totals, and so the database's check of an issued
// document, agrees with the per-rate summary.
func TestApplyTaxAddsUpInTotals(t *testing.T) {
	lines := []InvoiceLine{
		{Qty: 3, UnitMinor: 99},
		{Qty: 1, UnitMinor: 30},
		{Qty: 2, UnitMinor: 12_50, DiscountMinor: 1_00},
		{Qty: 1, UnitMinor: 30},
	}
	rates := []int64{200_000, 50_000, 200_000, 50_000}
	one, _ := ParseRate("1")
	for _, level := range []TaxRoundingLevel{RoundTaxPerLine, RoundTaxPerInvoice} {
		filled, err := ApplyTax(lines, rates, level)
		if err != nil {
			t.Fatalf("%s: %v", level, err)
		}
		if lines[0].TaxMinor != 0 || lines[0].TaxRatePPM != 0 {
			t.Fatalf("%s: ApplyTax changed its input", level)
		}
		taxable := make([]TaxableLine, len(lines))
		for i, l := range lines {
			taxable[i] = TaxableLine{l.Net(), rates[i]}
		}
		doc, _ := ComputeDocumentTax(taxable, TaxExclusive, level)
		totals, err := Totals(filled, EUR, EUR, one)
		if err != nil {
			t.Fatalf("%s: %v", level, err)
		}
		if totals.Subtotal != doc.NetMinor || totals.Tax != doc.TaxMinor || len(totals.TaxLines) != len(doc.ByRate) {
			t.Fatalf("%s: Totals %+v, document tax %+v", level, totals, doc)
		}
		for i, tl := range totals.TaxLines {
			want := doc.ByRate[i]
			if tl.RatePPM != want.RatePPM || tl.TaxableMinor != want.TaxableMinor || tl.TaxMinor != want.TaxMinor {
				t.Errorf("%s: Totals' tax line %+v, document's %+v", level, tl, want)
			}
		}
	}
	perLine, _ := ApplyTax(lines, rates, RoundTaxPerLine)
	perInvoice, _ := ApplyTax(lines, rates, RoundTaxPerInvoice)
	a, _ := Totals(perLine, EUR, EUR, one)
	b, _ := Totals(perInvoice, EUR, EUR, one)
	// 20 %: 2.97 → 0.594 and 24.00 → 4.80; 5 %: 0.30 + 0.30 → 1.5 + 1.5 cents, which per line
	// round to 2 + 2 and per invoice to 3.
	if a.Tax != 59+4_80+2+2 || b.Tax != 59+4_80+3 {
		t.Errorf("tax per line %d, per invoice %d; want 5.43 and 5.42", a.Tax, b.Tax)
	}
}

// The EU member list must agree with routing's market (geo.go) and have the 27 members.
func TestEUMembers(t *testing.T) {
	if len(euVATPrefixes) != 27 {
		t.Errorf("%d EU member states, want 27", len(euVATPrefixes))
	}
	if got, want := slices.Sorted(maps.Keys(euVATPrefixes)), slices.Sorted(maps.Keys(euMembers)); !slices.Equal(got, want) {
		t.Errorf("tax's EU members %v differ from routing's %v", got, want)
	}
	for _, c := range []string{"GB", "XI", "CH", "NO", "US", "EL"} {
		if IsEUMember(c) {
			t.Errorf("%s is not a member state", c)
		}
	}
	if euVATPrefixes["GR"] != "EL" {
		t.Error("Greece's VAT prefix is EL")
	}
}

// The EU-wide threshold is EUR 10,000 a calendar year, this year's or last year's, since
// 1 July 2021 (https://www.vatupdate.com/?p=133733; Spain's tax agency on the same rule,
// https://sede.agenciatributaria.gob.es/Sede/en_gb/ayuda/manuales-videos-folletos/manuales-practicos/manual-iva-2022/capitulo-03-entregas-bienes-servicios-profesionales/ventas-distancia/ventas-intracomunitarias-distancia/ventas-intracom-distancia-particulares-consum-finales.html).
func TestOverEUDistanceSaleThreshold(t *testing.T) {
	tests := []struct {
		previous, thisYear int64
		want               bool
	}{
		{0, 10_000_00, false}, // exactly EUR 10,000 does not exceed it
		{0, 10_000_01, true},  // this sale takes the year over
		{10_000_01, 0, true},  // last year's sales were over
		{10_000_00, 9_999_99, false},
	}
	for _, tt := range tests {
		if got := OverEUDistanceSaleThreshold(tt.previous, tt.thisYear); got != tt.want {
			t.Errorf("OverEUDistanceSaleThreshold(%d, %d) = %v, want %v", tt.previous, tt.thisYear, got, tt.want)
		}
	}
}

func TestDecideTaxTreatment(t *testing.T) {
	deSeller := TaxSeller{Country: "DE", VATNumber: "DE123456789"}
	deOSS := TaxSeller{Country: "DE", VATNumber: "DE123456789", OSSRegistered: true}
	deOver := TaxSeller{Country: "DE", VATNumber: "DE123456789", OverDistanceSaleThreshold: true}
	gbSeller := TaxSeller{Country: "GB", VATNumber: "GB123456789"}
	usSeller := TaxSeller{Country: "US"}
	consumer := func(country, region string) TaxBuyer { return TaxBuyer{Country: country, Region: region} }
	business := func(country, vat string) TaxBuyer {
		return TaxBuyer{Country: country, Business: true, VATNumber: vat}
	}
	to := func(country, region string) Address { return Address{Country: country, Region: region} }
	on := day("2026-11-30")

	tests := []struct {
		name       string
		seller     TaxSeller
		buyer      TaxBuyer
		shipTo     Address
		want       TaxKind
		wantPPM    int64 // of the standard category
		wantNote   string
		wantReason string
	}{
		{"DE to a German consumer: German VAT", deSeller, consumer("DE", ""), to("DE", ""),
			TaxDomestic, 190_000, "", "within DE"},
		{"DE to a German business: still German VAT", deSeller, business("DE", "DE987654321"), to("DE", ""),
			TaxDomestic, 190_000, "", "within DE"},
		{"ship-to empty: the buyer's address", deSeller, consumer("DE", ""), Address{},
			TaxDomestic, 190_000, "", "within DE"},
		{"UK domestic", gbSeller, consumer("GB", ""), to("GB", ""), TaxDomestic, 200_000, "", "within GB"},
		{"GB to Northern Ireland: UK VAT", gbSeller, consumer("XI", ""), to("XI", ""), TaxDomestic, 200_000, "", "within GB"},
		// Under the EUR 10,000 threshold and outside the OSS the seller charges its own VAT
		// (https://help.hillebrandgori.app/en/articles/1499778).
		{"DE to a French consumer, under the threshold: German VAT", deSeller, consumer("FR", ""), to("FR", ""),
			TaxDistanceSaleOrigin, 190_000, "", "under the EUR 10,000"},
		{"DE to a French consumer, OSS: French VAT", deOSS, consumer("FR", ""), to("FR", ""),
			TaxDistanceSaleDestination, 200_000, "", "One Stop Shop"},
		{"DE to a French consumer, over the threshold: French VAT", deOver, consumer("FR", ""), to("FR", ""),
			TaxDistanceSaleDestination, 200_000, "", "over the EUR 10,000"},
		{"DE to a Greek consumer, OSS: Greek VAT", deOSS, consumer("GR", ""), to("GR", ""),
			TaxDistanceSaleDestination, 240_000, "", "VAT of GR"},
		{"DE to a Northern Irish consumer, OSS: UK rates", deOSS, consumer("XI", ""), to("XI", ""),
			TaxDistanceSaleDestination, 200_000, "", "VAT of XI"},
		// Intra-Community B2B supply: no VAT, both VAT numbers, the reverse-charge/exemption
		// mention (Article 226(11)/(11a); https://www.askingbox.com/info/reverse-charge-invoice-note-in-the-national-languages-of-the-eu,
		// https://www.taxid.dev/en/glossary/vat-invoice-requirements; Austria's BMF asks for
		// "tax-exempt intra-EU supply of goods":
		// http://english.bmf.gv.at/Tax/VATAssessmentRefund/SupplyinginAustria/Invoicing/Whatarethespecificf_716/_start.htm).
		{"DE to a French business with a VAT number: reverse charge", deSeller, business("FR", "FRXX123456789"), to("FR", ""),
			TaxReverseCharge, 0, ReverseChargeNote, "FRXX123456789"},
		{"DE to a Greek business (EL number): reverse charge", deSeller, business("GR", "EL 123 456 789"), to("GR", ""),
			TaxReverseCharge, 0, ReverseChargeNote, "EL123456789"},
		{"DE to a Northern Irish business (XI number): reverse charge", deSeller, business("XI", "XI123456789"), to("XI", ""),
			TaxReverseCharge, 0, ReverseChargeNote, "intra-Community"},
		{"a French business without a VAT number pays VAT", deSeller, business("FR", ""), to("FR", ""),
			TaxDistanceSaleOrigin, 190_000, "", "gave no VAT number"},
		{"a malformed VAT number is not a reverse charge", deOSS, business("FR", "FR123"), to("FR", ""),
			TaxDistanceSaleDestination, 200_000, "", "not valid"},
		{"a German number for a French delivery is not a reverse charge", deOSS, business("FR", "DE987654321"), to("FR", ""),
			TaxDistanceSaleDestination, 200_000, "", "seller's own country"},
		{"a GB number is not an EU number", deOSS, business("FR", "GB123456789"), to("FR", ""),
			TaxDistanceSaleDestination, 200_000, "", "not from the EU"},
		// Exports of goods are zero-rated: Article 146 of the Directive for the EU
		// (https://legalclarity.org/article-138-vat-directive-intra-community-supply-exemption/
		// describes its sibling, 138), VAT Notice 703 for the UK.
		{"DE to Switzerland: export", deSeller, consumer("CH", ""), to("CH", ""), TaxExport, 0, ExportNoteEU, "export"},
		{"GB to France: export from the UK", gbSeller, consumer("FR", ""), to("FR", ""), TaxExport, 0, ExportNoteUK, "export"},
		{"DE to Great Britain: export from the EU", deSeller, business("GB", "GB123456789"), to("GB", ""), TaxExport, 0, ExportNoteEU, "export"},
		{"US to Canada: export", usSeller, consumer("CA", "ON"), to("CA", "ON"), TaxExport, 0, ExportNote, "export"},
		{"US to California: state sales tax", usSeller, consumer("US", "CA"), to("US", "CA"), TaxUSSalesTax, 72_500, "", "CA, US"},
		{"US to Nevada, billed in California: the destination decides", usSeller, consumer("US", "CA"), to("US", "nv"),
			TaxUSSalesTax, 68_500, "", "NV, US"},
		{"DE to California: state sales tax", deSeller, consumer("US", "CA"), to("US", "CA"), TaxUSSalesTax, 72_500, "", "sales tax"},
	}
	for _, tt := range tests {
		got, err := DecideTaxTreatment(tt.seller, tt.buyer, tt.shipTo)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got.Kind != tt.want || got.Note != tt.wantNote || !strings.Contains(got.Reason, tt.wantReason) {
			t.Errorf("%s: got %s %q (%s); want %s %q, a reason saying %q", tt.name, got.Kind, got.Note, got.Reason,
				tt.want, tt.wantNote, tt.wantReason)
		}
		rate, err := got.Rate(rateTable, TaxCategoryStandard, on)
		if err != nil || rate.PPM != tt.wantPPM {
			t.Errorf("%s: standard rate %d, %v; want %d", tt.name, rate.PPM, err, tt.wantPPM)
		}
		if got.ChargesTax() == (tt.want == TaxReverseCharge || tt.want == TaxExport) {
			t.Errorf("%s: ChargesTax() = %v for %s", tt.name, got.ChargesTax(), got.Kind)
		}
	}
}

func TestDecideTaxTreatmentRefuses(t *testing.T) {
	tests := []struct {
		name   string
		seller TaxSeller
		buyer  TaxBuyer
		shipTo Address
		says   string
	}{
		{"a US address without a state", TaxSeller{Country: "US"}, TaxBuyer{Country: "US"}, Address{Country: "US"}, "destination state"},
		{"no seller country", TaxSeller{}, TaxBuyer{Country: "DE"}, Address{}, "seller country"},
		{"no destination", TaxSeller{Country: "DE"}, TaxBuyer{}, Address{}, "destination country"},
		{"reverse charge without the seller's VAT number", TaxSeller{Country: "DE"},
			TaxBuyer{Country: "FR", Business: true, VATNumber: "FRXX123456789"}, Address{Country: "FR"}, "seller's own VAT number"},
	}
	for _, tt := range tests {
		got, err := DecideTaxTreatment(tt.seller, tt.buyer, tt.shipTo)
		if err == nil || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: got %+v, %v; want an error saying %q", tt.name, got, err, tt.says)
		}
	}
}

func TestTreatmentRate(t *testing.T) {
	on := day("2026-11-30")
	domestic := TaxTreatment{Kind: TaxDomestic, Country: "DE"}
	if r, err := domestic.Rate(rateTable, TaxCategoryReduced, on); err != nil || r.PPM != 70_000 {
		t.Errorf("German reduced rate: %+v, %v", r, err)
	}
	if r, err := domestic.Rate(rateTable, TaxCategoryExempt, on); err != nil || r.PPM != 0 || r.Name != "Exempt" {
		t.Errorf("exempt goods: %+v, %v; want a named 0", r, err)
	}
	if _, err := domestic.Rate(rateTable, TaxCategoryZero, on); !errors.Is(err, ErrNoTaxRate) {
		t.Errorf("Germany has no zero-rate row: %v, want ErrNoTaxRate rather than a silent 0", err)
	}
	rc := TaxTreatment{Kind: TaxReverseCharge}
	if r, err := rc.Rate(nil, TaxCategoryStandard, on); err != nil || r.PPM != 0 || r.Name != "Reverse charge" {
		t.Errorf("reverse charge: %+v, %v", r, err)
	}
}
