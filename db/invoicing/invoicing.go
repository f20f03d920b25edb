package invoicing

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// Kind is an invoice or a credit note.
type Kind string

const (
	Invoice    Kind = "invoice"
	CreditNote Kind = "credit_note"
)

// Line is one line of a document.
type Line struct {
	OrderLine   int64 // 0 for a line that is not an order line, such as shipping
	Description string
	model.InvoiceLine
}

// Document is what to issue. Series is a number_series code ("invoice", "credit_note");
// Credits is the invoice a credit note credits. FXRate is units of Currency per unit of
// BaseCurrency on FXDate, as stored in fx_rates ("1" when the currencies are the same).
type Document struct {
	Kind         Kind
	Series       string
	Order        int64
	Credits      int64
	Currency     model.Currency
	BaseCurrency model.Currency
	FXRate       string
	FXDate       time.Time
	Lines        []Line
}

// Issued is a document the database has numbered.
type Issued struct {
	ID     int64
	Number string
}

// Store runs the invoicing commands on one database.
type Store struct{ d *db.DB }

// New returns the invoicing commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Issue writes doc and returns its number. A retry with the same key returns the document the
// first attempt issued.
func (s *Store) Issue(ctx context.Context, key string, doc Document) (Issued, error) {
	rate, err := model.ParseRate(doc.FXRate)
	if err != nil {
		return Issued{}, fmt.Errorf("exchange rate: %w", err)
	}
	lines := make([]model.InvoiceLine, len(doc.Lines))
	for i, l := range doc.Lines {
		lines[i] = l.InvoiceLine
	}
	totals, err := model.Totals(lines, doc.Currency, doc.BaseCurrency, rate)
	if err != nil {
		return Issued{}, err
	}
	var out Issued
	err = s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		done, err := db.ClaimKey(ctx, tx, key, "invoicing.issue", doc)
		if err != nil {
			return err
		}
		if done {
			return tx.GetContext(ctx, &out.ID, `SELECT (result->>'id')::bigint FROM idempotency_keys WHERE key = $1`, key)
		}
		if out.ID, err = insert(ctx, tx, doc, totals); err != nil {
			return err
		}
		// Check and number the document now rather than at COMMIT, so that only the commit
		// itself runs while the series is locked, and the number can be returned.
		if _, err := tx.ExecContext(ctx, `SET CONSTRAINTS invoices_issue IMMEDIATE`); err != nil {
			return err
		}
		if key != "" {
			_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = jsonb_build_object('id', $2::bigint) WHERE key = $1`, key, out.ID)
		}
		return err
	})
	if err != nil {
		return Issued{}, err
	}
	err = s.d.GetContext(ctx, &out.Number, `SELECT number FROM invoices WHERE id = $1`, out.ID)
	return out, err
}

func insert(ctx context.Context, tx *sqlx.Tx, doc Document, t model.InvoiceTotals) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO invoices (series, kind, order_id, credited_invoice_id, currency, subtotal_minor, tax_minor,
		                      total_minor, base_currency, fx_rate, fx_date, subtotal_base_minor, tax_base_minor,
		                      total_base_minor)
		VALUES ($1, $2, $3, nullif($4, 0), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		doc.Series, string(doc.Kind), doc.Order, doc.Credits, string(doc.Currency), t.Subtotal, t.Tax, t.Total,
		string(doc.BaseCurrency), doc.FXRate, doc.FXDate.Format(time.DateOnly), t.SubtotalBase, t.TaxBase, t.TotalBase)
	if err != nil {
		return 0, err
	}
	for i, l := range doc.Lines {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO invoice_lines (invoice_id, line_no, order_line_id, description, qty, unit_price_minor,
			                           tax_rate_ppm, discount_minor, tax_minor, total_minor)
			VALUES ($1, $2, nullif($3, 0), $4, $5, $6, $7, $8, $9, $10)`,
			id, i+1, l.OrderLine, l.Description, l.Qty, l.UnitMinor, l.TaxRatePPM, l.DiscountMinor, l.TaxMinor,
			l.Total()); err != nil {
			return 0, err
		}
	}
	for _, tl := range t.TaxLines {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO invoice_tax_lines (invoice_id, tax_rate_ppm, taxable_minor, tax_minor, taxable_base_minor, tax_base_minor)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			id, tl.RatePPM, tl.TaxableMinor, tl.TaxMinor, tl.TaxableBaseMinor, tl.TaxBaseMinor); err != nil {
			return 0, err
		}
	}
	return id, nil
}
