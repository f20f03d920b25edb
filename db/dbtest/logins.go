package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lib/pq"

	"oms/db"
)

// Staff describes a person to make for a test: their job roles ("picker", …), an optional
// warehouse code, and a name ("Test <login>" when empty).
type Staff struct {
	Name      string
	Jobs      []string
	Warehouse string
}

var loginCounter atomic.Int64

// uniqueLogin is a login no other test on the server has: roles belong to the whole server, and
// many test databases (and, with OMS_TEST_DATABASE_URL, many test binaries) share it.
func uniqueLogin(kind string) string {
	return fmt.Sprintf("t%s%d_%s_%d", kind, os.Getpid()%100000, randomHex(3), loginCounter.Add(1))
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// NewLogin adds a staff member the way `oms staff add` does (oms_staff_add, called through owner,
// a superuser's connection to the test database) and returns their fresh login and a URL to the
// same database as them. The role is dropped when the test ends.
func NewLogin(t testing.TB, owner *db.DB, st Staff) (login, dbURL string) {
	t.Helper()
	s := get(t)
	login, password := uniqueLogin("s"), randomHex(12)
	name := st.Name
	if name == "" {
		name = "Test " + login
	}
	ctx := context.Background()
	if _, err := owner.ExecContext(ctx, `SELECT oms_staff_add($1, $2, $3, $4, $5)`,
		login, name, pq.Array(st.Jobs), st.Warehouse, password); err != nil {
		t.Fatalf("adding the test login %s (%v): %v", login, st.Jobs, err)
	}
	s.dropRoleAtEnd(t, login)
	return login, s.userURL(t, owner, login, password)
}

// LoginAs returns a connection to owner's database as a fresh staff member holding jobs.
func LoginAs(t testing.TB, owner *db.DB, jobs ...string) *db.DB {
	t.Helper()
	_, u := NewLogin(t, owner, Staff{Jobs: jobs})
	return Open(t, u)
}

// ServerLogin makes a fresh login role that is a member of oms_server, as the SSH server's pool
// logs in, and returns it and a URL to owner's database as it.
func ServerLogin(t testing.TB, owner *db.DB) (login, dbURL string) {
	t.Helper()
	s := get(t)
	login, password := uniqueLogin("p"), randomHex(12)
	ctx := context.Background()
	if _, err := owner.ExecContext(ctx, fmt.Sprintf(`CREATE ROLE %s LOGIN PASSWORD %s`,
		pq.QuoteIdentifier(login), pq.QuoteLiteral(password))); err != nil {
		t.Fatalf("creating the server login %s: %v", login, err)
	}
	s.dropRoleAtEnd(t, login)
	if _, err := owner.ExecContext(ctx, `GRANT oms_server TO `+pq.QuoteIdentifier(login)); err != nil {
		t.Fatalf("granting oms_server to %s: %v", login, err)
	}
	return login, s.userURL(t, owner, login, password)
}

// UserURL is the URL of owner's database as user with password.
func UserURL(t testing.TB, owner *db.DB, user, password string) string {
	t.Helper()
	return get(t).userURL(t, owner, user, password)
}

// dropRoleAtEnd drops login when the test ends, after the connections opened later are closed
// (cleanups run last registered first).
func (s *server) dropRoleAtEnd(t testing.TB, login string) {
	t.Cleanup(func() {
		if _, err := s.admin.Exec(`DROP ROLE IF EXISTS ` + pq.QuoteIdentifier(login)); err != nil {
			t.Errorf("dropping the test login %s: %v", login, err)
		}
	})
}

// userURL is the URL of owner's database with user and password in it.
func (s *server) userURL(t testing.TB, owner *db.DB, user, password string) string {
	t.Helper()
	var name string
	if err := owner.Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	raw := s.urlFor(name)
	if !strings.Contains(raw, "://") { // a libpq key=value string: later keys win
		return raw + " user=" + user + " password=" + password
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("test database URL %q: %v", raw, err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}
