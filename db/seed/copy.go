package seed

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
)

// table collects the rows of one table until they are copied in. Values are int64, string,
// bool, float64, time.Time or nil: the types database/sql passes to lib/pq without reflection.
type table struct {
	name string
	cols []string
	rows [][]any
}

func newTable(name string, cols ...string) *table {
	return &table{name: name, cols: cols}
}

// loader copies tables in within the seed's transaction. Every table, the stock ledger
// included, is loaded the way pg_restore --disable-triggers does it, with
// session_replication_role = replica: no per-row foreign-key lookups and no trigger calls
// (only the triggers marked ENABLE ALWAYS, which keep the order counts, still fire). The seed
// writes the values the triggers would have set — stamps, line quantities, reservations — and
// derives what they would have kept (stock balances, invoice counters) in one statement each at
// the end. verifyReferences proves every foreign key afterwards with one anti-join each, so the
// database still refuses a dangling reference — per table, not per row. CHECK, NOT NULL and
// UNIQUE constraints are enforced as always.
type loader struct {
	tx      *sql.Tx
	replica bool
	loaded  []string // tables loaded without row-level foreign-key checks, in first-load order
}

func (l *loader) role(ctx context.Context, replica bool) error {
	if replica == l.replica {
		return nil
	}
	role := "origin"
	if replica {
		role = "replica"
	}
	if _, err := l.tx.ExecContext(ctx, "SET LOCAL session_replication_role = "+role); err != nil {
		return err
	}
	l.replica = replica
	return nil
}

func (t *table) add(vals ...any) { t.rows = append(t.rows, vals) }

// replicate switches to replica mode for writing into table and notes the table for
// verifyReferences.
func (l *loader) replicate(ctx context.Context, table string) error {
	if err := l.role(ctx, true); err != nil {
		return err
	}
	if !slices.Contains(l.loaded, table) {
		l.loaded = append(l.loaded, table)
	}
	return nil
}

// exec runs one statement that writes table, in replica mode like the copies.
func (l *loader) exec(ctx context.Context, table, query string) error {
	if err := l.replicate(ctx, table); err != nil {
		return err
	}
	_, err := l.tx.ExecContext(ctx, query)
	return err
}

// copyIn writes the collected rows with one COPY statement and empties the table.
func (l *loader) copyIn(ctx context.Context, t *table) error {
	if len(t.rows) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := l.replicate(ctx, t.name); err != nil {
		return err
	}
	stmt, err := l.tx.PrepareContext(ctx, "COPY "+t.name+" ("+strings.Join(t.cols, ", ")+") FROM STDIN")
	if err != nil {
		return fmt.Errorf("copying into %s: %w", t.name, err)
	}
	defer stmt.Close()
	// The per-row Exec takes no context: lib/pq would start a goroutine per call to watch it.
	for _, row := range t.rows {
		if _, err := stmt.Exec(row...); err != nil {
			return fmt.Errorf("copying into %s: %w", t.name, err)
		}
	}
	if _, err := stmt.Exec(); err != nil {
		return fmt.Errorf("copying into %s: %w", t.name, err)
	}
	clear(t.rows)
	t.rows = t.rows[:0]
	return nil
}

// copyAll writes tables in the order given, which must respect their foreign keys.
func (l *loader) copyAll(ctx context.Context, tables ...*table) error {
	for _, t := range tables {
		if err := l.copyIn(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// nullable turns a zero id into SQL NULL.
func nullable(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullStr turns an empty string into SQL NULL.
func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
