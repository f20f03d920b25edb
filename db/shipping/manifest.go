package shipping

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
)

// Manifest is a closed manifest: a carrier's parcels from a warehouse handed over together.
type Manifest struct {
	ID        int64            `json:"id"`
	Number    string           `json:"number"` // M-000012
	Carrier   string           `json:"carrier"`
	Name      string           `json:"name"` // the carrier's
	Warehouse string           `json:"warehouse"`
	Country   string           `json:"country"` // the warehouse's
	Account   string           `json:"account"` // the shipper's account with the carrier
	ClosedAt  time.Time        `json:"closed_at"`
	ClosedBy  string           `json:"closed_by"`
	WeightG   int64            `json:"weight_g"`
	Parcels   []ManifestParcel `json:"parcels"`
}

// ManifestParcel is one parcel of a manifest.
type ManifestParcel struct {
	Order      string `db:"order_number" json:"order"`
	SSCC       string `db:"sscc" json:"sscc"`
	Tracking   string `db:"tracking_number" json:"tracking"`
	Service    string `db:"service" json:"service"`
	WeightG    int    `db:"weight_g" json:"weight_g"`
	Country    string `db:"country" json:"country"`
	PostalCode string `db:"postal_code" json:"postal_code"`
}

// CloseManifest closes the carrier's shipped, labelled parcels of the warehouse that are on no
// manifest into a new one, in one transaction under key. A parcel shipped while it runs goes on
// the next. Nothing waiting is an error that says so.
func (s *Store) CloseManifest(ctx context.Context, key, carrier, warehouse string) (Manifest, error) {
	req := struct{ Carrier, Warehouse string }{carrier, warehouse}
	id, err := db.Keyed(ctx, s.d, key, "shipping.manifest_close", req, func(tx *sqlx.Tx) (int64, error) {
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT oms_manifest_close($1, $2)`, carrier, warehouse)
		return id, err
	})
	if err != nil {
		return Manifest{}, err
	}
	return s.Manifest(ctx, id)
}

// Manifest reads a closed manifest with its parcels in the order they shipped.
func (s *Store) Manifest(ctx context.Context, id int64) (Manifest, error) {
	var m Manifest
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		err := tx.QueryRowxContext(ctx, `
			SELECT m.id, m.number, c.code, c.name, w.code, w.country, c.tracking_account, m.closed_at, m.closed_by, m.weight_g
			  FROM manifests m JOIN carriers c ON c.id = m.carrier_id JOIN warehouses w ON w.id = m.warehouse_id
			 WHERE m.id = $1`, id).Scan(&m.ID, &m.Number, &m.Carrier, &m.Name, &m.Warehouse, &m.Country, &m.Account, &m.ClosedAt, &m.ClosedBy, &m.WeightG)
		if err != nil {
			return err
		}
		return tx.SelectContext(ctx, &m.Parcels, `
			SELECT o.number AS order_number, p.sscc, p.tracking_number, cs.name AS service, p.weight_g,
			       a.country, a.postal_code
			  FROM packages p JOIN shipments s ON s.id = p.shipment_id JOIN orders o ON o.id = s.order_id
			  JOIN carrier_services cs ON cs.id = s.service_id JOIN addresses a ON a.id = o.ship_to_address_id
			 WHERE p.manifest_id = $1 ORDER BY s.shipped_at, p.id`, id)
	})
	return m, err
}
