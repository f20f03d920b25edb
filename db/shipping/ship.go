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
	"oms/db/invoicing"
	"oms/model"
	"oms/shipping/label"
)

// Offers are the services that can carry every parcel of the shipment to its address on day,
// cheapest first, each with its price for all parcels and its delivery date against the
// order's promise; Default marks the one the station preselects.
func (s *Store) Offers(ctx context.Context, shipment int64, day time.Time) ([]Offer, error) {
	var out []Offer
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		p, err := readPacking(ctx, tx, shipment)
		if err != nil {
			return err
		}
		out, err = offersFor(ctx, tx, p, day)
		return err
	})
	return out, err
}

// ShipRequest ships a shipment with a carrier's service ("dhl-express", "express") as offered
// on Day.
type ShipRequest struct {
	Shipment int64
	Carrier  string
	Service  string
	Day      time.Time
}

// Shipped is what a ship did: the parcels' tracking numbers and SSCCs, the price, the labels as
// printed (ZPL or PDF), and the invoice when one was issued.
type Shipped struct {
	Shipment    int64    `json:"shipment"`
	Order       string   `json:"order"`
	Parcels     []int64  `json:"parcels"` // the parcels labelled, in the order of Tracking
	Carrier     string   `json:"carrier"`
	Service     string   `json:"service"`
	CostMinor   int64    `json:"cost_minor"`
	Currency    string   `json:"currency"`
	Tracking    []string `json:"tracking"`
	SSCC        []string `json:"sscc"`
	LabelFormat string   `json:"label_format"`
	Labels      [][]byte `json:"labels"`
	Invoice     string   `json:"invoice,omitempty"`
}

// Ship labels every parcel (a tracking number in the carrier's format, an SSCC of the company's
// GS1 prefix, the label as the station prints it), moves the boxed units from packing to the
// customer, records the shipment with its price, and issues the invoice when the order's
// channel invoices on shipment — one transaction under key. The caller prints the labels after
// it returns; a retry returns the same labels.
func (s *Store) Ship(ctx context.Context, key string, r ShipRequest) (Shipped, error) {
	req := struct {
		Shipment         int64
		Carrier, Service string
		Day              string
	}{r.Shipment, r.Carrier, r.Service, r.Day.Format(time.DateOnly)}
	return db.Keyed(ctx, s.d, key, "shipping.ship", req, func(tx *sqlx.Tx) (Shipped, error) {
		p, err := readPacking(ctx, tx, r.Shipment)
		if err != nil {
			return Shipped{}, err
		}
		if probs := p.CustomsProblems(); len(probs) > 0 {
			return Shipped{}, fmt.Errorf("%s cannot leave for %s until its customs data is complete: %s", p.Order,
				p.ShipTo.Country, strings.Join(probs, "; "))
		}
		offers, err := offersFor(ctx, tx, p, r.Day)
		if err != nil {
			return Shipped{}, err
		}
		o, ok := findOffer(offers, r.Carrier, r.Service)
		if !ok {
			return Shipped{}, fmt.Errorf("%s %s cannot carry %s's parcels to %s %s", r.Carrier, r.Service, p.Order,
				p.ShipTo.Country, p.ShipTo.PostalCode)
		}
		out, err := labelAll(ctx, tx, p, o, r.Day)
		if err != nil {
			return Shipped{}, err
		}
		var service int64
		if err := tx.GetContext(ctx, &service, `SELECT cs.id FROM carrier_services cs JOIN carriers c ON c.id = cs.carrier_id
			WHERE c.code = $1 AND cs.code = $2`, r.Carrier, r.Service); err != nil {
			return Shipped{}, err
		}
		if _, err := tx.ExecContext(ctx, `SELECT oms_ship($1, $2, $3, $4, $5, $6, $7, $8, $9)`, p.Shipment, service,
			out.CostMinor, out.Currency, pqStrings(out.Tracking), pqStrings(out.SSCC), out.LabelFormat,
			pqBytes(out.Labels), interval(Lease)); err != nil {
			return Shipped{}, err
		}
		out.Invoice, err = invoiceOnShipment(ctx, tx, s.d, key, p.OrderID)
		return out, err
	})
}

// invoiceOnShipment issues the order's invoice for what just shipped when its channel invoices
// on shipment; its number, or "" when the channel invoices otherwise.
func invoiceOnShipment(ctx context.Context, tx *sqlx.Tx, d *db.DB, key string, order int64) (string, error) {
	var on string
	if err := tx.GetContext(ctx, &on, `SELECT c.invoice_on FROM orders o JOIN channels c ON c.id = o.channel_id WHERE o.id = $1`, order); err != nil {
		return "", err
	}
	if on != "shipment" {
		return "", nil
	}
	ikey := ""
	if key != "" {
		ikey = key + "/invoice"
	}
	inv, err := invoicing.New(d).IssueWithin(ctx, tx, ikey, order)
	if errors.Is(err, invoicing.ErrNothingToInvoice) {
		return "", nil
	}
	return inv.Number, err
}

// station is where the shipment's labels print.
type station struct {
	LabelFormat  string `db:"label_format"`
	LabelPrinter string `db:"label_printer"`
	PaperPrinter string `db:"paper_printer"`
	Scale        string `db:"scale"`
}

func stationOf(ctx context.Context, tx *sqlx.Tx, p Packing) (station, error) {
	st := station{LabelFormat: "zpl"}
	err := tx.GetContext(ctx, &st, `SELECT ps.label_format, ps.label_printer, ps.paper_printer, ps.scale FROM pack_stations ps
		JOIN warehouses w ON w.id = ps.warehouse_id WHERE w.code = $1 AND ps.code = $2`, p.Warehouse, strings.ToUpper(p.Station))
	if errors.Is(err, sql.ErrNoRows) {
		return station{LabelFormat: "zpl"}, nil
	}
	return st, err
}

// labelAll makes the numbers and label of each parcel without a label (at the ship, all of
// them; at a relabel, those whose label was voided), in parcel order; Parcels says which.
func labelAll(ctx context.Context, tx *sqlx.Tx, p Packing, o Offer, day time.Time) (Shipped, error) {
	out := Shipped{Shipment: p.Shipment, Order: p.Order, Carrier: o.Carrier, Service: o.Service,
		CostMinor: o.TotalMinor, Currency: o.Currency}
	var carrier struct {
		Format  string `db:"tracking_format"`
		Account string `db:"tracking_account"`
		Name    string `db:"name"`
		Prefix  string `db:"gs1_prefix"`
	}
	if err := tx.GetContext(ctx, &carrier, `SELECT c.tracking_format, c.tracking_account, c.name, co.gs1_prefix
		FROM carriers c CROSS JOIN company co WHERE c.code = $1`, o.Carrier); err != nil {
		return out, err
	}
	if carrier.Prefix == "" {
		return out, errors.New("the company has no GS1 company prefix, so parcels cannot get an SSCC: set one with oms company set --gs1-prefix")
	}
	st, err := stationOf(ctx, tx, p)
	if err != nil {
		return out, err
	}
	out.LabelFormat = st.LabelFormat
	from, err := warehouseAddress(ctx, tx, p.Warehouse)
	if err != nil {
		return out, err
	}
	for i, parcel := range p.Parcels {
		if parcel.Tracking != "" {
			continue
		}
		var serial, ssccSerial int64
		if err := tx.GetContext(ctx, &serial, `SELECT nextval('label_tracking_serial')`); err != nil {
			return out, err
		}
		if err := tx.GetContext(ctx, &ssccSerial, `SELECT nextval('label_sscc_serial')`); err != nil {
			return out, err
		}
		tracking, err := trackingNumber(carrier.Format, carrier.Account, p.Origin, serial)
		if err != nil {
			return out, err
		}
		sscc, err := ssccOf(carrier.Prefix, ssccSerial)
		if err != nil {
			return out, err
		}
		l := label.Label{Carrier: carrier.Name, CarrierCode: o.Carrier, Service: o.ServiceName, TrackingNumber: tracking,
			SSCC: sscc, From: from, To: p.ShipTo, OrderNumber: p.Order, Reference: p.Reference, Parcel: i + 1,
			Parcels: len(p.Parcels), WeightG: parcel.WeightG, ShipDate: day.Format(time.DateOnly)}
		body, err := render(st.LabelFormat, l)
		if err != nil {
			return out, err
		}
		out.Parcels = append(out.Parcels, parcel.ID)
		out.Tracking = append(out.Tracking, tracking)
		out.SSCC = append(out.SSCC, sscc)
		out.Labels = append(out.Labels, body)
	}
	return out, nil
}

// warehouseAddress is the shipping warehouse as a label's sender: the company's name, the
// warehouse's name, city and country (warehouses keep no street address yet).
func warehouseAddress(ctx context.Context, tx *sqlx.Tx, code string) (model.Address, error) {
	var a model.Address
	err := tx.QueryRowxContext(ctx, `
		SELECT co.name, w.name, w.city, w.country FROM warehouses w CROSS JOIN company co WHERE w.code = $1`, code).
		Scan(&a.Name, &a.Company, &a.City, &a.Country)
	return a, err
}

// Relabel gives every shipped parcel of the shipment whose label was voided a new label (new
// tracking number and SSCC) with the service it shipped with, in one transaction under key.
func (s *Store) Relabel(ctx context.Context, key string, shipment int64, day time.Time) (Shipped, error) {
	req := struct {
		Shipment int64
		Day      string
	}{shipment, day.Format(time.DateOnly)}
	return db.Keyed(ctx, s.d, key, "shipping.relabel", req, func(tx *sqlx.Tx) (Shipped, error) {
		p, err := readPacking(ctx, tx, shipment)
		if err != nil {
			return Shipped{}, err
		}
		var o Offer
		if err := tx.QueryRowxContext(ctx, `SELECT c.code, cs.code, cs.name, s.cost_minor, s.cost_currency
			FROM shipments s JOIN carrier_services cs ON cs.id = s.service_id JOIN carriers c ON c.id = cs.carrier_id
			WHERE s.id = $1`, shipment).Scan(&o.Carrier, &o.Service, &o.ServiceName, &o.TotalMinor, &o.Currency); err != nil {
			return Shipped{}, fmt.Errorf("shipment %d has not shipped: %w", shipment, err)
		}
		out, err := labelAll(ctx, tx, p, o, day)
		if err != nil {
			return Shipped{}, err
		}
		out.CostMinor, out.Currency = 0, "" // a new label costs nothing more
		for i, parcel := range out.Parcels {
			if _, err := tx.ExecContext(ctx, `SELECT oms_relabel($1, $2, $3, $4, $5)`, parcel, out.Tracking[i],
				out.SSCC[i], out.LabelFormat, out.Labels[i]); err != nil {
				return Shipped{}, err
			}
		}
		if len(out.Tracking) == 0 {
			return Shipped{}, fmt.Errorf("every parcel of %s has its label: void one first", p.Order)
		}
		return out, nil
	})
}
