package cli

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/staff"
)

var staffLogins atomic.Int64

// newStaffLogin is a login no other test has: roles belong to the whole server. It is dropped
// when the test ends.
func newStaffLogin(t *testing.T, owner *db.DB, base string) string {
	t.Helper()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	login := fmt.Sprintf("%s_%x_%d", base, b, staffLogins.Add(1))
	t.Cleanup(func() {
		if _, err := owner.Exec(`DROP ROLE IF EXISTS ` + pq.QuoteIdentifier(login)); err != nil {
			t.Errorf("dropping %s: %v", login, err)
		}
	})
	return login
}

// staffWorld is a migrated database with a DC and a store, the superuser's connection to it and
// the URL of an admin's own login, which `oms staff` runs as.
func staffWorld(t *testing.T) (owner *db.DB, adminURL string) {
	t.Helper()
	owner = dbtest.New(t)
	if _, err := owner.Exec(`INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR'),
		       ('BER-M', 'Berlin Mitte', 'store', 'DE', 'Europe/Berlin', 'EUR')`); err != nil {
		t.Fatal(err)
	}
	_, adminURL = dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Ada Admin", Jobs: []string{"admin"}})
	return owner, adminURL
}

var passwordLine = regexp.MustCompile(`(?m)^password \(shown only now\): (\S+)$`)

// TestStaffAddListRolesDisable is an admin's day: add a person, who logs in with the printed
// password; list them; change their roles; disable them, after which they cannot log in.
func TestStaffAddListRolesDisable(t *testing.T) {
	owner, adminURL := staffWorld(t)
	anna := newStaffLogin(t, owner, "anna")

	code, stdout, stderr := oms(t, "staff", "add", anna, "--name", "Anna Jansen", "--role", "picker,packer",
		"--warehouse", "RTM1", "--db", adminURL)
	if code != 0 || !strings.Contains(stdout, "added "+anna+" (Anna Jansen) as picker, packer at RTM1") {
		t.Fatalf("staff add: exit %d\n%s%s", code, stdout, stderr)
	}
	m := passwordLine.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("staff add printed no password: %q", stdout)
	}
	annaURL := dbtest.UserURL(t, owner, anna, m[1])
	annaDB, err := db.Open(context.Background(), db.TerminalConfig(annaURL))
	if err != nil {
		t.Fatalf("Anna cannot log in with the printed password: %v", err)
	}
	var who string
	if err := annaDB.Get(&who, `SELECT session_user`); err != nil || who != anna {
		t.Fatalf("logged in as %q (%v), want %s", who, err, anna)
	}
	annaDB.Close()

	code, _, stderr = oms(t, "staff", "add", anna, "--name", "Someone Else", "--role", "admin", "--db", adminURL)
	if code != 1 {
		t.Errorf("adding %s again: exit %d, want 1", anna, code)
	}
	oneLine(t, "adding an existing login", stderr, "oms: the login "+anna+" already exists")

	code, stdout, _ = oms(t, "staff", "list", "--db", adminURL)
	if code != 0 || !regexp.MustCompile(`(?m)^`+anna+`\s+Anna Jansen\s+picker,packer\s+RTM1\s+active$`).MatchString(stdout) {
		t.Fatalf("staff list: exit %d\n%s", code, stdout)
	}

	code, stdout, stderr = oms(t, "staff", "roles", anna, "--add", "returns", "--remove", "picker", "--db", adminURL)
	if code != 0 || stdout != anna+" now holds packer, returns\n" {
		t.Fatalf("staff roles: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = oms(t, "staff", "roles", anna, "--remove", "packer,returns", "--db", adminURL)
	if code != 1 {
		t.Errorf("removing every role: exit %d, want 1", code)
	}
	oneLine(t, "removing every role", stderr, "oms: "+anna+" would hold no job role")

	code, stdout, stderr = oms(t, "staff", "disable", anna, "--db", adminURL)
	if code != 0 || !strings.Contains(stdout, "disabled "+anna) {
		t.Fatalf("staff disable: exit %d\n%s%s", code, stdout, stderr)
	}
	if d, err := db.Open(context.Background(), db.TerminalConfig(annaURL)); err == nil {
		d.Close()
		t.Fatal("a disabled person can still log in")
	}
	_, stdout, _ = oms(t, "staff", "list", "--db", adminURL)
	if !regexp.MustCompile(`(?m)^` + anna + `\s.*\sdisabled$`).MatchString(stdout) {
		t.Errorf("after disable, staff list shows:\n%s", stdout)
	}

	code, _, stderr = oms(t, "staff", "disable", "nobody_here", "--db", adminURL)
	if code != 1 {
		t.Errorf("disabling someone who is not staff: exit %d, want 1", code)
	}
	oneLine(t, "disabling someone who is not staff", stderr, "oms: no staff member has the login nobody_here")
}

// TestStaffAddWithoutPasswordAndAtAStore: --no-password prints none; a store's clerk sees only
// the store's orders.
func TestStaffAddWithoutPasswordAndAtAStore(t *testing.T) {
	owner, adminURL := staffWorld(t)
	clerk := newStaffLogin(t, owner, "clerk")
	code, stdout, stderr := oms(t, "staff", "add", clerk, "--name", "Claire", "--role", "backoffice",
		"--warehouse", "BER-M", "--no-password", "--db", adminURL)
	if code != 0 || strings.Contains(stdout, "password") {
		t.Fatalf("staff add --no-password: exit %d\n%s%s", code, stdout, stderr)
	}
	var store bool
	if err := owner.Get(&store, `SELECT pg_has_role($1, 'oms_sees_store_orders', 'MEMBER')
		AND NOT pg_has_role($1, 'oms_sees_all_orders', 'MEMBER')`, clerk); err != nil || !store {
		t.Fatalf("the store's clerk sees more than the store (%v)", err)
	}
}

// TestStaffUsageMistakesExit2: every mistake in how `oms staff` is called is exit 2 and one
// sentence, before the database is asked.
func TestStaffUsageMistakesExit2(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"staff"}, "oms: say what to do: oms staff add, list, roles, disable or key"},
		{[]string{"staff", "hire", "anna"}, `oms: "hire" is not a command of "oms staff"`},
		{[]string{"staff", "add"}, "oms: oms staff add needs LOGIN"},
		{[]string{"staff", "add", "Anna", "--name", "A", "--role", "picker"}, `oms: a login is a lower-case letter and 1 to 30 more`},
		{[]string{"staff", "add", "oms_owner", "--name", "A", "--role", "picker"}, "oms: the login oms_owner is reserved"},
		{[]string{"staff", "add", "anna", "--name", "A", "--role", "picker,chef"}, `oms: --role: "chef" is not a job role: the roles are picker, packer`},
		{[]string{"staff", "add", "anna", "--role", "picker"}, "oms: --name is needed"},
		{[]string{"staff", "add", "anna", "--name", "A"}, "oms: --role is needed"},
		{[]string{"staff", "add", "anna", "bert", "--name", "A", "--role", "picker"}, `oms: oms staff add takes LOGIN, not also "bert"`},
		{[]string{"staff", "roles", "anna"}, "oms: say which job roles to --add or --remove"},
		{[]string{"staff", "roles", "anna", "--add", "owner"}, `oms: --add: "owner" is not a job role`},
		{[]string{"staff", "disable"}, "oms: oms staff disable needs LOGIN"},
		{[]string{"staff", "key"}, "oms: say what to do: oms staff key add, list or remove"},
		{[]string{"staff", "key", "add", "anna"}, "oms: oms staff key add needs FILE"},
		{[]string{"staff", "key", "remove", "anna", "abc"}, "oms: a fingerprint starts with SHA256:"},
		{[]string{"staff", "list", "--no-such-flag"}, "oms: unknown flag: --no-such-flag"},
	} {
		code, stdout, stderr := oms(t, append(tt.args, "--db", unreachable)...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", tt.args, code, stderr)
		}
		if stdout != "" {
			t.Errorf("%v: stdout %q", tt.args, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
}

func writeKeys(t *testing.T, comments ...string) (file string, fingerprints []string) {
	t.Helper()
	var b strings.Builder
	for _, c := range comments {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k := staff.Ed25519Key(pub, c)
		b.WriteString(k.Line() + "\n")
		fingerprints = append(fingerprints, k.Fingerprint())
	}
	file = filepath.Join(t.TempDir(), "keys.pub")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, fingerprints
}

// TestStaffKeys: every key of a file is registered and listed by fingerprint; a key belongs to
// one person; a key is removed by its fingerprint.
func TestStaffKeys(t *testing.T) {
	owner, adminURL := staffWorld(t)
	anna, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Anna", Jobs: []string{"picker"}})
	bert, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Bert", Jobs: []string{"packer"}})
	file, fps := writeKeys(t, "anna@laptop", "scanner-7")

	code, stdout, stderr := oms(t, "staff", "key", "add", anna, file, "--db", adminURL)
	if code != 0 || stdout != "added ssh-ed25519 "+fps[0]+" anna@laptop for "+anna+"\nadded ssh-ed25519 "+fps[1]+" scanner-7 for "+anna+"\n" {
		t.Fatalf("staff key add: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = oms(t, "staff", "key", "list", anna, "--db", adminURL)
	if code != 0 || !strings.Contains(stdout, fps[0]+"  ssh-ed25519  anna@laptop") || !strings.Contains(stdout, fps[1]) {
		t.Fatalf("staff key list: exit %d\n%s", code, stdout)
	}

	code, _, stderr = oms(t, "staff", "key", "add", bert, file, "--db", adminURL)
	if code != 1 {
		t.Errorf("Bert taking Anna's keys: exit %d, want 1", code)
	}
	oneLine(t, "Bert taking Anna's keys", stderr, "oms: "+file+": the key "+fps[0]+" is already registered to "+anna)
	if _, stdout, _ := oms(t, "staff", "key", "list", bert, "--db", adminURL); !strings.Contains(stdout, bert+" has no SSH keys") {
		t.Errorf("Bert's keys after the refusal:\n%s", stdout)
	}

	code, stdout, _ = oms(t, "staff", "key", "remove", anna, fps[0], "--db", adminURL)
	if code != 0 || stdout != "removed "+fps[0]+" from "+anna+"\n" {
		t.Fatalf("staff key remove: exit %d\n%s", code, stdout)
	}
	code, _, stderr = oms(t, "staff", "key", "remove", anna, fps[0], "--db", adminURL)
	if code != 1 {
		t.Errorf("removing a removed key: exit %d, want 1", code)
	}
	oneLine(t, "removing a removed key", stderr, "oms: "+anna+" has no key "+fps[0])

	code, _, stderr = oms(t, "staff", "key", "add", anna, filepath.Join(t.TempDir(), "missing.pub"), "--db", adminURL)
	if code != 1 {
		t.Errorf("a missing key file: exit %d, want 1", code)
	}
	oneLine(t, "a missing key file", stderr, "oms: cannot read the key file: open ")
}

// TestStaffIsAnAdminsWork: a picker running oms staff is told whose work it is.
func TestStaffIsAnAdminsWork(t *testing.T) {
	owner, _ := staffWorld(t)
	_, pickerURL := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}})
	someone := newStaffLogin(t, owner, "someone")
	code, _, stderr := oms(t, "staff", "add", someone, "--name", "X", "--role", "admin", "--db", pickerURL)
	if code != 1 {
		t.Errorf("a picker adding an admin: exit %d, want 1", code)
	}
	oneLine(t, "a picker adding an admin", stderr, "oms: managing staff is the work of the admin role")
}
