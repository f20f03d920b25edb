package returns

import (
	"context"
	"fmt"
	"strings"

	"oms/db"
	"oms/model"
)

// Policy is a channel's return policy: how many days after shipping an RMA is authorised
// without a supervisor, and how a refund treats what the customer paid for shipping.
type Policy struct {
	Channel  string               `db:"code"`
	Days     int                  `db:"return_days"`
	Shipping model.ShippingRefund `db:"return_shipping"`
}

// SetPolicy sets a channel's return policy (the back office's).
func (s *Store) SetPolicy(ctx context.Context, p Policy) error {
	if !p.Shipping.Valid() {
		return fmt.Errorf("shipping is refunded none, share or all_returned, not %q", p.Shipping)
	}
	if p.Days < 0 || p.Days > 3650 {
		return fmt.Errorf("a return window is 0 to 3650 days, not %d", p.Days)
	}
	res, err := s.d.ExecContext(ctx, `UPDATE channels SET return_days = $2, return_shipping = $3 WHERE code = lower($1)`,
		strings.TrimSpace(p.Channel), p.Days, string(p.Shipping))
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: there is no channel %q", ErrNotFound, p.Channel)
	}
	return nil
}

// SetFee sets the restocking fee a return reason keeps of the goods refunded, in millionths.
func (s *Store) SetFee(ctx context.Context, reason string, ppm int64) error {
	if ppm < 0 || ppm > 1_000_000 {
		return fmt.Errorf("a restocking fee is 0%% to 100%%, not %s%%", model.FormatTaxPercent(ppm))
	}
	res, err := s.d.ExecContext(ctx, `UPDATE reason_codes SET restocking_fee_ppm = $2 WHERE code = upper($1) AND kind = 'return'`,
		strings.TrimSpace(reason), ppm)
	if err != nil {
		return db.MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %q is not a return reason", ErrNotFound, reason)
	}
	return nil
}
