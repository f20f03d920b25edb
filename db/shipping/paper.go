package shipping

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
	"oms/shipping"
	"oms/shipping/shippdf"
)

// Station is where a packing station prints: labels as ZPL or PDF to LabelPrinter, paper
// (slips, customs forms) to PaperPrinter; a printer is "file:DIR", "lp:DEST" or
// "tcp:HOST:PORT" (label.ParsePrinter), "" when none is set. Scale is where it weighs
// (scale.Weigh).
type Station struct {
	Warehouse    string `db:"warehouse"`
	Code         string `db:"code"`
	LabelFormat  string `db:"label_format"`
	LabelPrinter string `db:"label_printer"`
	PaperPrinter string `db:"paper_printer"`
	Scale        string `db:"scale"` // "file:/dev/ttyUSB0" or "tcp:HOST:PORT"; "" types the weight
}

// StationOf reads a station's printers; a station not set up prints ZPL labels nowhere (they
// stay with the parcel in the database and can be printed again).
func (s *Store) StationOf(ctx context.Context, warehouse, code string) (Station, error) {
	st := Station{Warehouse: strings.ToUpper(warehouse), Code: strings.ToUpper(code), LabelFormat: "zpl"}
	err := s.d.GetContext(ctx, &st, `SELECT w.code AS warehouse, ps.code, ps.label_format, ps.label_printer, ps.paper_printer, ps.scale
		FROM pack_stations ps JOIN warehouses w ON w.id = ps.warehouse_id WHERE w.code = $1 AND ps.code = $2`, st.Warehouse, st.Code)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	return st, db.MapError(err)
}

// SetStation creates or changes a packing station of a warehouse (the administrator's work).
func (s *Store) SetStation(ctx context.Context, st Station) error {
	res, err := s.d.ExecContext(ctx, `
		INSERT INTO pack_stations (warehouse_id, code, label_format, label_printer, paper_printer, scale)
		SELECT id, $2, $3, $4, $5, $6 FROM warehouses WHERE code = $1
		ON CONFLICT (warehouse_id, code) DO UPDATE SET label_format = EXCLUDED.label_format,
		       label_printer = EXCLUDED.label_printer, paper_printer = EXCLUDED.paper_printer, scale = EXCLUDED.scale`,
		strings.ToUpper(st.Warehouse), strings.ToUpper(st.Code), st.LabelFormat, st.LabelPrinter, st.PaperPrinter, st.Scale)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("there is no warehouse %s", strings.ToUpper(st.Warehouse))
	}
	return nil
}

// NeedsCustoms says whether the order leaves its market (EU, UK, US, …): its parcels then need
// customs forms.
func (p Packing) NeedsCustoms() bool {
	return shipping.NeedsCustomsTo(p.Origin, shipping.Destination{Country: p.ShipTo.Country, PostalCode: p.ShipTo.PostalCode})
}

// CustomsProblems are what a border would refuse about the order's items (no HS code, no
// origin, a generic description, no weight or value), caught at the packing station; nothing
// when the order stays in its market.
func (p Packing) CustomsProblems() []string {
	if !p.NeedsCustoms() {
		return nil
	}
	var items []shipping.CustomsItem
	for _, l := range p.Lines {
		if l.Picked == 0 {
			continue
		}
		items = append(items, shipping.CustomsItem{SKU: l.SKU, Description: l.Name, HSCode: l.HSCode, Origin: l.Origin,
			Qty: l.Picked, WeightG: l.WeightG, ValueMinor: l.UnitNet})
	}
	return shipping.CheckCustomsItems(items)
}

// Paper is one document to print, named as a file would be.
type Paper struct {
	Name string
	PDF  []byte
}

// Paperwork renders the papers of a shipped shipment: the packing slip, and for a parcel that
// leaves the order's market its CN23 (with a commercial invoice for a business buyer), dated day.
func (s *Store) Paperwork(ctx context.Context, shipment int64, day time.Time) ([]Paper, error) {
	var out []Paper
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		p, err := readPacking(ctx, tx, shipment)
		if err != nil {
			return err
		}
		h, err := paperHeadOf(ctx, tx, p)
		if err != nil {
			return err
		}
		slip, err := shippdf.PackingSlip(slipOf(p, h))
		if err != nil {
			return err
		}
		out = append(out, Paper{Name: p.Order + "-slip.pdf", PDF: slip})
		if !p.NeedsCustoms() {
			return nil
		}
		for i, parcel := range p.Parcels {
			doc, err := customsOf(ctx, tx, p, h, parcel, day)
			if err != nil {
				return err
			}
			pdf, err := shippdf.Customs(doc)
			if err != nil {
				return fmt.Errorf("customs form of parcel %d: %w", i+1, err)
			}
			out = append(out, Paper{Name: fmt.Sprintf("%s-%s-%d.pdf", p.Order, doc.Form, i+1), PDF: pdf})
		}
		return nil
	})
	return out, err
}

// paperHead is what the papers say beyond the packing: the seller, the order's day and channel,
// the buyer's tax id.
type paperHead struct {
	Seller     model.Address
	SellerVAT  string
	OrderedAt  time.Time
	Channel    string
	BuyerVAT   string
	Packer     string
	Currency   model.Currency
	ShipToCity string
}

func paperHeadOf(ctx context.Context, tx *sqlx.Tx, p Packing) (paperHead, error) {
	var h paperHead
	a := &h.Seller
	err := tx.QueryRowxContext(ctx, `
		SELECT co.name, co.line1, co.line2, co.postal_code, co.city, co.region, co.country, co.phone, co.vat_number,
		       o.ordered_at, ch.name, cu.vat_number, coalesce(st.name, '')
		  FROM orders o JOIN channels ch ON ch.id = o.channel_id JOIN customers cu ON cu.id = o.customer_id
		  JOIN shipments s ON s.order_id = o.id LEFT JOIN staff st ON st.id = s.packer_id CROSS JOIN company co
		 WHERE s.id = $1`, p.Shipment).Scan(&a.Name, &a.Line1, &a.Line2, &a.PostalCode, &a.City, &a.Region, &a.Country,
		&a.Phone, &h.SellerVAT, &h.OrderedAt, &h.Channel, &h.BuyerVAT, &h.Packer)
	h.Currency = model.Currency(p.Currency)
	return h, err
}

func slipOf(p Packing, h paperHead) shippdf.Slip {
	s := shippdf.Slip{Seller: h.Seller, ShipTo: p.ShipTo, OrderNumber: p.Order, OrderDate: h.OrderedAt, Channel: h.Channel,
		Reference: p.Reference, Parcels: len(p.Parcels),
		ReturnsNote: fmt.Sprintf("To return something, contact %s quoting %s.", h.Seller.Name, p.Order)}
	for _, parcel := range p.Parcels {
		if parcel.Tracking != "" {
			s.TrackingNumbers = append(s.TrackingNumbers, parcel.Tracking)
		}
	}
	for _, l := range p.Lines {
		shipped := l.Shipped // after the ship it counts this shipment's units
		if p.Status == "open" {
			shipped += l.InShipment
		}
		s.Lines = append(s.Lines, shippdf.SlipLine{SKU: l.SKU, Description: l.Name, Ordered: int64(l.Ordered),
			Shipped: int64(l.InShipment), Backordered: int64(max(l.Ordered-shipped, 0))})
	}
	return s
}

// customsOf is one parcel's declaration: its items as boxed, valued at what the customer paid.
func customsOf(ctx context.Context, tx *sqlx.Tx, p Packing, h paperHead, parcel Parcel, day time.Time) (shippdf.Declaration, error) {
	var rows []struct {
		Line int64 `db:"order_line_id"`
		Qty  int64 `db:"qty"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT order_line_id, qty FROM package_lines WHERE package_id = $1 ORDER BY order_line_id`, parcel.ID); err != nil {
		return shippdf.Declaration{}, err
	}
	form := shippdf.FormCN23
	if h.BuyerVAT != "" {
		form = shippdf.FormCommercialInvoice
	}
	d := shippdf.Declaration{Form: form, Sender: h.Seller, Addressee: p.ShipTo, SenderTaxID: h.SellerVAT,
		AddresseeTaxID: h.BuyerVAT, Category: shippdf.CategoryMerchandise, Currency: h.Currency,
		GrossWeightG: int64(parcel.WeightG), Incoterm: shippdf.IncotermDAP, IncotermPlace: p.ShipTo.City + ", " + p.ShipTo.Country,
		OrderNumber: p.Order, TrackingNumber: parcel.Tracking, Date: day, InvoiceNumber: p.Order, InvoiceDate: day,
		ReasonForExport: "Sale of goods", SignedBy: h.Packer}
	for _, r := range rows {
		for _, l := range p.Lines {
			if l.ID == r.Line {
				d.Items = append(d.Items, shippdf.CustomsItem{Description: l.Name, Qty: r.Qty, NetWeightG: int64(l.WeightG) * r.Qty,
					UnitValueMinor: l.UnitNet, HSCode: l.HSCode, Origin: l.Origin})
			}
		}
	}
	return d, nil
}
