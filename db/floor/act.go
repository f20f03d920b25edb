package floor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// ErrNotFound says a batch, order, channel or login named nothing.
var ErrNotFound = errors.New("nothing found")

// mapError is db.MapError, and a function's "there is no …" (no_data_found) as ErrNotFound with
// the function's sentence.
func mapError(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "P0002" {
		return fmt.Errorf("%w: %s", ErrNotFound, pqErr.Message)
	}
	return db.MapError(err)
}

// call runs one oms_floor_* function in one transaction under key and decodes its jsonb answer;
// a replay of the key returns the first answer and applies nothing.
func call[T any](ctx context.Context, s *Store, key, command string, req any, query string, args ...any) (T, error) {
	out, err := db.Keyed(ctx, s.d, key, command, req, func(tx *sqlx.Tx) (T, error) {
		var out T
		var raw []byte
		if err := tx.GetContext(ctx, &raw, query, args...); err != nil {
			return out, err
		}
		return out, json.Unmarshal(raw, &out)
	})
	return out, mapError(err)
}

// Reassigned is a batch after a supervisor gave it to someone, or back to the queue.
type Reassigned struct {
	Batch  int64  `json:"batch"`
	Code   string `json:"code"`
	Status string `json:"status"` // claimed, or ready when it went back to the queue
	Picker string `json:"picker"` // the login who holds it now, "" for none
	Was    string `json:"was"`    // the login who held it before, "" for none
}

// Reassign gives a batch still to pick to another picker (their login) under a fresh lease, in
// one transaction under key; the picker who had it is told at their next scan that it is no
// longer theirs. What was picked stays picked. A picker who holds another batch is refused.
func (s *Store) Reassign(ctx context.Context, key string, batch int64, picker string) (Reassigned, error) {
	req := struct {
		Batch  int64
		Picker string
	}{batch, picker}
	return call[Reassigned](ctx, s, key, "floor.reassign", req, `SELECT oms_floor_reassign($1, $2)`, batch, picker)
}

// ReleaseBatch gives a batch back to the queue, in one transaction under key: the next picker's
// claim takes it, with what was picked kept.
func (s *Store) ReleaseBatch(ctx context.Context, key string, batch int64) (Reassigned, error) {
	return call[Reassigned](ctx, s, key, "floor.release_batch", batch, `SELECT oms_floor_reassign($1, NULL)`, batch)
}

// Prioritised is an order's priority before and after.
type Prioritised struct {
	Order    int64  `json:"order"`
	Number   string `json:"number"`
	Priority int    `json:"priority"`
	Was      int    `json:"was"`
}

// SetPriority sets an order's priority (-9 to 9, higher first in allocation and release) until
// it ships, in one transaction under key.
func (s *Store) SetPriority(ctx context.Context, key string, order int64, priority int) (Prioritised, error) {
	req := struct {
		Order    int64
		Priority int
	}{order, priority}
	return call[Prioritised](ctx, s, key, "floor.priority", req, `SELECT oms_floor_priority($1, $2)`, order, priority)
}

// ChannelHold is a channel's hold after a command.
type ChannelHold struct {
	Channel string `json:"channel"`
	Held    bool   `json:"held"`
}

// HoldChannel holds a channel (its code), in one transaction under key: its orders are released
// into no wave until ReleaseChannel. Imports and allocation go on, and batches already released
// are picked as usual. Holding a held channel changes nothing.
func (s *Store) HoldChannel(ctx context.Context, key, channel, note string) (ChannelHold, error) {
	req := struct {
		Channel string
		Note    string
	}{channel, note}
	return call[ChannelHold](ctx, s, key, "floor.hold_channel", req, `SELECT oms_floor_hold_channel($1, $2)`, channel, note)
}

// ReleaseChannel ends a channel's hold, in one transaction under key: the next wave takes its
// allocated orders again.
func (s *Store) ReleaseChannel(ctx context.Context, key, channel string) (ChannelHold, error) {
	return call[ChannelHold](ctx, s, key, "floor.release_channel", channel, `SELECT oms_floor_release_channel($1)`, channel)
}
