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
