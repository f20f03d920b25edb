package counts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
)

// Lease is how long a claimed bin stays its counter's; past it another counter may take it.
const Lease = 10 * time.Minute

// ErrNoWork says there is no bin to count at the warehouse.
var ErrNoWork = errors.New("no bin to count")

// Store runs the counting commands on one database.
type Store struct{ d *db.DB }

// New returns the counting commands of d.
func New(d *db.DB) *Store { return &Store{d: d} }

// Plans are the ways a count is planned.
var Plans = []string{"zone", "aisle", "bins", "abc", "flags"}

// PlanRequest plans a count: How is one of Plans; Arg the zone, aisle, bin codes or ABC class.
type PlanRequest struct {
	Warehouse string
	How       string
	Arg       string
	MaxBins   int // 0: up to 500
}

// Count is a planned count and its progress.
type Count struct {
	ID        int64     `db:"id"`
	Number    string    `db:"number"`
	Warehouse string    `db:"warehouse"`
	Plan      string    `db:"plan"`
	Status    string    `db:"status"`
	Bins      int       `db:"bins"`
	Open      int       `db:"open"`   // ready or being counted
	Review    int       `db:"review"` // waiting for a supervisor
	Posted    int       `db:"posted"`
	Created   time.Time `db:"created_at"`
}

// Plan plans a count in one transaction under key and returns it.
func (s *Store) Plan(ctx context.Context, key string, p PlanRequest) (Count, error) {
	id, err := db.Keyed(ctx, s.d, key, "counts.plan", p, func(tx *sqlx.Tx) (int64, error) {
		var id int64
		err := tx.GetContext(ctx, &id, `SELECT oms_count_plan($1, $2, $3, $4)`, p.Warehouse, p.How, p.Arg, p.MaxBins)
		return id, err
	})
	if err != nil {
		return Count{}, err
	}
	return s.Count(ctx, id)
}

const countSQL = `
	SELECT c.id, c.number, w.code AS warehouse, c.plan, c.status, c.created_at,
	       count(t.id) FILTER (WHERE t.round = 1) AS bins,
	       count(t.id) FILTER (WHERE t.status IN ('ready', 'claimed')) AS open,
	       count(t.id) FILTER (WHERE t.status = 'review') AS review,
	       count(t.id) FILTER (WHERE t.status = 'posted') AS posted
	  FROM stock_counts c JOIN warehouses w ON w.id = c.warehouse_id LEFT JOIN count_tasks t ON t.count_id = c.id`

// Count reads one count.
func (s *Store) Count(ctx context.Context, id int64) (Count, error) {
	var c Count
	err := s.d.GetContext(ctx, &c, countSQL+` WHERE c.id = $1 GROUP BY c.id, w.code`, id)
	return c, db.MapError(err)
}

// Counts lists a warehouse's counts ("" for all) not posted or cancelled, oldest first, then the
// last ten finished.
func (s *Store) Counts(ctx context.Context, warehouse string) ([]Count, error) {
	var out []Count
	err := s.d.SelectContext(ctx, &out, `
		(`+countSQL+` WHERE c.status IN ('counting', 'review') AND c.number IS NOT NULL AND ($1 = '' OR w.code = upper($1))
		  GROUP BY c.id, w.code ORDER BY c.id LIMIT 200)
		UNION ALL
		(`+countSQL+` WHERE c.status IN ('posted', 'cancelled') AND c.number IS NOT NULL AND ($1 = '' OR w.code = upper($1))
		  GROUP BY c.id, w.code ORDER BY c.id DESC LIMIT 10)`, warehouse)
	return out, db.MapError(err)
}

// Expected is what the ledger holds in a bin, shown only where the warehouse's counts are not
// blind.
type Expected struct {
	SKU string `json:"sku"`
	Lot string `json:"lot"`
	Qty int64  `json:"qty"`
}

// Task is a bin to count, as the counter's screen shows it.
type Task struct {
	ID        int64      `json:"id"`
	Count     string     `json:"count"`
	Plan      string     `json:"plan"`
	Round     int        `json:"round"` // 2: a recount
	Bin       string     `json:"bin"`
	Warehouse string     `json:"warehouse"`
	Status    string     `json:"status"`
	Lease     time.Time  `json:"lease_expires_at"`
	Expected  []Expected `json:"expected"` // nil: blind
}

// Blind says whether the counter must not be shown what the ledger expects.
func (t Task) Blind() bool { return t.Expected == nil }

// Claim hands the caller the next bin to count at the warehouse: their own claimed one, one
// whose lease ran out, or the first ready one on the pick path (never a recount of their own
// count). Nothing to count is ErrNoWork.
func (s *Store) Claim(ctx context.Context, warehouse string) (Task, error) {
	var raw []byte
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		var r sql.Null[[]byte]
		if err := tx.GetContext(ctx, &r, `SELECT oms_count_claim($1, $2)`, warehouse, fmt.Sprintf("%d milliseconds", Lease.Milliseconds())); err != nil {
			return err
		}
		raw = r.V
		return nil
	})
	if err != nil {
		return Task{}, db.MapError(err)
	}
	if raw == nil {
		return Task{}, ErrNoWork
	}
	var t Task
	err = json.Unmarshal(raw, &t)
	return t, err
}

// Unclaim gives the caller's claimed bin back to the queue.
func (s *Store) Unclaim(ctx context.Context, task int64) error {
	_, err := s.d.ExecContext(ctx, `SELECT oms_count_unclaim($1)`, task)
	return db.MapError(err)
}

// Item is a product a counter scanned.
type Item struct {
	Product    int64  `db:"id"`
	SKU        string `db:"sku"`
	Name       string `db:"name"`
	LotTracked bool   `db:"lot_tracked"`
}

// ItemByScan finds the product a scan names: its SKU, GTIN (with or without leading zeros) or
// one of its barcodes.
func (s *Store) ItemByScan(ctx context.Context, scan string) (Item, error) {
	var it Item
	scan = strings.TrimSpace(scan)
	err := s.d.GetContext(ctx, &it, `
		SELECT p.id, p.sku, p.name, p.lot_tracked FROM products p
		 WHERE p.sku = upper($1) OR p.sku = $1
		    OR ($1 ~ '^[0-9]{8,14}$' AND p.gtin IS NOT NULL AND ltrim(p.gtin, '0') = ltrim($1, '0'))
		    OR p.id = (SELECT product_id FROM product_barcodes WHERE barcode = $1)
		 ORDER BY (p.sku = upper($1) OR p.sku = $1) DESC LIMIT 1`, scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("%q is not a product oms knows: scan the item's barcode again", scan)
	}
	return it, db.MapError(err)
}

// LotOf is the id of a product's lot by its code.
func (s *Store) LotOf(ctx context.Context, product int64, code string) (int64, error) {
	var id int64
	err := s.d.GetContext(ctx, &id, `SELECT id FROM lots WHERE product_id = $1 AND lot_code = $2`, product, strings.TrimSpace(code))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("lot %q of this product is not known: check the label", strings.TrimSpace(code))
	}
	return id, db.MapError(err)
}

// Line is what a counter found of one product (and lot) in the bin.
type Line struct {
	Product int64 `json:"product"`
	Lot     int64 `json:"lot,omitempty"` // 0: no lot
	Qty     int64 `json:"qty"`
}

// Outcome is what became of a recorded count.
type Outcome struct {
	Outcome       string `json:"outcome"` // posted, recount or review
	Bin           string `json:"bin"`
	FlagsResolved int    `json:"flags_resolved"`
}

// Record records the count of the caller's claimed bin in one transaction under key: every
// product found and how many (a product the ledger has there and the list leaves out counts as
// 0). Within the warehouse's tolerance the adjustments post at once; beyond it someone else
// recounts, and a recount still beyond it waits for a supervisor.
func (s *Store) Record(ctx context.Context, key string, task int64, lines []Line) (Outcome, error) {
	type jl struct {
		Product int64  `json:"product"`
		Lot     *int64 `json:"lot"`
		Qty     int64  `json:"qty"`
	}
	in := make([]jl, 0, len(lines))
	for _, l := range lines {
		j := jl{Product: l.Product, Qty: l.Qty}
		if l.Lot != 0 {
			lot := l.Lot
			j.Lot = &lot
		}
		in = append(in, j)
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return Outcome{}, err
	}
	req := struct {
		Task  int64
		Lines []Line
	}{task, lines}
	return db.Keyed(ctx, s.d, key, "counts.record", req, func(tx *sqlx.Tx) (Outcome, error) {
		var out Outcome
		var res []byte
		if err := tx.GetContext(ctx, &res, `SELECT oms_count_record($1, $2)`, task, raw); err != nil {
			return out, err
		}
		err := json.Unmarshal(res, &out)
		return out, err
	})
}
