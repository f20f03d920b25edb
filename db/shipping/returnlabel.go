package shipping

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/model"
	"oms/shipping/label"
	"oms/shipping/shippdf"
)

// ReturnLabel is a return parcel's label: the carrier that took the order out brings it back,
// from the customer's address to the warehouse, as a PDF the customer can print.
type ReturnLabel struct {
	Carrier  string
	Tracking string
	Format   string // "pdf"
	Body     []byte
}

// ErrNoReturnCarrier says the order never left with a carrier, so no return label can be made.
var ErrNoReturnCarrier = errors.New("no carrier took the order out")

// ReturnLabelWithin makes the return label of an RMA inside the caller's transaction: a tracking
// number from the carrier's format and account (the same serials as outgoing parcels, so a
// number is never given twice) and the label as PDF, weighing weightG.
func ReturnLabelWithin(ctx context.Context, tx *sqlx.Tx, orderID int64, rma string, weightG int, day time.Time) (ReturnLabel, error) {
	var c struct {
		Code, Name, Format, Account, Service, Origin, Warehouse, Number, Reference string
	}
	err := tx.QueryRowxContext(ctx, `
		SELECT c.code, c.name, c.tracking_format, c.tracking_account, cs.name, w.country, w.code, o.number, o.external_id
		  FROM shipments s JOIN carrier_services cs ON cs.id = s.service_id JOIN carriers c ON c.id = cs.carrier_id
		  JOIN warehouses w ON w.id = s.warehouse_id JOIN orders o ON o.id = s.order_id
		 WHERE s.order_id = $1 AND s.status IN ('shipped', 'delivered')
		 ORDER BY s.shipped_at DESC, s.id DESC LIMIT 1`, orderID).
		Scan(&c.Code, &c.Name, &c.Format, &c.Account, &c.Service, &c.Origin, &c.Warehouse, &c.Number, &c.Reference)
	if errors.Is(err, sql.ErrNoRows) {
		return ReturnLabel{}, ErrNoReturnCarrier
	}
	if err != nil {
		return ReturnLabel{}, err
	}
	var from model.Address
	if err := tx.QueryRowxContext(ctx, `
		SELECT a.name, a.company, a.line1, a.line2, a.city, a.region, a.postal_code, a.country
		  FROM orders o JOIN addresses a ON a.id = o.ship_to_address_id WHERE o.id = $1`, orderID).
		Scan(&from.Name, &from.Company, &from.Line1, &from.Line2, &from.City, &from.Region, &from.PostalCode, &from.Country); err != nil {
		return ReturnLabel{}, err
	}
	var to model.Address
	if err := tx.QueryRowxContext(ctx, `
		SELECT co.name, w.name || ' — returns', co.line1, coalesce(nullif(w.city, ''), co.city), co.postal_code, w.country
		  FROM warehouses w CROSS JOIN company co WHERE w.code = $1`, c.Warehouse).
		Scan(&to.Name, &to.Company, &to.Line1, &to.City, &to.PostalCode, &to.Country); err != nil {
		return ReturnLabel{}, err
	}
	var n struct {
		Tracking int64  `db:"tracking"`
		SSCC     int64  `db:"sscc"`
		Prefix   string `db:"gs1_prefix"`
	}
	if err := tx.GetContext(ctx, &n, `SELECT nextval('label_tracking_serial') AS tracking, nextval('label_sscc_serial') AS sscc,
		gs1_prefix FROM company`); err != nil {
		return ReturnLabel{}, err
	}
	if n.Prefix == "" {
		return ReturnLabel{}, errors.New("the company has no GS1 company prefix, so the return parcel cannot get an SSCC: set one with oms company set --gs1-prefix")
	}
	tracking, err := trackingNumber(c.Format, c.Account, from.Country, n.Tracking)
	if err != nil {
		return ReturnLabel{}, err
	}
	sscc, err := ssccOf(n.Prefix, n.SSCC)
	if err != nil {
		return ReturnLabel{}, err
	}
	body, err := shippdf.Label(label.Label{Carrier: c.Name, CarrierCode: c.Code, Service: c.Service + " return",
		TrackingNumber: tracking, SSCC: sscc, From: from, To: to, OrderNumber: rma, Reference: c.Number, Parcel: 1, Parcels: 1,
		WeightG: max(weightG, 1), ShipDate: day.Format(time.DateOnly)})
	if err != nil {
		return ReturnLabel{}, fmt.Errorf("the return label of %s: %w", rma, err)
	}
	return ReturnLabel{Carrier: c.Name, Tracking: tracking, Format: "pdf", Body: body}, nil
}
