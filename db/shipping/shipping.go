package shipping

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/model"
)

// Lease is how long an open packing stays its packer's without activity; each scan renews it.
// Past it another packer who scans the order takes it over, with what was verified kept.
const Lease = 10 * time.Minute

// Store runs the packing and shipping commands on one database.
type Store struct{ d *db.DB }

// New returns the shipping commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// OrderRef is an order a scan found.
type OrderRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

// Find is what a packer's scan names: an order by its number, or the orders with picked units
// in a finished tote. Nothing found is an error that says so.
func (s *Store) Find(ctx context.Context, scan string) ([]OrderRef, error) {
	var raw []byte
	if err := s.d.GetContext(ctx, &raw, `SELECT oms_pack_find($1)`, scan); err != nil {
		return nil, db.MapError(err)
	}
	var out struct {
		Orders []OrderRef `json:"orders"`
	}
	err := json.Unmarshal(raw, &out)
	return out.Orders, err
}

// Open opens the packing of an order at a station (or resumes the caller's own, or takes over
// one whose lease ran out) and returns it as the station shows it.
func (s *Store) Open(ctx context.Context, key string, orderID int64, station string) (Packing, error) {
	req := struct {
		Order   int64
		Station string
	}{orderID, station}
	id, err := db.Keyed(ctx, s.d, key, "shipping.open", req, func(tx *sqlx.Tx) (int64, error) {
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT oms_pack_open($1, $2, $3)`, orderID, station, interval(Lease))
		return id, err
	})
	if err != nil {
		return Packing{}, err
	}
	return s.Packing(ctx, id)
}

// interval is a Go duration as PostgreSQL reads an interval.
func interval(d time.Duration) string { return fmt.Sprintf("%d milliseconds", d.Milliseconds()) }

// Verified is what a verify scan counted.
type Verified struct {
	SKU    string `json:"sku"`
	Name   string `json:"name"`
	Packed int    `json:"packed"` // the order's units of the SKU verified so far
	Picked int    `json:"picked"` // of picked units
}

// Verify counts qty scanned units into the order's packed units. The scan is a SKU, a GTIN, one
// of the product's barcodes or a GS1 element string (its GTIN and count are read here, with
// today's date for its dates). A wrong item, one more than was picked, or an order cancelled
// meanwhile is refused with a sentence and changes nothing.
func (s *Store) Verify(ctx context.Context, key string, shipment int64, scan string, qty int, today time.Time) (Verified, error) {
	item, n, err := resolveScan(scan, today)
	if err != nil {
		return Verified{}, err
	}
	qty *= n
	req := struct {
		Shipment int64
		Scan     string
		Qty      int
	}{shipment, scan, qty}
	return db.Keyed(ctx, s.d, key, "shipping.verify", req, func(tx *sqlx.Tx) (Verified, error) {
		var raw []byte
		if err := tx.GetContext(ctx, &raw, `SELECT oms_pack_verify($1, $2, $3, $4)`, shipment, item, qty, interval(Lease)); err != nil {
			return Verified{}, err
		}
		var v Verified
		return v, json.Unmarshal(raw, &v)
	})
}

// resolveScan reads a GS1 element string as its GTIN and count ((01) with (30), or (02) with
// (37); one unit without a count); anything else
// is passed on as scanned.
func resolveScan(scan string, today time.Time) (item string, qty int, err error) {
	if !model.LooksLikeGS1(scan) {
		return scan, 1, nil
	}
	g, err := model.ParseGS1At(scan, today)
	if err != nil {
		return "", 0, err
	}
	switch {
	case g.GTIN != "":
		return g.GTIN, max(g.Count, 1), nil
	case g.ContentGTIN != "": // a case of trade items: (02) with its count (37)
		return g.ContentGTIN, max(g.ContentCount, 1), nil
	}
	return "", 0, fmt.Errorf("the GS1 scan %q holds no GTIN (01 or 02): scan the item's own barcode", scan)
}

// ErrNoPacking means the shipment does not exist.
var ErrNoPacking = errors.New("no such packing")

// read runs a read-only query for the station.
func (s *Store) read(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	err := s.d.InTx(ctx, fn)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNoPacking
	}
	return db.MapError(err)
}
