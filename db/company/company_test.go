package company_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"oms/db/company"
	"oms/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var jansen = company.Company{Name: "Jansen Trading B.V.", Country: "NL", Currency: "EUR"}

// An admin sets the company up once; the same again changes nothing, another is refused with
// the one there is named.
func TestInitOnceAndOnlyOnce(t *testing.T) {
	owner := dbtest.New(t)
	admin := company.New(dbtest.LoginAs(t, owner, "admin"))
	ctx := context.Background()
	if _, ok, err := admin.Get(ctx); ok || err != nil {
		t.Fatalf("a fresh database has a company: %v, %v", ok, err)
	}
	created, err := admin.Init(ctx, jansen)
	if err != nil || !created {
		t.Fatalf("first init: %v, %v", created, err)
	}
	if created, err := admin.Init(ctx, jansen); err != nil || created {
		t.Fatalf("the same again: created %v, %v", created, err)
	}
	other := company.Company{Name: "Smith Ltd", Country: "GB", Currency: "GBP"}
	_, err = admin.Init(ctx, other)
	if !errors.Is(err, company.ErrAlreadyOther) || !strings.Contains(err.Error(), "Jansen Trading B.V. (NL, EUR)") {
		t.Fatalf("another company: %v", err)
	}
	got, ok, err := admin.Get(ctx)
	if !ok || err != nil || got != jansen {
		t.Fatalf("Get = %v, %v, %v", got, ok, err)
	}
}

// The currency must be one the database knows; the refusal says which.
func TestInitRefusesAnUnknownCurrency(t *testing.T) {
	owner := dbtest.New(t)
	_, err := company.New(owner).Init(context.Background(), company.Company{Name: "X", Country: "NL", Currency: "XYZ"})
	if err == nil || !strings.Contains(err.Error(), "currency XYZ is not one the database knows") {
		t.Fatalf("unknown currency: %v", err)
	}
}

// Setting up the company is the admin's: the back office may read it, not create it.
func TestOnlyAnAdminSetsTheCompanyUp(t *testing.T) {
	owner := dbtest.New(t)
	_, err := company.New(dbtest.LoginAs(t, owner, "backoffice")).Init(context.Background(), jansen)
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("a back-office clerk set the company up: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// The admin sets the address and tax settings a few at a time; each change leaves the others
// as they were, and Profile reads everything back.
func TestUpdateChangesOnlyWhatIsGiven(t *testing.T) {
	owner := dbtest.New(t)
	admin := company.New(dbtest.LoginAs(t, owner, "admin"))
	ctx := context.Background()
	if _, err := admin.Init(ctx, jansen); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Update(ctx, company.Changes{VATNumber: ptr("nl 1234.567.89 b01"), OSSRegistered: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	p, err := admin.Update(ctx, company.Changes{Line1: ptr(" Wijnhaven 3 "), PostalCode: ptr("3011 WG"), City: ptr("Rotterdam"),
		Phone: ptr("+31 10 123 4567"), Email: ptr("invoices@jansen.example")})
	if err != nil {
		t.Fatal(err)
	}
	want := company.Profile{Company: jansen,
		Address:     company.Address{Line1: "Wijnhaven 3", PostalCode: "3011 WG", City: "Rotterdam", Phone: "+31 10 123 4567", Email: "invoices@jansen.example"},
		TaxSettings: company.TaxSettings{VATNumber: "NL123456789B01", Rounding: company.RoundPerLine, OSSRegistered: true}}
	if p != want {
		t.Fatalf("Update returned %+v, want %+v", p, want)
	}
	got, ok, err := admin.Profile(ctx)
	if !ok || err != nil || got != want {
		t.Fatalf("Profile = %+v, %v, %v", got, ok, err)
	}
	// SetTaxSettings sets all four tax settings and leaves the address alone.
	if err := admin.SetTaxSettings(ctx, company.TaxSettings{Rounding: company.RoundPerInvoice}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = admin.Profile(ctx)
	want.TaxSettings = company.TaxSettings{Rounding: company.RoundPerInvoice}
	if got != want {
		t.Fatalf("after SetTaxSettings: %+v", got)
	}
}

// A VAT number that is not well formed, or of another country, is refused and nothing changes;
// so is an address the database cannot print, with the rule said; a back-office clerk is
// refused by the database itself.
func TestUpdateRefusals(t *testing.T) {
	owner := dbtest.New(t)
	admin := company.New(dbtest.LoginAs(t, owner, "admin"))
	ctx := context.Background()
	if _, err := admin.Init(ctx, jansen); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		c    company.Changes
		want string
	}{
		{company.Changes{VATNumber: ptr("NL12345"), City: ptr("Rotterdam"), Line1: ptr("Wijnhaven 3")}, "invalid VAT number"},
		{company.Changes{VATNumber: ptr("DE123456789")}, "VAT number DE123456789 is from DE, but the company is established in NL"},
		{company.Changes{Rounding: ptr(company.TaxRounding("order"))}, `tax rounding "order": choose line or invoice`},
		{company.Changes{Email: ptr("invoices at jansen")}, "an e-mail address looks like invoices@example.com"},
		{company.Changes{Phone: ptr("call us")}, "a phone number is digits"},
		{company.Changes{City: ptr("Rotterdam")}, "an address has both a first line and a city"},
		{company.Changes{Line1: ptr("Wijnhaven 3\nRotterdam"), City: ptr("Rotterdam")}, "an address line is one line"},
	} {
		_, err := admin.Update(ctx, tt.c)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.c, err, tt.want)
		}
	}
	got, _, err := admin.Profile(ctx)
	if err != nil || got != (company.Profile{Company: jansen, TaxSettings: company.TaxSettings{Rounding: company.RoundPerLine}}) {
		t.Fatalf("a refusal changed the company: %+v, %v", got, err)
	}
	clerk := company.New(dbtest.LoginAs(t, owner, "backoffice"))
	for _, c := range []company.Changes{{City: ptr("Delft"), Line1: ptr("Markt 1")}, {VATNumber: ptr("NL123456789B01")}, {OSSRegistered: ptr(true)}} {
		if _, err := clerk.Update(ctx, c); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("a back-office clerk changed the company (%+v): %v", c, err)
		}
	}
	// A British company may hold a Northern Ireland number.
	gb := company.New(dbtest.New(t))
	if _, err := gb.Init(ctx, company.Company{Name: "Smith Ltd", Country: "GB", Currency: "GBP"}); err != nil {
		t.Fatal(err)
	}
	if _, err := gb.Update(ctx, company.Changes{VATNumber: ptr("XI123456789")}); err != nil {
		t.Fatalf("GB company, XI number: %v", err)
	}
}

// The back office records a business customer's VAT number by channel and the channel's id;
// the same again is unchanged, a malformed one and an unknown customer are refused, "" removes.
func TestSetCustomerVATNumber(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	if _, err := owner.Exec(`
		INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web', 'webshop', 'EUR');
		INSERT INTO customers (channel_id, external_id, name, country, currency)
		SELECT id, 'C-42', 'Müller GmbH', 'DE', 'EUR' FROM channels WHERE code = 'web'`); err != nil {
		t.Fatal(err)
	}
	bo := company.New(dbtest.LoginAs(t, owner, "backoffice"))
	c, err := bo.SetCustomerVATNumber(ctx, "WEB", "C-42", "de 123 456 789")
	if err != nil || c != (company.CustomerVAT{Name: "Müller GmbH", Country: "DE", VATNumber: "DE123456789"}) {
		t.Fatalf("set: %+v, %v", c, err)
	}
	if c, err = bo.SetCustomerVATNumber(ctx, "web", "C-42", "DE123456789"); err != nil || c.Was != "DE123456789" {
		t.Fatalf("the same again: %+v, %v", c, err)
	}
	if _, err := bo.SetCustomerVATNumber(ctx, "web", "C-42", "DE12"); err == nil || !strings.Contains(err.Error(), "invalid VAT number") {
		t.Fatalf("malformed: %v", err)
	}
	if _, err := bo.SetCustomerVATNumber(ctx, "web", "C-43", "DE123456789"); !errors.Is(err, company.ErrNoCustomer) ||
		!strings.Contains(err.Error(), "channel web has no customer C-43") {
		t.Fatalf("unknown customer: %v", err)
	}
	if _, err := company.New(dbtest.LoginAs(t, owner, "picker")).SetCustomerVATNumber(ctx, "web", "C-42", ""); err == nil ||
		!strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("a picker changed a customer: %v", err)
	}
	if c, err = bo.SetCustomerVATNumber(ctx, "web", "C-42", ""); err != nil || c.VATNumber != "" || c.Was != "DE123456789" {
		t.Fatalf("remove: %+v, %v", c, err)
	}
	var vat string
	if err := owner.Get(&vat, `SELECT vat_number FROM customers WHERE external_id = 'C-42'`); err != nil || vat != "" {
		t.Fatalf("stored %q, %v", vat, err)
	}
}
