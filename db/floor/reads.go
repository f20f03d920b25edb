package floor

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// openOrders is the open statuses as the partial indexes orders_open_* spell them (db/orders's
// openStatusSQL), so the planner uses them.
const openOrders = "o.status IN ('pending', 'backordered', 'allocated', 'picking', 'picked', 'packed', 'ready_for_pickup', 'partially_shipped', 'on_hold')"

// Due is what one channel has due in one warehouse: open orders promised today (DueToday, late
// ones included), those whose promise has passed (Late), and those older than the channel's SLA
// (SLABreached: ordered more than SLAHours ago and not shipped). Warehouse is "" for orders no
// warehouse was chosen for yet. Only orders promised by the end of today are counted.
type Due struct {
	Warehouse   string     `db:"warehouse"`
	Channel     string     `db:"channel"`
	SLAHours    int        `db:"sla_hours"`
	DueToday    int64      `db:"due_today"`
	Late        int64      `db:"late"`
	SLABreached int64      `db:"sla_breached"`
	Oldest      *time.Time `db:"oldest"` // the earliest promise among them
	Held        bool       `db:"held"`   // the channel is held: released into no wave
}

// Hold is a held channel.
type Hold struct {
	Channel string    `db:"channel"`
	Name    string    `db:"name"`
	At      time.Time `db:"held_at"`
	By      string    `db:"held_by"` // their name
	Note    string    `db:"note"`
}

// dueSQL is Due per warehouse and channel: $1 the start of today, $2 the warehouse ("" all).
const dueSQL = `
		SELECT coalesce(w.code, '') AS warehouse, c.code AS channel, c.sla_hours,
		       count(*) FILTER (WHERE o.promised_at >= $1::timestamptz) AS due_today,
		       count(*) FILTER (WHERE o.promised_at < now()) AS late,
		       count(*) FILTER (WHERE o.ordered_at + c.sla_hours * interval '1 hour' < now()) AS sla_breached,
		       min(o.promised_at) AS oldest,
		       EXISTS (SELECT 1 FROM channel_holds h WHERE h.channel_id = c.id AND h.released_at IS NULL) AS held
		  FROM orders o JOIN channels c ON c.id = o.channel_id LEFT JOIN warehouses w ON w.id = o.warehouse_id
		 WHERE ` + openOrders + ` AND o.promised_at < $1::timestamptz + interval '1 day'
		   AND ($2 = '' OR w.code = upper($2))
		 GROUP BY w.code, c.id, c.code, c.sla_hours
		 ORDER BY 5 DESC, 4 DESC, 1, 2 LIMIT 200`

// heldSQL is the channels held now.
const heldSQL = `
		SELECT c.code AS channel, c.name, h.held_at, coalesce(s.name, h.held_by) AS held_by, h.note
		  FROM channel_holds h JOIN channels c ON c.id = h.channel_id LEFT JOIN staff s ON s.login = h.held_by
		 WHERE h.released_at IS NULL ORDER BY c.code`

func readDue(ctx context.Context, tx snap, w Window) ([]Due, []Hold, error) {
	var due []Due
	if err := tx.SelectContext(ctx, &due, dueSQL, w.Day, w.Warehouse); err != nil {
		return nil, nil, err
	}
	var held []Hold
	err := tx.SelectContext(ctx, &held, heldSQL)
	return due, held, err
}

// Stage is one stage of the floor's work: units of work waiting (Released: batches, orders, RMAs
// or bins ready for someone), being worked (Claimed), finished today (Done), and the oldest
// waiting item with when it started waiting.
type Stage struct {
	Name      string     `db:"stage"` // picking, packing, shipping, returns, counts
	Released  int64      `db:"released"`
	Claimed   int64      `db:"claimed"`
	Done      int64      `db:"done"`
	Oldest    *time.Time `db:"oldest"`
	OldestRef string     `db:"oldest_ref"` // its batch code, order or RMA number, or bin
	OldestID  int64      `db:"oldest_id"`  // its batch, order, RMA or count task id
}

// Stages is the order the stages are shown in.
var Stages = []string{"picking", "packing", "shipping", "returns", "counts"}

// stageQueries are one statement per stage: $1 is the start of today, $2 the warehouse ("" all).
var stageQueries = map[string]string{
	// Batches: ready, claimed, finished today; the oldest ready batch.
	"picking": `
		WITH w AS (SELECT id FROM warehouses WHERE $2 = '' OR code = upper($2)),
		oldest AS (SELECT b.id, b.code, b.created_at FROM pick_batches b
		            WHERE b.status = 'ready' AND b.warehouse_id IN (SELECT id FROM w) ORDER BY b.id LIMIT 1)
		SELECT 'picking' AS stage,
		       (SELECT count(*) FROM pick_batches b WHERE b.status = 'ready' AND b.warehouse_id IN (SELECT id FROM w)) AS released,
		       (SELECT count(*) FROM pick_batches b WHERE b.status = 'claimed' AND b.warehouse_id IN (SELECT id FROM w)) AS claimed,
		       (SELECT count(*) FROM pick_batches b WHERE b.finished_at >= $1::timestamptz AND b.status = 'done'
		           AND b.warehouse_id IN (SELECT id FROM w)) AS done,
		       (SELECT created_at FROM oldest) AS oldest, coalesce((SELECT code FROM oldest), '') AS oldest_ref,
		       coalesce((SELECT id FROM oldest), 0) AS oldest_id`,
	// Orders picked and waiting for a packer, shipments being packed, parcels closed today.
	"packing": `
		WITH w AS (SELECT id FROM warehouses WHERE $2 = '' OR code = upper($2)),
		oldest AS (SELECT o.id, o.number, o.ordered_at FROM orders o
		            WHERE o.status = 'picked' AND ($2 = '' OR o.warehouse_id IN (SELECT id FROM w)) ORDER BY o.ordered_at, o.id LIMIT 1)
		SELECT 'packing' AS stage,
		       (SELECT count(*) FROM orders o WHERE o.status = 'picked' AND ($2 = '' OR o.warehouse_id IN (SELECT id FROM w))) AS released,
		       (SELECT count(*) FROM shipments s WHERE s.status = 'open' AND s.warehouse_id IN (SELECT id FROM w)) AS claimed,
		       (SELECT count(*) FROM packages p JOIN shipments s ON s.id = p.shipment_id
		         WHERE p.created_at >= $1::timestamptz AND s.warehouse_id IN (SELECT id FROM w)) AS done,
		       (SELECT ordered_at FROM oldest) AS oldest, coalesce((SELECT number FROM oldest), '') AS oldest_ref,
		       coalesce((SELECT id FROM oldest), 0) AS oldest_id`,
	// Orders packed and waiting for the carrier, shipments shipped today.
	"shipping": `
		WITH w AS (SELECT id FROM warehouses WHERE $2 = '' OR code = upper($2)),
		oldest AS (SELECT o.id, o.number, o.ordered_at FROM orders o
		            WHERE o.status = 'packed' AND ($2 = '' OR o.warehouse_id IN (SELECT id FROM w)) ORDER BY o.ordered_at, o.id LIMIT 1)
		SELECT 'shipping' AS stage,
		       (SELECT count(*) FROM orders o WHERE o.status = 'packed' AND ($2 = '' OR o.warehouse_id IN (SELECT id FROM w))) AS released,
		       0::bigint AS claimed,
		       (SELECT count(*) FROM shipments s WHERE s.shipped_at >= $1::timestamptz AND s.warehouse_id IN (SELECT id FROM w)) AS done,
		       (SELECT ordered_at FROM oldest) AS oldest, coalesce((SELECT number FROM oldest), '') AS oldest_ref,
		       coalesce((SELECT id FROM oldest), 0) AS oldest_id`,
	// RMAs expected (authorised or on the way), back and being inspected, closed today; the
	// oldest open one.
	"returns": `
		WITH w AS (SELECT id FROM warehouses WHERE $2 = '' OR code = upper($2)),
		open AS (SELECT r.id, r.number, r.created_at, r.status FROM rmas r
		          WHERE r.status IN ('requested', 'authorized', 'in_transit', 'received', 'inspected')
		            AND ($2 = '' OR r.warehouse_id IN (SELECT id FROM w))),
		oldest AS (SELECT * FROM open ORDER BY created_at, id LIMIT 1)
		SELECT 'returns' AS stage,
		       (SELECT count(*) FROM open WHERE status IN ('authorized', 'in_transit')) AS released,
		       (SELECT count(*) FROM open WHERE status IN ('received', 'inspected')) AS claimed,
		       (SELECT count(*) FROM rmas r WHERE r.status = 'closed' AND r.closed_at >= $1::timestamptz
		           AND ($2 = '' OR r.warehouse_id IN (SELECT id FROM w))) AS done,
		       (SELECT created_at FROM oldest) AS oldest, coalesce((SELECT number FROM oldest), '') AS oldest_ref,
		       coalesce((SELECT id FROM oldest), 0) AS oldest_id`,
	// Bins ready to count, being counted, posted today; the oldest ready bin.
	"counts": `
		WITH w AS (SELECT id FROM warehouses WHERE $2 = '' OR code = upper($2)),
		oldest AS (SELECT t.id, l.code, t.created_at FROM count_tasks t JOIN locations l ON l.id = t.location_id
		            WHERE t.status = 'ready' AND t.warehouse_id IN (SELECT id FROM w) ORDER BY t.created_at, t.id LIMIT 1)
		SELECT 'counts' AS stage,
		       (SELECT count(*) FROM count_tasks t WHERE t.status = 'ready' AND t.warehouse_id IN (SELECT id FROM w)) AS released,
		       (SELECT count(*) FROM count_tasks t WHERE t.status = 'claimed' AND t.warehouse_id IN (SELECT id FROM w)) AS claimed,
		       (SELECT count(*) FROM count_tasks t WHERE t.status = 'posted' AND coalesce(t.decided_at, t.counted_at) >= $1::timestamptz
		           AND t.warehouse_id IN (SELECT id FROM w)) AS done,
		       (SELECT created_at FROM oldest) AS oldest, coalesce((SELECT code FROM oldest), '') AS oldest_ref,
		       coalesce((SELECT id FROM oldest), 0) AS oldest_id`,
}

func readStages(ctx context.Context, tx snap, w Window) ([]Stage, error) {
	out := make([]Stage, 0, len(Stages))
	for _, name := range Stages {
		var st Stage
		if err := tx.GetContext(ctx, &st, stageQueries[name], w.Day, w.Warehouse); err != nil {
			return nil, fmt.Errorf("reading the %s stage: %w", name, err)
		}
		out = append(out, st)
	}
	return out, nil
}

// Person is one person's work since the start of the shift: scans confirmed (picks), parcels
// closed (packs), short picks and scans that warned (a wrong bin, item or lot where the
// warehouse only warns), the last of those, and the batch or order they hold now.
type Person struct {
	Login        string     `db:"login"`
	Name         string     `db:"name"`
	PicksHour    int64      `db:"picks_hour"` // in the last hour
	Picks        int64      `db:"picks"`      // since the start of the shift
	PacksHour    int64      `db:"packs_hour"`
	Packs        int64      `db:"packs"`
	Shorts       int64      `db:"shorts"`
	WrongScans   int64      `db:"wrong_scans"`
	Last         *time.Time `db:"last_action"` // nil: nothing since the start of the shift
	BatchID      int64      `db:"batch_id"`    // the batch they hold, 0 for none
	Batch        string     `db:"batch"`
	BatchSince   *time.Time `db:"batch_since"`
	LeaseExpires *time.Time `db:"lease_expires_at"`
	Packing      string     `db:"packing"` // the order they are packing, "" for none
}

// PerHour is n over the hours from since to now, at least a quarter of an hour.
func PerHour(n int64, since, now time.Time) float64 {
	h := max(now.Sub(since).Hours(), 0.25)
	return float64(n) / h
}

// ShortRate is the share of their tasks a picker shorted.
func (p Person) ShortRate() float64 {
	if p.Picks+p.Shorts == 0 {
		return 0
	}
	return float64(p.Shorts) / float64(p.Picks+p.Shorts)
}

// WrongRate is the share of their scans that warned.
func (p Person) WrongRate() float64 {
	if p.Picks == 0 {
		return 0
	}
	return float64(p.WrongScans) / float64(p.Picks)
}

// peopleSQL is Person per person: $1 the start of the shift, $2 the warehouse ("" all).
const peopleSQL = `
		WITH picks AS (
		    SELECT staff_id, count(*) FILTER (WHERE at >= now() - interval '1 hour') AS hour, count(*) AS n,
		           count(*) FILTER (WHERE cardinality(warnings) > 0) AS wrong, max(at) AS last
		      FROM pick_scans WHERE at >= $1::timestamptz GROUP BY staff_id),
		packs AS (
		    SELECT s.packer_id AS staff_id, count(*) FILTER (WHERE p.created_at >= now() - interval '1 hour') AS hour,
		           count(*) AS n, max(p.created_at) AS last
		      FROM packages p JOIN shipments s ON s.id = p.shipment_id
		     WHERE p.created_at >= $1::timestamptz AND s.packer_id IS NOT NULL GROUP BY 1),
		shorts AS (
		    SELECT st.id AS staff_id, count(*) AS n, max(f.flagged_at) AS last
		      FROM count_flags f JOIN staff st ON st.login = f.actor
		     WHERE f.flagged_at >= $1::timestamptz AND f.task_id IS NOT NULL GROUP BY 1),
		held AS (
		    SELECT DISTINCT ON (b.claimed_by) b.claimed_by AS staff_id, b.id, b.code, b.claimed_at, b.lease_expires_at
		      FROM pick_batches b WHERE b.status = 'claimed' ORDER BY b.claimed_by, b.id),
		packing AS (
		    SELECT DISTINCT ON (s.packer_id) s.packer_id AS staff_id, o.number
		      FROM shipments s JOIN orders o ON o.id = s.order_id
		     WHERE s.status = 'open' AND s.packer_id IS NOT NULL AND s.lease_expires_at > now()
		     ORDER BY s.packer_id, s.id DESC),
		who AS (SELECT staff_id FROM picks UNION SELECT staff_id FROM packs UNION SELECT staff_id FROM shorts
		        UNION SELECT staff_id FROM held UNION SELECT staff_id FROM packing)
		SELECT st.login, st.name,
		       coalesce(pk.hour, 0) AS picks_hour, coalesce(pk.n, 0) AS picks,
		       coalesce(pa.hour, 0) AS packs_hour, coalesce(pa.n, 0) AS packs,
		       coalesce(sh.n, 0) AS shorts, coalesce(pk.wrong, 0) AS wrong_scans,
		       nullif(greatest(coalesce(pk.last, '-infinity'), coalesce(pa.last, '-infinity'), coalesce(sh.last, '-infinity')),
		              '-infinity') AS last_action,
		       coalesce(h.id, 0) AS batch_id, coalesce(h.code, '') AS batch, h.claimed_at AS batch_since, h.lease_expires_at,
		       coalesce(pg.number, '') AS packing
		  FROM who JOIN staff st ON st.id = who.staff_id
		  LEFT JOIN picks pk ON pk.staff_id = st.id LEFT JOIN packs pa ON pa.staff_id = st.id
		  LEFT JOIN shorts sh ON sh.staff_id = st.id LEFT JOIN held h ON h.staff_id = st.id
		  LEFT JOIN packing pg ON pg.staff_id = st.id
		 WHERE $2 = '' OR st.warehouse_id IS NULL OR st.warehouse_id = (SELECT id FROM warehouses WHERE code = upper($2))
		 ORDER BY coalesce(pk.n, 0) + coalesce(pa.n, 0) DESC, st.name LIMIT 200`

func readPeople(ctx context.Context, tx snap, w Window) ([]Person, error) {
	var out []Person
	err := tx.SelectContext(ctx, &out, peopleSQL, w.Since, w.Warehouse)
	return out, err
}

// Exception kinds, in the order the screen lists them.
const (
	ShortPick   = "short"      // a short pick whose bin is not counted yet
	Backorder   = "backorder"  // an order waiting for stock (wholly or in part) past its promise
	Lease       = "lease"      // a batch, count or packing session whose lease expired
	Tracking    = "tracking"   // a parcel whose tracking says exception or returned to sender
	Unexpected  = "unexpected" // something a return brought that nobody expected
	CountReview = "count"      // a count beyond tolerance waiting for a supervisor
	Adjustment  = "adjustment" // a stock adjustment waiting for a supervisor
	Authorise   = "authorise"  // an RMA outside its window waiting for a supervisor
	RefundDue   = "refund"     // an RMA whose inspected units are not refunded yet
	ImportRun   = "import"     // an import run (since the start of the shift) that rejected orders
)

// Kinds lists the exception kinds in order.
var Kinds = []string{ShortPick, Backorder, Lease, Tracking, Unexpected, CountReview, Adjustment, Authorise, RefundDue, ImportRun}

// Exception is one thing that wants someone, with what it names so a screen can open it (each
// id 0 when it names no such thing).
type Exception struct {
	Kind       string    `db:"kind"`
	At         time.Time `db:"at"` // since when
	Warehouse  string    `db:"warehouse"`
	Text       string    `db:"text"`
	OrderID    int64     `db:"order_id"`
	Order      string    `db:"order_number"`
	BatchID    int64     `db:"batch_id"`
	Batch      string    `db:"batch"`
	RMAID      int64     `db:"rma_id"`
	RMA        string    `db:"rma"`
	CountTask  int64     `db:"count_task"`
	Count      string    `db:"count"`
	RunID      int64     `db:"run_id"`
	AdjustID   int64     `db:"adjustment_id"`
	Unexpected int64     `db:"unexpected_id"`
	Variance   int64     `db:"variance"` // a count's net variance in units
}

// exceptionsEach is how many of each kind Board reads.
const exceptionsEach = 50

// exceptionQueries: $1 the warehouse ("" all), $2 the start of the shift, $3 the most of each.
var exceptionQueries = map[string]string{
	ShortPick: `
		SELECT 'short' AS kind, f.flagged_at AS at, w.code AS warehouse,
		       format('short %s × %s at %s (%s)', t.qty - t.qty_picked, p.sku, l.code, t.short_reason) AS text,
		       o.id AS order_id, o.number AS order_number, b.id AS batch_id, b.code AS batch
		  FROM count_flags f JOIN pick_tasks t ON t.id = f.task_id JOIN pick_batches b ON b.id = t.batch_id
		  JOIN orders o ON o.id = t.order_id JOIN products p ON p.id = t.product_id JOIN locations l ON l.id = t.location_id
		  JOIN warehouses w ON w.id = l.warehouse_id
		 WHERE f.resolved_at IS NULL AND ($1 = '' OR w.code = upper($1))
		 ORDER BY f.flagged_at, f.id LIMIT $3`,
	Backorder: `
		SELECT 'backorder' AS kind, o.promised_at AS at, coalesce(w.code, '') AS warehouse,
		       format('%s %s, %s: waits for stock', o.number, c.code, o.customer_name) AS text,
		       o.id AS order_id, o.number AS order_number
		  FROM orders o JOIN channels c ON c.id = o.channel_id LEFT JOIN warehouses w ON w.id = o.warehouse_id
		 WHERE o.status IN ('pending', 'backordered') AND o.promised_at < now() AND ($1 = '' OR w.code = upper($1))
		 ORDER BY o.promised_at, o.id LIMIT $3`,
	Lease: `
		(SELECT 'lease' AS kind, b.lease_expires_at AS at, w.code AS warehouse,
		        format('batch %s: %s''s lease ran out', b.code, s.name) AS text, b.id AS batch_id, b.code AS batch,
		        0::bigint AS count_task, 0::bigint AS order_id, '' AS order_number
		   FROM pick_batches b JOIN warehouses w ON w.id = b.warehouse_id JOIN staff s ON s.id = b.claimed_by
		  WHERE b.status = 'claimed' AND b.lease_expires_at < now() AND ($1 = '' OR w.code = upper($1))
		  ORDER BY b.lease_expires_at LIMIT $3)
		UNION ALL
		(SELECT 'lease', t.lease_expires_at, w.code, format('count of %s: %s''s lease ran out', l.code, s.name), 0, '', t.id, 0, ''
		   FROM count_tasks t JOIN warehouses w ON w.id = t.warehouse_id JOIN locations l ON l.id = t.location_id
		   JOIN staff s ON s.id = t.claimed_by
		  WHERE t.status = 'claimed' AND t.lease_expires_at < now() AND ($1 = '' OR w.code = upper($1))
		  ORDER BY t.lease_expires_at LIMIT $3)
		UNION ALL
		(SELECT 'lease', s.lease_expires_at, w.code, format('packing of %s: %s''s lease ran out', o.number, p.name), 0, '', 0, o.id, o.number
		   FROM shipments s JOIN warehouses w ON w.id = s.warehouse_id JOIN orders o ON o.id = s.order_id
		   JOIN staff p ON p.id = s.packer_id
		  WHERE s.status = 'open' AND s.lease_expires_at < now() AND ($1 = '' OR w.code = upper($1))
		  ORDER BY s.lease_expires_at LIMIT $3)`,
	Tracking: `
		SELECT 'tracking' AS kind, coalesce((SELECT max(e.at) FROM tracking_events e WHERE e.package_id = p.id), p.created_at) AS at,
		       w.code AS warehouse, format('parcel %s: %s', p.tracking_number, replace(p.tracking_status, '_', ' ')) AS text,
		       o.id AS order_id, o.number AS order_number
		  FROM packages p JOIN shipments s ON s.id = p.shipment_id JOIN orders o ON o.id = s.order_id
		  JOIN warehouses w ON w.id = s.warehouse_id
		 WHERE p.tracking_status IN ('exception', 'returned_to_sender') AND ($1 = '' OR w.code = upper($1))
		 ORDER BY p.id LIMIT $3`,
	Unexpected: `
		SELECT 'unexpected' AS kind, u.created_at AS at, w.code AS warehouse,
		       format('unexpected %s × %s%s', u.qty, u.scan, coalesce(' with ' || r.number, '')) AS text,
		       coalesce(o.id, 0) AS order_id, coalesce(o.number, '') AS order_number,
		       coalesce(r.id, 0) AS rma_id, coalesce(r.number, '') AS rma, u.id AS unexpected_id
		  FROM rma_unexpected u JOIN warehouses w ON w.id = u.warehouse_id LEFT JOIN rmas r ON r.id = u.rma_id
		  LEFT JOIN orders o ON o.id = coalesce(u.order_id, r.order_id)
		 WHERE u.decision IS NULL AND ($1 = '' OR w.code = upper($1))
		 ORDER BY u.id LIMIT $3`,
	CountReview: `
		SELECT 'count' AS kind, t.counted_at AS at, w.code AS warehouse,
		       format('%s %s: %s units off, worth %s %s', c.number, l.code,
		              (SELECT coalesce(sum(cl.variance), 0) FROM count_task_lines cl WHERE cl.task_id = t.id),
		              round((SELECT coalesce(sum(cl.value_minor), 0) FROM count_task_lines cl WHERE cl.task_id = t.id)::numeric
		                    / 10::numeric ^ coalesce(cur.exponent, 2), coalesce(cur.exponent, 2)),
		              coalesce(cur.code, '')) AS text,
		       t.id AS count_task, c.number AS count,
		       (SELECT coalesce(sum(cl.variance), 0) FROM count_task_lines cl WHERE cl.task_id = t.id) AS variance
		  FROM count_tasks t JOIN stock_counts c ON c.id = t.count_id JOIN warehouses w ON w.id = t.warehouse_id
		  JOIN locations l ON l.id = t.location_id
		  LEFT JOIN currencies cur ON cur.code = (SELECT currency FROM company LIMIT 1)
		 WHERE t.status = 'review' AND ($1 = '' OR w.code = upper($1))
		 ORDER BY t.counted_at, t.id LIMIT $3`,
	Adjustment: `
		SELECT 'adjustment' AS kind, a.requested_at AS at, w.code AS warehouse,
		       format('adjust %s%s × %s at %s (%s) by %s', CASE WHEN a.qty > 0 THEN '+' ELSE '' END, a.qty, p.sku, l.code,
		              a.reason_code, coalesce((SELECT s.name FROM staff s WHERE s.login = a.requested_by), a.requested_by)) AS text,
		       a.id AS adjustment_id
		  FROM stock_adjustments a JOIN warehouses w ON w.id = a.warehouse_id JOIN locations l ON l.id = a.location_id
		  JOIN products p ON p.id = a.product_id
		 WHERE a.status = 'pending' AND ($1 = '' OR w.code = upper($1))
		 ORDER BY a.id LIMIT $3`,
	Authorise: `
		SELECT 'authorise' AS kind, r.created_at AS at, coalesce(w.code, '') AS warehouse,
		       format('%s for %s waits for authorisation', r.number, o.number) AS text,
		       o.id AS order_id, o.number AS order_number, r.id AS rma_id, r.number AS rma
		  FROM rmas r JOIN orders o ON o.id = r.order_id LEFT JOIN warehouses w ON w.id = r.warehouse_id
		 WHERE r.status = 'requested' AND ($1 = '' OR w.code = upper($1))
		 ORDER BY r.created_at, r.id LIMIT $3`,
	RefundDue: `
		SELECT 'refund' AS kind, r.updated_at AS at, coalesce(w.code, '') AS warehouse,
		       format('%s for %s: refund due', r.number, o.number) AS text,
		       o.id AS order_id, o.number AS order_number, r.id AS rma_id, r.number AS rma
		  FROM rmas r JOIN orders o ON o.id = r.order_id LEFT JOIN warehouses w ON w.id = r.warehouse_id
		 WHERE r.status IN ('received', 'inspected') AND r.refund_status = 'due' AND ($1 = '' OR w.code = upper($1))
		 ORDER BY r.updated_at, r.id LIMIT $3`,
	ImportRun: `
		SELECT 'import' AS kind, r.started_at AS at, '' AS warehouse,
		       format('import of %s (%s): %s rejected', r.file_name, c.code,
		              (SELECT count(*) FROM import_rejects x WHERE x.run_id = r.id)) AS text, r.id AS run_id
		  FROM import_runs r JOIN channels c ON c.id = r.channel_id
		 WHERE r.started_at >= $2::timestamptz AND EXISTS (SELECT 1 FROM import_rejects x WHERE x.run_id = r.id)
		 ORDER BY r.started_at DESC, r.id DESC LIMIT $3`,
}

func readExceptions(ctx context.Context, tx snap, w Window, each int) ([]Exception, error) {
	var out []Exception
	for _, k := range Kinds {
		var rows []Exception
		if err := tx.SelectContext(ctx, &rows, paddedExceptions[k], w.Warehouse, w.Since, max(each, 1)); err != nil {
			return nil, fmt.Errorf("reading the %s exceptions: %w", k, err)
		}
		slices.SortStableFunc(rows, func(a, b Exception) int { return a.At.Compare(b.At) })
		out = append(out, rows...)
	}
	return out, nil
}

// paddedExceptions is exceptionQueries, each padded.
var paddedExceptions = func() map[string]string {
	out := make(map[string]string, len(exceptionQueries))
	for k, q := range exceptionQueries {
		out[k] = padded(q)
	}
	return out
}()

// padded wraps a query so it answers every exception column: what it does not name is zero.
func padded(q string) string {
	return `SELECT kind, at, warehouse, text,
	        coalesce((to_jsonb(x) ->> 'order_id')::bigint, 0) AS order_id, coalesce(to_jsonb(x) ->> 'order_number', '') AS order_number,
	        coalesce((to_jsonb(x) ->> 'batch_id')::bigint, 0) AS batch_id, coalesce(to_jsonb(x) ->> 'batch', '') AS batch,
	        coalesce((to_jsonb(x) ->> 'rma_id')::bigint, 0) AS rma_id, coalesce(to_jsonb(x) ->> 'rma', '') AS rma,
	        coalesce((to_jsonb(x) ->> 'count_task')::bigint, 0) AS count_task, coalesce(to_jsonb(x) ->> 'count', '') AS count,
	        coalesce((to_jsonb(x) ->> 'run_id')::bigint, 0) AS run_id,
	        coalesce((to_jsonb(x) ->> 'adjustment_id')::bigint, 0) AS adjustment_id,
	        coalesce((to_jsonb(x) ->> 'unexpected_id')::bigint, 0) AS unexpected_id,
	        coalesce((to_jsonb(x) ->> 'variance')::bigint, 0) AS variance
	   FROM (` + q + `) x
	  WHERE $1::text IS NOT NULL AND $2::timestamptz IS NOT NULL AND $3::integer IS NOT NULL`
}

// Hourly is how many orders came in each hour of a day (Today) and of the same weekday a week
// before (LastWeek); Hour is the hour of today now is in.
type Hourly struct {
	Today    [24]int64
	LastWeek [24]int64
	Hour     int
}

// hourlySQL is the orders per hour of today ($1 its start) and of the same weekday a week before.
const hourlySQL = `
		SELECT floor(extract(epoch FROM o.ordered_at - CASE WHEN o.ordered_at >= $1::timestamptz THEN $1::timestamptz
		                                                     ELSE $1::timestamptz - interval '7 days' END) / 3600)::integer AS h,
		       count(*) FILTER (WHERE o.ordered_at >= $1::timestamptz) AS today,
		       count(*) FILTER (WHERE o.ordered_at < $1::timestamptz) AS last_week
		  FROM orders o
		 WHERE (o.ordered_at >= $1::timestamptz AND o.ordered_at < $1::timestamptz + interval '1 day')
		    OR (o.ordered_at >= $1::timestamptz - interval '7 days' AND o.ordered_at < $1::timestamptz - interval '6 days')
		 GROUP BY 1`

// nowSQL is the database's clock.
const nowSQL = `SELECT now()`

func readHourly(ctx context.Context, tx snap, w Window) (Hourly, error) {
	var rows []struct {
		Hour     int   `db:"h"`
		Today    int64 `db:"today"`
		LastWeek int64 `db:"last_week"`
	}
	var out Hourly
	err := tx.SelectContext(ctx, &rows, hourlySQL, w.Day)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		if r.Hour >= 0 && r.Hour < 24 {
			out.Today[r.Hour] += r.Today
			out.LastWeek[r.Hour] += r.LastWeek
		}
	}
	var now time.Time
	if err := tx.GetContext(ctx, &now, nowSQL); err != nil {
		return out, err
	}
	out.Hour = min(max(int(now.Sub(w.Day).Hours()), 0), 23)
	return out, nil
}
