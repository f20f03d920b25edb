package orders

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// Header is an order's own fields as the detail screen shows them. Amounts are in the order's
// currency.
type Header struct {
	ID          int64
	Number      string
	ExternalID  string
	Status      model.OrderStatus
	Channel     string // code
	ChannelName string
	Warehouse   string // code, "" while not routed
	// PickUpStore is the store (a warehouse code) the customer collects the order at, "" for an
	// order that ships; StoreSale says it was sold there at the till.
	PickUpStore   string
	StoreSale     bool
	CustomerName  string
	CustomerEmail string
	CustomerPhone string
	Subtotal      model.Money
	Shipping      model.Money
	Discount      model.Money
	Tax           model.Money
	Total         model.Money
	HoldReason    string // the reason's description, "" if never held
	CancelReason  string
	CancelledAt   *time.Time
	OrderedAt     time.Time
	PromisedAt    time.Time
	Service       string // the carrier service's name, "" if none chosen
	ServiceCode   string // "carrier/service" as the back office types it, "" if none chosen
	Priority      int
	Notes         string
	Version       int
}

type headerRow struct {
	ID            int64             `db:"id"`
	Number        string            `db:"number"`
	ExternalID    string            `db:"external_id"`
	Status        model.OrderStatus `db:"status"`
	Channel       string            `db:"channel"`
	ChannelName   string            `db:"channel_name"`
	Warehouse     string            `db:"warehouse"`
	PickUpStore   string            `db:"pickup_store"`
	StoreSale     bool              `db:"store_sale"`
	CustomerName  string            `db:"customer_name"`
	CustomerEmail string            `db:"customer_email"`
	CustomerPhone string            `db:"customer_phone"`
	Currency      model.Currency    `db:"currency"`
	SubtotalMinor int64             `db:"subtotal_minor"`
	ShippingMinor int64             `db:"shipping_minor"`
	DiscountMinor int64             `db:"discount_minor"`
	TaxMinor      int64             `db:"tax_minor"`
	TotalMinor    int64             `db:"total_minor"`
	HoldReason    string            `db:"hold_reason"`
	CancelReason  string            `db:"cancel_reason"`
	CancelledAt   *time.Time        `db:"cancelled_at"`
	OrderedAt     time.Time         `db:"ordered_at"`
	PromisedAt    time.Time         `db:"promised_at"`
	Service       string            `db:"service"`
	ServiceCode   string            `db:"service_code"`
	Priority      int               `db:"priority"`
	Notes         string            `db:"notes"`
	Version       int               `db:"version"`
}

func (r *headerRow) header() Header {
	money := func(minor int64) model.Money { return model.Money{Minor: minor, Currency: r.Currency} }
	return Header{ID: r.ID, Number: r.Number, ExternalID: r.ExternalID, Status: r.Status,
		Channel: r.Channel, ChannelName: r.ChannelName, Warehouse: r.Warehouse,
		PickUpStore: r.PickUpStore, StoreSale: r.StoreSale, CustomerName: r.CustomerName, CustomerEmail: r.CustomerEmail, CustomerPhone: r.CustomerPhone,
		Subtotal: money(r.SubtotalMinor), Shipping: money(r.ShippingMinor), Discount: money(r.DiscountMinor),
		Tax: money(r.TaxMinor), Total: money(r.TotalMinor), HoldReason: r.HoldReason,
		CancelReason: r.CancelReason, CancelledAt: r.CancelledAt, OrderedAt: r.OrderedAt,
		PromisedAt: r.PromisedAt, Service: r.Service, ServiceCode: r.ServiceCode, Priority: r.Priority,
		Notes: r.Notes, Version: r.Version}
}

// Address is a postal address.
type Address struct {
	Name       string `db:"name"`
	Company    string `db:"company"`
	Line1      string `db:"line1"`
	Line2      string `db:"line2"`
	City       string `db:"city"`
	Region     string `db:"region"`
	PostalCode string `db:"postal_code"`
	Country    string `db:"country"`
	Phone      string `db:"phone"`
}

// Line is one order line with its units at every stage. Amounts are per line, in the order's
// currency; UnitPrice is per unit.
type Line struct {
	ID        int64
	LineNo    int
	SKU       string
	Name      string
	UnitPrice model.Money
	Discount  model.Money
	Tax       model.Money
	Ordered   int64
	Cancelled int64
	Allocated int64
	Picked    int64
	Packed    int64
	Shipped   int64
	Returned  int64
	Refunded  int64
}

type lineRow struct {
	ID             int64  `db:"id"`
	LineNo         int    `db:"line_no"`
	SKU            string `db:"sku"`
	Name           string `db:"name"`
	UnitPriceMinor int64  `db:"unit_price_minor"`
	DiscountMinor  int64  `db:"discount_minor"`
	TaxMinor       int64  `db:"tax_minor"`
	Ordered        int64  `db:"qty_ordered"`
	Cancelled      int64  `db:"qty_cancelled"`
	Allocated      int64  `db:"qty_allocated"`
	Picked         int64  `db:"qty_picked"`
	Packed         int64  `db:"qty_packed"`
	Shipped        int64  `db:"qty_shipped"`
	Returned       int64  `db:"qty_returned"`
	Refunded       int64  `db:"qty_refunded"`
}

func (r *lineRow) line(cur model.Currency) Line {
	return Line{ID: r.ID, LineNo: r.LineNo, SKU: r.SKU, Name: r.Name,
		UnitPrice: model.Money{Minor: r.UnitPriceMinor, Currency: cur},
		Discount:  model.Money{Minor: r.DiscountMinor, Currency: cur},
		Tax:       model.Money{Minor: r.TaxMinor, Currency: cur},
		Ordered:   r.Ordered, Cancelled: r.Cancelled, Allocated: r.Allocated, Picked: r.Picked,
		Packed: r.Packed, Shipped: r.Shipped, Returned: r.Returned, Refunded: r.Refunded}
}

// Event is one entry of an order's history.
type Event struct {
	ID       int64     `db:"id"`
	At       time.Time `db:"at"`
	Actor    string    `db:"actor"`
	Kind     string    `db:"kind"`
	Message  string    `db:"message"`
	Terminal string    `db:"terminal"`
}

// Detail is everything the order screen shows.
type Detail struct {
	Header  Header
	ShipTo  Address
	BillTo  *Address
	Lines   []Line
	History []Event // newest first, at most historyLimit
}

// historyLimit bounds the history an order screen holds; busy orders have a few dozen events.
const historyLimit = 200

// OrderDetail reads one order with its lines, addresses and history in one snapshot. An order
// that does not exist is db.ErrNotFound.
func (s *Store) OrderDetail(ctx context.Context, id int64) (Detail, error) {
	var od Detail
	err := s.d.InSnapshot(ctx, func(tx *sqlx.Tx) error {
		od = Detail{}
		var h headerRow
		err := tx.GetContext(ctx, &h, `
			SELECT o.id, o.number, o.external_id, o.status, c.code AS channel, c.name AS channel_name,
			       coalesce(w.code, '') AS warehouse, coalesce(pw.code, '') AS pickup_store, o.store_sale,
			       o.customer_name, cu.email AS customer_email,
			       cu.phone AS customer_phone, o.currency, o.subtotal_minor, o.shipping_minor,
			       o.discount_minor, o.tax_minor, o.total_minor, coalesce(hr.description, '') AS hold_reason,
			       coalesce(cr.description, '') AS cancel_reason, o.cancelled_at, o.ordered_at, o.promised_at,
			       coalesce(cs.name, '') AS service, coalesce(ca.code || '/' || cs.code, '') AS service_code,
			       o.priority, o.notes, o.version
			  FROM orders o
			  JOIN channels c ON c.id = o.channel_id
			  JOIN customers cu ON cu.id = o.customer_id
			  LEFT JOIN warehouses w ON w.id = o.warehouse_id
			  LEFT JOIN warehouses pw ON pw.id = o.pickup_warehouse_id
			  LEFT JOIN reason_codes hr ON hr.code = o.hold_reason
			  LEFT JOIN reason_codes cr ON cr.code = o.cancel_reason
			  LEFT JOIN carrier_services cs ON cs.id = o.service_id
			  LEFT JOIN carriers ca ON ca.id = cs.carrier_id
			 WHERE o.id = $1`, id)
		if errors.Is(err, sql.ErrNoRows) {
			return db.ErrNotFound
		}
		if err != nil {
			return err
		}
		od.Header = h.header()
		const addr = `SELECT a.name, a.company, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.phone
			FROM orders o JOIN addresses a ON a.id = o.%s WHERE o.id = $1`
		if err := tx.GetContext(ctx, &od.ShipTo, fmt.Sprintf(addr, "ship_to_address_id"), id); err != nil {
			return err
		}
		var bill Address
		switch err := tx.GetContext(ctx, &bill, fmt.Sprintf(addr, "bill_to_address_id"), id); {
		case err == nil:
			od.BillTo = &bill
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var lines []lineRow
		if err := tx.SelectContext(ctx, &lines, `
			SELECT ol.id, ol.line_no, p.sku, coalesce(nullif(ol.description, ''), p.name) AS name,
			       ol.unit_price_minor, ol.discount_minor, ol.tax_minor, ol.qty_ordered, ol.qty_cancelled,
			       ol.qty_allocated, ol.qty_picked, ol.qty_packed, ol.qty_shipped, ol.qty_returned, ol.qty_refunded
			  FROM order_lines ol JOIN products p ON p.id = ol.product_id
			 WHERE ol.order_id = $1 ORDER BY ol.line_no`, id); err != nil {
			return err
		}
		od.Lines = make([]Line, len(lines))
		for i := range lines {
			od.Lines[i] = lines[i].line(h.Currency)
		}
		return tx.SelectContext(ctx, &od.History, `
			SELECT id, at, actor, kind, message, terminal FROM events
			 WHERE order_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, id, historyLimit)
	})
	return od, err
}
