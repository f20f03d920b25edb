package cli

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/seed"
)

// oneLine fails unless stderr is exactly one line starting with want.
func oneLine(t *testing.T, what, stderr, want string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], want) {
		t.Errorf("%s: stderr %q, want one line starting %q", what, stderr, want)
	}
}

// Every out-of-range flag of every command is a usage mistake: exit 2, before anything is
// started, one sentence naming the flag and what it allows. --orders 0 used to seed 2,000.
func TestOutOfRangeFlagsAreUsageMistakes(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"seed", "--orders", "0"}, "oms: --orders must be from 13 to 10,000,000, not 0"},
		{[]string{"seed", "--orders", "11"}, "oms: --orders must be from 13 to 10,000,000, not 11"},
		{[]string{"seed", "--orders", "-5"}, "oms: --orders must be from 13 to 10,000,000, not -5"},
		{[]string{"seed", "--orders", "10000001"}, "oms: --orders must be from 13 to 10,000,000, not 10,000,001"},
		{[]string{"seed", "--skus", "0"}, "oms: --skus must be at least 50, not 0"},
		{[]string{"seed", "--skus", "49"}, "oms: --skus must be at least 50, not 49"},
		{[]string{"seed", "--warehouses", "0"}, "oms: --warehouses must be from 3 to 8, not 0"},
		{[]string{"seed", "--warehouses", "9"}, "oms: --warehouses must be from 3 to 8, not 9"},
		{[]string{"seed", "--seed", "0"}, "oms: --seed cannot be 0"},
		{[]string{"demo", "--orders", "0"}, "oms: --orders must be from 13 to 10,000,000, not 0"},
		{[]string{"demo", "--no-tui", "--warehouses", "2"}, "oms: --warehouses must be from 3 to 8, not 2"},
		{[]string{"check", "--limit", "-1"}, "oms: --limit must be 0 (show all) or more, not -1"},
	}
	for _, tt := range tests {
		args := tt.args
		if args[0] != "demo" {
			args = append(args, "--db", unreachable) // refused before the database is asked
		}
		code, stdout, stderr := oms(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", tt.args, code)
		}
		if stdout != "" {
			t.Errorf("%v: stdout %q", tt.args, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
}

// The limits the command line enforces are the seeder's own: at each limit the seeder goes on
// (to find this database empty of a schema), one past it the seeder refuses too.
func TestSeedFlagLimitsAreTheSeedersOwn(t *testing.T) {
	d := dbtest.Open(t, dbtest.EmptyURL(t))
	ok := seed.Options{Orders: minOrders, SKUs: minSKUs, Warehouses: minWarehouses, Seed: 1}
	for _, tt := range []struct {
		name        string
		at, outside func(*seed.Options)
	}{
		{"--orders min", func(o *seed.Options) { o.Orders = minOrders }, func(o *seed.Options) { o.Orders = minOrders - 1 }},
		{"--orders max", func(o *seed.Options) { o.Orders = maxOrders }, func(o *seed.Options) { o.Orders = maxOrders + 1 }},
		{"--skus min", func(o *seed.Options) { o.SKUs = minSKUs }, func(o *seed.Options) { o.SKUs = minSKUs - 1 }},
		{"--warehouses min", func(o *seed.Options) { o.Warehouses = minWarehouses }, func(o *seed.Options) { o.Warehouses = minWarehouses - 1 }},
		{"--warehouses max", func(o *seed.Options) { o.Warehouses = maxWarehouses }, func(o *seed.Options) { o.Warehouses = maxWarehouses + 1 }},
	} {
		at, outside := ok, ok
		tt.at(&at)
		tt.outside(&outside)
		if err := checkSeedFlags(at); err != nil {
			t.Errorf("%s: the command line refuses %+v: %v", tt.name, at, err)
		}
		var noSchema *db.SchemaError
		if _, err := seed.Run(context.Background(), d, at, nil); !errors.As(err, &noSchema) {
			t.Errorf("%s: the seeder refuses %+v: %v", tt.name, at, err)
		}
		if err := checkSeedFlags(outside); err == nil {
			t.Errorf("%s: the command line accepts %+v", tt.name, outside)
		}
		if _, err := seed.Run(context.Background(), d, outside, nil); err == nil || errors.As(err, &noSchema) {
			t.Errorf("%s: the seeder accepts %+v: %v", tt.name, outside, err)
		}
	}
}

// An empty --db (`--db ""`) said both "cannot reach the database at localhost:5432, is --db
// right?" and "no database is configured". It is a usage mistake, said once.
func TestEmptyDBFlagIsOneTrueSentence(t *testing.T) {
	for _, cmd := range [][]string{{"check"}, {"migrate"}, {"seed"}, {}} {
		code, stdout, stderr := oms(t, append(cmd, "--db", "")...)
		if code != 2 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q", cmd, code, stdout)
		}
		oneLine(t, strings.Join(cmd, " "), stderr, "oms: --db is empty: give the database's address")
	}
}

// With nothing configured at all, one sentence says so, what was tried, and how to go on.
func TestNothingConfiguredIsOneSentence(t *testing.T) {
	for _, v := range []string{"OMS_DATABASE_URL", "DATABASE_URL", "PGHOST", "PGHOSTADDR", "PGPORT", "PGSERVICE"} {
		t.Setenv(v, "") // restored afterwards
		os.Unsetenv(v)
	}
	probe, err := db.Open(context.Background(), db.Config{})
	var ue *db.UnreachableError
	if !errors.As(err, &ue) {
		if probe != nil {
			probe.Close()
		}
		// The test harness's own servers listen on random ports; a server at libpq's default
		// address would make this test prove nothing, so it fails rather than skips.
		t.Fatalf("this test needs nothing answering at libpq's default address localhost:5432, but: %v", err)
	}
	code, _, stderr := oms(t, "check")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	oneLine(t, "check", stderr, "oms: no database is configured (and none answers at localhost:5432, libpq's default")
	if !strings.Contains(stderr, "run `oms demo`") || strings.Contains(stderr, "is --db") {
		t.Errorf("stderr %q", stderr)
	}
}

// A database address that cannot be read is a usage mistake said as one sentence about the
// address: which part is wrong, in words, never lib/pq's or net/url's own text
// (strconv.ParseUint, parse "postgres://…") and never any part of the password.
func TestBadAddressesSayWhichPartIsWrong(t *testing.T) {
	const secret = "s3cr3tPW"
	tests := []struct{ addr, want string }{
		{"postgres://me:" + secret + "@dbhost:x/oms", `the port in the database address given to --db is "x"; a port is a number from 1 to 65535`},
		{"postgres://me:" + secret + "@dbhost:99999/oms", `the port in the database address given to --db is "99999"; a port is a number from 1 to 65535`},
		{"postgres://me:" + secret + "@dbhost:0/oms", `the port in the database address given to --db is 0`},
		{"host=dbhost port=x password=" + secret, `the port in the database address given to --db is "x"`},
		{"postgres://me:" + secret + "@dbhost/oms?connect_timeout=soon", `the setting connect_timeout in the database address given to --db is "soon"; it is a whole number of seconds`},
		{"postgres://me:" + secret + "@dbhost/oms?sslmode=maybe", `the setting sslmode in the database address given to --db is not valid: "maybe" is not supported`},
		{"postgres://me:" + secret[:4] + " " + secret[4:] + "@dbhost/oms", `the user name or password in the database address given to --db has a character that must be percent-encoded`},
		{"postgres://me:" + secret + "%zz@dbhost/oms", `the user name or password in the database address given to --db has a character that must be percent-encoded`},
		{"postgres://me:" + secret + "#1@dbhost/oms", `the user name or password in the database address given to --db has a character that must be percent-encoded`},
		{"postgres://me:" + secret + "@[::1/oms", `the host in the database address given to --db is not valid`},
		{"postgres://me:" + secret + "@dbhost/o%zz", `the database address given to --db has "%zz", which is not a percent-escape`},
		{"mysql://me:" + secret + "@dbhost/oms", `the database address given to --db starts with mysql://, but oms needs postgres://`},
		{"password=" + secret[:4] + " " + secret[4:] + " host=dbhost", `the database address given to --db is neither a postgres:// URL nor libpq key=value settings`},
		{"host=dbhost password='" + secret, `a quoted value in the database address given to --db has no closing quote`},
	}
	for _, tt := range tests {
		code, stdout, stderr := oms(t, "check", "--db", tt.addr)
		if code != 2 || stdout != "" {
			t.Errorf("%s: exit %d, stdout %q", tt.addr, code, stdout)
		}
		oneLine(t, tt.addr, stderr, "oms: "+tt.want)
		for _, leak := range []string{secret[:4], secret[4:], "strconv", "parse \"", "pq:"} {
			if strings.Contains(stderr, leak) {
				t.Errorf("%s: stderr %q contains %q", tt.addr, stderr, leak)
			}
		}
	}
	// From the environment, the message names the variable.
	t.Setenv("OMS_DATABASE_URL", "postgres://me:"+secret+"@dbhost:x/oms")
	code, _, stderr := oms(t, "check")
	if code != 2 {
		t.Errorf("OMS_DATABASE_URL: exit %d", code)
	}
	oneLine(t, "OMS_DATABASE_URL", stderr, `oms: the port in the database address in OMS_DATABASE_URL is "x"`)
	t.Setenv("OMS_DATABASE_URL", "")
	t.Setenv("PGPORT", "x")
	code, _, stderr = oms(t, "check")
	if code != 2 {
		t.Errorf("PGPORT: exit %d", code)
	}
	oneLine(t, "PGPORT", stderr, `oms: PGPORT is "x"; a port is a number from 1 to 65535`)
}
