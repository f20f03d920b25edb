package staff

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Jobs are the job roles, in the order they are listed. Each is a PostgreSQL group role named
// "oms_" + job (migrations 00009 and 00023, which added store staff); a supervisor holds the
// operational ones too.
var Jobs = []string{"picker", "packer", "returns", "stock", "backoffice", "store", "supervisor", "admin"}

// Identity is who the session runs as, for the header, the screens offered and the audit trail.
type Identity struct {
	Login string `db:"login"` // the person: the session's login, or the one the SSH server acts for
	Name  string `db:"name"`  // "" when the login is not an active staff member
	Job   string `db:"job"`   // the staff member's main job, or ""
	// Jobs are the job roles whose work the session may do ("picker", …), a supervisor's
	// operational ones included; empty for a superuser, whom no job role limits.
	Jobs      []string `db:"-"`
	Warehouse string   `db:"warehouse"` // the code of their warehouse, or ""
}

// Member is a staff member as `oms staff list` shows them.
type Member struct {
	Login     string
	Name      string
	Jobs      []string // the job roles granted to their login; empty when they have no login role
	Warehouse string   // code, or ""
	Active    bool     // false once disabled: they may not log in, nor be let in by the SSH server
}

// NewMember is a person to add. Password "" makes a login without a password (SSH keys only).
type NewMember struct {
	Login, Name string
	Jobs        []string
	Warehouse   string
	Password    string
}

// Key is a public key a staff member may log in to the SSH server with.
type Key struct {
	Login       string
	Algorithm   string // "ssh-ed25519", …
	Fingerprint string // "SHA256:…", as ssh-keygen -l prints it
	Comment     string
	AddedAt     time.Time
}

// Store runs the staff queries and commands on one database.
type Store struct{ d *db.DB }

// New returns the staff queries and commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Whoami reads who the session acts for (oms_actor(): the login, or the person the SSH server
// names) and, when they are an active staff member, their name, job and warehouse, and the job
// roles the session holds.
func (s *Store) Whoami(ctx context.Context) (Identity, error) {
	var row struct {
		Identity
		Jobs pq.StringArray `db:"jobs"`
	}
	err := s.d.GetContext(ctx, &row, `
		SELECT me.login, coalesce(s.name, '') AS name, coalesce(s.job, '') AS job,
		       coalesce(w.code, '') AS warehouse,
		       CASE WHEN (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN '{}'::text[]
		            ELSE ARRAY(SELECT j FROM unnest($1::text[]) WITH ORDINALITY AS u(j, n)
		                        WHERE pg_has_role('oms_' || j, 'USAGE') ORDER BY n) END AS jobs
		  FROM (SELECT oms_actor() AS login) me
		  LEFT JOIN staff s ON s.login = me.login AND s.active
		  LEFT JOIN warehouses w ON w.id = s.warehouse_id`, pq.Array(Jobs))
	id := row.Identity
	id.Jobs = []string(row.Jobs)
	if len(id.Jobs) == 0 {
		id.Jobs = nil
	}
	return id, err
}

var loginPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,30}$`)

// CheckLogin says, as one sentence, what is wrong with a login, or nil.
func CheckLogin(login string) error {
	switch {
	case !loginPattern.MatchString(login):
		return fmt.Errorf("a login is a lower-case letter and 1 to 30 more lower-case letters, digits or _, not %q", login)
	case strings.HasPrefix(login, "pg_") || strings.HasPrefix(login, "oms_") ||
		login == "public" || login == "postgres" || login == "none":
		return fmt.Errorf("the login %s is reserved for the database and oms: choose another", login)
	}
	return nil
}

// CheckJobs says, as one sentence, which job is not a job role, or nil.
func CheckJobs(jobs []string) error {
	for _, j := range jobs {
		if !slices.Contains(Jobs, j) {
			return fmt.Errorf("%q is not a job role: the roles are %s", j, strings.Join(Jobs, ", "))
		}
	}
	return nil
}

// Add creates the person's login role, member of their jobs' groups, and their staff row, in
// one transaction (oms_staff_add). The password, when given, leaves this process only as a
// SCRAM-SHA-256 verifier. An existing login is refused.
func (s *Store) Add(ctx context.Context, m NewMember) error {
	if err := CheckLogin(m.Login); err != nil {
		return err
	}
	if len(m.Jobs) == 0 {
		return fmt.Errorf("a staff member needs at least one job role: one of %s", strings.Join(Jobs, ", "))
	}
	if err := CheckJobs(m.Jobs); err != nil {
		return err
	}
	if strings.TrimSpace(m.Name) == "" {
		return errors.New("a staff member needs a name")
	}
	password := m.Password
	if password != "" {
		var err error
		if password, err = scramVerifier(password); err != nil {
			return err
		}
	}
	return explain(s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT oms_staff_add($1, $2, $3, $4, $5)`,
			m.Login, m.Name, pq.Array(m.Jobs), m.Warehouse, password)
		return err
	}))
}

// memberSQL reads staff members with the job roles granted to their logins directly.
const memberSQL = `
	SELECT s.login, s.name, coalesce(w.code, '') AS warehouse, s.active,
	       ARRAY(SELECT substr(g.rolname, 5) FROM pg_auth_members m
	               JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles l ON l.oid = m.member
	              WHERE l.rolname = s.login AND substr(g.rolname, 5) = ANY ($1::text[]) AND g.rolname LIKE 'oms\_%'
	              ORDER BY array_position($1::text[], substr(g.rolname, 5))) AS jobs
	  FROM staff s LEFT JOIN warehouses w ON w.id = s.warehouse_id`

type memberRow struct {
	Login     string         `db:"login"`
	Name      string         `db:"name"`
	Warehouse string         `db:"warehouse"`
	Active    bool           `db:"active"`
	Jobs      pq.StringArray `db:"jobs"`
}

func (r memberRow) member() Member {
	return Member{Login: r.Login, Name: r.Name, Jobs: []string(r.Jobs), Warehouse: r.Warehouse, Active: r.Active}
}

// List is every staff member by login.
func (s *Store) List(ctx context.Context) ([]Member, error) {
	var rows []memberRow
	if err := s.d.SelectContext(ctx, &rows, memberSQL+` ORDER BY s.login`, pq.Array(Jobs)); err != nil {
		return nil, explain(err)
	}
	out := make([]Member, len(rows))
	for i, r := range rows {
		out[i] = r.member()
	}
	return out, nil
}

func getMember(ctx context.Context, tx *sqlx.Tx, login string) (Member, error) {
	var r memberRow
	err := tx.GetContext(ctx, &r, memberSQL+` WHERE s.login = $2`, pq.Array(Jobs), login)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, &NotFoundError{Message: "no staff member has the login " + login}
	}
	return r.member(), err
}

// SetJobs grants the jobs in add and revokes those in remove, in one transaction, and returns
// the member as they are afterwards. Their main job stays unless it is removed.
func (s *Store) SetJobs(ctx context.Context, login string, add, remove []string) (Member, error) {
	if err := CheckJobs(add); err != nil {
		return Member{}, err
	}
	if err := CheckJobs(remove); err != nil {
		return Member{}, err
	}
	if len(add)+len(remove) == 0 {
		return Member{}, errors.New("say which job roles to add or remove")
	}
	var m Member
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT oms_staff_set_jobs($1, $2, $3)`, login, pq.Array(add), pq.Array(remove)); err != nil {
			return err
		}
		var err error
		m, err = getMember(ctx, tx, login)
		return err
	})
	return m, explain(err)
}

// Disable stops the person logging in, marks them inactive and ends their sessions, in one
// transaction. (Sessions the SSH server runs for them are the server's to end.)
func (s *Store) Disable(ctx context.Context, login string) error {
	return explain(s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT oms_staff_disable($1)`, login)
		return err
	}))
}

// AddKeys registers every public key in an authorized_keys file (blank lines and # comments
// skipped) for login, in one transaction: all or none. A key already registered to them is kept;
// one registered to someone else is refused, as are lines with options, which the SSH server
// would not honour.
func (s *Store) AddKeys(ctx context.Context, login string, authorizedKeys []byte) ([]Key, error) {
	keys, err := ParseAuthorizedKeys(authorizedKeys)
	if err != nil {
		return nil, err
	}
	var out []Key
	err = s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		out = out[:0]
		for _, k := range keys {
			var fp string
			if err := tx.GetContext(ctx, &fp, `SELECT oms_staff_add_key($1, $2)`, login, k.Line()); err != nil {
				return err
			}
			if fp != k.Fingerprint() {
				return fmt.Errorf("the database computed %s for the key %s", fp, k.Fingerprint())
			}
			var key Key
			if err := tx.GetContext(ctx, &key, keySQL+` WHERE fingerprint = $1`, fp); err != nil {
				return err
			}
			out = append(out, key)
		}
		return nil
	})
	return out, explain(err)
}

const keySQL = `SELECT login AS "login", algorithm AS "algorithm", fingerprint AS "fingerprint",
	comment AS "comment", added_at AS "addedat" FROM staff_keys`

// Keys are login's public keys, oldest first.
func (s *Store) Keys(ctx context.Context, login string) ([]Key, error) {
	var keys []Key
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		if _, err := getMember(ctx, tx, login); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &keys, keySQL+` WHERE login = $1 ORDER BY added_at, id`, login)
	})
	return keys, explain(err)
}

// RemoveKey removes one of login's keys by its fingerprint.
func (s *Store) RemoveKey(ctx context.Context, login, fingerprint string) error {
	return explain(s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `SELECT oms_staff_remove_key($1, $2)`, login, fingerprint)
		return err
	}))
}

// ByKey is the staff member a key belongs to, disabled or not (check Active), or an error that
// is db.ErrNotFound when no one has that key.
func (s *Store) ByKey(ctx context.Context, fingerprint string) (Member, error) {
	var r memberRow
	err := s.d.GetContext(ctx, &r, memberSQL+` JOIN staff_keys k ON k.login = s.login WHERE k.fingerprint = $2`,
		pq.Array(Jobs), fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, &NotFoundError{Message: "no staff member has the key " + fingerprint}
	}
	if err != nil {
		return Member{}, explain(err)
	}
	return r.member(), nil
}

// NotFoundError says which staff member or key does not exist; it is db.ErrNotFound.
type NotFoundError struct{ Message string }

func (e *NotFoundError) Error() string        { return e.Message }
func (e *NotFoundError) Is(target error) bool { return target == db.ErrNotFound }

// explain turns the staff functions' refusals into their sentences: a missing member or key is
// a *NotFoundError, a caller who may not manage staff is told so.
func explain(err error) error {
	var pqErr *pq.Error
	if err == nil || !errors.As(err, &pqErr) {
		return err
	}
	switch {
	case pqErr.Code == "P0002":
		return &NotFoundError{Message: pqErr.Message}
	case pqErr.Code == "42501" && strings.Contains(pqErr.Message, "function oms_staff_"):
		return fmt.Errorf("managing staff is the work of the admin role, which this database role does not hold (%s)", pqErr.Message)
	case pqErr.Code == "42501" && strings.Contains(pqErr.Message, "staff_keys"):
		return fmt.Errorf("reading SSH keys is the work of the admin role, which this database role does not hold (%s)", pqErr.Message)
	}
	return db.MapError(err)
}
