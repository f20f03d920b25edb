package cli

import (
	"strings"
	"testing"

	"oms/db/dbtest"
)

// oms init on an empty, migrated database: once as the admin, the same again changes nothing,
// another company exits 1 naming the one there is; codes in any case.
func TestInitSetsTheCompanyUpOnce(t *testing.T) {
	owner := dbtest.New(t)
	_, adminURL := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"admin"}})
	code, stdout, stderr := oms(t, "init", "--db", adminURL, "--company", "Jansen Trading B.V.", "--country", "nl", "--currency", "eur")
	if code != 0 || stdout != "set up for Jansen Trading B.V. (NL, EUR); next: oms catalog import warehouses FILE.csv\n" || stderr != "" {
		t.Fatalf("first init: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = oms(t, "init", "--db", adminURL, "--company", "Jansen Trading B.V.", "--country", "NL", "--currency", "EUR")
	if code != 0 || !strings.HasPrefix(stdout, "already set up for Jansen Trading B.V. (NL, EUR); nothing changed") {
		t.Fatalf("the same again: exit %d, stdout %q", code, stdout)
	}
	code, stdout, stderr = oms(t, "init", "--db", adminURL, "--company", "Smith Ltd", "--country", "GB", "--currency", "GBP")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "set up for another company: Jansen Trading B.V. (NL, EUR)") {
		t.Fatalf("another company: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	var name string
	if err := owner.Get(&name, `SELECT name FROM company`); err != nil || name != "Jansen Trading B.V." {
		t.Fatalf("company row: %q, %v", name, err)
	}
}

func TestInitUsageMistakesExit2(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"init"}, "oms: --company, --country and --currency are all required"},
		{[]string{"init", "--company", "X", "--country", "XX", "--currency", "EUR"}, "oms: --country XX is not an ISO 3166 country code"},
		{[]string{"init", "--company", "X", "--country", "NL", "--currency", "EURO"}, "oms: --currency EURO is not an ISO 4217 code"},
	} {
		code, stdout, stderr := oms(t, append(tt.args, "--db", unreachable)...)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tt.args, code, stderr, tt.want)
		}
	}
	// The currency is checked against the database's list.
	code, _, stderr := oms(t, "init", "--db", dbtest.URL(t), "--company", "X", "--country", "NL", "--currency", "XYZ")
	if code != 1 || !strings.Contains(stderr, "currency XYZ is not one the database knows") {
		t.Errorf("unknown currency: exit %d, stderr %q", code, stderr)
	}
}
