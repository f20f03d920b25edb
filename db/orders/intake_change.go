package orders

import (
	"fmt"
	"strings"

	"github.com/lib/pq"

	"oms/model"
)

// storedLine is an order line as the database holds it, to compare with what the channel sends.
type storedLine struct {
	ID        int64  `db:"id"`
	LineNo    int    `db:"line_no"`
	ExtID     string `db:"external_line_id"`
	SKU       string `db:"sku"`
	Qty       int64  `db:"qty_ordered"`
	Cancelled int64  `db:"qty_cancelled"`
	Amount    int64  `db:"amount_minor"`
}

// storedOrder is the part of an order a channel's export may change.
type storedOrder struct {
	Total     int64  `db:"total_minor"`
	Currency  string `db:"currency"`
	Name      string `db:"name"`
	Company   string `db:"company"`
	Line1     string `db:"line1"`
	Line2     string `db:"line2"`
	City      string `db:"city"`
	Region    string `db:"region"`
	Postal    string `db:"postal_code"`
	Country   string `db:"country"`
	Phone     string `db:"phone"`
	Cancelled bool   `db:"cancelled"`
	Held      bool   `db:"held_for_payment"`
}

func (s storedOrder) address() model.Address {
	return model.Address{Name: s.Name, Company: s.Company, Line1: s.Line1, Line2: s.Line2, City: s.City,
		Region: s.Region, PostalCode: s.Postal, Country: s.Country, Phone: s.Phone}
}

// change brings an order the channel changed up to date, or records an exception when work has
// started on it, or it was cancelled here, or a backorder was split off it here (the channel's
// quantities would count the split-off units twice): then nothing changes and the back office
// decides.
func (w *intakeWriter) change(in Incoming, ex existingOrder) (Result, error) {
	var cur storedOrder
	err := w.tx.GetContext(w.ctx, &cur, `
		SELECT o.total_minor, o.currency, a.name, a.company, a.line1, a.line2, a.city, a.region, a.postal_code,
		       a.country, a.phone, o.cancelled_at IS NOT NULL AS cancelled,
		       o.on_hold AND o.hold_reason IS NOT DISTINCT FROM 'HOLD_PAYMENT' AS held_for_payment
		  FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id WHERE o.id = $1`, ex.ID)
	if err != nil {
		return Result{}, err
	}
	var lines []storedLine
	// Lines first, in id order: the lock order of everything that touches a line's reservations.
	err = w.tx.SelectContext(w.ctx, &lines, `
		SELECT l.id, l.line_no, l.external_line_id, p.sku, l.qty_ordered, l.qty_cancelled, l.amount_minor
		  FROM order_lines l JOIN products p ON p.id = l.product_id
		 WHERE l.order_id = $1 ORDER BY l.id FOR NO KEY UPDATE OF l`, ex.ID)
	if err != nil {
		return Result{}, err
	}
	o := in.Order
	what := describeChange(cur, lines, o)
	if ex.Started || ex.Cancelled || ex.Split.Valid {
		return w.exception(in, ex, what)
	}
	if err := w.releaseReservations(ex.ID); err != nil {
		return Result{}, err
	}
	shipTo := ex.ShipTo
	if cur.address() != o.ShipTo {
		ids, err := w.ints("addresses_id_seq", 1)
		if err != nil {
			return Result{}, err
		}
		var a addressRows
		a.add(ids[0], ex.Customer, o.ShipTo)
		if err := a.insert(w.ctx, w.tx); err != nil {
			return Result{}, err
		}
		shipTo = ids[0]
	}
	if err := w.changeLines(ex.ID, lines, o); err != nil {
		return Result{}, err
	}
	var store any
	if id, ok := w.stores[o.Store]; ok {
		store = id
	}
	_, err = w.tx.ExecContext(w.ctx, `
		UPDATE orders SET external_name = $2, customer_name = $3, ship_to_address_id = $4, currency = $5,
		       subtotal_minor = $6, shipping_minor = $7, discount_minor = $8, tax_minor = $9, total_minor = $10,
		       prices_include_tax = $11,
		       on_hold = CASE WHEN $12 THEN true WHEN hold_reason = 'HOLD_PAYMENT' THEN false ELSE on_hold END,
		       hold_reason = CASE WHEN $12 THEN coalesce(hold_reason, 'HOLD_PAYMENT')
		                          WHEN hold_reason = 'HOLD_PAYMENT' THEN NULL ELSE hold_reason END,
		       cancelled_at = CASE WHEN $13 THEN now() END, cancel_reason = CASE WHEN $13 THEN 'CANCEL_CHANNEL' END,
		       ordered_at = $14, promised_at = $15, notes = $16, ship_service = $17, pickup_warehouse_id = $18,
		       intake_hash = $19, intake_run_id = $20
		 WHERE id = $1`,
		ex.ID, o.DisplayID, customerName(o), shipTo, string(o.Currency), o.SubtotalMinor, o.ShippingMinor,
		o.DiscountMinor, o.TaxMinor, o.TotalMinor, o.TaxIncluded, o.AwaitingPayment && !o.Cancelled, o.Cancelled,
		o.OrderedAt, promised(o, w.run.Channel), o.Notes, o.ShipService, store, Hash(o), runID(w.run))
	if err != nil {
		return Result{}, err
	}
	w.rememberIndexOf(in, ex.ID, what)
	return Result{Outcome: OrderUpdated, OrderID: ex.ID, Number: ex.Number}, nil
}

// rememberIndexOf records the history of an order by the identity of its Incoming; the batch
// index is found again by history.
func (w *intakeWriter) rememberIndexOf(in Incoming, id int64, what string) {
	if w.pending == nil {
		w.pending = map[string]pendingHistory{}
	}
	w.pending[in.Order.ExternalID] = pendingHistory{id: id, what: what}
}

type pendingHistory struct {
	id   int64
	what string
}

// releaseReservations gives back the stock held for an order the channel changed: allocation
// decides again on what the order now is.
func (w *intakeWriter) releaseReservations(order int64) error {
	if _, err := w.tx.ExecContext(w.ctx, `
		UPDATE order_lines SET qty_allocated = qty_shipped WHERE order_id = $1 AND qty_allocated > qty_shipped`, order); err != nil {
		return err
	}
	_, err := w.tx.ExecContext(w.ctx, `
		DELETE FROM reservations WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)`, order)
	return err
}

// changeLines makes the order's lines what the channel states, matched by the channel's line
// ids: changed lines are updated, new ones added after the last, lines the channel dropped are
// cancelled (kept, so the history and any document that names them stays whole).
func (w *intakeWriter) changeLines(order int64, stored []storedLine, o model.IncomingOrder) error {
	byExt := map[string]storedLine{}
	next := 0
	for _, l := range stored {
		byExt[l.ExtID] = l
		next = max(next, l.LineNo)
	}
	var upd, add lineRows
	kept := map[string]bool{}
	for n, in := range o.Lines {
		ext := in.ExternalLineID
		if ext == "" {
			ext = fmt.Sprint(n + 1)
			in.ExternalLineID = ext
		}
		kept[ext] = true
		if l, ok := byExt[ext]; ok {
			upd.add(l.ID, l.LineNo, in, w.products[in.SKU], o.Cancelled)
			continue
		}
		next++
		add.add(order, next, in, w.products[in.SKU], o.Cancelled)
	}
	var dropped []int64
	for _, l := range stored {
		if !kept[l.ExtID] {
			dropped = append(dropped, l.ID)
		}
	}
	if len(upd.order) > 0 {
		// upd.order holds the line ids here.
		_, err := w.tx.ExecContext(w.ctx, `
			UPDATE order_lines l
			   SET product_id = x.product, description = x.description, unit_price_minor = x.unit,
			       amount_minor = x.amount, discount_minor = x.discount, tax_minor = x.tax,
			       qty_cancelled = 0, qty_ordered = x.qty
			  FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::int[])
			       AS x(id, product, description, unit, amount, discount, tax, qty)
			 WHERE l.id = x.id`,
			pq.Array(upd.order), pq.Array(upd.product), pq.Array(upd.description), pq.Array(upd.unit),
			pq.Array(upd.amount), pq.Array(upd.discount), pq.Array(upd.tax), pq.Array(upd.qty))
		if err != nil {
			return err
		}
		if o.Cancelled {
			if _, err := w.tx.ExecContext(w.ctx, `UPDATE order_lines SET qty_cancelled = qty_ordered WHERE id = ANY($1)`,
				pq.Array(upd.order)); err != nil {
				return err
			}
		}
	}
	if len(add.order) > 0 {
		if err := add.insert(w.ctx, w.tx, []int64{order}); err != nil {
			return err
		}
	}
	if len(dropped) > 0 {
		if _, err := w.tx.ExecContext(w.ctx, `UPDATE order_lines SET qty_cancelled = qty_ordered WHERE id = ANY($1)`,
			pq.Array(dropped)); err != nil {
			return err
		}
	}
	return nil
}

// exception records that the channel changed an order oms could no longer change, once per
// distinct change (a replay of the same export does not pile up exceptions).
func (w *intakeWriter) exception(in Incoming, ex existingOrder, what string) (Result, error) {
	why, reason := "picking started", "changed after picking, exception recorded"
	switch {
	case ex.Cancelled:
		why = "it was cancelled here"
	case ex.Split.Valid && !ex.Started:
		why, reason = "its backorder was split off into "+ex.Split.String, "changed after a split, exception recorded"
	}
	msg := fmt.Sprintf("the channel changed the order after %s: %s", why, what)
	if w.run.ID != 0 {
		_, err := w.tx.ExecContext(w.ctx, `
			INSERT INTO order_exceptions (order_id, run_id, kind, message, data)
			SELECT $1, $2, 'changed_after_picking', $3, jsonb_build_object('hash', $4::text, 'file', $5::text, 'line', $6::int)
			 WHERE NOT EXISTS (SELECT 1 FROM order_exceptions e WHERE e.order_id = $1 AND e.resolved_at IS NULL
			                      AND e.data->>'hash' = $4)`,
			ex.ID, w.run.ID, msg, Hash(in.Order), w.run.File, in.Line)
		if err != nil {
			return Result{}, err
		}
	}
	w.rememberIndexOf(in, ex.ID, msg)
	return Result{Outcome: OrderException, Number: ex.Number, Reason: reason}, nil
}

// describeChange says in words what the channel changed.
func describeChange(cur storedOrder, lines []storedLine, o model.IncomingOrder) string {
	var what []string
	if cur.address() != o.ShipTo {
		what = append(what, "ship-to address")
	}
	byExt := map[string]storedLine{}
	for _, l := range lines {
		byExt[l.ExtID] = l
	}
	seen := map[string]bool{}
	for n, in := range o.Lines {
		ext := in.ExternalLineID
		if ext == "" {
			ext = fmt.Sprint(n + 1)
		}
		seen[ext] = true
		l, ok := byExt[ext]
		switch {
		case !ok:
			what = append(what, fmt.Sprintf("line added (%d × %s)", in.Qty, in.SKU))
		case l.SKU != in.SKU:
			what = append(what, fmt.Sprintf("line %d SKU %s → %s", l.LineNo, l.SKU, in.SKU))
		case l.Qty-l.Cancelled != in.Qty && !o.Cancelled:
			what = append(what, fmt.Sprintf("line %d (%s) quantity %d → %d", l.LineNo, l.SKU, l.Qty-l.Cancelled, in.Qty))
		case l.Amount != in.AmountMinor:
			what = append(what, fmt.Sprintf("line %d (%s) amount", l.LineNo, l.SKU))
		}
	}
	for _, l := range lines {
		if !seen[l.ExtID] && l.Qty > l.Cancelled {
			what = append(what, fmt.Sprintf("line %d (%s) removed", l.LineNo, l.SKU))
		}
	}
	if o.Cancelled && !cur.Cancelled {
		what = append(what, "cancelled")
	}
	if cur.Held && !o.AwaitingPayment {
		what = append(what, "paid")
	}
	if !cur.Held && o.AwaitingPayment {
		what = append(what, "awaiting payment")
	}
	if cur.Total != o.TotalMinor || cur.Currency != string(o.Currency) {
		what = append(what, "total")
	}
	if len(what) == 0 {
		what = append(what, "details")
	}
	return strings.Join(what, ", ")
}

// history writes one event per order the batch created, changed or could not change.
func (w *intakeWriter) history(batch []Incoming, results []Result) error {
	if w.run.ID == 0 {
		return nil
	}
	var ids []int64
	var kinds, messages []string
	for i, r := range results {
		in := batch[i]
		where := fmt.Sprintf("%s line %d", w.run.File, in.Line)
		switch r.Outcome {
		case OrderNew:
			ids = append(ids, w.ids[i])
			kinds = append(kinds, "order.imported")
			messages = append(messages, fmt.Sprintf("imported from %s %s (%s)", w.run.Format, where, in.Ref))
		case OrderUpdated, OrderException:
			p := w.pending[in.Order.ExternalID]
			kind, msg := "order.changed_by_channel", fmt.Sprintf("changed by the channel (%s): %s", where, p.what)
			if r.Outcome == OrderException {
				kind, msg = "order.changed_after_picking", fmt.Sprintf("%s (%s)", p.what, where)
			}
			ids = append(ids, p.id)
			kinds = append(kinds, kind)
			messages = append(messages, msg)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := w.tx.ExecContext(w.ctx, `SELECT oms_intake_events($1, $2, $3, $4)`, w.run.ID, pq.Array(ids),
		pq.Array(kinds), pq.Array(messages))
	return err
}
