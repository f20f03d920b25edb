package catalog

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/catalog"
	"oms/db"
)

// Store runs the catalog imports and exports on one database.
type Store struct{ d *db.DB }

// New returns the catalog commands and queries of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Result is what an import did: rows inserted, changed, found equal, and refused.
type Result struct {
	New, Updated, Unchanged int
	Rejected                []catalog.Rejection
}

// outcome of one row's upsert.
type outcome int

const (
	unchanged outcome = iota
	inserted
	updated
)

// refusal is a row the import turns down with a sentence, found in Go before writing.
// column, when set, is the column of the value refused (as a file names it).
type refusal struct{ reason, column string }

func (r refusal) Error() string { return r.reason }

func refuse(format string, args ...any) error { return refusal{reason: fmt.Sprintf(format, args...)} }

func refuseField(column, format string, args ...any) error {
	return refusal{reason: fmt.Sprintf(format, args...), column: column}
}

// importRows runs one transaction for the whole file: each row under a savepoint, so that a row
// the database refuses is undone alone and reported, the others kept. A refusal of the whole
// session (no privilege on the table, a lost connection) aborts the import.
func importRows[T any](ctx context.Context, d *db.DB, file string, rows []T, line func(T) int,
	prepare func(tx *sqlx.Tx) error, upsert func(tx *sqlx.Tx, row T) (outcome, error)) (Result, error) {
	var res Result
	err := d.InTx(ctx, func(tx *sqlx.Tx) error {
		res = Result{}
		if err := prepare(tx); err != nil {
			return err
		}
		for _, row := range rows {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT catalog_row`); err != nil {
				return err
			}
			o, err := upsert(tx, row)
			if err != nil {
				reason, ok := rowRefusal(err)
				if !ok {
					return err
				}
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT catalog_row`); err != nil {
					return err
				}
				res.Rejected = append(res.Rejected, catalog.Rejection{File: file, Line: line(row), Reason: reason})
				continue
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT catalog_row`); err != nil {
				return err
			}
			switch o {
			case inserted:
				res.New++
			case updated:
				res.Updated++
			default:
				res.Unchanged++
			}
		}
		return nil
	})
	return res, err
}

// rowRefusal says whether err turns down one row (a refusal found in Go, or a constraint or
// trigger of the schema) rather than the whole import, and with which sentence.
func rowRefusal(err error) (string, bool) {
	var r refusal
	if errors.As(err, &r) {
		return r.reason, true
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "42501" && !strings.HasPrefix(pqErr.Routine, "exec_stmt_raise") {
		return "", false // no privilege: every row would fail the same way
	}
	var ce *db.ConstraintError
	if errors.As(db.MapError(err), &ce) {
		return ce.Message, true
	}
	return "", false
}

// names reads a set of codes (tax categories, currencies, warehouses) once per import.
func names(ctx context.Context, tx *sqlx.Tx, query string) (map[string]bool, error) {
	var list []string
	if err := tx.SelectContext(ctx, &list, query); err != nil {
		return nil, err
	}
	m := make(map[string]bool, len(list))
	for _, n := range list {
		m[n] = true
	}
	return m, nil
}

func sortedKeys(m map[string]bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// outcomeOf reads what an upsert ... RETURNING (xmax = 0) said: no row is unchanged.
func outcomeOf(rows []bool) outcome {
	switch {
	case len(rows) == 0:
		return unchanged
	case rows[0]:
		return inserted
	default:
		return updated
	}
}

// field is a column an upsert may change: its name in the file and in the table.
type field struct{ file, col string }

func sameName(names ...string) []field {
	fs := make([]field, len(names))
	for i, n := range names {
		fs[i] = field{n, n}
	}
	return fs
}

// merge builds an upsert's SET list and the two tuples compared to tell an update from an
// unchanged row (table alias t): a column the file does not have keeps its stored value, so a
// file of SKUs and reorder points changes nothing else. param is the placeholder of the file's
// columns, a text[] (see columnsOf).
func merge(t string, fields []field, param int) (set, stored, incoming string) {
	var s, o, n []string
	for _, f := range fields {
		expr := fmt.Sprintf("CASE WHEN '%s' = ANY($%d::text[]) THEN EXCLUDED.%s ELSE %s.%s END", f.file, param, f.col, t, f.col)
		s = append(s, f.col+" = "+expr)
		o = append(o, t+"."+f.col)
		n = append(n, expr)
	}
	return strings.Join(s, ", "), "(" + strings.Join(o, ", ") + ")", "(" + strings.Join(n, ", ") + ")"
}

// columnsOf is the file's columns of a row, every column of the kind when the row did not come
// from a file.
func columnsOf(kind string, cols []string) pq.StringArray {
	if cols == nil {
		cols, _ = catalog.Columns(kind)
	}
	return cols
}
