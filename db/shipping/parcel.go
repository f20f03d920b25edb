package shipping

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/shipping"
)

// WeightWarning is a parcel whose weighed weight is far from what its items and box weigh: the
// station asks the packer to confirm (or weigh again) before it closes the parcel.
type WeightWarning struct {
	ExpectedG, WeighedG int
}

func (w *WeightWarning) Error() string {
	return fmt.Sprintf("The parcel weighs %d g, and its items and box weigh %d g: weigh again or confirm", w.WeighedG, w.ExpectedG)
}

// Boxes are the active boxes of the shipment's warehouse, smallest first.
func (s *Store) Boxes(ctx context.Context, shipment int64) ([]shipping.Box, error) {
	var out []shipping.Box
	err := s.read(ctx, func(tx *sqlx.Tx) error {
		var err error
		out, err = boxesOf(ctx, tx, shipment)
		return err
	})
	return out, err
}

func boxesOf(ctx context.Context, tx *sqlx.Tx, shipment int64) ([]shipping.Box, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT b.code, b.length_mm, b.width_mm, b.height_mm, b.max_weight_g, b.tare_weight_g
		  FROM boxes b JOIN shipments s ON s.warehouse_id = b.warehouse_id
		 WHERE s.id = $1 AND b.active
		 ORDER BY b.length_mm::bigint * b.width_mm * b.height_mm, b.code`, shipment)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []shipping.Box
	for rows.Next() {
		var b shipping.Box
		if err := rows.Scan(&b.Code, &b.LengthMM, &b.WidthMM, &b.HeightMM, &b.MaxWeightG, &b.TareWeightG); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// unboxedItems are the verified units in no parcel yet, as box choice and weighing see them.
func unboxedItems(p Packing) []shipping.Item {
	var items []shipping.Item
	for _, l := range p.Lines {
		if n := l.Unboxed(); n > 0 {
			items = append(items, shipping.Item{LengthMM: l.LengthMM, WidthMM: l.WidthMM, HeightMM: l.HeightMM,
				WeightG: l.WeightG, Qty: n})
		}
	}
	return items
}

// SuggestBox is the smallest box of the warehouse that holds the verified units in no parcel
// yet; false when none does (the packer scans one).
func (s *Store) SuggestBox(ctx context.Context, p Packing) (shipping.Box, bool, error) {
	boxes, err := s.Boxes(ctx, p.Shipment)
	if err != nil {
		return shipping.Box{}, false, err
	}
	b, ok := shipping.ChooseBox(boxes, unboxedItems(p))
	return b, ok, nil
}

// ParcelRequest closes a parcel: its box (by code) and the weight the packer typed or the scale
// read. Confirmed says the packer confirmed a weight far from the expected.
type ParcelRequest struct {
	Shipment  int64
	Box       string
	WeightG   int
	Confirmed bool
}

// CloseParcel puts the verified units in no parcel yet into a new parcel of the box and weight.
// A weight far from the items' and the box's is a *WeightWarning unless confirmed; nothing is
// written then.
func (s *Store) CloseParcel(ctx context.Context, key string, r ParcelRequest) (Packing, error) {
	r.Box = strings.ToUpper(strings.TrimSpace(r.Box))
	_, err := db.Keyed(ctx, s.d, key, "shipping.parcel", r, func(tx *sqlx.Tx) (int64, error) {
		if !r.Confirmed {
			if err := checkWeight(ctx, tx, r); err != nil {
				return 0, err
			}
		}
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT oms_pack_parcel($1, $2, $3, $4)`, r.Shipment, r.Box, r.WeightG, interval(Lease))
		return id, err
	})
	if err != nil {
		return Packing{}, err
	}
	return s.Packing(ctx, r.Shipment)
}

// checkWeight compares the weighed weight with the expected one (products + box).
func checkWeight(ctx context.Context, tx *sqlx.Tx, r ParcelRequest) error {
	p, err := readPacking(ctx, tx, r.Shipment)
	if err != nil {
		return err
	}
	boxes, err := boxesOf(ctx, tx, r.Shipment)
	if err != nil {
		return err
	}
	for _, b := range boxes {
		if b.Code == r.Box {
			want := shipping.ExpectedWeight(b, unboxedItems(p))
			if !shipping.WeightPlausible(want, r.WeightG) {
				return &WeightWarning{ExpectedG: want, WeighedG: r.WeightG}
			}
		}
	}
	return nil // an unknown box is the database's refusal to word
}
