package export

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"oms/db"
	"oms/model"
)

// Order is one order as the database keeps it, with its lines as the channel stated them.
type Order struct {
	ID           int64
	Number       string
	Channel      string // the channel's code
	ExternalID   string
	ExternalName string
	Status       string
	OrderedAt    time.Time
	PromisedAt   time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Currency     model.Currency

	SubtotalMinor, DiscountMinor, ShippingMinor, TaxMinor, TotalMinor int64
	PricesIncludeTax                                                  bool

	Customer model.IncomingCustomer
	ShipTo   model.Address
	BillTo   *model.Address // nil: none

	Warehouse   string // the warehouse that ships it, "" when not yet chosen
	OnHold      bool
	HoldReason  string
	Cancelled   bool
	Store       string // the pickup or point-of-sale store's code
	StoreSale   bool
	ShipService string
	Notes       string

	Lines []model.IncomingLine // in line_no order
}

// Incoming is the order as its channel stated it: what `oms import` was given, or would need to
// be given to make it again. DisplayID is the name customers see, or the external id when the
// channel gave none; AwaitingPayment is a hold for payment (HOLD_PAYMENT); Store and Completed
// are the pickup store and a point-of-sale sale.
func (o Order) Incoming() model.IncomingOrder {
	display := o.ExternalName
	if display == "" {
		display = o.ExternalID
	}
	in := model.IncomingOrder{
		ExternalID: o.ExternalID, DisplayID: display,
		Currency: o.Currency, OrderedAt: o.OrderedAt, PromisedAt: o.PromisedAt,
		Customer: o.Customer, ShipTo: o.ShipTo,
		Lines:         o.Lines,
		SubtotalMinor: o.SubtotalMinor, ShippingMinor: o.ShippingMinor, DiscountMinor: o.DiscountMinor,
		TaxMinor: o.TaxMinor, TotalMinor: o.TotalMinor, TaxIncluded: o.PricesIncludeTax,
		AwaitingPayment: o.OnHold && o.HoldReason == "HOLD_PAYMENT",
		Cancelled:       o.Cancelled,
		Store:           o.Store, Completed: o.StoreSale,
		ShipService: o.ShipService, Notes: o.Notes,
	}
	if o.BillTo != nil {
		b := *o.BillTo
		in.BillTo = &b
	}
	return in
}

const orderSelect = `
SELECT o.id, o.number, c.code, o.external_id, o.external_name, o.status, o.ordered_at, o.promised_at,
       o.created_at, o.updated_at, o.currency, o.subtotal_minor, o.discount_minor, o.shipping_minor,
       o.tax_minor, o.total_minor, o.prices_include_tax,
       cu.name, cu.email, cu.phone,
       s.name, s.company, s.line1, s.line2, s.city, s.region, s.postal_code, s.country, s.phone,
       b.id IS NOT NULL, coalesce(b.name, ''), coalesce(b.company, ''), coalesce(b.line1, ''),
       coalesce(b.line2, ''), coalesce(b.city, ''), coalesce(b.region, ''), coalesce(b.postal_code, ''),
       coalesce(b.country, ''), coalesce(b.phone, ''),
       coalesce(w.code, ''), o.on_hold, coalesce(o.hold_reason, ''), o.cancelled_at IS NOT NULL,
       coalesce(pw.code, ''), o.store_sale, o.ship_service, o.notes,
       (SELECT coalesce(json_agg(json_build_object('id', l.external_line_id, 'sku', p.sku,
                   'description', l.description, 'qty', l.qty_ordered, 'amount', l.amount_minor,
                   'discount', l.discount_minor, 'tax', l.tax_minor) ORDER BY l.line_no), '[]')
          FROM order_lines l JOIN products p ON p.id = l.product_id
         WHERE l.order_id = o.id)
  FROM orders o
  JOIN channels c ON c.id = o.channel_id
  JOIN customers cu ON cu.id = o.customer_id
  JOIN addresses s ON s.id = o.ship_to_address_id
  LEFT JOIN addresses b ON b.id = o.bill_to_address_id
  LEFT JOIN warehouses w ON w.id = o.warehouse_id
  LEFT JOIN warehouses pw ON pw.id = o.pickup_warehouse_id`

type jsonLine struct {
	ID          string `json:"id"`
	SKU         string `json:"sku"`
	Description string `json:"description"`
	Qty         int64  `json:"qty"`
	Amount      int64  `json:"amount"`
	Discount    int64  `json:"discount"`
	Tax         int64  `json:"tax"`
}

func scanOrder(rows *sql.Rows) (Order, error) {
	var o Order
	var hasBill bool
	var bill model.Address
	var currency string
	var lines []byte
	err := rows.Scan(&o.ID, &o.Number, &o.Channel, &o.ExternalID, &o.ExternalName, &o.Status,
		&o.OrderedAt, &o.PromisedAt, &o.CreatedAt, &o.UpdatedAt, &currency,
		&o.SubtotalMinor, &o.DiscountMinor, &o.ShippingMinor, &o.TaxMinor, &o.TotalMinor, &o.PricesIncludeTax,
		&o.Customer.Name, &o.Customer.Email, &o.Customer.Phone,
		&o.ShipTo.Name, &o.ShipTo.Company, &o.ShipTo.Line1, &o.ShipTo.Line2, &o.ShipTo.City,
		&o.ShipTo.Region, &o.ShipTo.PostalCode, &o.ShipTo.Country, &o.ShipTo.Phone,
		&hasBill, &bill.Name, &bill.Company, &bill.Line1, &bill.Line2, &bill.City, &bill.Region,
		&bill.PostalCode, &bill.Country, &bill.Phone,
		&o.Warehouse, &o.OnHold, &o.HoldReason, &o.Cancelled, &o.Store, &o.StoreSale, &o.ShipService, &o.Notes,
		&lines)
	if err != nil {
		return o, err
	}
	o.Currency = model.Currency(currency)
	o.OrderedAt, o.PromisedAt, o.CreatedAt, o.UpdatedAt = o.OrderedAt.UTC(), o.PromisedAt.UTC(), o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	if hasBill {
		o.BillTo = &bill
	}
	var ls []jsonLine
	if err := json.Unmarshal(lines, &ls); err != nil {
		return o, fmt.Errorf("order %s: reading its lines: %w", o.Number, err)
	}
	o.Lines = make([]model.IncomingLine, len(ls))
	for i, l := range ls {
		o.Lines[i] = model.IncomingLine{ExternalLineID: l.ID, SKU: l.SKU, Description: l.Description,
			Qty: l.Qty, AmountMinor: l.Amount, DiscountMinor: l.Discount, TaxMinor: l.Tax}
	}
	return o, nil
}

// Orders streams the orders of the export, by id: with a cursor, those whose own row or any of
// whose lines changed since; with Since, those changed at or after it.
func (r *Reader) Orders(ctx context.Context, fn func(Order) error) error {
	q := r.newQuery()
	if r.f.After != "" {
		q.and("(" + q.unseen("o.change_xid") + " OR o.id IN (SELECT l.order_id FROM order_lines l WHERE " + q.unseen("l.change_xid") + "))")
	}
	if !r.f.Since.IsZero() {
		q.and("o.updated_at >= " + q.arg(r.f.Since))
	}
	r.orderFilters(q, "o")
	return r.stream(ctx, orderSelect+q.whereSQL()+"\n ORDER BY o.id", q, func(rows *sql.Rows) error {
		o, err := scanOrder(rows)
		if err != nil {
			return err
		}
		return fn(o)
	})
}

// orderFilters narrows to the channel's orders and those the warehouse ships or hands out.
func (r *Reader) orderFilters(q *query, o string) {
	if r.channel.Valid {
		q.and(o + ".channel_id = " + q.arg(r.channel.Int64))
	}
	if r.warehouse.Valid {
		w := q.arg(r.warehouse.Int64)
		q.and("(" + o + ".warehouse_id = " + w + " OR " + o + ".pickup_warehouse_id = " + w + ")")
	}
}

// ErrNoOrder is IncomingOrder's answer for an order that does not exist.
var ErrNoOrder = errors.New("no such order")

// IncomingOrder reads one order of a channel (by the channel's code and the order's external id)
// as model.IncomingOrder, the way `oms export orders --format json` writes it: what the channel
// would have to send for `oms import` to make the order again. A test of the import compares
// what it imported with what it was given through it.
func IncomingOrder(ctx context.Context, d *db.DB, channel, externalID string) (model.IncomingOrder, error) {
	var out model.IncomingOrder
	found := false
	_, err := New(d).Run(ctx, Filter{Channel: channel}, func(r *Reader) error {
		q := r.newQuery()
		r.orderFilters(q, "o")
		q.and("o.external_id = " + q.arg(externalID))
		return r.stream(ctx, orderSelect+q.whereSQL(), q, func(rows *sql.Rows) error {
			o, err := scanOrder(rows)
			out, found = o.Incoming(), true
			return err
		})
	})
	if err == nil && !found {
		err = fmt.Errorf("channel %s, order %s: %w", channel, externalID, ErrNoOrder)
	}
	return out, err
}
