package dbtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"oms/db"
	"oms/db/pgcluster"
)

// EnvURL names the variable that points the tests at an existing server.
const EnvURL = "OMS_TEST_DATABASE_URL"

type server struct {
	cluster  *pgcluster.Cluster // nil when using EnvURL
	baseURL  string             // URL of a database we may connect to for CREATE/DROP DATABASE
	admin    *db.DB
	template string
	prefix   string
	counter  atomic.Int64

	filledMu sync.Mutex
	filled   map[string]string // name → template database holding migrated and filled data
}

var (
	setupOnce sync.Once
	shared    *server
	setupErr  error
)

// Main runs the package's tests and then removes the cluster or the template it created.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close()
	}
	os.Exit(code)
}

func get(t testing.TB) *server {
	t.Helper()
	setupOnce.Do(func() { shared, setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("test database: %v", setupErr)
	}
	return shared
}

func setup() (*server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := &server{prefix: fmt.Sprintf("oms_t%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)}
	if u := os.Getenv(EnvURL); u != "" {
		s.baseURL = u
	} else {
		c, err := pgcluster.Start(ctx, pgcluster.Options{})
		if err != nil {
			return nil, fmt.Errorf("%w (or set %s to a server where the tests may create databases)", err, EnvURL)
		}
		s.cluster = c
		s.baseURL = c.URL("postgres")
	}
	admin, err := db.Open(ctx, db.Config{URL: s.baseURL, AppName: "oms-test", MaxConns: 4})
	if err != nil {
		s.close()
		return nil, err
	}
	s.admin = admin
	s.template = s.prefix + "_template"
	if err := s.createTemplate(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *server) createTemplate(ctx context.Context) error {
	if _, err := s.admin.ExecContext(ctx, `CREATE DATABASE `+s.template); err != nil {
		return fmt.Errorf("creating the template database: %w", err)
	}
	tpl, err := db.Open(ctx, db.Config{URL: s.urlFor(s.template), MaxConns: 2})
	if err != nil {
		return err
	}
	defer tpl.Close()
	if _, err := tpl.Migrate(ctx); err != nil {
		return fmt.Errorf("migrating the template database: %w", err)
	}
	if err := grantClient(ctx, tpl); err != nil {
		return fmt.Errorf("setting up the test client role: %w", err)
	}
	return nil
}

// ClientRole is an ordinary login role (no superuser, owns nothing) that is a member of
// oms_supervisor, the job group that holds every operational job (migration 00009), and sees the
// orders of every warehouse. Tests that attack the schema as a client connect as it; tests of one
// job connect as a fresh login made by LoginAs.
const (
	ClientRole     = "oms_test_client"
	clientPassword = "oms-test-client"
)

func grantClient(ctx context.Context, d *db.DB) error {
	// Roles belong to the whole server: another test binary may create it at the same moment.
	_, err := d.ExecContext(ctx, `DO $$ BEGIN
		CREATE ROLE `+ClientRole+` LOGIN PASSWORD '`+clientPassword+`' NOSUPERUSER NOCREATEDB NOCREATEROLE;
	EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
	if err != nil {
		return err
	}
	_, err = d.ExecContext(ctx, `DO $$ BEGIN
		GRANT oms_supervisor, oms_sees_all_orders TO `+ClientRole+`;
	EXCEPTION WHEN unique_violation THEN NULL; END $$`)
	return err
}

// ClientURL is url with the test client role as its user.
func ClientURL(t testing.TB, raw string) string {
	t.Helper()
	if !strings.Contains(raw, "://") { // a libpq key=value string: later keys win
		return raw + " user=" + ClientRole + " password=" + clientPassword
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("test database URL %q: %v", raw, err)
	}
	u.User = url.UserPassword(ClientRole, clientPassword)
	return u.String()
}

// NewWithClient opens a fresh, migrated database twice: as the owner that migrated it, and as
// the ordinary test client role.
func NewWithClient(t testing.TB) (owner, client *db.DB) {
	raw := URL(t)
	return Open(t, raw), Open(t, ClientURL(t, raw))
}

func (s *server) close() {
	if s.admin != nil {
		if s.cluster == nil && s.template != "" {
			for _, tpl := range s.filled {
				_, _ = s.admin.Exec(`DROP DATABASE IF EXISTS ` + tpl + ` WITH (FORCE)`)
			}
			_, _ = s.admin.Exec(`DROP DATABASE IF EXISTS ` + s.template + ` WITH (FORCE)`)
		}
		s.admin.Close()
	}
	if s.cluster != nil {
		_ = s.cluster.Stop()
	}
}

// urlFor returns the base URL pointing at another database on the same server.
func (s *server) urlFor(database string) string {
	if strings.Contains(s.baseURL, "://") {
		u, err := url.Parse(s.baseURL)
		if err == nil {
			u.Path = "/" + database
			return u.String()
		}
	}
	return s.baseURL + " dbname=" + database
}

// newDatabase creates a database (empty when template is "") and drops it when the test ends.
func (s *server) newDatabase(t testing.TB, template string) string {
	t.Helper()
	name := fmt.Sprintf("%s_%d", s.prefix, s.counter.Add(1))
	stmt := `CREATE DATABASE ` + name
	if template != "" {
		stmt += ` TEMPLATE ` + template + ` STRATEGY FILE_COPY`
	}
	if _, err := s.admin.Exec(stmt); err != nil {
		t.Fatalf("creating test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := s.admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	return s.urlFor(name)
}

// URL creates a fresh, migrated database for this test and returns its connection URL.
func URL(t testing.TB) string {
	s := get(t)
	return s.newDatabase(t, s.template)
}

// EmptyURL creates a fresh database with no schema at all, for migration tests.
func EmptyURL(t testing.TB) string { return get(t).newDatabase(t, "") }

// Filled returns a fresh database holding what fill wrote into a migrated one. fill runs once
// per name and test binary (into a template that each call clones), so many tests can start
// from the same seeded data for the price of a copy.
func Filled(t testing.TB, name string, fill func(ctx context.Context, d *db.DB) error) *db.DB {
	t.Helper()
	s := get(t)
	tpl, err := s.filledTemplate(name, fill)
	if err != nil {
		t.Fatalf("filling test template %q: %v", name, err)
	}
	return Open(t, s.newDatabase(t, tpl))
}

func (s *server) filledTemplate(name string, fill func(ctx context.Context, d *db.DB) error) (string, error) {
	s.filledMu.Lock()
	defer s.filledMu.Unlock()
	if tpl, ok := s.filled[name]; ok {
		return tpl, nil
	}
	tpl := fmt.Sprintf("%s_fill%d", s.prefix, len(s.filled)+1)
	if _, err := s.admin.Exec(`CREATE DATABASE ` + tpl + ` TEMPLATE ` + s.template + ` STRATEGY FILE_COPY`); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := db.Open(ctx, db.Config{URL: s.urlFor(tpl), MaxConns: 4})
	if err != nil {
		return "", err
	}
	err = fill(ctx, d)
	d.Close()
	if err != nil {
		// Drop the half-filled template so the next caller gets the same error, not a name clash.
		_, _ = s.admin.Exec(`DROP DATABASE IF EXISTS ` + tpl + ` WITH (FORCE)`)
		return "", err
	}
	if s.filled == nil {
		s.filled = map[string]string{}
	}
	s.filled[name] = tpl
	return tpl, nil
}

// New opens a fresh, migrated database for this test; it is closed and dropped afterwards.
func New(t testing.TB) *db.DB { return Open(t, URL(t)) }

// Open connects to url with the terminal session profile and closes the pool when the test ends.
func Open(t testing.TB, url string) *db.DB {
	t.Helper()
	cfg := db.TerminalConfig(url)
	cfg.AppName = "oms-test"
	cfg.MaxConns = 20
	d, err := db.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("opening test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
