package orders

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
	"oms/model"
)

// Orders entered by hand (phone and e-mail orders, tui/neworder): the channels a clerk may
// choose, customers found by name, e-mail or phone, the catalogue's prices, and the one command
// that saves an order. The order is written by the import's own code (intakeWriter.insertNew),
// so a hand-made order is stored exactly as an imported one would be.

// ManualChannels are the active channels, those of kind 'manual' first (the first of them is
// the form's default), then by code.
func (s *Store) ManualChannels(ctx context.Context) ([]Channel, error) {
	var out []Channel
	err := s.d.SelectContext(ctx, &out, channelSQL+` WHERE c.active ORDER BY c.kind <> 'manual', c.code`)
	return out, err
}

const channelSQL = `
	SELECT c.id, c.code, c.name, c.kind, c.currency, c.sla_hours, c.prices_include_tax, c.active,
	       CASE WHEN c.kind = 'store' THEN coalesce(w.code, '') ELSE '' END AS store
	  FROM channels c LEFT JOIN warehouses w ON w.id = c.warehouse_id`

// CustomerMatch is a customer a search found, with the address their last order went to.
type CustomerMatch struct {
	ID      int64  `db:"id"`
	Name    string `db:"name"`
	Email   string `db:"email"`
	Phone   string `db:"phone"`
	Channel string `db:"channel"` // the code of the channel the customer came from, or ""
	LastTo  model.Address
}

// FindCustomers finds up to limit customers by part of their name, their e-mail address or their
// phone number (as the order search reads them: loosely written, country prefixes ignored), the
// most recent first.
func (s *Store) FindCustomers(ctx context.Context, text string, limit int) ([]CustomerMatch, error) {
	q := parseSearch(text)
	if q.text == "" {
		return nil, nil
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	var rows []struct {
		CustomerMatch
		AName    sql.NullString `db:"a_name"`
		ACompany sql.NullString `db:"a_company"`
		ALine1   sql.NullString `db:"a_line1"`
		ALine2   sql.NullString `db:"a_line2"`
		ACity    sql.NullString `db:"a_city"`
		ARegion  sql.NullString `db:"a_region"`
		APostal  sql.NullString `db:"a_postal"`
		ACountry sql.NullString `db:"a_country"`
		APhone   sql.NullString `db:"a_phone"`
	}
	err := s.d.SelectContext(ctx, &rows, `
		SELECT c.id, c.name, c.email, c.phone, coalesce(ch.code, '') AS channel,
		       a.name AS a_name, a.company AS a_company, a.line1 AS a_line1, a.line2 AS a_line2,
		       a.city AS a_city, a.region AS a_region, a.postal_code AS a_postal, a.country AS a_country,
		       a.phone AS a_phone
		  FROM customers c
		  LEFT JOIN channels ch ON ch.id = c.channel_id
		  LEFT JOIN LATERAL (SELECT * FROM addresses a WHERE a.customer_id = c.id ORDER BY a.id DESC LIMIT 1) a ON true
		 WHERE c.name ILIKE '%' || replace(replace(replace($1, '\', '\\'), '%', '\%'), '_', '\_') || '%'
		    OR ($2 <> '' AND lower(c.email) = lower($2))
		    OR ($3 <> '' AND oms_phone_key(c.phone) LIKE $3)
		 ORDER BY c.id DESC
		 LIMIT $4`, q.text, q.email, q.phone, limit)
	if err != nil {
		return nil, err
	}
	out := make([]CustomerMatch, len(rows))
	for i, r := range rows {
		out[i] = r.CustomerMatch
		out[i].LastTo = model.Address{Name: r.AName.String, Company: r.ACompany.String, Line1: r.ALine1.String,
			Line2: r.ALine2.String, City: r.ACity.String, Region: r.ARegion.String, PostalCode: r.APostal.String,
			Country: r.ACountry.String, Phone: r.APhone.String}
	}
	return out, nil
}

// CataloguePrice is the catalogue's price of a product in a currency; ok is false when the
// catalogue has none (the clerk then types it).
func (s *Store) CataloguePrice(ctx context.Context, product int64, currency string) (minor int64, ok bool, err error) {
	err = s.d.GetContext(ctx, &minor, `SELECT price_minor FROM product_prices WHERE product_id = $1 AND currency = $2`,
		product, currency)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return minor, err == nil, err
}

// ManualOrder is an order a clerk entered: the channel, an existing customer or a new one,
// where it goes, its lines at the prices agreed, and when it is promised.
type ManualOrder struct {
	Channel int64
	// Customer is an existing customer's id; 0 means a new customer of the channel, named by
	// NewCustomer (matched by e-mail within the channel, as an import does).
	Customer    int64
	NewCustomer model.IncomingCustomer
	ShipTo      model.Address
	Lines       []ManualLine
	// PromisedAt zero means the channel's SLA from now.
	PromisedAt time.Time
	Notes      string
}

// ManualLine is one line: a SKU, how many, and the unit price in the channel's currency.
type ManualLine struct {
	SKU       string
	Qty       int64
	UnitMinor int64
}

var countryCode = regexp.MustCompile(`^[A-Z]{2}$`)

// ErrManualOrder wraps every refusal of an order entered by hand; the message says what and
// where ("line 2: the quantity is 0").
var ErrManualOrder = errors.New("the order cannot be saved")

func refuseManual(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrManualOrder, fmt.Sprintf(format, args...))
}

// check refuses what the database would refuse less clearly, saying where.
func (m ManualOrder) check() error {
	if len(m.Lines) == 0 {
		return refuseManual("it has no lines: add at least one product")
	}
	for i, l := range m.Lines {
		switch {
		case strings.TrimSpace(l.SKU) == "":
			return refuseManual("line %d has no product", i+1)
		case l.Qty <= 0:
			return refuseManual("line %d (%s): the quantity is %d; it must be 1 or more", i+1, l.SKU, l.Qty)
		case l.UnitMinor < 0:
			return refuseManual("line %d (%s): the price is negative", i+1, l.SKU)
		}
	}
	if m.Customer == 0 && strings.TrimSpace(m.NewCustomer.Name) == "" && strings.TrimSpace(m.ShipTo.Name) == "" {
		return refuseManual("no customer: find one or type the new customer's name")
	}
	a := m.ShipTo
	switch {
	case strings.TrimSpace(a.Line1) == "":
		return refuseManual("the ship-to address has no street")
	case strings.TrimSpace(a.City) == "":
		return refuseManual("the ship-to address has no city")
	case !countryCode.MatchString(a.Country):
		return refuseManual("the ship-to country %q is not a two-letter country code (NL, DE, …)", a.Country)
	}
	return nil
}

// CreateManualOrder saves an order entered by hand in one transaction under key (made when the
// form opened, so pressing enter twice or retrying after a lost answer saves one order) and
// returns its number: the customer (an existing one, or a new one), the ship-to address, the
// order numbered from the order series and its lines, unallocated, at the prices as the channel
// states them, and its tax as its invoice will compute it on the same day (taxManual): each
// line's tax and rate, the order's tax, and a total that adds the tax when the prices exclude
// it. A tax rate missing for the destination refuses the order. Its history says it was
// entered by hand, with its total and tax.
func (s *Store) CreateManualOrder(ctx context.Context, key string, m ManualOrder) (string, error) {
	m.ShipTo.Country = strings.ToUpper(strings.TrimSpace(m.ShipTo.Country))
	if err := m.check(); err != nil {
		return "", err
	}
	var number string
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		done, err := db.ClaimKey(ctx, tx, key, "orders.create_manual", m)
		if err != nil {
			return err
		}
		if done {
			return tx.GetContext(ctx, &number, `SELECT coalesce(result->>'number', '') FROM idempotency_keys WHERE key = $1`, key)
		}
		number, err = s.createManual(ctx, tx, m)
		if err != nil || key == "" {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = jsonb_build_object('number', $2::text) WHERE key = $1`, key, number)
		return err
	})
	if err != nil {
		return "", db.MapError(err)
	}
	return number, nil
}

func (s *Store) createManual(ctx context.Context, tx *sqlx.Tx, m ManualOrder) (string, error) {
	var ch Channel
	err := tx.GetContext(ctx, &ch, channelSQL+` WHERE c.id = $1`, m.Channel)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !ch.Active) {
		return "", refuseManual("channel %d is not an active channel", m.Channel)
	}
	if err != nil {
		return "", err
	}
	in := model.IncomingOrder{
		Currency:    model.Currency(ch.Currency),
		OrderedAt:   time.Now().UTC(),
		PromisedAt:  m.PromisedAt,
		Customer:    m.NewCustomer,
		ShipTo:      m.ShipTo,
		Notes:       strings.TrimSpace(m.Notes),
		TaxIncluded: ch.TaxIncluded,
	}
	in.Customer.Name = strings.TrimSpace(in.Customer.Name)
	if m.Customer != 0 {
		var c struct {
			Name  string `db:"name"`
			Email string `db:"email"`
		}
		err := tx.GetContext(ctx, &c, `SELECT name, email FROM customers WHERE id = $1`, m.Customer)
		if errors.Is(err, sql.ErrNoRows) {
			return "", refuseManual("customer %d does not exist", m.Customer)
		}
		if err != nil {
			return "", err
		}
		in.Customer = model.IncomingCustomer{Name: c.Name, Email: c.Email}
	}
	if in.ShipTo.Name == "" {
		in.ShipTo.Name = customerName(in)
	}
	if !in.PromisedAt.IsZero() && in.PromisedAt.Before(in.OrderedAt) {
		return "", refuseManual("the promised date %s is in the past", in.PromisedAt.Format("2006-01-02"))
	}
	for _, l := range m.Lines {
		amount := l.UnitMinor * l.Qty
		if l.Qty != 0 && amount/l.Qty != l.UnitMinor {
			return "", refuseManual("line %s: %d × %d is too large an amount", l.SKU, l.Qty, l.UnitMinor)
		}
		in.Lines = append(in.Lines, model.IncomingLine{SKU: strings.TrimSpace(l.SKU), Qty: l.Qty, AmountMinor: amount})
		in.SubtotalMinor += amount
	}
	in.TotalMinor = in.SubtotalMinor
	batch := []Incoming{{Order: in}}
	results := make([]Result, 1)
	products, err := lookupProducts(ctx, tx, batch, results)
	if err != nil {
		return "", err
	}
	if results[0].Reason != "" {
		return "", refuseManual("%s", strings.TrimSuffix(results[0].Reason, " (import it with oms catalog import products first)"))
	}
	if err := describeLines(ctx, tx, products, batch[0].Order.Lines); err != nil {
		return "", err
	}
	w := intakeWriter{ctx: ctx, tx: tx, run: ImportRun{Channel: ch}, products: products, stores: map[string]int64{}}
	customers := []int64{m.Customer}
	if m.Customer == 0 {
		if customers, err = w.customers(batch, []int{0}); err != nil {
			return "", err
		}
	}
	if err := w.insertNew(batch, []int{0}, customers, results); err != nil {
		return "", err
	}
	id, ok := w.ids[0]
	if !ok || results[0].Number == "" {
		return "", fmt.Errorf("the new order was not written")
	}
	totalMinor, taxMinor, err := taxManual(ctx, tx, id, results[0].Number, in.OrderedAt)
	if err != nil {
		return "", err
	}
	total := model.Money{Minor: totalMinor, Currency: in.Currency}
	msg := fmt.Sprintf("entered by hand: %d line%s, %s", len(in.Lines), manualPlural(len(in.Lines)), total)
	if taxMinor > 0 {
		msg += fmt.Sprintf(" including %s tax", model.Money{Minor: taxMinor, Currency: in.Currency})
	}
	if _, err := tx.ExecContext(ctx, `SELECT oms_order_event($1, 'order.created', $2)`, id, msg); err != nil {
		return "", err
	}
	return results[0].Number, nil
}

// OrderTaxFunc works out, inside tx, the tax of the stored order orderID on day: per order line
// (by id) and in all. db/invoicing's OrderTax is the one (RegisterOrderTax).
type OrderTaxFunc func(ctx context.Context, tx *sqlx.Tx, orderID int64, day time.Time) (lines map[int64]model.TaxedLine, tax int64, err error)

var orderTax OrderTaxFunc

// RegisterOrderTax sets how an order entered by hand is taxed. db/invoicing registers its
// OrderTax when it is linked in (the oms binary always links it): this package cannot import
// it, because invoicing's own tests import this one.
func RegisterOrderTax(f OrderTaxFunc) { orderTax = f }

// taxManual gives the new order id (numbered number) its tax as its invoice will compute it on
// the day of at (invoicing.OrderTax, through orderTax): each line's tax_minor and tax_rate_ppm,
// the order's tax_minor and, when its prices exclude tax, a total_minor that adds it
// (orders_total_adds_up); it returns the order's total and tax. A tax rate missing for the
// destination and a product's category refuses the order (nothing is saved). Without a company
// or with no tax rates at all (a database before `oms init` and `oms tax import`) the tax stays
// 0, as before.
func taxManual(ctx context.Context, tx *sqlx.Tx, id int64, number string, at time.Time) (total, tax int64, err error) {
	var configured bool
	if err := tx.GetContext(ctx, &configured, `SELECT EXISTS (SELECT 1 FROM company) AND EXISTS (SELECT 1 FROM tax_rates)`); err != nil {
		return 0, 0, err
	}
	if !configured {
		err := tx.GetContext(ctx, &total, `SELECT total_minor FROM orders WHERE id = $1`, id)
		return total, 0, err
	}
	if orderTax == nil {
		return 0, 0, errors.New("the tax of orders entered by hand is not linked in: import oms/db/invoicing")
	}
	lines, taxMinor, err := orderTax(ctx, tx, id, at.UTC())
	if errors.Is(err, model.ErrNoTaxRate) || errors.Is(err, model.ErrAmbiguousTaxRate) {
		return 0, 0, refuseManual("%s", strings.TrimPrefix(err.Error(), "order "+number+" "))
	}
	if err != nil {
		return 0, 0, err
	}
	lineIDs := make([]int64, 0, len(lines))
	lineTax := make([]int64, 0, len(lines))
	linePPM := make([]int64, 0, len(lines))
	for lid, l := range lines {
		lineIDs, lineTax, linePPM = append(lineIDs, lid), append(lineTax, l.TaxMinor), append(linePPM, l.RatePPM)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE order_lines l SET tax_minor = u.tax, tax_rate_ppm = u.ppm
		  FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) AS u(id, tax, ppm)
		 WHERE l.id = u.id AND l.order_id = $1`,
		id, pq.Array(lineIDs), pq.Array(lineTax), pq.Array(linePPM)); err != nil {
		return 0, 0, err
	}
	err = tx.GetContext(ctx, &total, `
		UPDATE orders SET tax_minor = $2::bigint,
		       total_minor = subtotal_minor - discount_minor + shipping_minor + CASE WHEN prices_include_tax THEN 0 ELSE $2::bigint END
		 WHERE id = $1
		 RETURNING total_minor`, id, taxMinor)
	return total, taxMinor, err
}

// describeLines gives each line the product's name as its description, as a channel would.
func describeLines(ctx context.Context, tx *sqlx.Tx, products map[string]int64, lines []model.IncomingLine) error {
	ids := make([]int64, 0, len(products))
	for _, id := range products {
		ids = append(ids, id)
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	query, args, err := sqlx.In(`SELECT id, name FROM products WHERE id IN (?)`, ids)
	if err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &rows, tx.Rebind(query), args...); err != nil {
		return err
	}
	names := map[int64]string{}
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	for i := range lines {
		lines[i].Description = names[products[lines[i].SKU]]
	}
	return nil
}

func manualPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
