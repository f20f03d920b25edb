package cli

import (
	"strings"
	"testing"
)

// TestTaxImportAndList: the back office imports rates written as percentages (21, 5.5, 8.875)
// and they are stored exactly in ppm; a file with an unknown category or a rate finer than a
// ppm stores nothing and names the lines; a later rate closes the one in force; a replay changes
// nothing; oms tax list prints what is in force; stock control may not import.
func TestTaxImportAndList(t *testing.T) {
	owner, urls := catalogWorld(t, "backoffice", "stock")
	bo := urls["backoffice"]
	file := writeFile(t, "tax.csv", "country,region,category,rate,valid from,valid to,name\n"+
		"NL,,standard,21,2019-01-01,,BTW hoog\n"+
		"FR,,reduced,5.5,2014-01-01,,TVA réduite\n"+
		"US,NY,standard,8.875,2020-01-01,,\n"+
		"DE,,standard,19,2007-01-01,2020-07-01,\n")
	if out := omsOK(t, "tax", "import", file, "--db", bo); out != "imported 4 rates\n" {
		t.Fatalf("import: %q", out)
	}
	var stored []string
	if err := owner.Select(&stored, `SELECT country || region || ' ' || tax_category || ' ' || rate_ppm || ' ' || name
		FROM tax_rates ORDER BY country`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(stored, "; "); got != "DE standard 190000 Standard rate; FR reduced 55000 TVA réduite; "+
		"NL standard 210000 BTW hoog; USNY standard 88750 Standard rate" {
		t.Fatalf("stored: %s", got)
	}
	if out := omsOK(t, "tax", "import", file, "--db", bo); out != "4 unchanged (stored already)\nimported 0 rates\n" {
		t.Fatalf("replay: %q", out)
	}

	bad := writeFile(t, "bad.csv", "country,region,category,rate,valid_from\n"+
		"NL,,standard,22,2027-01-01\n"+
		"NL,,luxury,25,2027-01-01\n"+
		"NL,,reduced,5.55555,2027-01-01\n"+
		"NL,,reduced,101,2027-01-01\n")
	code, stdout, stderr := oms(t, "tax", "import", bad, "--db", bo)
	want := bad + ":4: rate \"5.55555\": more than 4 decimals (tax rates are kept in parts per million)\n" +
		bad + ":5: rate \"101\": a tax rate is 0 to 100 %\n" +
		"oms: " + bad + ": 2 bad rows, nothing imported\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Fatalf("a bad file: exit %d, %q\nstderr\n%s\nwant\n%s", code, stdout, stderr, want)
	}
	unknown := writeFile(t, "unknown.csv", "country,region,category,rate,valid_from\n"+
		"NL,,standard,22,2027-01-01\n"+
		"NL,,luxury,25,2027-01-01\n")
	code, stdout, stderr = oms(t, "tax", "import", unknown, "--db", bo)
	if code != 1 || stdout != "" || stderr != unknown+":3: tax category \"luxury\" does not exist: the categories are exempt, reduced, standard, zero\n"+
		"oms: "+unknown+": 1 bad row, nothing imported\n" {
		t.Fatalf("an unknown category: exit %d, %q\n%s", code, stdout, stderr)
	}
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM tax_rates`); err != nil || n != 4 {
		t.Fatalf("%d tax rates after refused files (%v), want 4", n, err)
	}

	later := writeFile(t, "later.csv", "country,region,category,rate,valid_from\nNL,,standard,22,2027-01-01\n")
	if out := omsOK(t, "tax", "import", later, "--db", bo); out != "closed 1 rate that a later rate follows\nimported 1 rate\n" {
		t.Fatalf("a later rate: %q", out)
	}
	if out := omsOK(t, "tax", "list", "--date", "2026-11-30", "--db", urls["stock"]); out !=
		"country  region  category  rate     valid from  valid to    name\n"+
			"FR               reduced   5.5 %    2014-01-01              TVA réduite\n"+
			"NL               standard  21 %     2019-01-01  2027-01-01  BTW hoog\n"+
			"US       NY      standard  8.875 %  2020-01-01              Standard rate\n" {
		t.Fatalf("list on 2026-11-30:\n%s", out)
	}
	if out := omsOK(t, "tax", "list", "--country", "nl", "--date", "2027-03-01", "--db", bo); !strings.Contains(out, "NL               standard  22 %") ||
		strings.Count(out, "\n") != 2 {
		t.Fatalf("list NL in 2027:\n%s", out)
	}
	if out := omsOK(t, "tax", "list", "--country", "BE", "--db", bo); !strings.HasPrefix(out, "no tax rates in force for BE on ") {
		t.Fatalf("list BE: %q", out)
	}
	if out := omsOK(t, "tax", "list", "--db", bo); !strings.Contains(out, "NL               standard  21 %") {
		t.Fatalf("list today:\n%s", out)
	}

	other := writeFile(t, "other.csv", "country,region,category,rate,valid_from\nBE,,standard,21,1996-01-01\n")
	code, _, stderr = oms(t, "tax", "import", other, "--db", urls["stock"])
	if code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("stock control imports tax rates: exit %d\n%s", code, stderr)
	}
}

// TestTaxUsageMistakesExit2: a missing column and a bad --country are usage mistakes.
func TestTaxUsageMistakesExit2(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	noFrom := writeFile(t, "t.csv", "country,region,category,rate\nNL,,standard,21\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"tax"}, "oms: say what to do: oms tax import or list"},
		{[]string{"tax", "import"}, "oms: oms tax import needs FILE.csv"},
		{[]string{"tax", "import", noFrom}, "oms: " + noFrom + ": a tax rates file needs the column valid_from in its header"},
		{[]string{"tax", "list", "--country", "NLD"}, `oms: --country "NLD" is not an ISO 3166 code`},
	} {
		code, stdout, stderr := oms(t, append(tt.args, "--db", unreachable)...)
		if code != 2 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tt.args, code, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
}
