package shipping

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/model"
)

// Packing is an order at the packing station: its lines with what is picked, verified and in
// parcels, the parcels closed so far, and where it goes.
type Packing struct {
	Shipment  int64
	OrderID   int64
	Order     string // SO-0001234
	Reference string // the channel's order id
	Status    string // the shipment's: open, shipped, delivered
	Packer    string // who holds it
	Station   string
	Warehouse string // its code
	Origin    string // the warehouse's country
	Currency  string
	Promised  time.Time
	Requested string // the service the channel asked for, as the order states it
	ShipTo    model.Address
	Lines     []PackLine
	Parcels   []Parcel
}

// PackLine is one order line as the packer sees it.
type PackLine struct {
	ID      int64  `db:"id"`
	LineNo  int    `db:"line_no"`
	SKU     string `db:"sku"`
	Name    string `db:"name"`
	GTIN    string `db:"gtin"`
	Ordered int    `db:"ordered"` // ordered − cancelled
	Picked  int    `db:"qty_picked"`
	Packed  int    `db:"qty_packed"` // verified by scan
	Boxed   int    `db:"boxed"`      // in parcels
	// InShipment is how many of the boxed units are in this shipment's parcels.
	InShipment int    `db:"in_shipment"`
	Shipped    int    `db:"qty_shipped"`
	WeightG    int    `db:"weight_g"`
	LengthMM   int    `db:"length_mm"`
	WidthMM    int    `db:"width_mm"`
	HeightMM   int    `db:"height_mm"`
	HSCode     string `db:"hs_code"`
	Origin     string `db:"origin"`
	UnitNet    int64  `db:"unit_net"` // the line's amount per unit after its discount, minor units
}

// ToVerify is how many picked units still wait for their scan.
func (l PackLine) ToVerify() int { return l.Picked - l.Packed }

// Unboxed is how many verified units are in no parcel yet.
func (l PackLine) Unboxed() int { return l.Packed - l.Boxed }

// Parcel is a closed parcel of the shipment.
type Parcel struct {
	ID       int64  `db:"id"`
	Box      string `db:"box_code"`
	WeightG  int    `db:"weight_g"`
	LengthMM int    `db:"length_mm"`
	WidthMM  int    `db:"width_mm"`
	HeightMM int    `db:"height_mm"`
	Tracking string `db:"tracking"`
	SSCC     string `db:"sscc"`
	Units    int    `db:"units"`
}

// AllVerified says every picked unit has been scanned.
func (p Packing) AllVerified() bool {
	for _, l := range p.Lines {
		if l.ToVerify() > 0 {
			return false
		}
	}
	return true
}

// Unboxed is how many verified units wait for a parcel.
func (p Packing) Unboxed() int {
	n := 0
	for _, l := range p.Lines {
		n += l.Unboxed()
	}
	return n
}

const packingHeadSQL = `
	SELECT s.id AS shipment, o.id AS order_id, o.number, o.external_id, s.status, coalesce(st.name, '') AS packer,
	       s.station, w.code AS warehouse, w.country AS origin, o.currency, o.promised_at, o.ship_service,
	       a.name, a.company, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.phone
	  FROM shipments s JOIN orders o ON o.id = s.order_id JOIN warehouses w ON w.id = s.warehouse_id
	  JOIN addresses a ON a.id = o.ship_to_address_id LEFT JOIN staff st ON st.id = s.packer_id
	 WHERE s.id = $1`

const packLinesSQL = `
	SELECT ol.id, ol.line_no, p.sku, p.name, coalesce(p.gtin, '') AS gtin, ol.qty_ordered - ol.qty_cancelled AS ordered,
	       ol.qty_picked, ol.qty_packed, ol.qty_shipped,
	       coalesce((SELECT sum(pl.qty) FROM package_lines pl WHERE pl.order_line_id = ol.id), 0) AS boxed,
	       coalesce((SELECT sum(pl.qty) FROM package_lines pl JOIN packages pk ON pk.id = pl.package_id
	                  WHERE pl.order_line_id = ol.id AND pk.shipment_id = $2), 0) AS in_shipment,
	       coalesce(p.weight_g, 0) AS weight_g, coalesce(p.length_mm, 0) AS length_mm,
	       coalesce(p.width_mm, 0) AS width_mm, coalesce(p.height_mm, 0) AS height_mm,
	       coalesce(p.hs_code, '') AS hs_code, coalesce(p.country_of_origin, '') AS origin,
	       (coalesce(ol.amount_minor, ol.unit_price_minor * ol.qty_ordered) - ol.discount_minor) / ol.qty_ordered AS unit_net
	  FROM order_lines ol JOIN products p ON p.id = ol.product_id
	 WHERE ol.order_id = $1 AND (ol.qty_picked > 0 OR ol.qty_allocated > 0)
	 ORDER BY ol.line_no`

const parcelsSQL = `
	SELECT p.id, p.box_code, coalesce(p.weight_g, 0) AS weight_g, coalesce(p.length_mm, 0) AS length_mm,
	       coalesce(p.width_mm, 0) AS width_mm, coalesce(p.height_mm, 0) AS height_mm,
	       coalesce(p.tracking_number, '') AS tracking, coalesce(p.sscc, '') AS sscc,
	       (SELECT coalesce(sum(pl.qty), 0) FROM package_lines pl WHERE pl.package_id = p.id) AS units
	  FROM packages p WHERE p.shipment_id = $1 ORDER BY p.id`

// Packing reads a shipment as the station shows it.
func (s *Store) Packing(ctx context.Context, shipment int64) (Packing, error) {
	var p Packing
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		p, err = readPacking(ctx, tx, shipment)
		return err
	})
	return p, err
}

func readPacking(ctx context.Context, tx *sqlx.Tx, shipment int64) (Packing, error) {
	var p Packing
	row := tx.QueryRowxContext(ctx, packingHeadSQL, shipment)
	a := &p.ShipTo
	if err := row.Scan(&p.Shipment, &p.OrderID, &p.Order, &p.Reference, &p.Status, &p.Packer, &p.Station,
		&p.Warehouse, &p.Origin, &p.Currency, &p.Promised, &p.Requested,
		&a.Name, &a.Company, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &a.Phone); err != nil {
		return Packing{}, err
	}
	if err := tx.SelectContext(ctx, &p.Lines, packLinesSQL, p.OrderID, p.Shipment); err != nil {
		return Packing{}, err
	}
	err := tx.SelectContext(ctx, &p.Parcels, parcelsSQL, p.Shipment)
	return p, err
}
