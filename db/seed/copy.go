package seed

import (
	"sync"
	"time"
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// table collects the rows of one table until they are copied in. Values are int64, string,
// bool, float64, time.Time or nil: the types database/sql passes to lib/pq without reflection.
type table struct {
	name string
	cols []string
	rows [][]any
}

func newTable(name string, cols ...string) *table { return &table{name: name, cols: cols} }

func (t *table) add(vals ...any) { t.rows = append(t.rows, vals) }

// copyIn writes the collected rows with one COPY statement and empties the table. One
// statement per batch also means one run of the ledger trigger per batch of movements.
func copyIn(ctx context.Context, tx *sql.Tx, t *table) error {
	if len(t.rows) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t0 := time.Now()
	defer func() { profMu.Lock(); Prof[t.name] += time.Since(t0); profMu.Unlock() }()
	stmt, err := tx.PrepareContext(ctx, "COPY "+t.name+" ("+strings.Join(t.cols, ", ")+") FROM STDIN")
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
func copyAll(ctx context.Context, tx *sql.Tx, tables ...*table) error {
	for _, t := range tables {
		if err := copyIn(ctx, tx, t); err != nil {
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

var Prof = map[string]time.Duration{}
var profMu sync.Mutex
