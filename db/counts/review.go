package counts

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"oms/db"
)

// ReviewLine is a product of a bin under review: both rounds' counts and the ledger at the
// recount's snapshot.
type ReviewLine struct {
	Product  int64  `db:"product_id"`
	Lot      int64  `db:"lot_id"`
	SKU      string `db:"sku"`
	LotCode  string `db:"lot_code"`
	First    int64  `db:"first"` // the first round's count
	Counted  int64  `db:"counted"`
	Expected int64  `db:"expected"`
	Variance int64  `db:"variance"`
	Value    int64  `db:"value_minor"` // in the company's currency
}

// Review is a bin whose recount is beyond tolerance, waiting for a supervisor.
type Review struct {
	Task      int64     `db:"id"`
	Count     string    `db:"number"`
	Warehouse string    `db:"warehouse"`
	Bin       string    `db:"bin"`
	FirstBy   string    `db:"first_by"`
	CountedBy string    `db:"counted_by"`
	CountedAt time.Time `db:"counted_at"`
	Currency  string    `db:"currency"`
	Lines     []ReviewLine
}

// Reviews lists the bins waiting for a supervisor at a warehouse ("" for all), oldest first.
func (s *Store) Reviews(ctx context.Context, warehouse string) ([]Review, error) {
	var out []Review
	err := s.d.InTx(ctx, func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &out, `
			SELECT t.id, c.number, w.code AS warehouse, l.code AS bin, coalesce(s1.name, '') AS first_by,
			       coalesce(s2.name, '') AS counted_by, t.counted_at, coalesce(co.currency, '') AS currency
			  FROM count_tasks t JOIN stock_counts c ON c.id = t.count_id JOIN warehouses w ON w.id = t.warehouse_id
			  JOIN locations l ON l.id = t.location_id LEFT JOIN company co ON true
			  LEFT JOIN count_tasks t1 ON t1.count_id = t.count_id AND t1.location_id = t.location_id AND t1.round = 1
			  LEFT JOIN staff s1 ON s1.id = t1.counted_by LEFT JOIN staff s2 ON s2.id = t.counted_by
			 WHERE t.status = 'review' AND ($1 = '' OR w.code = upper($1))
			 ORDER BY t.counted_at, t.id LIMIT 100`, warehouse); err != nil {
			return err
		}
		if len(out) == 0 {
			return nil
		}
		ids := make([]int64, len(out))
		for i, r := range out {
			ids[i] = r.Task
		}
		var lines []struct {
			Task int64 `db:"task_id"`
			ReviewLine
		}
		if err := tx.SelectContext(ctx, &lines, `
			SELECT cl.task_id, cl.product_id, coalesce(cl.lot_id, 0) AS lot_id, p.sku, coalesce(lt.lot_code, '') AS lot_code,
			       coalesce(f.counted, 0) AS first, cl.counted, cl.expected, cl.variance, cl.value_minor
			  FROM count_task_lines cl JOIN count_tasks t ON t.id = cl.task_id JOIN products p ON p.id = cl.product_id
			  LEFT JOIN lots lt ON lt.id = cl.lot_id
			  LEFT JOIN count_tasks t1 ON t1.count_id = t.count_id AND t1.location_id = t.location_id AND t1.round = 1
			  LEFT JOIN count_task_lines f ON f.task_id = t1.id AND f.product_id = cl.product_id AND f.lot_id IS NOT DISTINCT FROM cl.lot_id
			 WHERE cl.task_id = ANY ($1) ORDER BY cl.task_id, p.sku, lt.lot_code`, pq.Array(ids)); err != nil {
			return err
		}
		at := map[int64]int{}
		for i, r := range out {
			at[r.Task] = i
		}
		for _, l := range lines {
			i := at[l.Task]
			out[i].Lines = append(out[i].Lines, l.ReviewLine)
		}
		return nil
	})
	return out, db.MapError(err)
}

// Reasons are the count variance reasons a supervisor posts a variance with.
func (s *Store) Reasons(ctx context.Context) ([]struct {
	Code        string `db:"code"`
	Description string `db:"description"`
}, error) {
	var out []struct {
		Code        string `db:"code"`
		Description string `db:"description"`
	}
	err := s.d.SelectContext(ctx, &out, `SELECT code, description FROM reason_codes WHERE kind = 'count_variance' AND active ORDER BY code`)
	return out, db.MapError(err)
}

// Decision is a supervisor's decision on a bin under review: approve posts each line's variance
// with its reason (Reasons by "product:lot", lot empty for none; "*" for every line), reject
// posts nothing.
type Decision struct {
	Task    int64
	Approve bool
	Reasons map[string]string
}

// Decide records a supervisor's decision in one transaction under key. Only a supervisor who
// counted neither round may decide.
func (s *Store) Decide(ctx context.Context, key string, d Decision) error {
	raw, err := json.Marshal(d.Reasons)
	if err != nil {
		return err
	}
	_, err = db.Keyed(ctx, s.d, key, "counts.decide", d, func(tx *sqlx.Tx) (bool, error) {
		_, err := tx.ExecContext(ctx, `SELECT oms_count_decide($1, $2, $3)`, d.Task, d.Approve, raw)
		return true, err
	})
	return err
}
