package orders

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// OrderEdit is what the back office changes on an order before picking starts, typed against
// the version of the order it was opened on. Lines lists the open quantity wanted for existing
// lines (0 cancels the line); Add, new lines by SKU. ShipTo is the whole address: when it
// differs from the order's, a new addresses row takes its place, as intake does.
type OrderEdit struct {
	Order    int64
	Version  int
	ShipTo   Address
	Priority int
	Notes    string
	Service  string // "carrier/service" codes, "" for none
	Lines    []LineQty
	Add      []NewLine
}

// LineQty is the open quantity wanted for one existing line.
type LineQty struct {
	Line int64
	Qty  int64
}

// NewLine is a line to add: a product by SKU and its quantity.
type NewLine struct {
	SKU string
	Qty int64
}

type editState struct {
	ShipTo    Address       `db:"ship_to"`
	AddressID int64         `db:"ship_to_address_id"`
	Priority  int           `db:"priority"`
	Notes     string        `db:"notes"`
	Service   string        `db:"service"`
	ServiceID sql.NullInt64 `db:"service_id"`
}

// EditOrder saves e in one transaction and returns the order's new version. An order changed
// since e.Version is left as it is and *ChangedError returned, naming who changed it; an order
// with anything picked, or cancelled, is refused with a sentence. An edit that changes nothing
// writes nothing and returns the version it was typed against.
func (s *Store) EditOrder(ctx context.Context, key string, e OrderEdit) (int, error) {
	var version int
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		version = e.Version
		if done, err := db.ClaimKey(ctx, tx, key, "orders.edit", e); done || err != nil {
			if done {
				return tx.GetContext(ctx, &version, `SELECT version FROM orders WHERE id = $1`, e.Order)
			}
			return err
		}
		lines, o, err := lockLines(ctx, tx, e.Order)
		if err != nil {
			return err
		}
		if o.Version != e.Version {
			return errChanged
		}
		if o.Cancelled != nil {
			return refuse("order %s is cancelled: it cannot be edited", o.Number)
		}
		var picked []string
		for _, l := range lines {
			if l.Picked > 0 {
				picked = append(picked, fmt.Sprintf("%s has %d picked", l.name(), l.Picked))
			}
		}
		if len(picked) > 0 {
			return refuse("order %s cannot be edited once picking has started: %s", o.Number, strings.Join(picked, ", "))
		}
		w := editWriter{ctx: ctx, tx: tx, order: e.Order, o: o}
		if err := w.lines(lines, e.Lines); err != nil {
			return err
		}
		if err := w.add(lines, e.Add); err != nil {
			return err
		}
		if err := w.header(e); err != nil {
			return err
		}
		if len(w.what) == 0 {
			return nil
		}
		m := w.money
		total := m.sub - m.disc
		if !o.TaxIncl {
			total += m.tax
		}
		if total != 0 {
			cur := model.Currency(o.Currency)
			w.what = append(w.what, fmt.Sprintf("total %s → %s", model.Money{Minor: o.Total, Currency: cur},
				model.Money{Minor: o.Total + total, Currency: cur}.Format()))
		}
		// The guard: the order is still at the version typed against, plus the one step this
		// transaction's own line changes may have added (migration 00022).
		err = tx.GetContext(ctx, &version, `
			UPDATE orders SET ship_to_address_id = $3, priority = $4, notes = $5, service_id = $6,
			       subtotal_minor = subtotal_minor + $7, discount_minor = discount_minor + $8,
			       tax_minor = tax_minor + $9, total_minor = total_minor + $10
			 WHERE id = $1 AND version = CASE WHEN change_xid = pg_current_xact_id() THEN $2 + 1 ELSE $2 END
			RETURNING version`, e.Order, e.Version, w.address, e.Priority, e.Notes, w.service,
			m.sub, m.disc, m.tax, total)
		if errors.Is(err, sql.ErrNoRows) {
			return errChanged
		}
		if err != nil {
			return err
		}
		return event(ctx, tx, e.Order, "order.edited", "edited: "+strings.Join(w.what, "; "), nil)
	})
	if errors.Is(err, errChanged) {
		return e.Version, s.changed(ctx, e.Order)
	}
	return version, err
}

// editWriter applies one edit inside its transaction and collects what it changed, in words.
type editWriter struct {
	ctx     context.Context
	tx      *sqlx.Tx
	order   int64
	o       orderState
	what    []string
	address int64
	service sql.NullInt64
	money   moneyDelta // what the changed and added lines add to the order's amounts
}

// moneyDelta is a change of an order's subtotal, discount and tax, in its minor units.
type moneyDelta struct{ sub, disc, tax int64 }

// lines sets the open quantities: up raises ordered; down releases the reservations above the
// new quantity (newest first) before lowering allocated; 0 cancels the line. A line's amount,
// discount and tax follow its ordered units pro rata (what the channel or the catalogue
// charged a unit stays what it charges); a cancelled line keeps them, as a cancel does.
func (w *editWriter) lines(lines []lockedLine, want []LineQty) error {
	byID := map[int64]lockedLine{}
	for _, l := range lines {
		byID[l.ID] = l
	}
	var ids, ordered, allocated, amount, discount, tax []int64
	var cancel []int64
	var releaseLine, releaseQty []int64
	for _, q := range want {
		l, ok := byID[q.Line]
		switch {
		case !ok:
			return refuse("order %s has no such line", w.o.Number)
		case q.Qty < 0:
			return refuse("%s: a quantity is 0 or more", l.name())
		case q.Qty == l.open():
			continue
		case q.Qty == 0:
			cancel = append(cancel, l.ID)
			w.what = append(w.what, fmt.Sprintf("%s %d → 0 (cancelled)", l.name(), l.open()))
			continue
		}
		w.what = append(w.what, fmt.Sprintf("%s %d → %d", l.name(), l.open(), q.Qty))
		newAlloc := min(l.Allocated, q.Qty)
		if newAlloc < l.Allocated {
			releaseLine = append(releaseLine, l.ID)
			releaseQty = append(releaseQty, l.Allocated-newAlloc)
		}
		n := l.Cancelled + q.Qty
		a, d, t := prorata(l.Amount, n, l.Ordered), prorata(l.Discount, n, l.Ordered), prorata(l.Tax, n, l.Ordered)
		w.money.sub, w.money.disc, w.money.tax = w.money.sub+a-l.Amount, w.money.disc+d-l.Discount, w.money.tax+t-l.Tax
		ids, ordered, allocated = append(ids, l.ID), append(ordered, n), append(allocated, newAlloc)
		amount, discount, tax = append(amount, a), append(discount, d), append(tax, t)
	}
	if len(releaseLine) > 0 {
		if err := w.release(releaseLine, releaseQty); err != nil {
			return err
		}
	}
	if len(cancel) > 0 {
		if err := freeLines(w.ctx, w.tx, cancel); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		return nil
	}
	_, err := w.tx.ExecContext(w.ctx, `
		UPDATE order_lines l SET qty_ordered = x.ordered, qty_allocated = x.allocated,
		       amount_minor = x.amount, discount_minor = x.discount, tax_minor = x.tax
		  FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])
		       AS x(id, ordered, allocated, amount, discount, tax)
		 WHERE l.id = x.id`, pq.Array(ids), pq.Array(ordered), pq.Array(allocated),
		pq.Array(amount), pq.Array(discount), pq.Array(tax))
	return err
}

// release gives back surplus units of each line's reservations, newest reservation first: the
// ones wholly inside the surplus are deleted, the one it ends in is reduced. One statement of
// each, so the balances are locked in their order once.
func (w *editWriter) release(lines, surplus []int64) error {
	const cut = `
		WITH s AS (SELECT * FROM unnest($1::bigint[], $2::bigint[]) AS s(line, surplus)),
		     r AS (SELECT r.id, r.qty, s.surplus,
		                  sum(r.qty) OVER (PARTITION BY r.order_line_id ORDER BY r.id DESC) AS upto
		             FROM reservations r JOIN s ON s.line = r.order_line_id)
		`
	if _, err := w.tx.ExecContext(w.ctx, cut+`
		DELETE FROM reservations x USING r WHERE x.id = r.id AND r.upto <= r.surplus`,
		pq.Array(lines), pq.Array(surplus)); err != nil {
		return err
	}
	// What is left of each line now ends where the surplus ended.
	_, err := w.tx.ExecContext(w.ctx, cut+`
		UPDATE reservations x SET qty = r.upto - r.surplus
		  FROM r WHERE x.id = r.id AND r.upto - r.qty < r.surplus AND r.upto > r.surplus`,
		pq.Array(lines), pq.Array(surplus))
	return err
}

// add inserts new lines after the last, priced from the catalogue in the order's currency
// (product_prices; 0 when the product has no price there), their amounts added to the order's
// subtotal. Their tax is left at 0 until the order's tax is worked out (invoicing).
func (w *editWriter) add(lines []lockedLine, add []NewLine) error {
	if len(add) == 0 {
		return nil
	}
	next := 0
	for _, l := range lines {
		next = max(next, l.LineNo)
	}
	for _, a := range add {
		if a.Qty <= 0 {
			return refuse("%s: a new line needs a quantity of 1 or more", a.SKU)
		}
		var p struct {
			ID     int64  `db:"id"`
			SKU    string `db:"sku"`
			Name   string `db:"name"`
			Active bool   `db:"active"`
			Price  int64  `db:"price"`
		}
		err := w.tx.GetContext(w.ctx, &p, `
			SELECT p.id, p.sku, p.name, p.active, coalesce(pp.price_minor, 0) AS price
			  FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id AND pp.currency = $2
			 WHERE p.sku = $1`, strings.TrimSpace(a.SKU), w.o.Currency)
		if errors.Is(err, sql.ErrNoRows) {
			return refuse("there is no product %s", a.SKU)
		}
		if err != nil {
			return err
		}
		if !p.Active {
			return refuse("%s is not sold any more (inactive)", p.SKU)
		}
		next++
		if _, err := w.tx.ExecContext(w.ctx, `
			INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, unit_price_minor, qty_ordered)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			w.order, next, fmt.Sprintf("backoffice-%d", next), p.ID, p.Price, a.Qty); err != nil {
			return err
		}
		w.money.sub += p.Price * a.Qty
		w.what = append(w.what, fmt.Sprintf("line %d (%s) added × %d", next, p.SKU, a.Qty))
	}
	return nil
}

// header compares the order's own fields with the edit: a changed address becomes a new
// addresses row of the customer; the service is found by its codes.
func (w *editWriter) header(e OrderEdit) error {
	var cur editState
	err := w.tx.GetContext(w.ctx, &cur, `
		SELECT o.ship_to_address_id, o.priority, o.notes, o.service_id,
		       coalesce(ca.code || '/' || cs.code, '') AS service
		  FROM orders o LEFT JOIN carrier_services cs ON cs.id = o.service_id
		  LEFT JOIN carriers ca ON ca.id = cs.carrier_id WHERE o.id = $1`, w.order)
	if err != nil {
		return err
	}
	if err := w.tx.GetContext(w.ctx, &cur.ShipTo, `
		SELECT name, company, line1, line2, city, region, postal_code, country, phone
		  FROM addresses WHERE id = $1`, cur.AddressID); err != nil {
		return err
	}
	w.address = cur.AddressID
	if e.ShipTo != cur.ShipTo {
		a := e.ShipTo
		if strings.TrimSpace(a.Name) == "" || strings.TrimSpace(a.Line1) == "" || strings.TrimSpace(a.City) == "" {
			return refuse("a ship-to address needs a name, a street and a city")
		}
		if err := w.tx.GetContext(w.ctx, &w.address, `
			INSERT INTO addresses (customer_id, name, company, line1, line2, city, region, postal_code, country, phone)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			w.o.CustomerID, a.Name, a.Company, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country, a.Phone); err != nil {
			return err
		}
		w.what = append(w.what, fmt.Sprintf("ship-to %s, %s → %s, %s", cur.ShipTo.Line1, cur.ShipTo.City, a.Line1, a.City))
	}
	if e.Priority != cur.Priority {
		w.what = append(w.what, fmt.Sprintf("priority %d → %d", cur.Priority, e.Priority))
	}
	if e.Notes != cur.Notes {
		w.what = append(w.what, "notes")
	}
	svc := strings.TrimSpace(e.Service)
	w.service = cur.ServiceID
	if svc != "" && svc != cur.Service {
		carrier, service, ok := strings.Cut(svc, "/")
		var id int64
		err := w.tx.GetContext(w.ctx, &id, `
			SELECT cs.id FROM carrier_services cs JOIN carriers ca ON ca.id = cs.carrier_id
			 WHERE ca.code = $1 AND cs.code = $2 AND cs.active AND ca.active`, carrier, service)
		if !ok || errors.Is(err, sql.ErrNoRows) {
			return refuse("there is no active carrier service %q (carrier/service, e.g. dhl/express)", svc)
		}
		if err != nil {
			return err
		}
		w.service = sql.NullInt64{Int64: id, Valid: true}
	}
	if svc == "" {
		w.service = sql.NullInt64{}
	}
	if svc != cur.Service {
		w.what = append(w.what, fmt.Sprintf("service %s → %s", dash(cur.Service), dash(svc)))
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
