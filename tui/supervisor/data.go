package supervisor

import (
	"context"
	"time"

	"oms/db"
	dbcounts "oms/db/counts"
	"oms/db/floor"
	"oms/db/inbound"
	"oms/db/picking"
	"oms/db/returns"
)

// Data is what the screen reads and the commands it gives.
type Data interface {
	// Board is the floor in w as read at or after seen (zero: now), shared with every screen
	// of the process asking the same (floor.Store.SharedBoard).
	Board(ctx context.Context, w floor.Window, seen time.Time) (floor.Board, error)
	ReleaseWave(ctx context.Context, key, warehouse string) ([]picking.BatchSummary, error)
	Reassign(ctx context.Context, key string, batch int64, picker string) (floor.Reassigned, error)
	ReleaseBatch(ctx context.Context, key string, batch int64) (floor.Reassigned, error)
	SetPriority(ctx context.Context, key string, order int64, priority int) (floor.Prioritised, error)
	HoldChannel(ctx context.Context, key, channel, note string) (floor.ChannelHold, error)
	ReleaseChannel(ctx context.Context, key, channel string) (floor.ChannelHold, error)
	ApproveCount(ctx context.Context, key string, task int64, reason string) error
	ApproveAdjustment(ctx context.Context, key string, id int64) error
	Authorize(ctx context.Context, key string, rma int64) error
	Refund(ctx context.Context, key string, rma int64) (returns.Refunded, error)
}

// Stores is Data from the areas' own stores: the floor's reads and commands, and the picking,
// counts, returns and inbound commands a supervisor gives from here as they are.
type Stores struct {
	Floor   *floor.Store
	Picking *picking.Store
	Counts  *dbcounts.Store
	Returns *returns.Store
	Inbound *inbound.Store
}

// NewData is the screen's data on d.
func NewData(d *db.DB) Stores {
	return Stores{Floor: floor.New(d), Picking: picking.New(d), Counts: dbcounts.New(d), Returns: returns.New(d), Inbound: inbound.New(d)}
}

func (s Stores) Board(ctx context.Context, w floor.Window, seen time.Time) (floor.Board, error) {
	return s.Floor.SharedBoard(ctx, w, seen)
}

func (s Stores) ReleaseWave(ctx context.Context, key, warehouse string) ([]picking.BatchSummary, error) {
	return s.Picking.Release(ctx, key, picking.ReleaseOptions{Warehouse: warehouse})
}

func (s Stores) Reassign(ctx context.Context, key string, batch int64, picker string) (floor.Reassigned, error) {
	return s.Floor.Reassign(ctx, key, batch, picker)
}

func (s Stores) ReleaseBatch(ctx context.Context, key string, batch int64) (floor.Reassigned, error) {
	return s.Floor.ReleaseBatch(ctx, key, batch)
}

func (s Stores) SetPriority(ctx context.Context, key string, order int64, priority int) (floor.Prioritised, error) {
	return s.Floor.SetPriority(ctx, key, order, priority)
}

func (s Stores) HoldChannel(ctx context.Context, key, channel, note string) (floor.ChannelHold, error) {
	return s.Floor.HoldChannel(ctx, key, channel, note)
}

func (s Stores) ReleaseChannel(ctx context.Context, key, channel string) (floor.ChannelHold, error) {
	return s.Floor.ReleaseChannel(ctx, key, channel)
}

// ApproveCount approves a count under review, posting every line with reason.
func (s Stores) ApproveCount(ctx context.Context, key string, task int64, reason string) error {
	return s.Counts.Decide(ctx, key, dbcounts.Decision{Task: task, Approve: true, Reasons: map[string]string{"*": reason}})
}

func (s Stores) ApproveAdjustment(ctx context.Context, key string, id int64) error {
	_, err := s.Inbound.Approve(ctx, key, id)
	return err
}

func (s Stores) Authorize(ctx context.Context, key string, rma int64) error {
	return s.Returns.Authorize(ctx, key, rma)
}

// Refund pays the RMA's computed refund to the original payment.
func (s Stores) Refund(ctx context.Context, key string, rma int64) (returns.Refunded, error) {
	return s.Returns.Refund(ctx, key, returns.RefundRequest{RMA: rma, Method: "original_payment", Note: "approved on the floor"})
}
