package shipping

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Void voids a parcel's label before its manifest closes, for a reason: the tracking number is
// kept as voided and never given out again, and the parcel waits for a new label (Relabel).
func (s *Store) Void(ctx context.Context, key, tracking, reason string) error {
	req := struct{ Tracking, Reason string }{tracking, reason}
	_, err := db.Keyed(ctx, s.d, key, "shipping.void", req, func(tx *sqlx.Tx) (bool, error) {
		var pkg int64
		if err := tx.GetContext(ctx, &pkg, `SELECT id FROM packages WHERE tracking_number = $1`, tracking); err != nil {
			return false, fmt.Errorf("no parcel has tracking number %s", tracking)
		}
		_, err := tx.ExecContext(ctx, `SELECT oms_label_void($1, $2)`, pkg, reason)
		return true, err
	})
	return err
}

// TrackingEvent is one line of a carrier's tracking file.
type TrackingEvent struct {
	Tracking string
	At       time.Time
	Status   string // in_transit, out_for_delivery, delivered, exception, returned_to_sender
	Place    string
}

// TrackingResult is what recording a file's events did.
type TrackingResult struct {
	Recorded int      `json:"recorded"` // new events; an event seen before is not counted again
	Unknown  []string `json:"unknown"`  // tracking numbers no parcel or return has
	Returns  []string `json:"returns"`  // return parcels (RMAs' labels) the carrier now has
}

// RecordTracking records carrier events in one transaction under key: each parcel's latest
// event becomes its status, a delivered event delivers it, and a shipment whose parcels are all
// delivered is delivered. Events already recorded are skipped, so a file may be imported again.
func (s *Store) RecordTracking(ctx context.Context, key string, evs []TrackingEvent) (TrackingResult, error) {
	nums, ats, sts, places := make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs)), make([]string, len(evs))
	for i, e := range evs {
		nums[i], ats[i], sts[i], places[i] = e.Tracking, e.At.UTC().Format(time.RFC3339Nano), e.Status, e.Place
	}
	return db.Keyed(ctx, s.d, key, "shipping.tracking", evs, func(tx *sqlx.Tx) (TrackingResult, error) {
		var out TrackingResult
		var unknown pq.StringArray
		err := tx.QueryRowxContext(ctx, `SELECT recorded, unknown FROM oms_tracking_record($1, $2::timestamptz[], $3, $4)`,
			pq.StringArray(nums), pq.StringArray(ats), pq.StringArray(sts), pq.StringArray(places)).Scan(&out.Recorded, &unknown)
		if err != nil {
			return out, err
		}
		// A return parcel's number is its RMA's: the carrier has it, so the RMA is in transit.
		var returns pq.StringArray
		if err := tx.GetContext(ctx, &returns, `SELECT coalesce(array_agg(return_tracking ORDER BY return_tracking), '{}')
			FROM rmas WHERE return_tracking = ANY ($1)`, unknown); err != nil {
			return out, err
		}
		for _, n := range returns {
			if _, err := tx.ExecContext(ctx, `SELECT oms_rma_in_transit($1)`, n); err != nil {
				return out, err
			}
		}
		out.Returns = returns
		for _, u := range unknown {
			if !slices.Contains(returns, u) {
				out.Unknown = append(out.Unknown, u)
			}
		}
		return out, nil
	})
}

func pqStrings(s []string) pq.StringArray { return pq.StringArray(s) }
func pqBytes(b [][]byte) pq.ByteaArray    { return pq.ByteaArray(b) }
