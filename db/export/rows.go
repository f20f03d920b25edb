package export

import (
	"context"
	"database/sql"
	"time"

	"github.com/lib/pq"

	"oms/model"
)

// Line is one order line with the quantity of every stage.
type Line struct {
	OrderID, ID    int64
	OrderNumber    string
	Channel        string
	ExternalID     string // the order's
	LineNo         int
	ExternalLineID string
	SKU            string
	Description    string
	Currency       model.Currency
	UnitPriceMinor int64
	AmountMinor    int64
	DiscountMinor  int64
	TaxMinor       int64
	TaxRatePPM     int64
	Ordered        int64
	Cancelled      int64
	Allocated      int64
	Picked         int64
	Packed         int64
	Shipped        int64
	Returned       int64
	Refunded       int64
	UpdatedAt      time.Time
}

// Lines streams the order lines of the export, by order and line number.
func (r *Reader) Lines(ctx context.Context, fn func(Line) error) error {
	q := r.newQuery()
	if r.f.After != "" {
		q.and(q.unseen("l.change_xid"))
	}
	if !r.f.Since.IsZero() {
		q.and("l.updated_at >= " + q.arg(r.f.Since))
	}
	r.orderFilters(q, "o")
	text := `
SELECT l.order_id, l.id, o.number, c.code, o.external_id, l.line_no, l.external_line_id, p.sku,
       l.description, o.currency, l.unit_price_minor, l.amount_minor, l.discount_minor, l.tax_minor,
       l.tax_rate_ppm, l.qty_ordered, l.qty_cancelled, l.qty_allocated, l.qty_picked, l.qty_packed,
       l.qty_shipped, l.qty_returned, l.qty_refunded, l.updated_at
  FROM order_lines l
  JOIN orders o ON o.id = l.order_id
  JOIN channels c ON c.id = o.channel_id
  JOIN products p ON p.id = l.product_id` + q.whereSQL() + `
 ORDER BY l.order_id, l.line_no`
	return r.stream(ctx, text, q, func(rows *sql.Rows) error {
		var l Line
		var currency string
		if err := rows.Scan(&l.OrderID, &l.ID, &l.OrderNumber, &l.Channel, &l.ExternalID, &l.LineNo,
			&l.ExternalLineID, &l.SKU, &l.Description, &currency, &l.UnitPriceMinor, &l.AmountMinor,
			&l.DiscountMinor, &l.TaxMinor, &l.TaxRatePPM, &l.Ordered, &l.Cancelled, &l.Allocated,
			&l.Picked, &l.Packed, &l.Shipped, &l.Returned, &l.Refunded, &l.UpdatedAt); err != nil {
			return err
		}
		l.Currency, l.UpdatedAt = model.Currency(currency), l.UpdatedAt.UTC()
		return fn(l)
	})
}

// Invoice is one invoice or credit note, amounts as stored (positive) in the document's currency
// and in the base currency, with what a finance system books it by: the customer and their VAT
// number, the order's date, the rate and how it is stated, the legal note and the tax per rate.
type Invoice struct {
	ID              int64
	Number          string
	Kind            string // invoice or credit_note
	CreditedNumber  string // a credit note's invoice
	OrderNumber     string
	Channel         string
	ExternalID      string
	OrderedAt       time.Time
	CustomerName    string
	CustomerCountry string
	CustomerVAT     string // "" for a consumer
	IssuedAt        time.Time
	Currency        model.Currency
	SubtotalMinor   int64
	TaxMinor        int64
	TotalMinor      int64
	BaseCurrency    model.Currency
	// FXRate is the stored rate as stored ("1.0825"): units of Currency per unit of
	// BaseCurrency, or, when FXInverse, units of BaseCurrency per unit of Currency (only that
	// direction was stored; migration 00027). Base amounts are the amounts divided by the rate,
	// or when FXInverse multiplied by it.
	FXRate       string
	FXInverse    bool
	FXDate       string // YYYY-MM-DD
	SubtotalBase int64
	TaxBase      int64
	TotalBase    int64
	Notes        string // the mention a document without VAT carries (reverse charge, export)
	Taxes        []InvoiceTax
}

// InvoiceTax is a document's tax at one rate (invoice_tax_lines), in both currencies.
type InvoiceTax struct {
	RatePPM                        int64
	TaxableMinor, TaxMinor         int64
	TaxableBaseMinor, TaxBaseMinor int64
}

// Invoices streams the invoices and credit notes of the export, by id.
func (r *Reader) Invoices(ctx context.Context, fn func(Invoice) error) error {
	q := r.newQuery()
	if r.f.After != "" {
		q.and("(" + q.unseen("i.change_xid") + " OR i.id IN (SELECT il.invoice_id FROM invoice_lines il WHERE " + q.unseen("il.change_xid") + "))")
	}
	if !r.f.Since.IsZero() {
		q.and("i.issued_at >= " + q.arg(r.f.Since))
	}
	r.orderFilters(q, "o")
	text := `
SELECT i.id, coalesce(i.number, ''), i.kind, coalesce(ci.number, ''), o.number, c.code, o.external_id,
       o.ordered_at, coalesce(cu.name, o.customer_name), coalesce(cu.country, ''), coalesce(cu.vat_number, ''),
       i.issued_at, i.currency, i.subtotal_minor, i.tax_minor, i.total_minor, i.base_currency,
       trim_scale(i.fx_rate)::text, i.fx_inverse, i.fx_date::text, i.subtotal_base_minor, i.tax_base_minor,
       i.total_base_minor, i.notes, t.rates, t.taxable, t.tax, t.taxable_base, t.tax_base
  FROM invoices i
  JOIN orders o ON o.id = i.order_id
  JOIN channels c ON c.id = o.channel_id
  LEFT JOIN customers cu ON cu.id = o.customer_id
  LEFT JOIN invoices ci ON ci.id = i.credited_invoice_id
  CROSS JOIN LATERAL (
        SELECT array_agg(tl.tax_rate_ppm ORDER BY tl.tax_rate_ppm) AS rates,
               array_agg(tl.taxable_minor ORDER BY tl.tax_rate_ppm) AS taxable,
               array_agg(tl.tax_minor ORDER BY tl.tax_rate_ppm) AS tax,
               array_agg(tl.taxable_base_minor ORDER BY tl.tax_rate_ppm) AS taxable_base,
               array_agg(tl.tax_base_minor ORDER BY tl.tax_rate_ppm) AS tax_base
          FROM invoice_tax_lines tl WHERE tl.invoice_id = i.id) t` + q.whereSQL() + `
 ORDER BY i.id`
	return r.stream(ctx, text, q, func(rows *sql.Rows) error {
		var v Invoice
		var cur, base string
		var rates, taxable, tax, taxableBase, taxBase pq.Int64Array
		if err := rows.Scan(&v.ID, &v.Number, &v.Kind, &v.CreditedNumber, &v.OrderNumber, &v.Channel,
			&v.ExternalID, &v.OrderedAt, &v.CustomerName, &v.CustomerCountry, &v.CustomerVAT,
			&v.IssuedAt, &cur, &v.SubtotalMinor, &v.TaxMinor, &v.TotalMinor, &base,
			&v.FXRate, &v.FXInverse, &v.FXDate, &v.SubtotalBase, &v.TaxBase, &v.TotalBase, &v.Notes,
			&rates, &taxable, &tax, &taxableBase, &taxBase); err != nil {
			return err
		}
		for k := range rates {
			v.Taxes = append(v.Taxes, InvoiceTax{RatePPM: rates[k], TaxableMinor: taxable[k], TaxMinor: tax[k],
				TaxableBaseMinor: taxableBase[k], TaxBaseMinor: taxBase[k]})
		}
		v.Currency, v.BaseCurrency = model.Currency(cur), model.Currency(base)
		v.IssuedAt, v.OrderedAt = v.IssuedAt.UTC(), v.OrderedAt.UTC()
		return fn(v)
	})
}

// Movement is one row of the stock ledger. A virtual place (supplier, customer, adjustment, …)
// has no warehouse.
type Movement struct {
	ID            int64
	At            time.Time
	SKU           string
	Lot           string
	FromWarehouse string
	FromLocation  string
	ToWarehouse   string
	ToLocation    string
	Qty           int64
	Kind          string
	Reason        string
	OrderNumber   string
	Actor         string
	Terminal      string
	Note          string
}

// Movements streams the ledger of the export, by id: with a channel, the movements of its
// orders' lines; with a warehouse, those into or out of it.
func (r *Reader) Movements(ctx context.Context, fn func(Movement) error) error {
	q := r.newQuery()
	if r.f.After != "" {
		q.and(q.unseen("m.change_xid"))
	}
	if !r.f.Since.IsZero() {
		q.and("m.at >= " + q.arg(r.f.Since))
	}
	if r.channel.Valid {
		q.and("o.channel_id = " + q.arg(r.channel.Int64))
	}
	if r.warehouse.Valid {
		w := q.arg(r.warehouse.Int64)
		q.and("(fl.warehouse_id = " + w + " OR tl.warehouse_id = " + w + ")")
	}
	text := `
SELECT m.id, m.at, p.sku, coalesce(lt.lot_code, ''), coalesce(fw.code, ''), fl.code,
       coalesce(tw.code, ''), tl.code, m.qty, m.kind, coalesce(m.reason_code, ''),
       coalesce(o.number, ''), m.actor, coalesce(m.terminal, ''), m.note
  FROM stock_movements m
  JOIN products p ON p.id = m.product_id
  JOIN locations fl ON fl.id = m.from_location_id
  JOIN locations tl ON tl.id = m.to_location_id
  LEFT JOIN warehouses fw ON fw.id = fl.warehouse_id
  LEFT JOIN warehouses tw ON tw.id = tl.warehouse_id
  LEFT JOIN lots lt ON lt.id = m.lot_id
  LEFT JOIN order_lines ol ON ol.id = m.order_line_id
  LEFT JOIN orders o ON o.id = ol.order_id` + q.whereSQL() + `
 ORDER BY m.id`
	return r.stream(ctx, text, q, func(rows *sql.Rows) error {
		var m Movement
		if err := rows.Scan(&m.ID, &m.At, &m.SKU, &m.Lot, &m.FromWarehouse, &m.FromLocation,
			&m.ToWarehouse, &m.ToLocation, &m.Qty, &m.Kind, &m.Reason, &m.OrderNumber, &m.Actor,
			&m.Terminal, &m.Note); err != nil {
			return err
		}
		m.At = m.At.UTC()
		return fn(m)
	})
}

// ShipmentLine is one order line in one package of a shipment; a shipment without packages
// comes as one ShipmentLine with PackageID 0.
type ShipmentLine struct {
	ShipmentID     int64
	OrderNumber    string
	Channel        string
	ExternalID     string
	ExternalName   string
	Status         string
	Warehouse      string
	Carrier        string // the carrier's code
	CarrierName    string
	Service        string // the carrier service's name
	ShippedAt      time.Time
	DeliveredAt    time.Time
	PackageID      int64
	TrackingNumber string
	TrackingURL    string
	ExternalLineID string
	SKU            string
	Qty            int64
}

// Shipments streams the shipments of the export by shipment, package and line: with a cursor,
// those whose row, packages or package lines changed since. shippedOnly keeps shipments that
// left the warehouse (shipped or delivered), as a channel's confirmation file needs.
func (r *Reader) Shipments(ctx context.Context, shippedOnly bool, fn func(ShipmentLine) error) error {
	q := r.newQuery()
	if shippedOnly {
		q.and("s.status IN ('shipped', 'delivered')")
	}
	if r.f.After != "" {
		q.and("(" + q.unseen("s.change_xid") +
			" OR s.id IN (SELECT pk.shipment_id FROM packages pk WHERE " + q.unseen("pk.change_xid") + ")" +
			" OR s.id IN (SELECT pk.shipment_id FROM package_lines x JOIN packages pk ON pk.id = x.package_id WHERE " + q.unseen("x.change_xid") + "))")
	}
	if !r.f.Since.IsZero() {
		q.and("greatest(s.created_at, s.shipped_at, s.delivered_at) >= " + q.arg(r.f.Since))
	}
	if r.channel.Valid {
		q.and("o.channel_id = " + q.arg(r.channel.Int64))
	}
	if r.warehouse.Valid {
		q.and("s.warehouse_id = " + q.arg(r.warehouse.Int64))
	}
	text := `
SELECT s.id, o.number, c.code, o.external_id, o.external_name, s.status, w.code,
       coalesce(cr.code, ''), coalesce(cr.name, ''), coalesce(cs.name, ''), s.shipped_at, s.delivered_at,
       coalesce(pk.id, 0), coalesce(pk.tracking_number, ''),
       CASE WHEN pk.tracking_number IS NOT NULL AND cr.tracking_url <> ''
            THEN replace(cr.tracking_url, '{tracking}', pk.tracking_number) ELSE '' END,
       coalesce(l.external_line_id, ''), coalesce(p.sku, ''), coalesce(pl.qty, 0)
  FROM shipments s
  JOIN orders o ON o.id = s.order_id
  JOIN channels c ON c.id = o.channel_id
  JOIN warehouses w ON w.id = s.warehouse_id
  LEFT JOIN carrier_services cs ON cs.id = s.service_id
  LEFT JOIN carriers cr ON cr.id = cs.carrier_id
  LEFT JOIN packages pk ON pk.shipment_id = s.id
  LEFT JOIN package_lines pl ON pl.package_id = pk.id
  LEFT JOIN order_lines l ON l.id = pl.order_line_id
  LEFT JOIN products p ON p.id = l.product_id` + q.whereSQL() + `
 ORDER BY s.id, pk.id, l.line_no`
	return r.stream(ctx, text, q, func(rows *sql.Rows) error {
		var v ShipmentLine
		var shipped, delivered sql.NullTime
		if err := rows.Scan(&v.ShipmentID, &v.OrderNumber, &v.Channel, &v.ExternalID, &v.ExternalName,
			&v.Status, &v.Warehouse, &v.Carrier, &v.CarrierName, &v.Service, &shipped, &delivered,
			&v.PackageID, &v.TrackingNumber, &v.TrackingURL, &v.ExternalLineID, &v.SKU, &v.Qty); err != nil {
			return err
		}
		if shipped.Valid {
			v.ShippedAt = shipped.Time.UTC()
		}
		if delivered.Valid {
			v.DeliveredAt = delivered.Time.UTC()
		}
		return fn(v)
	})
}
