package orders

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/model"
)

// intakeWriter writes one batch of an import inside its transaction.
type intakeWriter struct {
	ctx      context.Context
	tx       *sqlx.Tx
	run      ImportRun
	products map[string]int64
	stores   map[string]int64
	// ids and what changed, per batch index, for the history.
	ids     map[int]int64
	what    map[int]string
	pending map[string]pendingHistory // changed orders, by external id
}

// ints takes n values of a sequence in one round trip, so rows of several tables can refer to
// each other before they are written.
func (w *intakeWriter) ints(seq string, n int) ([]int64, error) {
	var ids []int64
	err := w.tx.SelectContext(w.ctx, &ids, `SELECT nextval($1::regclass) FROM generate_series(1, $2)`, seq, n)
	return ids, err
}

func runID(run ImportRun) any {
	if run.ID == 0 {
		return nil
	}
	return run.ID
}

func customerName(o model.IncomingOrder) string {
	if n := strings.TrimSpace(o.Customer.Name); n != "" {
		return n
	}
	return strings.TrimSpace(o.ShipTo.Name)
}

// create writes the batch's new orders: customers (matched by e-mail within the channel),
// addresses, orders and lines, a handful of statements for the whole batch. A store sale's
// units then leave the store.
func (w *intakeWriter) create(batch []Incoming, fresh []int, results []Result) error {
	if len(fresh) == 0 {
		return nil
	}
	customers, err := w.customers(batch, fresh)
	if err != nil {
		return err
	}
	return w.insertNew(batch, fresh, customers, results)
}

// insertNew writes the new orders of batch at the indexes fresh, each for the customer at the
// same position of customers: addresses, order numbers, orders and lines. An order without an
// external id (one entered by hand) is known by its number. A store sale's units then leave the
// store. The import and CreateManualOrder share it.
func (w *intakeWriter) insertNew(batch []Incoming, fresh []int, customers []int64, results []Result) error {
	ch := w.run.Channel
	addrIDs, err := w.ints("addresses_id_seq", 2*len(fresh))
	if err != nil {
		return err
	}
	orderIDs, err := w.ints("orders_id_seq", len(fresh))
	if err != nil {
		return err
	}
	var numbers []string
	if err := w.tx.SelectContext(w.ctx, &numbers, `SELECT oms_take_numbers($1)`, len(fresh)); err != nil {
		return err
	}

	var a addressRows
	var o orderRows
	var l lineRows
	for k, i := range fresh {
		in := batch[i].Order
		cust := customers[k]
		shipID, billID := addrIDs[2*k], addrIDs[2*k+1]
		a.add(shipID, cust, in.ShipTo)
		var bill any
		if in.BillTo != nil {
			a.add(billID, cust, *in.BillTo)
			bill = billID
		}
		o.add(orderIDs[k], numbers[k], in, cust, shipID, bill, w.stores[in.Store], promised(in, ch))
		for n, line := range in.Lines {
			l.add(orderIDs[k], n+1, line, w.products[line.SKU], in.Cancelled)
		}
	}
	if err := a.insert(w.ctx, w.tx); err != nil {
		return err
	}
	inserted, err := o.insert(w.ctx, w.tx, ch.ID, w.run)
	if err != nil {
		return err
	}
	if err := l.insert(w.ctx, w.tx, inserted); err != nil {
		return err
	}
	made := map[int64]bool{}
	for _, id := range inserted {
		made[id] = true
	}
	for k, i := range fresh {
		if !made[orderIDs[k]] {
			// Another import created it between our look and our insert: it is there.
			results[i] = Result{Outcome: OrderUnchanged}
			continue
		}
		results[i] = Result{Outcome: OrderNew, OrderID: orderIDs[k], Number: numbers[k]}
		w.remember(i, orderIDs[k], "")
		if batch[i].Order.Completed {
			if _, err := w.tx.ExecContext(w.ctx, `SELECT oms_sell_at_store($1)`, orderIDs[k]); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *intakeWriter) remember(i int, id int64, what string) {
	if w.ids == nil {
		w.ids, w.what = map[int]int64{}, map[int]string{}
	}
	w.ids[i], w.what[i] = id, what
}

// customers returns the customer of each new order: the channel's customer with that e-mail
// (created or refreshed), or a new customer for an order without one.
func (w *intakeWriter) customers(batch []Incoming, fresh []int) ([]int64, error) {
	ch := w.run.Channel
	out := make([]int64, len(fresh))
	byEmail := map[string][]int{}
	var anonymous []int
	for k, i := range fresh {
		email := strings.ToLower(strings.TrimSpace(batch[i].Order.Customer.Email))
		if email == "" {
			anonymous = append(anonymous, k)
			continue
		}
		byEmail[email] = append(byEmail[email], k)
	}
	var c customerRows
	emails := make([]string, 0, len(byEmail))
	for e := range byEmail {
		emails = append(emails, e)
	}
	// In e-mail order, so two imports upserting the same customers lock them in one order.
	slices.Sort(emails)
	for _, e := range emails {
		in := batch[fresh[byEmail[e][0]]].Order
		c.add(e, in)
	}
	if len(emails) > 0 {
		var rows []struct {
			ID    int64  `db:"id"`
			Email string `db:"external_id"`
		}
		err := w.tx.SelectContext(w.ctx, &rows, `
			INSERT INTO customers (channel_id, external_id, name, email, phone, country, currency)
			SELECT $1, x.ext, x.name, x.email, x.phone, x.country, x.currency
			  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
			       AS x(ext, name, email, phone, country, currency)
			ON CONFLICT (channel_id, external_id) DO UPDATE
			   SET name = EXCLUDED.name,
			       phone = CASE WHEN EXCLUDED.phone <> '' THEN EXCLUDED.phone ELSE customers.phone END
			RETURNING id, external_id`, ch.ID, pq.Array(c.ext), pq.Array(c.name), pq.Array(c.email),
			pq.Array(c.phone), pq.Array(c.country), pq.Array(c.currency))
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			for _, k := range byEmail[r.Email] {
				out[k] = r.ID
			}
		}
	}
	if len(anonymous) > 0 {
		ids, err := w.ints("customers_id_seq", len(anonymous))
		if err != nil {
			return nil, err
		}
		var a customerRows
		for n, k := range anonymous {
			a.add("", batch[fresh[k]].Order)
			out[k] = ids[n]
		}
		_, err = w.tx.ExecContext(w.ctx, `
			INSERT INTO customers (id, channel_id, name, email, phone, country, currency)
			SELECT x.id, $1, x.name, x.email, x.phone, x.country, x.currency
			  FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
			       AS x(id, name, email, phone, country, currency)`, ch.ID, pq.Array(ids), pq.Array(a.name),
			pq.Array(a.email), pq.Array(a.phone), pq.Array(a.country), pq.Array(a.currency))
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

type customerRows struct{ ext, name, email, phone, country, currency []string }

func (c *customerRows) add(ext string, o model.IncomingOrder) {
	c.ext = append(c.ext, ext)
	c.name = append(c.name, customerName(o))
	c.email = append(c.email, strings.TrimSpace(o.Customer.Email))
	c.phone = append(c.phone, strings.TrimSpace(o.Customer.Phone))
	c.country = append(c.country, o.ShipTo.Country)
	c.currency = append(c.currency, string(o.Currency))
}

type addressRows struct {
	id, customer                                                      []int64
	name, company, line1, line2, city, region, postal, country, phone []string
}

func (a *addressRows) add(id, customer int64, ad model.Address) {
	a.id = append(a.id, id)
	a.customer = append(a.customer, customer)
	a.name = append(a.name, ad.Name)
	a.company = append(a.company, ad.Company)
	a.line1 = append(a.line1, ad.Line1)
	a.line2 = append(a.line2, ad.Line2)
	a.city = append(a.city, ad.City)
	a.region = append(a.region, ad.Region)
	a.postal = append(a.postal, ad.PostalCode)
	a.country = append(a.country, ad.Country)
	a.phone = append(a.phone, ad.Phone)
}

func (a *addressRows) insert(ctx context.Context, tx *sqlx.Tx) error {
	if len(a.id) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO addresses (id, customer_id, name, company, line1, line2, city, region, postal_code, country, phone)
		SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
		                     $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
		pq.Array(a.id), pq.Array(a.customer), pq.Array(a.name), pq.Array(a.company), pq.Array(a.line1),
		pq.Array(a.line2), pq.Array(a.city), pq.Array(a.region), pq.Array(a.postal), pq.Array(a.country), pq.Array(a.phone))
	return err
}

type orderRows struct {
	id, customer, shipTo                                       []int64
	billTo, store                                              []sql.NullInt64
	number, extID, extName, custName, currency, notes, service []string
	subtotal, shipping, discount, tax, total                   []int64
	taxIncl, held, cancelled, storeSale                        []bool
	ordered, promised                                          []string
	hash                                                       []string
}

func (o *orderRows) add(id int64, number string, in model.IncomingOrder, customer, shipTo int64, billTo any, store int64, promisedAt time.Time) {
	o.id = append(o.id, id)
	o.number = append(o.number, number)
	o.customer = append(o.customer, customer)
	o.shipTo = append(o.shipTo, shipTo)
	b, _ := billTo.(int64)
	o.billTo = append(o.billTo, sql.NullInt64{Int64: b, Valid: billTo != nil})
	o.store = append(o.store, sql.NullInt64{Int64: store, Valid: store != 0})
	ext := in.ExternalID
	if ext == "" {
		ext = number
	}
	o.extID = append(o.extID, ext)
	o.extName = append(o.extName, in.DisplayID)
	o.custName = append(o.custName, customerName(in))
	o.currency = append(o.currency, string(in.Currency))
	o.notes = append(o.notes, in.Notes)
	o.service = append(o.service, in.ShipService)
	o.subtotal = append(o.subtotal, in.SubtotalMinor)
	o.shipping = append(o.shipping, in.ShippingMinor)
	o.discount = append(o.discount, in.DiscountMinor)
	o.tax = append(o.tax, in.TaxMinor)
	o.total = append(o.total, in.TotalMinor)
	o.taxIncl = append(o.taxIncl, in.TaxIncluded)
	o.held = append(o.held, in.AwaitingPayment && !in.Cancelled)
	o.cancelled = append(o.cancelled, in.Cancelled)
	o.storeSale = append(o.storeSale, in.Completed)
	o.ordered = append(o.ordered, in.OrderedAt.Format(timeLayout))
	o.promised = append(o.promised, promisedAt.Format(timeLayout))
	o.hash = append(o.hash, Hash(in))
}

const timeLayout = "2006-01-02T15:04:05.999999999Z07:00"

// insert writes the orders, skipping any another import created meanwhile, and returns the ids
// written.
func (o *orderRows) insert(ctx context.Context, tx *sqlx.Tx, channel int64, run ImportRun) ([]int64, error) {
	var ids []int64
	err := tx.SelectContext(ctx, &ids, `
		INSERT INTO orders (id, number, channel_id, external_id, external_name, customer_id, customer_name,
		                    ship_to_address_id, bill_to_address_id, pickup_warehouse_id, currency,
		                    subtotal_minor, shipping_minor, discount_minor, tax_minor, total_minor,
		                    prices_include_tax, on_hold, hold_reason, cancelled_at, cancel_reason, store_sale,
		                    ordered_at, promised_at, notes, ship_service, intake_hash, intake_run_id)
		SELECT x.id, x.number, $1, x.ext, x.ext_name, x.customer, x.cust_name, x.ship_to, x.bill_to, x.store,
		       x.currency, x.subtotal, x.shipping, x.discount, x.tax, x.total, x.tax_incl, x.held,
		       CASE WHEN x.held THEN 'HOLD_PAYMENT' END, CASE WHEN x.cancelled THEN now() END,
		       CASE WHEN x.cancelled THEN 'CANCEL_CHANNEL' END, x.store_sale,
		       x.ordered, x.promised, x.notes, x.service, x.hash, $2
		  FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::bigint[],
		              $10::bigint[], $11::bigint[], $12::text[], $13::bigint[], $14::bigint[], $15::bigint[],
		              $16::bigint[], $17::bigint[], $18::bool[], $19::bool[], $20::bool[], $21::bool[],
		              $22::timestamptz[], $23::timestamptz[], $24::text[], $25::text[], $26::text[])
		       AS x(id, number, ext, ext_name, customer, cust_name, ship_to, bill_to, store, currency,
		            subtotal, shipping, discount, tax, total, tax_incl, held, cancelled, store_sale,
		            ordered, promised, notes, service, hash)
		ON CONFLICT (channel_id, external_id) DO NOTHING
		RETURNING id`, channel, runID(run),
		pq.Array(o.id), pq.Array(o.number), pq.Array(o.extID), pq.Array(o.extName), pq.Array(o.customer),
		pq.Array(o.custName), pq.Array(o.shipTo), pq.Array(nullInts(o.billTo)), pq.Array(nullInts(o.store)),
		pq.Array(o.currency), pq.Array(o.subtotal), pq.Array(o.shipping), pq.Array(o.discount), pq.Array(o.tax),
		pq.Array(o.total), pq.Array(o.taxIncl), pq.Array(o.held), pq.Array(o.cancelled), pq.Array(o.storeSale),
		pq.Array(o.ordered), pq.Array(o.promised), pq.Array(o.notes), pq.Array(o.service), pq.Array(o.hash))
	return ids, err
}

// nullInts renders nullable ids as a text array PostgreSQL casts to bigint[] ("NULL" is null).
func nullInts(v []sql.NullInt64) []sql.NullString {
	out := make([]sql.NullString, len(v))
	for i, n := range v {
		if n.Valid {
			out[i] = sql.NullString{String: fmt.Sprint(n.Int64), Valid: true}
		}
	}
	return out
}

type lineRows struct {
	order, lineNo, product                         []int64
	extID, description                             []string
	unit, amount, discount, tax, qty, qtyCancelled []int64
}

func (l *lineRows) add(order int64, no int, in model.IncomingLine, product int64, cancelled bool) {
	ext := in.ExternalLineID
	if ext == "" {
		ext = fmt.Sprint(no)
	}
	l.order = append(l.order, order)
	l.lineNo = append(l.lineNo, int64(no))
	l.product = append(l.product, product)
	l.extID = append(l.extID, ext)
	l.description = append(l.description, in.Description)
	l.unit = append(l.unit, unitPrice(in))
	l.amount = append(l.amount, in.AmountMinor)
	l.discount = append(l.discount, in.DiscountMinor)
	l.tax = append(l.tax, in.TaxMinor)
	l.qty = append(l.qty, in.Qty)
	c := int64(0)
	if cancelled {
		c = in.Qty
	}
	l.qtyCancelled = append(l.qtyCancelled, c)
}

// insert writes the lines of the orders that were written.
func (l *lineRows) insert(ctx context.Context, tx *sqlx.Tx, orders []int64) error {
	if len(orders) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, description, unit_price_minor,
		                         amount_minor, discount_minor, tax_minor, qty_ordered, qty_cancelled)
		SELECT x.* FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $5::text[], $6::bigint[],
		                       $7::bigint[], $8::bigint[], $9::bigint[], $10::int[], $11::int[])
		       AS x(order_id, line_no, ext, product, description, unit, amount, discount, tax, qty, cancelled)
		 WHERE x.order_id = ANY($12)`,
		pq.Array(l.order), pq.Array(l.lineNo), pq.Array(l.extID), pq.Array(l.product), pq.Array(l.description),
		pq.Array(l.unit), pq.Array(l.amount), pq.Array(l.discount), pq.Array(l.tax), pq.Array(l.qty),
		pq.Array(l.qtyCancelled), pq.Array(orders))
	return err
}
