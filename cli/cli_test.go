package cli

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"oms/db/dbtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(asOMS) != "" {
		os.Exit(Execute(os.Args[1:]))
	}
	dbtest.Main(m)
}

// oms runs the command line in-process and returns its exit status and output.
func oms(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestUnreachableDatabaseIsOneSentenceAndExit1(t *testing.T) {
	for _, cmd := range []string{"check", "migrate", "seed"} {
		code, _, stderr := oms(t, cmd, "--db", "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=2")
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", cmd, code)
		}
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "cannot reach the database at 127.0.0.1:1/oms") ||
			!strings.Contains(lines[0], "is PostgreSQL running") {
			t.Errorf("%s: stderr %q, want one sentence naming the address and what to check", cmd, stderr)
		}
	}
}

func TestNoDatabaseConfiguredSuggestsDemo(t *testing.T) {
	for _, v := range []string{"OMS_DATABASE_URL", "DATABASE_URL", "PGHOST", "PGPORT"} {
		t.Setenv(v, "")
	}
	t.Setenv("PGHOST", "127.0.0.1")
	t.Setenv("PGPORT", "1") // nothing listens there, as on a machine with no server
	code, _, stderr := oms(t, "check")
	if code != 1 || !strings.Contains(stderr, "cannot reach the database at 127.0.0.1:1") || strings.Contains(stderr, "oms demo") {
		t.Fatalf("with PG* set: exit %d, %q", code, stderr)
	}
}

func TestUnmigratedDatabaseSaysRunMigrate(t *testing.T) {
	url := dbtest.EmptyURL(t)
	code, _, stderr := oms(t, "check", "--db", url)
	if code != 1 || !strings.Contains(stderr, "has no oms schema: run `oms migrate` first") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, stdout, stderr := oms(t, "migrate", "--db", url)
	if code != 0 || !strings.Contains(stdout, "applied 00001_schema.sql") {
		t.Fatalf("migrate: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = oms(t, "migrate", "--db", url)
	if code != 0 || !strings.Contains(stdout, "nothing to do") {
		t.Fatalf("second migrate: exit %d, stdout %q", code, stdout)
	}
}

func TestDatabaseURLFromEnvironment(t *testing.T) {
	url := dbtest.URL(t)
	t.Setenv("OMS_DATABASE_URL", url)
	t.Setenv("DATABASE_URL", "postgres://wrong@127.0.0.1:1/x?sslmode=disable")
	if code, stdout, stderr := oms(t, "check"); code != 0 || !strings.Contains(stdout, "all invariants hold") {
		t.Fatalf("OMS_DATABASE_URL should win over DATABASE_URL: exit %d\n%s%s", code, stdout, stderr)
	}
	t.Setenv("OMS_DATABASE_URL", "")
	t.Setenv("DATABASE_URL", url)
	if code, _, stderr := oms(t, "check"); code != 0 {
		t.Fatalf("DATABASE_URL: exit %d: %s", code, stderr)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	code, _, stderr := oms(t, "check", "--no-such-flag")
	if code != 2 || !strings.Contains(stderr, "unknown flag: --no-such-flag") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = oms(t, "seed", "--orders", "-5", "--db", "postgres://x@127.0.0.1:1/x")
	if code != 2 || !strings.Contains(stderr, "--orders must be from 13 to 10,000,000, not -5") {
		t.Fatalf("negative orders: exit %d, stderr %q", code, stderr)
	}
}

func TestHelpAndVersion(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"check", "--help"}, {"demo", "--help"}, {"seed", "--help"}} {
		if code, stdout, _ := oms(t, args...); code != 0 || !strings.Contains(stdout, "Usage:") {
			t.Errorf("%v: exit %d, output %q", args, code, stdout)
		}
	}
	if code, stdout, _ := oms(t, "version"); code != 0 || !strings.HasPrefix(stdout, "oms ") {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	if code, stdout, _ := oms(t, "completion", "bash"); code != 0 || !strings.Contains(stdout, "bash completion") {
		t.Errorf("completion: exit %d", code)
	}
}

func TestSeedThenCheckThenBreakByHand(t *testing.T) {
	url := dbtest.URL(t)
	code, stdout, stderr := oms(t, "seed", "--db", url, "--orders", "200", "--skus", "60")
	if code != 0 || !strings.Contains(stdout, "seeded 3 warehouses") || !strings.Contains(stdout, "200 orders") {
		t.Fatalf("seed: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := oms(t, "check", "--db", url); code != 0 || !strings.Contains(stdout, "all invariants hold") {
		t.Fatalf("check on seeded data: exit %d\n%s", code, stdout)
	}
	// What someone might do by hand in psql.
	d := dbtest.Open(t, url)
	var sku string
	if err := d.Get(&sku, `UPDATE stock_balances b SET on_hand = on_hand + 1 FROM products p
		WHERE p.id = b.product_id AND (b.location_id, b.product_id) = (SELECT location_id, product_id
		  FROM stock_balances WHERE NOT location_virtual ORDER BY 1, 2 LIMIT 1) RETURNING p.sku`); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = oms(t, "check", "--db", url)
	if code != 1 || !strings.Contains(stdout, "FAIL every balance in a real location equals the sum of its movements: 1 violation") ||
		!strings.Contains(stdout, sku) || !strings.Contains(stdout, "1 more than the ledger") {
		t.Fatalf("check after a hand edit: exit %d\n%s", code, stdout)
	}
	code, _, stderr = oms(t, "seed", "--db", url, "--orders", "20")
	if code != 1 || !strings.Contains(stderr, "already holds data") {
		t.Fatalf("seeding twice: exit %d, %q", code, stderr)
	}
}
