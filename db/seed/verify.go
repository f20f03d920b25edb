package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"
)

// foreignKey is one FOREIGN KEY constraint as the catalogue describes it.
type foreignKey struct {
	name, child, parent   string
	childCols, parentCols []string
}

// verifyReferences proves, for every foreign key of the tables loaded without row-level
// checks, that no row points at nothing: one anti-join per constraint instead of one lookup per
// row. The constraints are read from the catalogue, so a key added by a later migration is
// checked too.
func (l *loader) verifyReferences(ctx context.Context, progress func(Progress)) error {
	if err := l.role(ctx, false); err != nil {
		return err
	}
	fks, err := l.foreignKeys(ctx)
	if err != nil {
		return err
	}
	for i, fk := range fks {
		var broken int64
		if err := l.tx.QueryRowContext(ctx, fk.violationsSQL()).Scan(&broken); err != nil {
			return fmt.Errorf("checking %s: %w", fk.name, err)
		}
		if broken > 0 {
			return fmt.Errorf("seed: %d rows of %s break foreign key %s", broken, fk.child, fk.name)
		}
		progress(Progress{Stage: "verify", Done: int64(i + 1), Total: int64(len(fks))})
	}
	return nil
}

func (l *loader) foreignKeys(ctx context.Context) ([]foreignKey, error) {
	rows, err := l.tx.QueryContext(ctx, `
		SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text,
		       array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
		               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
		       array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
		               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)
		  FROM pg_constraint c
		 WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY($1)
		 ORDER BY 2, 1`, pq.Array(l.loaded))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var fks []foreignKey
	for rows.Next() {
		var fk foreignKey
		if err := rows.Scan(&fk.name, &fk.child, &fk.parent, pq.Array(&fk.childCols), pq.Array(&fk.parentCols)); err != nil {
			return nil, err
		}
		fks = append(fks, fk)
	}
	return fks, rows.Err()
}

// violationsSQL counts child rows whose non-null key has no parent (MATCH SIMPLE, like the
// constraint itself).
func (fk foreignKey) violationsSQL() string {
	var notNull, match []string
	for i, c := range fk.childCols {
		cc, pc := pq.QuoteIdentifier(c), pq.QuoteIdentifier(fk.parentCols[i])
		notNull = append(notNull, "c."+cc+" IS NOT NULL")
		match = append(match, "p."+pc+" = c."+cc)
	}
	return fmt.Sprintf(`SELECT count(*) FROM %s c WHERE %s AND NOT EXISTS (SELECT 1 FROM %s p WHERE %s)`,
		fk.child, strings.Join(notNull, " AND "), fk.parent, strings.Join(match, " AND "))
}
