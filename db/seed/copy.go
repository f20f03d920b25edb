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
	// ledger tables are loaded with their triggers firing: the stock ledger's trigger is what
	// keeps stock_balances, and the seed never writes balances itself.
	ledger bool
}

func newTable(name string, cols ...string) *table {
	return &table{name: name, cols: cols, ledger: name == "stock_movements"}
}

// loader copies tables in within the seed's transaction. Everything but the ledger is loaded
// the way pg_restore --disable-triggers does it, with session_replication_role = replica: no
// per-row foreign-key lookups and no per-row trigger calls. The seed writes the values the
// touch triggers would have set, and verifyReferences proves every foreign key afterwards with
// one anti-join each, so the database still refuses a dangling reference — per table, not per
// row. CHECK, NOT NULL and UNIQUE constraints are enforced as always.
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

// copyIn writes the collected rows with one COPY statement and empties the table. One
// statement per batch also means one run of the ledger trigger per batch of movements.
func (l *loader) copyIn(ctx context.Context, t *table) error {
	if len(t.rows) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := l.role(ctx, !t.ledger); err != nil {
		return err
	}
	if !t.ledger && !slices.Contains(l.loaded, t.name) {
		l.loaded = append(l.loaded, t.name)
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
