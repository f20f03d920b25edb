package orders

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"oms/db"
)

// The read side of intake, for the Intake screen: recent import runs, a run's rejected orders
// and the open order exceptions. Runs, rejects and exceptions are live through the change feed
// (db.Imports, db.OrderExceptions).

// ImportRunCursor is a run's place in the newest-first list: a page Before it starts after it.
type ImportRunCursor struct {
	StartedAt time.Time
	ID        int64
}

// ImportRunsRequest asks for a page of runs, newest first.
type ImportRunsRequest struct {
	Limit int // 1 to 500; 0 means 50
	// Before, when set, lists the runs older than it (the next page down).
	Before *ImportRunCursor
}

// ImportRunRow is one import run as the Intake screen shows it.
type ImportRunRow struct {
	ID         int64        `db:"id"`
	Channel    string       `db:"channel"` // the channel's code
	Format     string       `db:"format"`
	File       string       `db:"file_name"`
	SHA256     string       `db:"file_sha256"`
	Actor      string       `db:"actor"`
	Terminal   string       `db:"terminal"`
	StartedAt  time.Time    `db:"started_at"`
	FinishedAt sql.NullTime `db:"finished_at"`
	New        int          `db:"new_orders"`
	Unchanged  int          `db:"unchanged"`
	Updated    int          `db:"updated"`
	// Rejected is the run's count when it finished; while it has not, the rejects recorded so
	// far (they are written batch by batch, the other counts only at the end).
	Rejected int `db:"rejected"`
}

// Finished says whether the run recorded its end. One that did not is still running or its
// process died; the database cannot tell which, so screens say "not finished" and its age.
func (r ImportRunRow) Finished() bool { return r.FinishedAt.Valid }

// Took is how long a finished run took (0 for one not finished).
func (r ImportRunRow) Took() time.Duration {
	if !r.FinishedAt.Valid {
		return 0
	}
	return r.FinishedAt.Time.Sub(r.StartedAt)
}

// Cursor is the row's place, for the page after it.
func (r ImportRunRow) Cursor() ImportRunCursor {
	return ImportRunCursor{StartedAt: r.StartedAt, ID: r.ID}
}

// ImportRejectRow is one rejected order of a run: where it starts in the file, the id
// customers see, and why.
type ImportRejectRow struct {
	Line     int    `db:"line"`
	OrderRef string `db:"order_ref"`
	Reason   string `db:"reason"`
}

// OrderExceptionRow is an open exception: an order the channel changed after work started.
type OrderExceptionRow struct {
	ID        int64         `db:"id"`
	OrderID   int64         `db:"order_id"`
	Number    string        `db:"number"`
	Message   string        `db:"message"`
	RunID     sql.NullInt64 `db:"run_id"`
	CreatedAt time.Time     `db:"created_at"`
}

// ErrNoImportRun means no run has the id (or the caller may not see it).
var ErrNoImportRun = errors.New("no such import run")

const importRunColumns = `
	r.id, c.code AS channel, r.format, r.file_name, r.file_sha256, r.actor, r.terminal,
	r.started_at, r.finished_at, r.new_orders, r.unchanged, r.updated,
	CASE WHEN r.finished_at IS NULL
	     THEN (SELECT count(*) FROM import_rejects j WHERE j.run_id = r.id)::int
	     ELSE r.rejected END AS rejected`

// ImportRuns lists runs newest first (by start, then id), a page at a time along
// import_runs_recent.
func (s *Store) ImportRuns(ctx context.Context, r ImportRunsRequest) ([]ImportRunRow, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	var rows []ImportRunRow
	var err error
	if r.Before == nil {
		err = s.d.SelectContext(ctx, &rows, `SELECT`+importRunColumns+`
			  FROM import_runs r JOIN channels c ON c.id = r.channel_id
			 ORDER BY r.started_at DESC, r.id DESC LIMIT $1`, limit)
	} else {
		err = s.d.SelectContext(ctx, &rows, `SELECT`+importRunColumns+`
			  FROM import_runs r JOIN channels c ON c.id = r.channel_id
			 WHERE (r.started_at, r.id) < ($2, $3)
			 ORDER BY r.started_at DESC, r.id DESC LIMIT $1`, limit, r.Before.StartedAt, r.Before.ID)
	}
	return rows, db.MapError(err)
}

// ImportRun is one run by id; ErrNoImportRun when there is none.
func (s *Store) ImportRun(ctx context.Context, id int64) (ImportRunRow, error) {
	var row ImportRunRow
	err := s.d.GetContext(ctx, &row, `SELECT`+importRunColumns+`
		  FROM import_runs r JOIN channels c ON c.id = r.channel_id WHERE r.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return row, ErrNoImportRun
	}
	return row, db.MapError(err)
}

// ImportRejects lists a run's rejected orders by line, at most limit (1 to 1000; 0 means 200).
func (s *Store) ImportRejects(ctx context.Context, runID int64, limit int) ([]ImportRejectRow, error) {
	if limit <= 0 {
		limit = 200
	}
	limit = min(limit, 1000)
	var rows []ImportRejectRow
	err := s.d.SelectContext(ctx, &rows, `
		SELECT line, order_ref, reason FROM import_rejects WHERE run_id = $1 ORDER BY line LIMIT $2`, runID, limit)
	return rows, db.MapError(err)
}

// OpenOrderExceptions lists the exceptions nobody has resolved, oldest first (the longest
// waiting on a decision), at most limit (1 to 500; 0 means 100). Orders the caller may not
// see (a store's staff see their store's) leave their exceptions out.
func (s *Store) OpenOrderExceptions(ctx context.Context, limit int) ([]OrderExceptionRow, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 500)
	var rows []OrderExceptionRow
	err := s.d.SelectContext(ctx, &rows, `
		SELECT e.id, e.order_id, o.number, e.message, e.run_id, e.created_at
		  FROM order_exceptions e JOIN orders o ON o.id = e.order_id
		 WHERE e.resolved_at IS NULL
		 ORDER BY e.created_at, e.id LIMIT $1`, limit)
	return rows, db.MapError(err)
}
