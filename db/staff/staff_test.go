package staff_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lib/pq"

	"oms/db"
	"oms/db/dbtest"
	"oms/db/staff"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

var logins atomic.Int64

// freshLogin is a login no other test has made: roles belong to the whole server.
func freshLogin(t *testing.T, base string) string {
	t.Helper()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s_%x_%d", base, b, logins.Add(1))
}

// admin is a fresh staff member with the admin role, connected as themselves: what `oms staff`
// runs as in a real installation (not a superuser).
func admin(t *testing.T, owner *db.DB) *staff.Store {
	t.Helper()
	return staff.New(dbtest.LoginAs(t, owner, "admin"))
}

func dropAtEnd(t *testing.T, owner *db.DB, login string) {
	t.Cleanup(func() {
		if _, err := owner.Exec(`DROP ROLE IF EXISTS ` + pq.QuoteIdentifier(login)); err != nil {
			t.Errorf("dropping %s: %v", login, err)
		}
	})
}

func withWarehouses(t *testing.T, owner *db.DB) {
	t.Helper()
	if _, err := owner.Exec(`INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR'),
		       ('BER-M', 'Berlin Mitte', 'store', 'DE', 'Europe/Berlin', 'EUR')`); err != nil {
		t.Fatal(err)
	}
}

// TestWhoamiIsTheSessionsRole: the identity comes from the database session, and names the
// staff member only while they are active.
func TestWhoamiIsTheSessionsRole(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	s := staff.New(d)
	var role string
	if err := d.Get(&role, `SELECT current_user`); err != nil {
		t.Fatal(err)
	}
	id, err := s.Whoami(ctx)
	if err != nil || id.Login != role || id.Name != "" || id.Job != "" || id.Jobs != nil {
		t.Fatalf("no staff row: Whoami = %+v, %v; want only the login %s (a superuser: no job roles)", id, err, role)
	}
	for _, stmt := range []string{
		`INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		 VALUES ('RTM1', 'Rotterdam', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`,
		`INSERT INTO staff (login, name, job, warehouse_id)
		 VALUES (current_user, 'Anna Jansen', 'supervisor', (SELECT id FROM warehouses WHERE code = 'RTM1'))`,
	} {
		if _, err := d.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	id, err = s.Whoami(ctx)
	if err != nil || id.Login != role || id.Name != "Anna Jansen" || id.Job != "supervisor" || id.Warehouse != "RTM1" {
		t.Fatalf("Whoami = %+v, %v; want Anna Jansen, supervisor at RTM1", id, err)
	}
	if _, err := d.Exec(`UPDATE staff SET active = false WHERE login = current_user`); err != nil {
		t.Fatal(err)
	}
	if id, err = s.Whoami(ctx); err != nil || id.Name != "" {
		t.Fatalf("an inactive staff member is still named: %+v, %v", id, err)
	}
}

// TestWhoamiNamesThePersonAndTheJobsTheyHold: a picker holds picking; a supervisor holds every
// operational job; the SSH server's pool acting for a person is that person.
func TestWhoamiNamesThePersonAndTheJobsTheyHold(t *testing.T) {
	owner := dbtest.New(t)
	withWarehouses(t, owner)
	ctx := context.Background()
	picker, pickerURL := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Anna Jansen", Jobs: []string{"picker"}, Warehouse: "RTM1"})
	id, err := staff.New(dbtest.Open(t, pickerURL)).Whoami(ctx)
	if err != nil || id.Login != picker || id.Name != "Anna Jansen" || id.Job != "picker" || id.Warehouse != "RTM1" ||
		!slices.Equal(id.Jobs, []string{"picker"}) {
		t.Fatalf("picker: Whoami = %+v, %v", id, err)
	}
	id, err = staff.New(dbtest.LoginAs(t, owner, "supervisor")).Whoami(ctx)
	if want := []string{"picker", "packer", "returns", "stock", "backoffice", "store", "supervisor"}; err != nil || !slices.Equal(id.Jobs, want) {
		t.Fatalf("supervisor: Whoami = %+v, %v; want jobs %v", id, err, want)
	}

	_, poolURL := dbtest.ServerLogin(t, owner)
	pool := dbtest.Open(t, poolURL)
	id, err = staff.New(pool.As(picker, "oms-ssh:test")).Whoami(ctx)
	if err != nil || id.Login != picker || id.Name != "Anna Jansen" || !slices.Equal(id.Jobs, []string{"picker"}) {
		t.Fatalf("through the SSH server's pool: Whoami = %+v, %v; want the picker", id, err)
	}
}

// TestAnAdminAddsChangesAndDisablesStaff walks a person's life through the commands `oms staff`
// runs, as an admin login, checking what the person notices: they can log in with the password,
// their job roles change what they may do, and once disabled they cannot log in and their open
// session is ended.
func TestAnAdminAddsChangesAndDisablesStaff(t *testing.T) {
	owner := dbtest.New(t)
	withWarehouses(t, owner)
	ctx := context.Background()
	s := admin(t, owner)
	anna := freshLogin(t, "anna")
	dropAtEnd(t, owner, anna)
	password := staff.NewPassword()
	if err := s.Add(ctx, staff.NewMember{Login: anna, Name: "Anna Jansen", Jobs: []string{"picker", "packer"},
		Warehouse: "RTM1", Password: password}); err != nil {
		t.Fatal(err)
	}
	members, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(members, func(m staff.Member) bool { return m.Login == anna })
	want := staff.Member{Login: anna, Name: "Anna Jansen", Jobs: []string{"picker", "packer"}, Warehouse: "RTM1", Active: true}
	if i < 0 || !equalMember(members[i], want) {
		t.Fatalf("List = %+v; want %+v among them", members, want)
	}

	// She logs in with the one-time password, as herself.
	annaURL := dbtest.UserURL(t, owner, anna, password)
	annaDB := dbtest.Open(t, annaURL)
	id, err := staff.New(annaDB).Whoami(ctx)
	if err != nil || id.Login != anna || id.Job != "picker" {
		t.Fatalf("Anna's Whoami = %+v, %v", id, err)
	}

	// The same login again is refused with a sentence; so are a bad login, a role that is not a
	// job, and a warehouse that does not exist.
	err = s.Add(ctx, staff.NewMember{Login: anna, Name: "Someone Else", Jobs: []string{"admin"}})
	if !db.IsConstraint(err, db.Duplicate) || err.Error() != "the login "+anna+" already exists" {
		t.Errorf("adding %s twice: %v", anna, err)
	}
	for _, m := range []staff.NewMember{
		{Login: "Anna", Name: "x", Jobs: []string{"picker"}},
		{Login: "oms_owner", Name: "x", Jobs: []string{"picker"}},
		{Login: freshLogin(t, "x"), Name: "x", Jobs: []string{"owner"}},
		{Login: freshLogin(t, "x"), Name: "x", Jobs: nil},
		{Login: freshLogin(t, "x"), Name: "x", Jobs: []string{"picker"}, Warehouse: "NOPE"},
	} {
		if err := s.Add(ctx, m); err == nil || strings.HasPrefix(err.Error(), "pq:") {
			t.Errorf("Add(%+v) = %v, want a refusal in a sentence", m, err)
		}
	}

	// Jobs change: packer stays, picker goes, returns comes; her main job follows.
	m, err := s.SetJobs(ctx, anna, []string{"returns"}, []string{"picker"})
	if err != nil || !slices.Equal(m.Jobs, []string{"packer", "returns"}) {
		t.Fatalf("SetJobs = %+v, %v; want packer, returns", m, err)
	}
	if id, _ := staff.New(annaDB).Whoami(ctx); id.Job != "packer" || !slices.Equal(id.Jobs, []string{"packer", "returns"}) {
		t.Errorf("after the change Anna is %+v; want main job packer, jobs packer and returns", id)
	}
	if _, err := s.SetJobs(ctx, anna, nil, []string{"packer", "returns"}); err == nil ||
		!strings.Contains(err.Error(), "would hold no job role") {
		t.Errorf("removing every job: %v", err)
	}
	if _, err := s.SetJobs(ctx, "nobody_here", []string{"picker"}, nil); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("SetJobs of someone who is not staff: %v, want not found", err)
	}

	// Disabled: her open session ends, she cannot log in again, and the list says so.
	if err := s.Disable(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if _, err := annaDB.ExecContext(ctx, `SELECT 1`); err == nil {
		t.Error("Anna's terminal still answers after she was disabled")
	}
	cfg := db.TerminalConfig(annaURL)
	if again, err := db.Open(ctx, cfg); err == nil {
		again.Close()
		t.Fatal("a disabled person could still log in")
	} else if !strings.Contains(err.Error(), "not permitted to log in") {
		t.Errorf("a disabled person's login is refused with %q, want PostgreSQL's \"not permitted to log in\"", err)
	}
	members, _ = s.List(ctx)
	if i := slices.IndexFunc(members, func(m staff.Member) bool { return m.Login == anna }); i < 0 || members[i].Active {
		t.Errorf("after Disable the list shows %+v", members)
	}
}

// TestDisablingEndsOpenSessions: a session that was open before Disable is ended by it.
func TestDisablingEndsOpenSessions(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	login, u := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}})
	cfg := db.TerminalConfig(u)
	cfg.MaxConns = 1
	person, err := db.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer person.Close()
	conn, err := person.Conn(ctx) // held open across the Disable
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	if err := admin(t, owner).Disable(ctx, login); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `SELECT 1`); err == nil {
		t.Fatal("the disabled person's open session still answers")
	}
}

// TestOnlyAnAdminManagesStaff: a picker who calls the staff commands is told whose work it is,
// and nothing changes.
func TestOnlyAnAdminManagesStaff(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := staff.New(dbtest.LoginAs(t, owner, "picker"))
	login := freshLogin(t, "x")
	dropAtEnd(t, owner, login)
	err := s.Add(ctx, staff.NewMember{Login: login, Name: "X", Jobs: []string{"admin"}})
	if err == nil || !strings.HasPrefix(err.Error(), "managing staff is the work of the admin role") {
		t.Fatalf("a picker adding an admin: %v", err)
	}
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM pg_roles WHERE rolname = $1`, login); err != nil || n != 0 {
		t.Fatalf("the role exists after the refusal (%d, %v)", n, err)
	}
	if _, err := s.Keys(ctx, login); err == nil {
		t.Error("a picker read SSH keys")
	}
}

// TestTheStaffFunctionsGrantOnlyJobRoles: called directly, as a hostile admin could in psql,
// the functions still refuse roles outside the allowlist and roles that are not staff logins
// (on PostgreSQL 15 their owner's CREATEROLE could grant anything).
func TestTheStaffFunctionsGrantOnlyJobRoles(t *testing.T) {
	owner := dbtest.New(t)
	adminDB := dbtest.LoginAs(t, owner, "admin")
	login, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"picker"}})
	fresh := freshLogin(t, "x")
	dropAtEnd(t, owner, fresh)
	for _, c := range []struct {
		stmt string
		args []any
		says string
	}{
		{`SELECT oms_staff_add($1, 'X', '{owner}', '', '')`, []any{fresh}, `'owner' is not a job role`},
		{`SELECT oms_staff_add($1, 'X', '{staff_admin}', '', '')`, []any{fresh}, `'staff_admin' is not a job role`},
		{`SELECT oms_staff_add($1, 'X', '{pg_execute_server_program}', '', '')`, []any{fresh}, "is not a job role"},
		{`SELECT oms_staff_add('oms_owner', 'X', '{picker}', '', '')`, nil, "reserved"},
		{`SELECT oms_staff_set_jobs($1, '{owner}', '{}')`, []any{login}, `'owner' is not a job role`},
		{`SELECT oms_staff_set_jobs('oms_owner', '{picker}', '{}')`, nil, "no staff member has the login oms_owner"},
		{`SELECT oms_staff_set_jobs('postgres', '{admin}', '{}')`, nil, "no staff member has the login postgres"},
		{`SELECT oms_staff_disable('oms_server')`, nil, "no staff member has the login oms_server"},
		{`SELECT oms_staff_add_key('postgres', 'ssh-ed25519 AAAA')`, nil, "no staff member has the login postgres"},
	} {
		_, err := adminDB.Exec(c.stmt, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v, want a refusal saying %q", c.stmt, err, c.says)
		}
	}
	var owned int
	if err := owner.Get(&owned, `SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member
		WHERE r.rolname IN ($1, $2) AND m.roleid IN (SELECT oid FROM pg_roles WHERE rolname IN ('oms_owner', 'oms_staff_admin'))`,
		login, fresh); err != nil || owned != 0 {
		t.Fatalf("%d memberships in the owner roles after the refusals (%v)", owned, err)
	}
}

func newKey(t *testing.T, comment string) (line, fingerprint string) {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k := staff.Ed25519Key(pub, comment)
	return k.Line(), k.Fingerprint()
}

// TestSSHKeys: every key of a file is registered with OpenSSH's fingerprint, found by it, and
// removed by it; a key belongs to one person.
func TestSSHKeys(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := admin(t, owner)
	anna, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Anna Jansen", Jobs: []string{"picker"}})
	bert, _ := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Bert Bakker", Jobs: []string{"packer"}})
	laptop, laptopFP := newKey(t, "anna@laptop")
	scanner, scannerFP := newKey(t, "scanner 7")
	file := "# Anna's keys\n" + laptop + "\n\n" + scanner + "\n"

	keys, err := s.AddKeys(ctx, anna, []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Fingerprint != laptopFP || keys[1].Fingerprint != scannerFP ||
		keys[0].Algorithm != "ssh-ed25519" || keys[0].Comment != "anna@laptop" || keys[1].Comment != "scanner 7" ||
		keys[0].Login != anna || keys[0].AddedAt.IsZero() {
		t.Fatalf("AddKeys = %+v; want the laptop (%s) and scanner (%s) keys", keys, laptopFP, scannerFP)
	}
	for _, k := range openSSHKeys[1:] { // RSA and ECDSA keys made by ssh-keygen: the database agrees on their fingerprints
		if got, err := s.AddKeys(ctx, bert, []byte(k.line)); err != nil || got[0].Fingerprint != k.fingerprint {
			t.Errorf("registering %.20s…: %+v, %v; want %s", k.line, got, err, k.fingerprint)
		}
	}
	if again, err := s.AddKeys(ctx, anna, []byte(laptop)); err != nil || len(again) != 1 {
		t.Errorf("adding her own key again: %v, %v; want it kept", again, err)
	}
	if listed, err := s.Keys(ctx, anna); err != nil || len(listed) != 2 {
		t.Errorf("Keys = %+v, %v; want two", listed, err)
	}
	m, err := s.ByKey(ctx, scannerFP)
	if err != nil || m.Login != anna || m.Name != "Anna Jansen" || !m.Active {
		t.Errorf("ByKey(scanner) = %+v, %v; want Anna", m, err)
	}

	// Bert cannot take Anna's key, even alongside a key of his own: nothing of his file is kept.
	bertKey, bertFP := newKey(t, "bert")
	_, err = s.AddKeys(ctx, bert, []byte(bertKey+"\n"+laptop))
	if err == nil || err.Error() != "the key "+laptopFP+" is already registered to "+anna+": a key belongs to one person" {
		t.Errorf("Bert adding Anna's key: %v", err)
	}
	if _, err := s.ByKey(ctx, bertFP); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("Bert's own key from the refused file: %v, want not found", err)
	}

	// Lines that are not keys, and keys with options, are refused by line.
	for file, says := range map[string]string{
		laptop + "\nnot a key at all\n":                 "line 2 is not a public key",
		`command="/bin/sh" ` + scanner:                  "line 1 has options (command=\"/bin/sh\")",
		"# only a comment\n":                            "there is no public key in it",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIXXXX x\n": "line 1 is not a public key",
	} {
		if _, err := s.AddKeys(ctx, anna, []byte(file)); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("AddKeys(%q) = %v, want %q", file, err, says)
		}
	}

	if err := s.RemoveKey(ctx, anna, laptopFP); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ByKey(ctx, laptopFP); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("ByKey of a removed key: %v, want db.ErrNotFound", err)
	}
	if err := s.RemoveKey(ctx, anna, laptopFP); !errors.Is(err, db.ErrNotFound) || !strings.Contains(err.Error(), "has no key") {
		t.Errorf("removing it twice: %v", err)
	}
	if err := s.RemoveKey(ctx, bert, scannerFP); !errors.Is(err, db.ErrNotFound) {
		t.Errorf("Bert removing Anna's key: %v, want not found", err)
	}
	if m, err := s.ByKey(ctx, scannerFP); err != nil || m.Login != anna {
		t.Errorf("Anna's other key after Bert's attempt: %+v, %v", m, err)
	}

	// A disabled person's key still names them, as disabled: the SSH server refuses them.
	if err := s.Disable(ctx, anna); err != nil {
		t.Fatal(err)
	}
	if m, err := s.ByKey(ctx, scannerFP); err != nil || m.Active {
		t.Errorf("ByKey of a disabled person's key = %+v, %v; want them, inactive", m, err)
	}
}

func equalMember(a, b staff.Member) bool {
	return a.Login == b.Login && a.Name == b.Name && slices.Equal(a.Jobs, b.Jobs) && a.Warehouse == b.Warehouse && a.Active == b.Active
}

// TestAddTakesOverAStaffRowWithoutALogin: the demo data has staff rows but no login roles;
// adding one of them gives them a login and keeps one row.
func TestAddTakesOverAStaffRowWithoutALogin(t *testing.T) {
	owner := dbtest.New(t)
	withWarehouses(t, owner)
	ctx := context.Background()
	login := freshLogin(t, "picker_rtm")
	dropAtEnd(t, owner, login)
	if _, err := owner.Exec(`INSERT INTO staff (login, name, job) VALUES ($1, 'Piet Pieters', 'picker')`, login); err != nil {
		t.Fatal(err)
	}
	s := admin(t, owner)
	members, _ := s.List(ctx)
	if i := slices.IndexFunc(members, func(m staff.Member) bool { return m.Login == login }); i < 0 || len(members[i].Jobs) != 0 {
		t.Fatalf("before: %+v; want %s without job roles (no login)", members, login)
	}
	if err := s.Add(ctx, staff.NewMember{Login: login, Name: "Piet Pieters", Jobs: []string{"picker"}, Warehouse: "RTM1"}); err != nil {
		t.Fatal(err)
	}
	members, _ = s.List(ctx)
	n := 0
	for _, m := range members {
		if m.Login == login {
			n++
			if !equalMember(m, staff.Member{Login: login, Name: "Piet Pieters", Jobs: []string{"picker"}, Warehouse: "RTM1", Active: true}) {
				t.Errorf("after: %+v", m)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d staff rows for %s, want 1", n, login)
	}
}
