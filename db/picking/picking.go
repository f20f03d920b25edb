package picking

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// Lease is how long a claimed batch stays its picker's without activity; each confirm or short
// renews it (migration 00031 keeps the same figure). Past it, another picker's claim takes the
// batch over with what was picked kept.
const Lease = 2 * time.Minute

// ErrNoWork means no batch of the warehouse is ready to pick and none has an expired lease.
var ErrNoWork = errors.New("no pick work is ready")

// Store runs the picking commands on one database.
type Store struct{ d *db.DB }

// New returns the picking commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// ReleaseOptions says what to release: a warehouse by code, and optionally fewer orders a
// batch than the warehouse's pick_max_orders (0: the warehouse's setting).
type ReleaseOptions struct {
	Warehouse string
	MaxOrders int
}

// BatchSummary is one released batch.
type BatchSummary struct {
	ID        int64  `json:"id"`
	Code      string `json:"code"` // B-000123
	Warehouse string `json:"warehouse"`
	Zone      string `json:"zone"`
	Mode      string `json:"mode"` // single, batch or cluster
	Orders    int    `json:"orders"`
	Lines     int    `json:"lines"`
}

// Line is how `oms waves release` prints it: "B-000123 RTM1 zone A: 12 orders, 31 lines".
func (b BatchSummary) Line() string {
	return fmt.Sprintf("%s %s zone %s: %s, %s", b.Code, b.Warehouse, b.Zone, plural(b.Orders, "order"), plural(b.Lines, "line"))
}

// Released is the last line of `oms waves release`: "released 3 batches, 41 lines".
func Released(bs []BatchSummary) string {
	lines := 0
	for _, b := range bs {
		lines += b.Lines
	}
	return fmt.Sprintf("released %s, %s", plural(len(bs), "batch"), plural(lines, "line"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if word == "batch" {
		return fmt.Sprintf("%d batches", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Release turns the warehouse's allocated orders into pick batches in one transaction under
// key (a retry returns the first answer): by zone, oldest promise first, up to the warehouse's
// order and line limits a batch, tasks in pick sequence. An order already released is not
// released again. The back office's and the supervisor's work.
func (s *Store) Release(ctx context.Context, key string, opts ReleaseOptions) ([]BatchSummary, error) {
	return keyed[[]BatchSummary](ctx, s.d, key, "picking.release", opts, func(tx *sqlx.Tx) ([]byte, error) {
		var maxOrders sql.NullInt64
		if opts.MaxOrders != 0 {
			maxOrders = sql.NullInt64{Int64: int64(opts.MaxOrders), Valid: true}
		}
		var raw []byte
		err := tx.GetContext(ctx, &raw, `SELECT oms_pick_release($1, $2)`, opts.Warehouse, maxOrders)
		if err == nil && key != "" {
			// oms_pick_release does not know the key (confirm and short store their own answer).
			_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET result = $2 WHERE key = $1`, key, raw)
		}
		return raw, err
	})
}

// keyed runs one picking command in one transaction under its idempotency key: the first run
// calls do and decodes the JSON answer it gives; a replay of the key applies nothing and decodes
// the answer the first run stored.
func keyed[T any](ctx context.Context, d *db.DB, key, command string, req any, do func(tx *sqlx.Tx) ([]byte, error)) (T, error) {
	var out T
	err := d.InTx(ctx, func(tx *sqlx.Tx) error {
		out = *new(T)
		done, err := db.ClaimKey(ctx, tx, key, command, req)
		if err != nil {
			return err
		}
		var raw []byte
		if done {
			raw, err = result(ctx, tx, key)
		} else {
			raw, err = do(tx)
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(raw, &out)
	})
	return out, err
}

// result is what a command stored under its key the first time.
func result(ctx context.Context, tx *sqlx.Tx, key string) ([]byte, error) {
	var raw []byte
	err := tx.GetContext(ctx, &raw, `SELECT coalesce(result, 'null') FROM idempotency_keys WHERE key = $1`, key)
	return raw, err
}

// Task is one pick: Qty units of an order line's SKU (and lot) from a bin.
type Task struct {
	ID         int64   `json:"id"`
	OrderID    int64   `json:"order_id"`
	Order      string  `json:"order"`
	LineNo     int     `json:"line_no"`
	Slot       int     `json:"slot"` // the order's place in the batch: its tote on a cluster cart
	Bin        string  `json:"bin"`
	BinBarcode string  `json:"bin_barcode"`
	PickSeq    int     `json:"pick_seq"`
	SKU        string  `json:"sku"`
	Name       string  `json:"name"`
	GTIN       string  `json:"gtin"`
	Lot        string  `json:"lot"`
	ExpiresOn  *string `json:"expires_on"` // YYYY-MM-DD of the lot, when it has one
	Qty        int     `json:"qty"`
	Picked     int     `json:"qty_picked"`
	Status     string  `json:"status"` // ready, done, short or cancelled
}

// Open reports whether the task still waits to be picked.
func (t Task) Open() bool { return t.Status == "ready" }

// Remaining is what is left to pick.
func (t Task) Remaining() int { return t.Qty - t.Picked }

// Batch is a claimed batch with all its tasks in pick order (serpentine: the bins' pick_seq).
type Batch struct {
	ID             int64      `json:"id"`
	Code           string     `json:"code"`
	Warehouse      string     `json:"warehouse"`
	Zone           string     `json:"zone"`
	Mode           string     `json:"mode"`
	Status         string     `json:"status"`
	Tote           string     `json:"tote"`
	Picker         string     `json:"picker"`
	LeaseExpiresAt *time.Time `json:"lease_expires_at"`
	Orders         int        `json:"orders"`
	Lines          int        `json:"lines"`
	ToLocation     string     `json:"to_location"` // the packing location picks go to
	Tasks          []Task     `json:"tasks"`
}

// Next is the first open task in pick order.
func (b Batch) Next() (Task, bool) {
	for _, t := range b.Tasks {
		if t.Open() {
			return t, true
		}
	}
	return Task{}, false
}

// Progress is how many tasks are finished (picked, shorted or cancelled) of how many.
func (b Batch) Progress() (finished, total int) {
	for _, t := range b.Tasks {
		if !t.Open() {
			finished++
		}
	}
	return finished, len(b.Tasks)
}

// ToteOf is the tote a task's units go into: the batch's tote, or on a cluster cart the
// order's own ("T7-2" for the second order of cart T7).
func (b Batch) ToteOf(t Task) string {
	if b.Mode == "cluster" && b.Tote != "" {
		return fmt.Sprintf("%s-%d", b.Tote, t.Slot)
	}
	return b.Tote
}

// Claim gives picker (the login of the person calling; "" for whoever is signed in) work in
// warehouse in one call: the batch they hold already (its lease renewed), else a batch whose
// picker's lease expired (what was picked stays picked), else the next ready batch, never one
// another picker got. tote labels the batch ("" keeps the one it has). ErrNoWork when there is
// nothing to pick.
func (s *Store) Claim(ctx context.Context, picker, warehouse, tote string) (Batch, error) {
	// One statement in its own transaction: one round trip. A claim waits for no balance and
	// takes batches with SKIP LOCKED, so there is nothing to rerun.
	var row struct {
		Batch []byte `db:"batch"`
		Actor string `db:"actor"`
	}
	if err := s.d.GetContext(ctx, &row, `
		SELECT CASE WHEN $3 = '' OR $3 = oms_actor() THEN oms_pick_claim($1, $2) END AS batch, oms_actor() AS actor`,
		warehouse, tote, picker); err != nil {
		return Batch{}, db.MapError(err)
	}
	if picker != "" && picker != row.Actor {
		return Batch{}, &db.ConstraintError{Kind: db.Forbidden,
			Message: fmt.Sprintf("you are signed in as %s: %s claims their own work", row.Actor, picker)}
	}
	if row.Batch == nil {
		return Batch{}, ErrNoWork
	}
	var b Batch
	return b, json.Unmarshal(row.Batch, &b)
}

// Pick is one confirmation as the handheld scanned it: the task, the bin, the item (SKU, GTIN
// or any of its barcodes) and the lot as typed, and the units (each scan one, or a typed count).
type Pick struct {
	Task int64
	Bin  string
	Item string
	Lot  string
	Qty  int
}

// TaskState is a task and its batch after a confirm or a short pick.
type TaskState struct {
	Task           int64      `json:"task"`
	Status         string     `json:"status"`
	Qty            int        `json:"qty"`
	Picked         int        `json:"qty_picked"`
	Batch          int64      `json:"batch"`
	BatchCode      string     `json:"code"`
	BatchStatus    string     `json:"batch_status"` // done when this was its last open task
	OpenTasks      int        `json:"open_tasks"`
	Tasks          int        `json:"tasks"`
	LeaseExpiresAt *time.Time `json:"lease_expires_at"`
	Warnings       []string   `json:"warnings"` // scans that did not match where the warehouse only warns
}

// BatchDone reports whether the batch has nothing left to pick.
func (s TaskState) BatchDone() bool { return s.BatchStatus == "done" }

// Confirm records one pick in one transaction under key (the scan's idempotency key): the
// task's picked units, the scan, the 'pick' movement from the bin to the packing location (the
// order line's picked units and reservation follow) and the batch's lease. A replay of the key
// applies nothing and returns the state the first one returned. Refused with a sentence: a
// batch the caller no longer holds ("batch B-000012 is no longer yours: its lease expired and
// bert took it"), a cancelled task, a wrong bin, item or lot where the warehouse says error, more
// units than the task asks for.
//
// The key is claimed, replayed or refused by oms_pick_confirm's keyed form (migration 00038) in
// the same statement as the pick, with the command name and request hash db.ClaimKey uses: a
// scan is the handhelds' most frequent write, and each round trip costs both cores a switch.
func (s *Store) Confirm(ctx context.Context, key string, p Pick) (TaskState, error) {
	call, err := confirmCall(key, p)
	if err != nil {
		return TaskState{}, err
	}
	var st TaskState
	err = s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		st = TaskState{}
		var raw []byte
		if err := tx.GetContext(ctx, &raw, call); err != nil {
			return err
		}
		return json.Unmarshal(raw, &st)
	})
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Constraint == "idempotency_keys_reused" {
		return TaskState{}, fmt.Errorf("%w (key %s was %s)", db.ErrKeyReused, key, pqErr.Detail)
	}
	return st, err
}

// confirmCall is the one statement of a confirm with its values quoted into the text: without
// parameters lib/pq sends it in one round trip, where a statement with parameters takes two
// (prepare, then execute), as db.As's SET LOCAL is sent. Quoting cannot carry a NUL byte,
// which no scan has.
func confirmCall(key string, p Pick) (string, error) {
	for _, s := range []string{key, p.Bin, p.Item, p.Lot} {
		if strings.ContainsRune(s, 0) {
			return "", &db.ConstraintError{Kind: db.Invalid, Message: "a scan cannot contain a NUL byte"}
		}
	}
	hash := ""
	if key != "" {
		var err error
		if hash, err = db.RequestHash(p); err != nil { // what db.ClaimKey hashes for the same request
			return "", err
		}
	}
	return fmt.Sprintf(`SELECT oms_pick_confirm(%s, %s, %d, %s, %s, %s, %d)`, pq.QuoteLiteral(key), pq.QuoteLiteral(hash),
		p.Task, pq.QuoteLiteral(p.Bin), pq.QuoteLiteral(p.Item), pq.QuoteLiteral(p.Lot), p.Qty), nil
}

// ShortResult is what a short pick did with the task's remainder.
type ShortResult struct {
	TaskState
	Short       int     `json:"short"`       // the units the bin did not give
	Retasked    int     `json:"retasked"`    // of those, reserved in other bins: new tasks in this batch
	Backordered int     `json:"backordered"` // of those, de-allocated: the order waits for them
	NewTasks    []int64 `json:"new_tasks"`
	Order       string  `json:"order"`
	Sentence    string  `json:"sentence"` // "short pick of 2 × TEE-1 at A-01 (Bin empty): re-tasked 2 × TEE-1 at B-02"
}

// Short shorts the rest of a task in one transaction under key, for a reason of kind
// 'short_pick' (SHORT_EMPTY, SHORT_DAMAGED, …): the bin is flagged for a count, the rest is
// reserved in other bins of the warehouse with free stock (new tasks in the same batch), and
// what none has is de-allocated, so the order is backordered. The caller must hold the batch.
func (s *Store) Short(ctx context.Context, key string, taskID int64, reason string) (ShortResult, error) {
	req := struct {
		Task   int64
		Reason string
	}{taskID, reason}
	return keyed[ShortResult](ctx, s.d, key, "picking.short", req, func(tx *sqlx.Tx) ([]byte, error) {
		var raw []byte
		err := tx.GetContext(ctx, &raw, `SELECT oms_pick_short($1, $2, $3)`, taskID, reason, key)
		return raw, err
	})
}
