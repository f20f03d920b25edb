package export

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Filter narrows an export. The zero Filter is everything.
type Filter struct {
	// After is the cursor of an earlier export: only rows written by transactions its snapshot
	// could not see. Empty: no such bound.
	After string
	// Since keeps rows changed or created at or after it. Zero: no such bound.
	Since time.Time
	// Channel is a channel's code, in any case: its orders (and, for stock, its safety buffer
	// and its store). Empty: every channel.
	Channel string
	// Warehouse is a warehouse's code, in any case: orders it ships or hands out, movements in
	// or out of it, its shipments, its stock. Empty: every warehouse.
	Warehouse string
}

// InputError is a filter that cannot be used: an unknown channel or warehouse, a cursor that is
// not one. The command line reports it as a usage mistake.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// Store reads exports from one database.
type Store struct{ d *db.DB }

// New returns the exports of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Reader reads the rows of one export, inside its transaction. Its methods run one query each
// and must not be called from one another's callbacks.
type Reader struct {
	tx     *sqlx.Tx
	f      Filter
	cursor string

	channel   sql.NullInt64
	chanKind  string
	chanStore sql.NullInt64
	buffer    int64
	warehouse sql.NullInt64
	whKind    string
	whActive  bool
}

// Cursor is the export's snapshot: give it as Filter.After to read what changed since.
func (r *Reader) Cursor() string { return r.cursor }

var readOnlySnapshot = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

// cursorPattern is pg_snapshot's text form: xmin:xmax:xip,xip,…
var cursorPattern = regexp.MustCompile(`^[0-9]{1,20}:[0-9]{1,20}:([0-9]{1,20}(,[0-9]{1,20})*)?$`)

// Run begins the export's transaction, checks f, and calls fn to read its rows. It returns the
// cursor, which is valid only when err is nil: a caller that wrote the rows somewhere saves it
// after they are safely there.
func (s *Store) Run(ctx context.Context, f Filter, fn func(r *Reader) error) (cursor string, err error) {
	f.After = strings.TrimSpace(f.After)
	if f.After != "" && !cursorPattern.MatchString(f.After) {
		return "", &InputError{fmt.Sprintf("%q is not a cursor: a cursor is what an earlier export printed after \"cursor:\" (like 1234:1240:1236)", f.After)}
	}
	tx, err := s.d.BeginTxx(ctx, readOnlySnapshot)
	if err != nil {
		return "", db.MapError(err)
	}
	defer func() { _ = tx.Rollback() }()
	r := &Reader{tx: tx, f: f}
	// The first statement takes the transaction's snapshot, so this is the one every query sees.
	if err := tx.GetContext(ctx, &r.cursor, `SELECT pg_current_snapshot()::text`); err != nil {
		return "", db.MapError(err)
	}
	if err := r.check(ctx); err != nil {
		return "", err
	}
	if err := fn(r); err != nil {
		return "", db.MapError(err)
	}
	if err := tx.Commit(); err != nil {
		return "", db.MapError(err)
	}
	return r.cursor, nil
}

func (r *Reader) check(ctx context.Context) error {
	f := r.f
	if f.After != "" {
		var ok bool
		err := r.tx.GetContext(ctx, &ok, `SELECT pg_snapshot_xmax($1::pg_snapshot) <= pg_snapshot_xmax(pg_current_snapshot())`, f.After)
		var pqErr *pq.Error
		if errors.As(err, &pqErr) && pqErr.Code.Class() == "22" {
			return &InputError{fmt.Sprintf("%q is not a cursor: %s", f.After, pqErr.Message)}
		}
		if err != nil {
			return db.MapError(err)
		}
		if !ok {
			return &InputError{fmt.Sprintf("cursor %s is ahead of this database: it came from another database (or one restored from an older backup)", f.After)}
		}
	}
	if c := strings.TrimSpace(f.Channel); c != "" {
		var ch struct {
			ID     int64         `db:"id"`
			Kind   string        `db:"kind"`
			Store  sql.NullInt64 `db:"warehouse_id"`
			Buffer int64         `db:"safety_buffer"`
		}
		err := r.tx.GetContext(ctx, &ch, `SELECT id, kind, warehouse_id, safety_buffer FROM channels WHERE code = lower($1)`, c)
		if errors.Is(err, sql.ErrNoRows) {
			return &InputError{fmt.Sprintf("there is no channel %q: the channels are %s", c, r.codes(ctx, "channels"))}
		}
		if err != nil {
			return db.MapError(err)
		}
		r.channel = sql.NullInt64{Int64: ch.ID, Valid: true}
		r.chanKind, r.chanStore, r.buffer = ch.Kind, ch.Store, ch.Buffer
	}
	if w := strings.TrimSpace(f.Warehouse); w != "" {
		var wh struct {
			ID     int64  `db:"id"`
			Kind   string `db:"kind"`
			Active bool   `db:"active"`
		}
		err := r.tx.GetContext(ctx, &wh, `SELECT id, kind, active FROM warehouses WHERE code = upper($1)`, w)
		if errors.Is(err, sql.ErrNoRows) {
			return &InputError{fmt.Sprintf("there is no warehouse %q: the warehouses are %s", w, r.codes(ctx, "warehouses"))}
		}
		if err != nil {
			return db.MapError(err)
		}
		r.warehouse = sql.NullInt64{Int64: wh.ID, Valid: true}
		r.whKind, r.whActive = wh.Kind, wh.Active
	}
	return nil
}

// codes lists a table's codes for a message, the first 20 of them.
func (r *Reader) codes(ctx context.Context, table string) string {
	var codes []string
	if err := r.tx.SelectContext(ctx, &codes, `SELECT code FROM `+table+` ORDER BY code LIMIT 21`); err != nil || len(codes) == 0 {
		return "none"
	}
	if len(codes) > 20 {
		return strings.Join(codes[:20], ", ") + ", …"
	}
	return strings.Join(codes, ", ")
}

// query is one SELECT being put together: its conditions and their arguments.
type query struct {
	where  []string
	args   []any
	cursor string // Filter.After
	cp     string // its placeholder, once used
}

func (r *Reader) newQuery() *query { return &query{cursor: r.f.After} }

// arg adds an argument and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

func (q *query) and(cond string) { q.where = append(q.where, cond) }

func (q *query) whereSQL() string {
	if len(q.where) == 0 {
		return ""
	}
	return "\n WHERE " + strings.Join(q.where, "\n   AND ")
}

// unseen is the condition "x was written by a transaction the cursor could not see" (as
// db/changes.go asks it): such a transaction's id is at least the cursor's xmin, which lets the
// change_xid index find the few candidates. A NULL stamp (a row older than its table's stamp)
// was seen by every cursor.
func (q *query) unseen(x string) string {
	if q.cp == "" {
		q.cp = q.arg(q.cursor) + "::pg_snapshot"
	}
	return "(" + x + " >= pg_snapshot_xmin(" + q.cp + ") AND NOT pg_visible_in_snapshot(" + x + ", " + q.cp + "))"
}

// stream runs the query and calls scan for each row as it arrives.
func (r *Reader) stream(ctx context.Context, sqlText string, q *query, scan func(rows *sql.Rows) error) error {
	rows, err := r.tx.QueryContext(ctx, sqlText, q.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
