package db

import (
	"context"
	"fmt"
	"strings"

	"github.com/lib/pq"

	"oms/model"
)

// Violation is one broken invariant, told as a sentence a supervisor understands, or, when
// Warning, something the back office should look at that breaks no invariant.
type Violation struct {
	Rule    string // short identifier of the rule: ledger, negative, line_movements, invoice_series, status, …
	Message string
	Warning bool
}

// CheckRule names an invariant and how many violations of it were found. A rule that only
// warns (imported_tax) counts Warnings and never Violations, so it never fails the audit.
type CheckRule struct {
	Rule        string
	Description string
	Violations  int64
	Warnings    int64
}

// CheckReport is the outcome of an audit. Violations holds the warnings too (Warning set), at
// most the limit per rule, under their rule, so whoever lists a rule's findings lists them.
type CheckReport struct {
	Rules      []CheckRule
	Violations []Violation // at most the limit per rule; Rules has the full counts
}

// OK says whether the audit found nothing wrong. Warnings do not count: `oms check` exits 0
// with only warnings.
func (r CheckReport) OK() bool {
	for _, rule := range r.Rules {
		if rule.Violations > 0 {
			return false
		}
	}
	return true
}

// Warned is how many warnings the audit found, over every rule.
func (r CheckReport) Warned() int64 {
	var n int64
	for _, rule := range r.Rules {
		n += rule.Warnings
	}
	return n
}

// checkQuery is one invariant as one query returning the violating rows' sentences.
type checkQuery struct {
	rule, description, sql string
}

// placeSQL describes a location for people, codes exactly as stored: "bin A-03-12-2 at RTM1".
const placeSQL = `CASE WHEN l.warehouse_id IS NULL THEN 'the ' || l.code || ' location'
	ELSE l.kind || ' ' || l.code || ' at ' || w.code END`

// itemSQL names what is stocked: "MUG-01", or "TEA-01 lot L2406" for a lot.
const itemSQL = `p.sku || coalesce(' lot ' || lot.lot_code, '')`

// sentence capitalises the first letter of a message and leaves the rest, codes included, alone.
func sentence(expr string) string {
	return `(SELECT upper(left(s, 1)) || substr(s, 2) FROM (SELECT ` + expr + ` AS s) x)`
}

var checkQueries = []checkQuery{
	{"ledger", "every balance in a real location equals the sum of its movements", `
	WITH ledger AS (
		SELECT m.location_id, m.product_id, m.lot_id, sum(m.delta) AS qty
		  FROM (SELECT to_location_id AS location_id, product_id, lot_id, qty AS delta FROM stock_movements
		        UNION ALL
		        SELECT from_location_id, product_id, lot_id, -qty FROM stock_movements) m
		  JOIN locations l ON l.id = m.location_id AND NOT l.is_virtual
		 GROUP BY 1, 2, 3),
	diff AS (
		SELECT coalesce(b.location_id, g.location_id) AS location_id,
		       coalesce(b.product_id, g.product_id) AS product_id, coalesce(b.lot_id, g.lot_id) AS lot_id,
		       coalesce(b.on_hand, 0) AS on_hand, coalesce(g.qty, 0) AS ledger
		  FROM stock_balances b
		  FULL JOIN ledger g ON g.location_id = b.location_id AND g.product_id = b.product_id
		                    AND coalesce(g.lot_id, 0) = coalesce(b.lot_id, 0)
		 WHERE coalesce(b.on_hand, 0) <> coalesce(g.qty, 0))
	SELECT ` + sentence(`format('%s shows %s × %s on hand, but its movements add up to %s (%s)',
	              `+placeSQL+`, d.on_hand, `+itemSQL+`, d.ledger,
	              CASE WHEN d.on_hand > d.ledger THEN (d.on_hand - d.ledger) || ' more than the ledger'
	                   ELSE (d.ledger - d.on_hand) || ' fewer than the ledger' END)`) + `
	  FROM diff d JOIN locations l ON l.id = d.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = d.product_id LEFT JOIN lots lot ON lot.id = d.lot_id
	 ORDER BY d.location_id, d.product_id`},
	{"negative", "no negative stock in a real location", `
	SELECT ` + sentence(`format('%s has %s × %s on hand: stock in a real location can never be negative',
	              `+placeSQL+`, b.on_hand, `+itemSQL+`)`) + `
	  FROM stock_balances b JOIN locations l ON l.id = b.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = b.product_id LEFT JOIN lots lot ON lot.id = b.lot_id
	 WHERE b.on_hand < 0
	 ORDER BY b.location_id, b.product_id`},
	{"over_reserved", "reserved is never more than on hand", `
	SELECT ` + sentence(`format('%s has %s × %s reserved but only %s on hand',
	              `+placeSQL+`, b.reserved, `+itemSQL+`, b.on_hand)`) + `
	  FROM stock_balances b JOIN locations l ON l.id = b.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = b.product_id LEFT JOIN lots lot ON lot.id = b.lot_id
	 WHERE b.reserved < 0 OR b.reserved > greatest(b.on_hand, 0)
	 ORDER BY b.location_id, b.product_id`},
	{"line_reservations", "each order line's reservations equal its open allocation (allocated − shipped)", `
	WITH held AS (SELECT order_line_id, sum(qty) AS qty FROM reservations GROUP BY 1)
	SELECT format('Order %s line %s (%s) has %s allocated and not shipped, but %s reserved in stock',
	              o.number, ol.line_no, p.sku, ol.qty_allocated - ol.qty_shipped, coalesce(h.qty, 0))
	  FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	  LEFT JOIN held h ON h.order_line_id = ol.id
	 WHERE ol.qty_allocated - ol.qty_shipped <> coalesce(h.qty, 0)
	 ORDER BY ol.id`},
	{"balance_reservations", "each balance's reserved equals the reservations held there", `
	WITH held AS (SELECT location_id, product_id, lot_id, sum(qty) AS qty
	                FROM reservations GROUP BY 1, 2, 3),
	diff AS (
		SELECT coalesce(b.location_id, h.location_id) AS location_id,
		       coalesce(b.product_id, h.product_id) AS product_id, coalesce(b.lot_id, h.lot_id) AS lot_id,
		       coalesce(b.reserved, 0) AS reserved, coalesce(h.qty, 0) AS held
		  FROM stock_balances b
		  FULL JOIN held h ON h.location_id = b.location_id AND h.product_id = b.product_id
		                  AND coalesce(h.lot_id, 0) = coalesce(b.lot_id, 0)
		 WHERE coalesce(b.reserved, 0) <> coalesce(h.qty, 0))
	SELECT ` + sentence(`format('%s says %s × %s are reserved, but orders hold reservations for %s',
	              `+placeSQL+`, d.reserved, `+itemSQL+`, d.held)`) + `
	  FROM diff d JOIN locations l ON l.id = d.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = d.product_id LEFT JOIN lots lot ON lot.id = d.lot_id
	 ORDER BY d.location_id, d.product_id`},
	{"line_movements", "each line's picked, shipped and returned units equal its pick, ship and return movements", `
	WITH moved AS (
		SELECT order_line_id,
		       sum(CASE kind WHEN 'pick' THEN qty WHEN 'unpick' THEN -qty ELSE 0 END) AS picked,
		       sum(CASE kind WHEN 'ship' THEN qty ELSE 0 END) AS shipped,
		       sum(CASE kind WHEN 'return' THEN qty ELSE 0 END) AS returned
		  FROM stock_movements WHERE order_line_id IS NOT NULL GROUP BY 1)
	SELECT format('Order %s line %s (%s) has %s picked, %s shipped and %s returned, but its movements say %s, %s and %s',
	              o.number, ol.line_no, p.sku, ol.qty_picked, ol.qty_shipped, ol.qty_returned,
	              coalesce(m.picked, 0), coalesce(m.shipped, 0), coalesce(m.returned, 0))
	  FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	  LEFT JOIN moved m ON m.order_line_id = ol.id
	 WHERE (ol.qty_picked, ol.qty_shipped, ol.qty_returned)
	       IS DISTINCT FROM (coalesce(m.picked, 0), coalesce(m.shipped, 0), coalesce(m.returned, 0))
	 ORDER BY ol.id`},
	{"lots", "every lot moved, held or reserved is a lot of that product, and lot-tracked stock names its lot", `
	SELECT format('%s %s names lot %s, which belongs to %s, not %s', what, ref, lot.lot_code, lp.sku, p.sku)
	  FROM (SELECT 'Movement' AS what, id::text AS ref, product_id, lot_id FROM stock_movements WHERE lot_id IS NOT NULL
	        UNION ALL
	        SELECT 'The balance at location', location_id::text, product_id, lot_id FROM stock_balances WHERE lot_id IS NOT NULL
	        UNION ALL
	        SELECT 'Reservation', id::text, product_id, lot_id FROM reservations WHERE lot_id IS NOT NULL) x
	  JOIN lots lot ON lot.id = x.lot_id JOIN products lp ON lp.id = lot.product_id JOIN products p ON p.id = x.product_id
	 WHERE lot.product_id <> x.product_id
	UNION ALL
	SELECT ` + sentence(`format('%s holds %s × %s without a lot, but %s is lot-tracked', `+placeSQL+`, b.on_hand, p.sku, p.sku)`) + `
	  FROM stock_balances b JOIN products p ON p.id = b.product_id AND p.lot_tracked
	  JOIN locations l ON l.id = b.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	 WHERE b.lot_id IS NULL AND b.on_hand <> 0`},
	{"line_products", "reservations and movements for an order line are of the line's product", `
	SELECT format('%s %s is for %s, but order %s line %s is for %s', x.what, x.id, p.sku, o.number, ol.line_no, lp.sku)
	  FROM (SELECT 'Reservation' AS what, id, order_line_id, product_id FROM reservations
	        UNION ALL
	        SELECT 'Movement', id, order_line_id, product_id FROM stock_movements WHERE order_line_id IS NOT NULL) x
	  JOIN order_lines ol ON ol.id = x.order_line_id JOIN orders o ON o.id = ol.order_id
	  JOIN products p ON p.id = x.product_id JOIN products lp ON lp.id = ol.product_id
	 WHERE x.product_id <> ol.product_id
	 ORDER BY 1`},
	{"invoice_series", "each invoice series numbers its documents 1, 2, 3… per year, with no gap and no duplicate", `
	WITH s AS (SELECT series, year, count(*) AS n, count(DISTINCT seq) AS distinct_n, max(seq) AS top,
	                  count(*) FILTER (WHERE number IS NULL) AS unnumbered
	             FROM invoices GROUP BY 1, 2)
	SELECT format('The %s series of %s has %s documents numbered up to %s: %s', replace(s.series, '_', ' '), s.year, s.n, s.top,
	              CASE WHEN s.unnumbered > 0 THEN 'documents without a number: ' || s.unnumbered
	                   WHEN s.distinct_n < s.n THEN 'numbers used twice: ' || (s.n - s.distinct_n)
	                   WHEN s.top > s.n THEN 'numbers missing: ' || (s.top - s.n)
	                   ELSE 'the series says it is at ' || coalesce(c.last_seq::text, 'nothing') END)
	  FROM s LEFT JOIN invoice_counters c ON c.series = s.series AND c.year = s.year
	 WHERE s.unnumbered > 0 OR s.distinct_n < s.n OR s.top <> s.n OR c.last_seq IS DISTINCT FROM s.top
	 ORDER BY s.series, s.year`},
	{"invoice_totals", "each invoice adds up: lines, tax lines, header and base-currency amounts agree", `
	WITH l AS (SELECT invoice_id, sum(qty::bigint * unit_price_minor - discount_minor) AS net, sum(tax_minor) AS tax,
	                  bool_or(total_minor <> qty::bigint * unit_price_minor - discount_minor + tax_minor) AS bad_line,
	                  bool_or(unit_price_minor < 0 OR tax_minor < 0) AS negative
	             FROM invoice_lines GROUP BY 1),
	     t AS (SELECT invoice_id, sum(taxable_minor) AS net, sum(tax_minor) AS tax,
	                  sum(taxable_base_minor) AS net_base, sum(tax_base_minor) AS tax_base
	             FROM invoice_tax_lines GROUP BY 1)
	SELECT format('%s %s (order %s) %s', initcap(replace(i.kind, '_', ' ')), coalesce(i.number, '#' || i.id), o.number,
	              CASE WHEN l.invoice_id IS NULL THEN 'has no lines'
	                   WHEN l.negative OR i.subtotal_minor < 0 OR i.tax_minor < 0 THEN 'has negative amounts'
	                   WHEN l.bad_line THEN 'has a line whose total is not quantity × price − discount + tax'
	                   WHEN (i.subtotal_minor, i.tax_minor) <> (l.net, l.tax) THEN
	                        format('says %s net and %s tax, but its lines add up to %s and %s', oms_money(i.subtotal_minor, i.currency),
	                               oms_money(i.tax_minor, i.currency), oms_money(l.net, i.currency), oms_money(l.tax, i.currency))
	                   WHEN (l.net, l.tax) IS DISTINCT FROM (t.net, t.tax) THEN 'has tax lines that do not add up to its lines'
	                   ELSE format('says %s net and %s tax, but its tax lines convert to %s and %s',
	                               oms_money(i.subtotal_base_minor, i.base_currency), oms_money(i.tax_base_minor, i.base_currency),
	                               oms_money(t.net_base, i.base_currency), oms_money(t.tax_base, i.base_currency)) END)
	  FROM invoices i JOIN orders o ON o.id = i.order_id
	  LEFT JOIN l ON l.invoice_id = i.id LEFT JOIN t ON t.invoice_id = i.id
	 WHERE l.invoice_id IS NULL OR l.negative OR l.bad_line OR i.subtotal_minor < 0 OR i.tax_minor < 0
	    OR (i.subtotal_minor, i.tax_minor) <> (l.net, l.tax)
	    OR (l.net, l.tax) IS DISTINCT FROM (t.net, t.tax)
	    OR (i.subtotal_base_minor, i.tax_base_minor) IS DISTINCT FROM (t.net_base, t.tax_base)
	 ORDER BY i.id`},
	{"invoiced_units", "each order line's invoiced units equal its units on invoices", `
	WITH billed AS (SELECT il.order_line_id, sum(il.qty) AS qty
	                  FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_id AND i.kind = 'invoice'
	                 WHERE il.order_line_id IS NOT NULL GROUP BY 1)
	SELECT format('Order %s line %s (%s) says %s invoiced, but its invoices bill %s',
	              o.number, ol.line_no, p.sku, ol.qty_invoiced, coalesce(b.qty, 0))
	  FROM order_lines ol JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	  LEFT JOIN billed b ON b.order_line_id = ol.id
	 WHERE ol.qty_invoiced <> coalesce(b.qty, 0)
	 ORDER BY ol.id`},
	{"credits", "credit notes never exceed their invoice, and refunds never exceed their order", `
	SELECT format('Invoice %s (order %s) is for %s, but its credit notes add up to %s',
	              i.number, o.number, oms_money(i.total_minor, i.currency), oms_money(c.credited, i.currency))
	  FROM (SELECT credited_invoice_id, sum(total_minor) AS credited FROM invoices
	         WHERE kind = 'credit_note' GROUP BY 1) c
	  JOIN invoices i ON i.id = c.credited_invoice_id JOIN orders o ON o.id = i.order_id
	 WHERE c.credited > i.total_minor
	UNION ALL
	SELECT format('Order %s totals %s, but %s has been refunded', o.number, oms_money(o.total_minor, o.currency),
	              oms_money(r.refunded, o.currency))
	  FROM (SELECT order_id, sum(amount_minor) AS refunded FROM refunds WHERE status <> 'failed' GROUP BY 1) r
	  JOIN orders o ON o.id = r.order_id
	 WHERE r.refunded > o.total_minor`},
	{"returns", "RMAs ask back no more than was shipped; units received follow the return movements, units inspected the inspections", `
	SELECT format('Order %s line %s (%s) shipped %s, but its open RMAs ask %s back', o.number, ol.line_no, p.sku,
	              ol.qty_shipped, s.requested)
	  FROM (SELECT rl.order_line_id, sum(CASE WHEN r.status = 'cancelled' THEN 0 WHEN r.closed_at IS NOT NULL THEN rl.qty_received
	                                          ELSE rl.qty_requested END) AS requested
	          FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id GROUP BY 1) s
	  JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	 WHERE s.requested > ol.qty_shipped
	UNION ALL
	SELECT format('%s line for %s has %s received and %s inspected, but its return movements bring %s and its inspections grade %s',
	              r.number, p.sku, rl.qty_received, rl.qty_inspected, coalesce(m.qty, 0), coalesce(x.qty, 0))
	  FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id JOIN order_lines ol ON ol.id = rl.order_line_id
	  JOIN products p ON p.id = ol.product_id
	  LEFT JOIN (SELECT rma_line_id, sum(qty) AS qty FROM rma_receipts GROUP BY 1) x ON x.rma_line_id = rl.id
	  LEFT JOIN (SELECT rma_line_id, sum(qty) AS qty FROM stock_movements WHERE kind = 'return' AND rma_line_id IS NOT NULL
	              GROUP BY 1) m ON m.rma_line_id = rl.id
	 WHERE rl.qty_inspected <> coalesce(x.qty, 0) OR rl.qty_received <> coalesce(m.qty, 0)`},
	{"rma_status", "an RMA's status and refund status are what its lines say (model.DeriveRMAStatus)", `
	SELECT format('%s reads %s (refund %s), but its lines say %s (refund %s)', r.number, r.status, r.refund_status,
	              oms_rma_status(r.cancelled_at IS NOT NULL, r.closed_at IS NOT NULL, r.authorized_at IS NOT NULL, r.in_transit_at IS NOT NULL,
	                             t.req, t.rec, t.ins, oms_refund_status(r.resolution, t.ins, t.ref)),
	              oms_refund_status(r.resolution, t.ins, t.ref))
	  FROM rmas r JOIN (SELECT rma_id, sum(qty_requested) AS req, sum(qty_received) AS rec, sum(qty_inspected) AS ins,
	                           sum(qty_refunded) AS ref FROM rma_lines GROUP BY 1) t ON t.rma_id = r.id
	 WHERE (r.status, r.refund_status) IS DISTINCT FROM
	       (oms_rma_status(r.cancelled_at IS NOT NULL, r.closed_at IS NOT NULL, r.authorized_at IS NOT NULL, r.in_transit_at IS NOT NULL,
	                       t.req, t.rec, t.ins, oms_refund_status(r.resolution, t.ins, t.ref)),
	        oms_refund_status(r.resolution, t.ins, t.ref))`},
	{"packages", "a line's units in packages never exceed its packed units", `
	SELECT format('Order %s line %s (%s) has %s packed, but its packages hold %s', o.number, ol.line_no, p.sku,
	              ol.qty_packed, s.boxed)
	  FROM (SELECT order_line_id, sum(qty) AS boxed FROM package_lines GROUP BY 1) s
	  JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	 WHERE s.boxed > ol.qty_packed
	 ORDER BY ol.id`},
	{"shipped_parcels", "no parcel of a shipped shipment holds units that never left through the ledger", `
	SELECT format('Order %s line %s (%s) has %s shipped, but its shipped parcels hold %s', o.number, ol.line_no, p.sku,
	              ol.qty_shipped, s.boxed)
	  FROM (SELECT pl.order_line_id, sum(pl.qty) AS boxed FROM package_lines pl JOIN packages pk ON pk.id = pl.package_id
	          JOIN shipments sh ON sh.id = pk.shipment_id WHERE sh.status IN ('shipped', 'delivered') GROUP BY 1) s
	  JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	 WHERE s.boxed > ol.qty_shipped
	 ORDER BY ol.id`},
	{"manifests", "a manifest lists exactly the parcels on it", `
	SELECT format('Manifest %s says %s parcels, but %s are on it', m.number, m.parcels, coalesce(n.n, 0))
	  FROM manifests m LEFT JOIN (SELECT manifest_id, count(*) AS n FROM packages WHERE manifest_id IS NOT NULL GROUP BY 1) n
	    ON n.manifest_id = m.id
	 WHERE m.parcels <> coalesce(n.n, 0)
	 ORDER BY m.id`},
	{"counts", "a posted count moved exactly its variance, and a bin under count has one open task", `
	SELECT format('Count %s bin %s round %s: %s × %s counted against %s expected, but its adjustment moved %s',
	              c.number, l.code, t.round, cl.counted, p.sku, cl.expected,
	              coalesce(CASE WHEN m.to_location_id = t.location_id THEN m.qty ELSE -m.qty END, 0))
	  FROM count_task_lines cl JOIN count_tasks t ON t.id = cl.task_id JOIN stock_counts c ON c.id = t.count_id
	  JOIN locations l ON l.id = t.location_id JOIN products p ON p.id = cl.product_id
	  LEFT JOIN stock_movements m ON m.id = cl.movement_id
	 WHERE t.status = 'posted'
	   AND cl.variance <> coalesce(CASE WHEN m.to_location_id = t.location_id THEN m.qty ELSE -m.qty END, 0)
	UNION ALL
	SELECT format('Bin %s has %s count tasks open at once', l.code, n.n)
	  FROM (SELECT location_id, count(*) AS n FROM count_tasks WHERE status IN ('ready', 'claimed', 'review')
	         GROUP BY 1 HAVING count(*) > 1) n JOIN locations l ON l.id = n.location_id`},
	{"inbound", "purchase order and transfer lines hold what their movements moved", `
	SELECT format('%s line %s (%s) says %s received, %s damaged, but its receipts bring %s, %s of them into quarantine',
	              o.number, pl.line_no, p.sku, pl.qty_received, pl.qty_damaged, coalesce(m.qty, 0), coalesce(m.damaged, 0))
	  FROM purchase_order_lines pl JOIN purchase_orders o ON o.id = pl.po_id JOIN products p ON p.id = pl.product_id
	  LEFT JOIN (SELECT mv.po_line_id, sum(mv.qty) AS qty, sum(mv.qty) FILTER (WHERE l.kind = 'quarantine') AS damaged
	               FROM stock_movements mv JOIN locations l ON l.id = mv.to_location_id
	              WHERE mv.po_line_id IS NOT NULL GROUP BY 1) m ON m.po_line_id = pl.id
	 WHERE (pl.qty_received, pl.qty_damaged) <> (coalesce(m.qty, 0), coalesce(m.damaged, 0))
	UNION ALL
	SELECT format('%s line %s (%s) says %s shipped, %s received, %s written off, but its movements say %s, %s and %s',
	              t.number, tl.line_no, p.sku, tl.qty_shipped, tl.qty_received, tl.qty_written_off,
	              coalesce(m.shipped, 0), coalesce(m.received, 0), coalesce(m.lost, 0))
	  FROM transfer_lines tl JOIN transfers t ON t.id = tl.transfer_id JOIN products p ON p.id = tl.product_id
	  LEFT JOIN (SELECT mv.transfer_line_id,
	                    sum(mv.qty) FILTER (WHERE dst.kind = 'transit') AS shipped,
	                    sum(mv.qty) FILTER (WHERE src.kind = 'transit' AND dst.kind <> 'adjustment') AS received,
	                    sum(mv.qty) FILTER (WHERE src.kind = 'transit' AND dst.kind = 'adjustment') AS lost
	               FROM stock_movements mv JOIN locations src ON src.id = mv.from_location_id
	               JOIN locations dst ON dst.id = mv.to_location_id
	              WHERE mv.transfer_line_id IS NOT NULL GROUP BY 1) m ON m.transfer_line_id = tl.id
	 WHERE (tl.qty_shipped, tl.qty_received, tl.qty_written_off) <> (coalesce(m.shipped, 0), coalesce(m.received, 0), coalesce(m.lost, 0))`},
	{"order_counts", "the queue's counts per status equal the orders", `
	WITH actual AS (SELECT channel_id, coalesce(warehouse_id, 0) AS warehouse_id, status, count(*) AS n
	                  FROM orders GROUP BY 1, 2, 3),
	kept AS (SELECT channel_id, warehouse_id, status, sum(n) AS n FROM order_counts_live GROUP BY 1, 2, 3),
	diff AS (
		SELECT coalesce(a.channel_id, k.channel_id) AS channel_id,
		       coalesce(a.warehouse_id, k.warehouse_id) AS warehouse_id,
		       coalesce(a.status, k.status) AS status, coalesce(a.n, 0) AS actual, coalesce(k.n, 0) AS kept
		  FROM actual a
		  FULL JOIN kept k USING (channel_id, warehouse_id, status)
		 WHERE coalesce(a.n, 0) <> coalesce(k.n, 0))
	SELECT format('The queue counts %s %s orders from %s at %s, but there are %s',
	              d.kept, d.status, c.code, coalesce(w.code, 'no warehouse yet'), d.actual)
	  FROM diff d JOIN channels c ON c.id = d.channel_id LEFT JOIN warehouses w ON w.id = d.warehouse_id
	 ORDER BY 1`},
}

// Check audits every invariant of ARCHITECTURE.md §2 and reports each violation as a sentence,
// at most limit per rule (0 means no limit), and warns, without failing, about imported orders
// whose tax is not what oms computes (checkImportedTax). It only reads; it runs in one REPEATABLE READ
// snapshot so work going on meanwhile cannot produce false alarms.
func (d *DB) Check(ctx context.Context, limit int) (CheckReport, error) {
	var rep CheckReport
	tx, err := d.BeginTxx(ctx, readOnlySnapshot)
	if err != nil {
		return rep, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return rep, err
	}
	for _, q := range checkQueries {
		rows, err := tx.QueryContext(ctx, q.sql)
		if err != nil {
			return rep, fmt.Errorf("checking %s: %w", q.rule, err)
		}
		rule := CheckRule{Rule: q.rule, Description: q.description}
		for rows.Next() {
			var msg string
			if err := rows.Scan(&msg); err != nil {
				rows.Close()
				return rep, err
			}
			rule.Violations++
			if limit == 0 || rule.Violations <= int64(limit) {
				rep.Violations = append(rep.Violations, Violation{Rule: q.rule, Message: msg})
			}
		}
		if err := rows.Err(); err != nil {
			return rep, fmt.Errorf("checking %s: %w", q.rule, err)
		}
		rep.Rules = append(rep.Rules, rule)
	}
	statusRule, err := checkStatuses(ctx, tx, limit, &rep)
	if err != nil {
		return rep, err
	}
	rep.Rules = append(rep.Rules, statusRule)
	taxRule, err := checkImportedTax(ctx, tx, limit, &rep)
	if err != nil {
		return rep, err
	}
	rep.Rules = append(rep.Rules, taxRule)
	return rep, nil
}

// checkStatuses streams every order's line totals and whether its shipments are all delivered,
// and derives its status in Go with model.DeriveStatus, the one definition of an order's status.
func checkStatuses(ctx context.Context, q queryer, limit int, rep *CheckReport) (CheckRule, error) {
	rule := CheckRule{Rule: "status", Description: "each order's stored status is the one its lines (and shipments) give"}
	rows, err := q.QueryContext(ctx, `
		SELECT o.number, o.status, o.on_hold, o.cancelled_at IS NOT NULL, o.pickup_warehouse_id IS NOT NULL,
		       coalesce(sh.delivered, false),
		       coalesce(sum(ol.qty_ordered), 0), coalesce(sum(ol.qty_cancelled), 0),
		       coalesce(sum(ol.qty_allocated), 0), coalesce(sum(ol.qty_picked), 0),
		       coalesce(sum(ol.qty_packed), 0), coalesce(sum(ol.qty_shipped), 0),
		       coalesce(sum(ol.qty_returned), 0), coalesce(sum(ol.qty_refunded), 0)
		  FROM orders o LEFT JOIN order_lines ol ON ol.order_id = o.id
		  LEFT JOIN (SELECT order_id, bool_and(status = 'delivered') AS delivered FROM shipments GROUP BY order_id) sh
		         ON sh.order_id = o.id
		 GROUP BY o.id, sh.delivered ORDER BY o.id`)
	if err != nil {
		return rule, fmt.Errorf("checking statuses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, stored string
		var f model.OrderFacts
		var sum model.LineQty
		if err := rows.Scan(&number, &stored, &f.OnHold, &f.Cancelled, &f.PickUp, &f.Delivered, &sum.Ordered, &sum.Cancelled,
			&sum.Allocated, &sum.Picked, &sum.Packed, &sum.Shipped, &sum.Returned, &sum.Refunded); err != nil {
			return rule, err
		}
		// The rules only use sums over lines, so the totals stand in for the lines.
		derived := model.DeriveStatus(f, []model.LineQty{sum})
		if string(derived) == stored {
			continue
		}
		rule.Violations++
		if limit == 0 || rule.Violations <= int64(limit) {
			says := "its lines say " + derived.Label()
			switch {
			case derived == model.StatusDelivered:
				says = "its lines and shipments say Delivered (every shipment is delivered)"
			case derived == model.StatusShipped && stored == string(model.StatusDelivered):
				says = "its lines and shipments say Shipped (not every shipment is delivered)"
			}
			rep.Violations = append(rep.Violations, Violation{Rule: rule.Rule, Message: fmt.Sprintf(
				"Order %s is stored as %s, but %s", number, storedLabel(stored), says)})
		}
	}
	return rule, rows.Err()
}

func storedLabel(s string) string {
	if st, err := model.ParseOrderStatus(s); err == nil {
		return st.Label()
	}
	return fmt.Sprintf("%q (not a status oms knows)", s)
}

// Imported orders keep the tax their channel stated (invoices bill it as given), so a channel
// that taxes wrongly goes onto the invoices unnoticed. checkImportedTax works out each imported
// order's tax as oms would for an order entered by hand and warns where the two differ by more
// than the tolerance: the seller's treatment (model.DecideTaxTreatment: the company's country
// and tax settings, the customer's VAT number and bill-to, the ship-to), the tax_rates of the
// order's day (UTC) and model.LineTax per line and for the shipping at the standard rate.
//
// The tolerance is the larger of 1 % of the channel's tax and 2 minor units (taxToleranceMinor,
// taxTolerancePercent): a channel that rounds once per order where oms rounds per line, or per
// unit where oms rounds per line, differs by less than a minor unit per line, and 1 % keeps a
// large order's dozens of lines' rounding from warning, while a wrong rate (9 % for 21 %, a
// missing reverse charge, origin for destination VAT) is far outside it.
const (
	taxToleranceMinor   = 2
	taxTolerancePercent = 1
)

// importedTaxSQL streams each imported order once, with what the decision needs and its lines'
// amounts, categories and the rates of their category on the order's day in the two places a
// treatment can tax at: the destination (the ship-to's country, Northern Ireland at GB's rates,
// and region, a regional rate beating the national one as model.FindTaxRate does) and the
// seller's own country. The rates are joined in the query (tax_rates by country, category and
// day), so Go only decides the treatment and rounds. -1 marks a rate the table lacks.
const importedTaxSQL = `
	WITH co AS (SELECT country, CASE country WHEN 'XI' THEN 'GB' ELSE country END AS rate_country,
	                   vat_number, oss_registered, over_distance_threshold FROM company),
	     o AS (SELECT o.id, o.number, c.code AS channel, o.currency, o.prices_include_tax, o.tax_minor,
	                  o.shipping_minor, (o.ordered_at AT TIME ZONE 'UTC')::date AS day, cu.vat_number AS customer_vat,
	                  coalesce(b.country, cu.country) AS bill_country, coalesce(b.region, '') AS bill_region,
	                  coalesce(b.company, '') AS bill_company, st.country AS ship_country,
	                  upper(btrim(st.region)) AS ship_region,
	                  CASE st.country WHEN 'XI' THEN 'GB' ELSE st.country END AS dest_country
	             FROM orders o
	             JOIN channels c ON c.id = o.channel_id AND c.kind <> 'manual'
	             JOIN customers cu ON cu.id = o.customer_id
	             JOIN addresses st ON st.id = o.ship_to_address_id
	             LEFT JOIN addresses b ON b.id = o.bill_to_address_id)
	SELECT o.number, o.channel, o.currency, o.prices_include_tax, o.tax_minor, o.shipping_minor, o.customer_vat,
	       o.bill_country, o.bill_region, o.bill_company, o.ship_country, o.ship_region, o.dest_country,
	       co.country, co.rate_country, co.vat_number, co.oss_registered, co.over_distance_threshold,
	       l.amounts, l.categories, l.dest_ppm, l.origin_ppm,
	       coalesce((SELECT r.rate_ppm FROM tax_rates r
	                  WHERE r.country = o.dest_country AND r.region IN ('', o.ship_region) AND r.tax_category = 'standard'
	                    AND r.valid_from <= o.day AND (r.valid_to IS NULL OR r.valid_to > o.day)
	                  ORDER BY r.region DESC LIMIT 1), -1) AS ship_dest_ppm,
	       coalesce((SELECT r.rate_ppm FROM tax_rates r
	                  WHERE r.country = co.rate_country AND r.region = '' AND r.tax_category = 'standard'
	                    AND r.valid_from <= o.day AND (r.valid_to IS NULL OR r.valid_to > o.day)
	                  LIMIT 1), -1) AS ship_origin_ppm
	  FROM o
	 CROSS JOIN co
	 CROSS JOIN LATERAL (
	        SELECT array_agg(ol.amount_minor - ol.discount_minor ORDER BY ol.line_no) AS amounts,
	               array_agg(p.tax_category ORDER BY ol.line_no) AS categories,
	               array_agg(coalesce(d.rate_ppm, -1) ORDER BY ol.line_no) AS dest_ppm,
	               array_agg(coalesce(g.rate_ppm, -1) ORDER BY ol.line_no) AS origin_ppm
	          FROM order_lines ol
	          JOIN products p ON p.id = ol.product_id
	          LEFT JOIN LATERAL (SELECT r.rate_ppm FROM tax_rates r
	                              WHERE r.country = o.dest_country AND r.region IN ('', o.ship_region)
	                                AND r.tax_category = p.tax_category
	                                AND r.valid_from <= o.day AND (r.valid_to IS NULL OR r.valid_to > o.day)
	                              ORDER BY r.region DESC LIMIT 1) d ON true
	          LEFT JOIN LATERAL (SELECT r.rate_ppm FROM tax_rates r
	                              WHERE r.country = co.rate_country AND r.region = '' AND r.tax_category = p.tax_category
	                                AND r.valid_from <= o.day AND (r.valid_to IS NULL OR r.valid_to > o.day)
	                              LIMIT 1) g ON true
	         WHERE ol.order_id = o.id) l
	 WHERE l.amounts IS NOT NULL
	 ORDER BY o.id`

// checkImportedTax warns about imported orders whose tax is off (see importedTaxSQL). An order
// oms cannot tax itself (no rate in the table for its place and day, a US address without a
// state) is left out: issuing its invoice keeps the channel's tax and says nothing about rates.
// Without a company (before oms init) there is no seller, and nothing is compared.
func checkImportedTax(ctx context.Context, q queryer, limit int, rep *CheckReport) (CheckRule, error) {
	rule := CheckRule{Rule: "imported_tax", Description: fmt.Sprintf(
		"imported orders' tax is within %d%% (at least %d minor units) of oms's own (differences are warnings, not failures)",
		taxTolerancePercent, taxToleranceMinor)}
	rows, err := q.QueryContext(ctx, importedTaxSQL)
	if err != nil {
		return rule, fmt.Errorf("checking imported tax: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o struct {
			number, channel, currency                         string
			inclusive                                         bool
			tax, shipping                                     int64
			customerVAT, billCountry, billRegion, billCompany string
			shipCountry, shipRegion, destCountry              string
			seller, originCountry, sellerVAT                  string
			oss, over                                         bool
			amounts, destPPM, originPPM                       pq.Int64Array
			categories                                        pq.StringArray
			shipDest, shipOrigin                              int64
		}
		if err := rows.Scan(&o.number, &o.channel, &o.currency, &o.inclusive, &o.tax, &o.shipping, &o.customerVAT,
			&o.billCountry, &o.billRegion, &o.billCompany, &o.shipCountry, &o.shipRegion, &o.destCountry,
			&o.seller, &o.originCountry, &o.sellerVAT, &o.oss, &o.over, &o.amounts, &o.categories, &o.destPPM,
			&o.originPPM, &o.shipDest, &o.shipOrigin); err != nil {
			return rule, err
		}
		t, err := model.DecideTaxTreatment(
			model.TaxSeller{Country: o.seller, VATNumber: o.sellerVAT, OSSRegistered: o.oss, OverDistanceSaleThreshold: o.over},
			model.NewTaxBuyer(o.billCountry, o.billRegion, o.customerVAT, o.billCompany),
			model.Address{Country: o.shipCountry, Region: o.shipRegion})
		if err != nil {
			continue
		}
		// The rates of the place the treatment taxes at, as the query found them.
		var ppm []int64
		var shipPPM int64
		switch {
		case !t.ChargesTax():
			ppm = make([]int64, len(o.amounts))
		case t.Country == o.destCountry && t.Region == o.shipRegion:
			ppm, shipPPM = o.destPPM, o.shipDest
		case t.Country == o.originCountry && t.Region == "":
			ppm, shipPPM = o.originPPM, o.shipOrigin
		default:
			continue
		}
		basis := model.TaxExclusive
		if o.inclusive {
			basis = model.TaxInclusive
		}
		var ours int64
		computable := true
		add := func(amount, rate int64, category string) {
			switch {
			case !t.ChargesTax() || category == model.TaxCategoryExempt || amount <= 0:
				return
			case rate < 0:
				computable = false
				return
			}
			_, tax, err := model.LineTax(amount, rate, basis)
			if err != nil {
				computable = false
				return
			}
			ours += tax
		}
		for i, amount := range o.amounts {
			add(amount, ppm[i], o.categories[i])
		}
		add(o.shipping, shipPPM, model.TaxCategoryStandard)
		if !computable {
			continue
		}
		diff := o.tax - ours
		if diff < 0 {
			diff = -diff
		}
		stated := o.tax
		if stated < 0 {
			stated = -stated
		}
		if diff <= taxToleranceMinor || diff*100 <= stated*taxTolerancePercent {
			continue
		}
		rule.Warnings++
		if limit == 0 || rule.Warnings <= int64(limit) {
			c := model.Currency(o.currency)
			where := t.Kind.String()
			if t.Country != "" {
				where += ", " + strings.TrimSuffix(t.Country+"-"+t.Region, "-")
			}
			rep.Violations = append(rep.Violations, Violation{Rule: rule.Rule, Warning: true, Message: fmt.Sprintf(
				"Order %s (%s): the channel's tax is %s %s, oms's is %s %s (%s), %s %s apart",
				o.number, o.channel, c, model.Money{Minor: o.tax, Currency: c}.Format(), c,
				model.Money{Minor: ours, Currency: c}.Format(), where, c, model.Money{Minor: diff, Currency: c}.Format())})
		}
	}
	return rule, rows.Err()
}
