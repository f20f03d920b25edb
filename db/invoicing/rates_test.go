package invoicing_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/invoicing"
	"oms/model"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func rate(t *testing.T, s string) model.Rate {
	t.Helper()
	r, err := model.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.Get(&n, `SELECT count(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSetRateThenFindIt: the back office sets a rate and corrects it (the answer says what it
// was); the lookup takes the latest rate on or before the day, the inverse pair exactly when the
// pair itself has none, exactly 1 for one currency, and names the pair and the day when there is
// nothing; stock control may not set rates.
func TestSetRateThenFindIt(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := invoicing.New(dbtest.LoginAs(t, owner, "backoffice"))
	nov30 := day(t, "2026-11-30")

	res, err := s.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "USD", Date: nov30, Rate: rate(t, "1.0801")})
	if err != nil || res.Replaced {
		t.Fatalf("first set: %+v, %v", res, err)
	}
	res, err = s.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "USD", Date: nov30, Rate: rate(t, "1.0842"), Source: "ecb"})
	if err != nil || !res.Replaced || res.Was.String() != "1.0801" {
		t.Fatalf("set again: %+v, %v; want replaced, was 1.0801", res, err)
	}
	if n := count(t, owner, "fx_rates"); n != 1 {
		t.Fatalf("%d rates stored, want 1", n)
	}
	if _, err := s.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "USD", Date: day(t, "2026-11-01"), Rate: rate(t, "1.05")}); err != nil {
		t.Fatal(err)
	}

	f, err := s.FindRate(ctx, "EUR", "USD", day(t, "2026-12-05"))
	if err != nil || f.Rate.String() != "1.0842" || f.Date != nov30 || f.Inverse || f.Source != "ecb" {
		t.Fatalf("EUR→USD on 2026-12-05: %+v (rate %s), %v", f, f.Rate, err)
	}
	r, used, err := s.RateOn(ctx, "EUR", "USD", day(t, "2026-11-29"))
	if err != nil || r.String() != "1.05" || used != day(t, "2026-11-01") {
		t.Fatalf("EUR→USD on 2026-11-29: %s of %s, %v; want 1.05 of 2026-11-01", r, used, err)
	}

	// Only EUR→USD is stored: USD→EUR is its inverse, exactly.
	f, err = s.FindRate(ctx, "USD", "EUR", nov30)
	if err != nil || !f.Inverse || f.Stored.String() != "1.0842" {
		t.Fatalf("USD→EUR: %+v, %v", f, err)
	}
	if n, d := f.Rate.Fraction(); n != "5000" || d != "5421" {
		t.Fatalf("USD→EUR = %s/%s, want 5000/5421", n, d)
	}
	got, err := model.ConvertAt(model.Money{Minor: 10000, Currency: "USD"}, "EUR", f.Rate, model.ConversionRounding)
	if err != nil || got.String() != "92.23 EUR" {
		t.Fatalf("100.00 USD in EUR: %v, %v", got, err)
	}
	// Once USD→EUR has a rate of its own, it is used, even if older than the inverse.
	if _, err := s.SetRate(ctx, invoicing.FXEntry{Base: "USD", Quote: "EUR", Date: day(t, "2026-11-15"), Rate: rate(t, "0.93")}); err != nil {
		t.Fatal(err)
	}
	if f, err = s.FindRate(ctx, "USD", "EUR", nov30); err != nil || f.Inverse || f.Rate.String() != "0.93" {
		t.Fatalf("USD→EUR with its own rate: %+v, %v", f, err)
	}

	if r, used, err := s.RateOn(ctx, "JPY", "JPY", nov30); err != nil || !r.IsOne() || used != nov30 {
		t.Fatalf("JPY→JPY: %s of %s, %v; want exactly 1", r, used, err)
	}
	_, _, err = s.RateOn(ctx, "EUR", "JPY", nov30)
	var none *invoicing.NoRateError
	if !errors.As(err, &none) || !errors.Is(err, invoicing.ErrNoRate) || err.Error() !=
		"no EUR→JPY rate on or before 2026-11-30: set one with oms fx set EUR JPY RATE --date 2026-11-30" {
		t.Fatalf("EUR→JPY: %v", err)
	}
	if _, _, err := s.RateOn(ctx, "EUR", "USD", day(t, "2026-10-31")); !errors.Is(err, invoicing.ErrNoRate) {
		t.Fatalf("EUR→USD before the first rate: %v", err)
	}

	if _, err := s.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "EUR", Date: nov30, Rate: rate(t, "1")}); err == nil ||
		!strings.Contains(err.Error(), "EUR→EUR is always 1") {
		t.Fatalf("EUR→EUR: %v", err)
	}
	if _, err := s.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "USD", Date: nov30, Rate: rate(t, "1000000000000")}); err == nil ||
		!strings.Contains(err.Error(), "more than 12 digits before the decimal point") {
		t.Fatalf("a rate numeric(24,12) cannot hold: %v", err)
	}
	stock := invoicing.New(dbtest.LoginAs(t, owner, "stock"))
	if _, err := stock.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "GBP", Date: nov30, Rate: rate(t, "0.85")}); err == nil ||
		!strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("stock control sets a rate: %v", err)
	}
}

// TestImportRatesAllOrNothing: a file with one bad row stores nothing and names each bad line;
// the good file stores every rate and replaces those stored for the same pair and day.
func TestImportRatesAllOrNothing(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := invoicing.New(dbtest.LoginAs(t, owner, "backoffice"))
	nov30 := day(t, "2026-11-30")
	if _, err := s.SetRate(ctx, invoicing.FXEntry{Base: "EUR", Quote: "USD", Date: nov30, Rate: rate(t, "1.0801")}); err != nil {
		t.Fatal(err)
	}
	entries := []invoicing.FXEntry{
		{Line: 2, Base: "EUR", Quote: "USD", Date: nov30, Rate: rate(t, "1.0842"), Source: "ecb"},
		{Line: 3, Base: "EUR", Quote: "JPY", Date: nov30, Rate: rate(t, "160.5")},
		{Line: 4, Base: "EUR", Quote: "USD", Date: nov30, Rate: rate(t, "1.09")},
		{Line: 5, Base: "GBP", Quote: "GBP", Date: nov30, Rate: rate(t, "1")},
	}
	_, err := s.ImportRates(ctx, "fx.csv", entries)
	var bad *invoicing.RefusedError
	if !errors.As(err, &bad) || len(bad.Rows) != 2 ||
		bad.Rows[0].String() != "fx.csv:4: EUR→USD 2026-11-30 is on line 2 already" ||
		bad.Rows[1].String() != "fx.csv:5: GBP→GBP is always 1: an exchange rate needs two currencies" ||
		err.Error() != "fx.csv: 2 bad rows, nothing imported" {
		t.Fatalf("a bad file: %v %+v", err, bad)
	}
	if n := count(t, owner, "fx_rates"); n != 1 {
		t.Fatalf("%d rates after a refused file, want the 1 set before", n)
	}
	res, err := s.ImportRates(ctx, "fx.csv", entries[:2])
	if err != nil || res.Imported != 2 || res.Replaced != 1 {
		t.Fatalf("the good rows: %+v, %v", res, err)
	}
	if r, _, err := s.RateOn(ctx, "EUR", "USD", nov30); err != nil || r.String() != "1.0842" {
		t.Fatalf("EUR→USD after the import: %s, %v", r, err)
	}
}

// TestImportTaxRates: rates in percent stored exactly in ppm, a later rate closing the one in
// force, an unknown category and overlapping periods refusing the whole file, a replay changing
// nothing, and the rates in force on a day; stock control may not.
func TestImportTaxRates(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := invoicing.New(dbtest.LoginAs(t, owner, "backoffice"))
	rows := []invoicing.TaxRate{
		{Line: 2, Country: "NL", Category: "standard", RatePPM: 210000, ValidFrom: day(t, "2019-01-01"), Name: "BTW hoog"},
		{Line: 3, Country: "FR", Category: "reduced", RatePPM: 55000, ValidFrom: day(t, "2014-01-01")},
		{Line: 4, Country: "US", Region: "NY", Category: "standard", RatePPM: 88750, ValidFrom: day(t, "2020-01-01")},
	}
	res, err := s.ImportTaxRates(ctx, "tax.csv", rows)
	if err != nil || res.Imported != 3 || res.Closed != 0 {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	if res, err = s.ImportTaxRates(ctx, "tax.csv", rows); err != nil || res.Imported != 0 || res.Unchanged != 3 {
		t.Fatalf("replay: %+v, %v", res, err)
	}

	// A later NL rate closes the one in force; an unknown category and an overlap refuse the file.
	refusedRows := []invoicing.TaxRate{
		{Line: 2, Country: "NL", Category: "standard", RatePPM: 220000, ValidFrom: day(t, "2027-01-01")},
		{Line: 3, Country: "NL", Category: "luxury", RatePPM: 250000, ValidFrom: day(t, "2027-01-01")},
		{Line: 4, Country: "FR", Category: "reduced", RatePPM: 60000, ValidFrom: day(t, "2010-01-01"), ValidTo: day(t, "2015-01-01")},
	}
	_, err = s.ImportTaxRates(ctx, "tax2.csv", refusedRows)
	var bad *invoicing.RefusedError
	if !errors.As(err, &bad) || len(bad.Rows) != 1 || bad.Rows[0].String() !=
		`tax2.csv:3: tax category "luxury" does not exist: the categories are exempt, reduced, standard, zero` {
		t.Fatalf("unknown category: %v %+v", err, bad)
	}
	_, err = s.ImportTaxRates(ctx, "tax2.csv", []invoicing.TaxRate{refusedRows[0], refusedRows[2]})
	if !errors.As(err, &bad) || len(bad.Rows) != 1 || bad.Rows[0].String() !=
		"tax2.csv:4: FR reduced from 2010-01-01 to 2015-01-01 overlaps the rate of 5.5 % from 2014-01-01" {
		t.Fatalf("overlap: %v %+v", err, bad)
	}
	if n := count(t, owner, "tax_rates"); n != 3 {
		t.Fatalf("%d tax rates after refused files, want 3", n)
	}
	res, err = s.ImportTaxRates(ctx, "tax3.csv", refusedRows[:1])
	if err != nil || res.Imported != 1 || res.Closed != 1 {
		t.Fatalf("a later NL rate: %+v, %v", res, err)
	}
	var closedOn string
	if err := owner.Get(&closedOn, `SELECT to_char(valid_to, 'YYYY-MM-DD') FROM tax_rates WHERE country = 'NL' AND rate_ppm = 210000`); err != nil ||
		closedOn != "2027-01-01" {
		t.Fatalf("the 21 %% rate ends %q, %v; want 2027-01-01", closedOn, err)
	}
	// An earlier rate that ends on its own is fine and leaves the later one alone.
	if res, err = s.ImportTaxRates(ctx, "tax4.csv", []invoicing.TaxRate{
		{Line: 2, Country: "FR", Category: "reduced", RatePPM: 70000, ValidFrom: day(t, "2012-01-01"), ValidTo: day(t, "2014-01-01")},
	}); err != nil || res.Imported != 1 {
		t.Fatalf("an earlier closed rate: %+v, %v", res, err)
	}

	inForce, err := s.TaxRatesInForce(ctx, day(t, "2026-11-30"), "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range inForce {
		got = append(got, r.Country+"/"+r.Region+"/"+r.Category+"/"+model.FormatTaxPercent(r.RatePPM)+"/"+r.Name)
	}
	if want := "FR//reduced/5.5/Reduced rate NL//standard/21/BTW hoog US/NY/standard/8.875/Standard rate"; strings.Join(got, " ") != want {
		t.Fatalf("in force on 2026-11-30: %v\nwant %s", got, want)
	}
	if nl, err := s.TaxRatesInForce(ctx, day(t, "2027-01-01"), "NL"); err != nil || len(nl) != 1 || nl[0].RatePPM != 220000 {
		t.Fatalf("NL in 2027: %+v, %v", nl, err)
	}

	stock := invoicing.New(dbtest.LoginAs(t, owner, "stock"))
	if _, err := stock.ImportTaxRates(ctx, "tax.csv", []invoicing.TaxRate{
		{Line: 2, Country: "DE", Category: "standard", RatePPM: 190000, ValidFrom: day(t, "2021-01-01")},
	}); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("stock control imports tax rates: %v", err)
	}
}
