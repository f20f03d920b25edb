package returns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/invoicing"
	"oms/model"
)

// quoteRow is an RMA line with units inspected and not refunded, and its order line's amounts.
type quoteRow struct {
	RMALine   int64  `db:"rma_line"`
	OrderLine int64  `db:"order_line"`
	SKU       string `db:"sku"`
	Ordered   int64  `db:"qty_ordered"`
	Amount    int64  `db:"amount_minor"`
	Discount  int64  `db:"discount_minor"`
	Tax       int64  `db:"tax_minor"`
	Before    int64  `db:"refunded_before"`
	Open      int64  `db:"open"`
	Reason    string `db:"reason"`
}

// quoteHead is the order's side of a refund.
type quoteHead struct {
	Order           int64  `db:"order_id"`
	Currency        string `db:"currency"`
	Inclusive       bool   `db:"prices_include_tax"`
	Paid            int64  `db:"total_minor"`
	LinesPaid       int64  `db:"lines_paid"`
	Shipped         int64  `db:"shipped"`
	UnitsRefunded   int64  `db:"units_refunded"`
	Refunded        int64  `db:"refunded"`
	ShippingRefund  int64  `db:"shipping_refunded"`
	ShippingPolicy  string `db:"return_shipping"`
	RaisePPM        int64  `db:"refund_raise_ppm"`
	Wish            string `db:"resolution"`
	InspectedOpen   int64  `db:"inspected_open"`
	ReturnedUnits   int64  `db:"returned"`
	OrderNumber     string `db:"number"`
	RMANumber       string `db:"rma_number"`
	StatusOfRefunds string `db:"refund_status"`
}

// Quote is what a refund of an RMA's inspected units would pay, line by line.
type Quote struct {
	model.RefundQuote
	Policy model.RefundPolicy
	lines  []quoteRow
	order  int64
}

// Quote computes the refund of every unit of the RMA inspected and not refunded yet.
func (s *Store) Quote(ctx context.Context, rma int64) (Quote, error) {
	var q Quote
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		q, err = quoteIn(ctx, tx, rma)
		return err
	})
	return q, err
}

func quoteIn(ctx context.Context, tx *sqlx.Tx, rma int64) (Quote, error) {
	var h quoteHead
	if err := tx.GetContext(ctx, &h, `
		SELECT o.id AS order_id, o.currency, o.prices_include_tax, o.total_minor, o.number, r.number AS rma_number,
		       r.resolution, r.refund_status, c.return_shipping, coalesce(co.refund_raise_ppm, 0) AS refund_raise_ppm,
		       (SELECT coalesce(sum(l.amount_minor - l.discount_minor + CASE WHEN o.prices_include_tax THEN 0 ELSE l.tax_minor END), 0)
		          FROM order_lines l WHERE l.order_id = o.id) AS lines_paid,
		       (SELECT coalesce(sum(l.qty_shipped), 0) FROM order_lines l WHERE l.order_id = o.id) AS shipped,
		       (SELECT coalesce(sum(l.qty_returned), 0) FROM order_lines l WHERE l.order_id = o.id) AS returned,
		       (SELECT coalesce(sum(l.qty_refunded), 0) FROM order_lines l WHERE l.order_id = o.id) AS units_refunded,
		       (SELECT coalesce(sum(f.amount_minor), 0) FROM refunds f WHERE f.order_id = o.id AND f.status <> 'failed') AS refunded,
		       (SELECT coalesce(sum(f.shipping_minor), 0) FROM refunds f WHERE f.order_id = o.id AND f.status <> 'failed') AS shipping_refunded,
		       (SELECT coalesce(sum(rl.qty_inspected - rl.qty_refunded), 0) FROM rma_lines rl WHERE rl.rma_id = r.id) AS inspected_open
		  FROM rmas r JOIN orders o ON o.id = r.order_id JOIN channels c ON c.id = o.channel_id LEFT JOIN company co ON true
		 WHERE r.id = $1`, rma); err != nil {
		return Quote{}, err
	}
	var rows []quoteRow
	if err := tx.SelectContext(ctx, &rows, `
		SELECT rl.id AS rma_line, ol.id AS order_line, p.sku, ol.qty_ordered, coalesce(ol.amount_minor, ol.unit_price_minor * ol.qty_ordered) AS amount_minor,
		       ol.discount_minor, ol.tax_minor, ol.qty_refunded AS refunded_before, rl.qty_inspected - rl.qty_refunded AS open,
		       coalesce(rl.reason_code, '') AS reason
		  FROM rma_lines rl JOIN order_lines ol ON ol.id = rl.order_line_id JOIN products p ON p.id = ol.product_id
		 WHERE rl.rma_id = $1 AND rl.qty_inspected > rl.qty_refunded ORDER BY ol.line_no, rl.id`, rma); err != nil {
		return Quote{}, err
	}
	fees := map[string]int64{}
	var reasons []Reason
	if err := tx.SelectContext(ctx, &reasons, `SELECT code, description, restocking_fee_ppm FROM reason_codes WHERE kind = 'return'`); err != nil {
		return Quote{}, err
	}
	for _, r := range reasons {
		fees[r.Code] = r.FeePPM
	}
	policy := model.RefundPolicy{Shipping: model.ShippingRefund(h.ShippingPolicy), FeePPM: fees, RaisePPM: h.RaisePPM}
	in := model.RefundInput{Currency: model.Currency(h.Currency), TaxIncluded: h.Inclusive,
		ShippingPaidMinor: max(h.Paid-h.LinesPaid, 0), ShippedUnits: h.Shipped, UnitsRefundedBefore: h.UnitsRefunded,
		ShippingRefundedBefore: h.ShippingRefund, PaidMinor: h.Paid, RefundedBeforeMinor: h.Refunded, Policy: policy}
	if !model.RMAWish(h.Wish).PaysMoney() {
		return Quote{}, &NothingToRefund{RMA: h.RMANumber, Why: "is an exchange: nothing is paid back"}
	}
	if len(rows) == 0 {
		why := "has no inspected units left to refund"
		var last struct {
			Name string    `db:"name"`
			At   time.Time `db:"created_at"`
		}
		err := tx.GetContext(ctx, &last, `SELECT coalesce(s.name, f.actor) AS name, f.created_at FROM refunds f
			LEFT JOIN staff s ON s.login = f.actor WHERE f.rma_id = $1 ORDER BY f.id DESC LIMIT 1`, rma)
		if err == nil {
			why += fmt.Sprintf(": refunded by %s at %s", last.Name, last.At.UTC().Format("15:04"))
		} else if !errors.Is(err, sql.ErrNoRows) {
			return Quote{}, err
		}
		return Quote{}, &NothingToRefund{RMA: h.RMANumber, Why: why}
	}
	for _, r := range rows {
		in.Lines = append(in.Lines, model.RefundLine{OrderLine: r.OrderLine, SKU: r.SKU, Ordered: r.Ordered,
			AmountMinor: r.Amount, DiscountMinor: r.Discount, TaxMinor: r.Tax, RefundedBefore: r.Before, Qty: r.Open, Reason: r.Reason})
	}
	rq, err := model.QuoteRefund(in)
	if err != nil {
		return Quote{}, err
	}
	return Quote{RefundQuote: rq, Policy: policy, lines: rows, order: h.Order}, nil
}

// NothingToRefund says an RMA has nothing to refund, and why.
type NothingToRefund struct{ RMA, Why string }

func (e *NothingToRefund) Error() string { return e.RMA + " " + e.Why }

// RefundRequest is a refund as the desk confirms it.
type RefundRequest struct {
	RMA    int64
	Amount int64  // 0 pays the computed amount; another amount is a supervisor's
	Method string // original_payment, store_credit, cash or bank_transfer
	Note   string
}

// Refunded is a refund paid and its credit notes.
type Refunded struct {
	ID          int64    `json:"id"`
	Amount      int64    `json:"amount"`
	Computed    int64    `json:"computed"`
	Currency    string   `json:"currency"`
	CreditNotes []string `json:"credit_notes"`
}

// Refund pays back every unit of the RMA inspected and not refunded yet, in one transaction
// under key: the amount computed here (or a supervisor's, within the company's raise), the
// refund recorded, and the credit note for its units against the invoices that billed them. A
// second refund of the same units (another clerk a moment earlier) is refused, naming who.
func (s *Store) Refund(ctx context.Context, key string, req RefundRequest) (Refunded, error) {
	return db.Keyed(ctx, s.d, key, "returns.refund", req, func(tx *sqlx.Tx) (Refunded, error) {
		// The order's lines and the RMA locked first, so the amount is worked out from refunds
		// that are final: a second refund of the order waits here and then sees the first.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM oms_rma_lock($1)`, req.RMA); err != nil {
			return Refunded{}, err
		}
		q, err := quoteIn(ctx, tx, req.RMA)
		if err != nil {
			return Refunded{}, err
		}
		amount := q.TotalMinor
		if req.Amount != 0 {
			if err := q.CheckAdjusted(req.Amount, q.Policy); err != nil {
				return Refunded{}, err
			}
			amount = req.Amount
		}
		type unit struct {
			Line int64 `json:"line"`
			Qty  int64 `json:"qty"`
		}
		var units []unit
		byOrderLine := map[int64]int64{}
		for _, r := range q.lines {
			units = append(units, unit{r.RMALine, r.Open})
			byOrderLine[r.OrderLine] += r.Open
		}
		raw, err := json.Marshal(units)
		if err != nil {
			return Refunded{}, err
		}
		out := Refunded{Amount: amount, Computed: q.TotalMinor, Currency: string(q.Currency)}
		if err := tx.GetContext(ctx, &out.ID, `SELECT oms_rma_refund($1, $2, $3, $4, $5, $6, $7, $8)`,
			req.RMA, raw, amount, q.TotalMinor, q.ShippingMinor, q.FeesMinor, req.Method, req.Note); err != nil {
			return Refunded{}, err
		}
		docs, err := invoicing.New(s.d).CreditUnitsWithin(ctx, tx, q.order, byOrderLine)
		var nothing *invoicing.NothingError
		if errors.As(err, &nothing) {
			return out, nil // never invoiced: the refund stands without a credit note
		}
		if err != nil {
			return Refunded{}, err
		}
		for i, d := range docs {
			out.CreditNotes = append(out.CreditNotes, d.Number)
			if i == 0 {
				if _, err := tx.ExecContext(ctx, `SELECT oms_rma_refund_credited($1, $2)`, out.ID, d.ID); err != nil {
					return Refunded{}, err
				}
			}
		}
		return out, nil
	})
}

// Exchange makes the replacement order of an exchange RMA (once its units are back, or at once
// when it cross-ships) and returns its number. The allocator that follows stock arrivals
// allocates it straight away; a caller who may allocate (the back office, a supervisor) need
// not wait for that.
func (s *Store) Exchange(ctx context.Context, key string, rma int64) (string, error) {
	return db.Keyed(ctx, s.d, key, "returns.exchange", rma, func(tx *sqlx.Tx) (string, error) {
		var id int64
		if err := tx.GetContext(ctx, &id, `SELECT oms_rma_exchange($1)`, rma); err != nil {
			return "", err
		}
		var number string
		err := tx.GetContext(ctx, &number, `SELECT number FROM orders WHERE id = $1`, id)
		return number, err
	})
}
