package cli

import (
	"os"
	"strings"
	"testing"
)

// omsOK runs the command line, insists on exit 0 and returns its standard output.
func omsOK(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := oms(t, args...)
	if code != 0 {
		t.Fatalf("oms %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// TestFXSetShowAndReplace: the back office sets a rate, reads it back for that day and a later
// one, corrects it (the answer says what it was), and reads the other direction as the exact
// inverse; a pair with no rate is one sentence that says how to set one; stock control may not
// set rates.
func TestFXSetShowAndReplace(t *testing.T) {
	_, urls := catalogWorld(t, "backoffice", "stock")
	bo := urls["backoffice"]
	if out := omsOK(t, "fx", "set", "EUR", "USD", "1.0801", "--date", "2026-11-30", "--db", bo); out != "EUR→USD 2026-11-30: 1.0801\n" {
		t.Fatalf("set: %q", out)
	}
	if out := omsOK(t, "fx", "set", "eur", "usd", "1.0842", "--date", "2026-11-30", "--source", "ecb", "--db", bo); out != "EUR→USD 2026-11-30: 1.0842 (was 1.0801)\n" {
		t.Fatalf("set again: %q", out)
	}
	if out := omsOK(t, "fx", "set", "EUR", "USD", "1.084200", "--date", "2026-11-30", "--source", "ecb", "--db", bo); out != "EUR→USD 2026-11-30: 1.0842 (unchanged)\n" {
		t.Fatalf("set the same again: %q", out)
	}
	if out := omsOK(t, "fx", "show", "EUR", "USD", "--date", "2026-11-30", "--db", bo); out != "EUR→USD 2026-11-30: 1.0842, the rate of 2026-11-30 (ecb)\n" {
		t.Fatalf("show: %q", out)
	}
	if out := omsOK(t, "fx", "get", "EUR", "USD", "--date", "2026-12-24", "--db", bo); out != "EUR→USD 2026-12-24: 1.0842, the rate of 2026-11-30 (ecb)\n" {
		t.Fatalf("show a later day: %q", out)
	}
	// Only EUR→USD is stored: USD→EUR is its exact inverse.
	if out := omsOK(t, "fx", "show", "USD", "EUR", "--date", "2026-12-01", "--db", urls["stock"]); out !=
		"USD→EUR 2026-12-01: 1/1.0842 ≈ 0.922339051835, the inverse of EUR→USD 1.0842 of 2026-11-30 (ecb)\n" {
		t.Fatalf("show the inverse: %q", out)
	}
	omsOK(t, "fx", "set", "GBP", "EUR", "0.8", "--date", "2026-11-30", "--db", bo)
	if out := omsOK(t, "fx", "show", "EUR", "GBP", "--date", "2026-11-30", "--db", bo); out !=
		"EUR→GBP 2026-11-30: 1.25 = 1/0.8, the inverse of GBP→EUR 0.8 of 2026-11-30 (manual)\n" {
		t.Fatalf("show an inverse with an exact decimal: %q", out)
	}

	code, stdout, stderr := oms(t, "fx", "show", "EUR", "JPY", "--date", "2026-11-30", "--db", bo)
	if code != 1 || stdout != "" || stderr != "oms: no EUR→JPY rate on or before 2026-11-30: set one with oms fx set EUR JPY RATE --date 2026-11-30\n" {
		t.Fatalf("a missing rate: exit %d, %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = oms(t, "fx", "show", "EUR", "USD", "--date", "2026-11-29", "--db", bo)
	if code != 1 || !strings.Contains(stderr, "no EUR→USD rate on or before 2026-11-29") {
		t.Fatalf("before the first rate: exit %d, %q %q", code, stdout, stderr)
	}
	code, _, stderr = oms(t, "fx", "set", "EUR", "CHF", "0.93", "--date", "2026-11-30", "--db", urls["stock"])
	if code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("stock control sets a rate: exit %d\n%s", code, stderr)
	}
	// Without --date the rate is today's (UTC), and show finds it today.
	omsOK(t, "fx", "set", "EUR", "SEK", "11.5", "--db", bo)
	if out := omsOK(t, "fx", "show", "EUR", "SEK", "--db", bo); !strings.HasPrefix(out, "EUR→SEK "+todayUTC().Format("2006-01-02")+": 11.5, the rate of ") {
		t.Fatalf("today's rate: %q", out)
	}
}

// TestFXUsageMistakesExit2: an unknown currency, a rate that is not an exact decimal, a bad date
// and one currency on both sides are said in one sentence before the database is asked.
func TestFXUsageMistakesExit2(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"fx"}, "oms: say what to do: oms fx set, import or show"},
		{[]string{"fx", "set", "EUR", "USD"}, "oms: oms fx set needs RATE"},
		{[]string{"fx", "set", "EUR", "XAU", "1.5"}, `oms: unknown currency "XAU": the currencies are AUD, BHD`},
		{[]string{"fx", "set", "EUR", "USD", "1,08"}, `oms: rate "1,08": only digits and one decimal point are allowed`},
		{[]string{"fx", "set", "EUR", "USD", "1.0000000000001"}, `oms: rate "1.0000000000001": more than 12 decimals`},
		{[]string{"fx", "set", "EUR", "USD", "1.08", "--date", "30-11-2026"}, `oms: --date "30-11-2026" is not a date`},
		{[]string{"fx", "set", "EUR", "EUR", "1"}, "oms: EUR→EUR is always 1"},
		{[]string{"fx", "show", "EUR"}, "oms: oms fx show needs QUOTE"},
		{[]string{"fx", "import", "/nonexistent/fx.csv"}, "oms: cannot read /nonexistent/fx.csv"},
	} {
		code, stdout, stderr := oms(t, append(tt.args, "--db", unreachable)...)
		if code != 2 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tt.args, code, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
	noRate := writeFile(t, "fx.csv", "base,quote,date\nEUR,USD,2026-11-30\n")
	code, _, stderr := oms(t, "fx", "import", noRate, "--db", unreachable)
	if code != 2 {
		t.Errorf("a file without a rate column: exit %d", code)
	}
	oneLine(t, "no rate column", stderr, "oms: "+noRate+": a rates file needs the column rate in its header")
}

// TestFXImport: a file with bad rows stores nothing and names every bad line; the good file
// (columns in any order, a byte-order mark, CRLF, an extra column) stores every rate and says
// how many, last; standard input reads as "-".
func TestFXImport(t *testing.T) {
	owner, urls := catalogWorld(t, "backoffice")
	bo := urls["backoffice"]
	omsOK(t, "fx", "set", "EUR", "USD", "1.0801", "--date", "2026-11-30", "--db", bo)

	bad := writeFile(t, "bad.csv", "base,quote,date,rate,source\n"+
		"EUR,GBP,2026-11-30,0.8512,ecb\n"+
		"EUR,XAU,2026-11-30,0.0004,ecb\n"+
		"EUR,JPY,30/11/2026,160.5,ecb\n"+
		"EUR,CHF,2026-11-30,0.93.1,ecb\n"+
		"EUR,GBP,2026-11-30,0.8513,ecb\n"+
		"EUR,USD,2026-11-30,-1,ecb\n")
	code, stdout, stderr := oms(t, "fx", "import", bad, "--db", bo)
	want := bad + ":3: quote XAU is not a currency oms knows\n" +
		bad + ":4: date \"30/11/2026\" is not a date written YYYY-MM-DD\n" +
		bad + ":5: rate \"0.93.1\": only digits and one decimal point are allowed\n" +
		bad + ":7: rate \"-1\": only digits and one decimal point are allowed\n" +
		"oms: " + bad + ": 4 bad rows, nothing imported\n"
	if code != 1 || stdout != "" || stderr != want {
		t.Fatalf("a bad file: exit %d, stdout %q\nstderr\n%s\nwant\n%s", code, stdout, stderr, want)
	}
	// Rows that read well but clash with each other are refused by the import, the same way.
	dup := writeFile(t, "dup.csv", "base,quote,date,rate\nEUR,GBP,2026-11-30,0.8512\nEUR,GBP,2026-11-30,0.8513\n")
	code, stdout, stderr = oms(t, "fx", "import", dup, "--db", bo)
	if code != 1 || stdout != "" || stderr != dup+":3: EUR→GBP 2026-11-30 is on line 2 already\noms: "+dup+": 1 bad row, nothing imported\n" {
		t.Fatalf("the same pair and date twice: exit %d, %q\n%s", code, stdout, stderr)
	}
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM fx_rates`); err != nil || n != 1 {
		t.Fatalf("%d rates after refused files (%v), want the 1 set before", n, err)
	}

	good := writeFile(t, "good.csv", "\ufeffnote,rate,date,quote,base,source\r\n"+
		"x,0.8512,2026-11-30,GBP,EUR,ecb\r\n"+
		",160.5,2026-11-30,JPY,EUR,ecb\r\n"+
		",1.0842,2026-11-30,USD,EUR,ecb\r\n")
	stdout = omsOK(t, "fx", "import", good, "--db", bo)
	if stdout != "1 of them replaced a stored rate of the same pair and date\nimported 3 rates\n" {
		t.Fatalf("the good file: %q", stdout)
	}
	if out := omsOK(t, "fx", "show", "EUR", "USD", "--date", "2026-11-30", "--db", bo); out != "EUR→USD 2026-11-30: 1.0842, the rate of 2026-11-30 (ecb)\n" {
		t.Fatalf("after the import: %q", out)
	}
	if out := omsOK(t, "fx", "show", "JPY", "EUR", "--date", "2026-12-01", "--db", bo); out !=
		"JPY→EUR 2026-12-01: 1/160.5 ≈ 0.006230529595, the inverse of EUR→JPY 160.5 of 2026-11-30 (ecb)\n" {
		t.Fatalf("JPY→EUR: %q", out)
	}

	in := writeFile(t, "in.csv", "base,quote,date,rate\nEUR,DKK,2026-11-30,7.4601\n")
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stdin
	os.Stdin = f
	code, stdout, stderr = oms(t, "fx", "import", "-", "--db", bo)
	os.Stdin = saved
	if code != 0 || stdout != "imported 1 rate\n" {
		t.Fatalf("from standard input: exit %d, %q\n%s", code, stdout, stderr)
	}
}
