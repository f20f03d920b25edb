package db

import (
	"context"
	"fmt"

	"oms/model"
)

// Violation is one broken invariant, told as a sentence a supervisor understands.
type Violation struct {
	Rule    string // short identifier of the rule: ledger, negative, line_movements, invoice_series, status, …
	Message string
}

// CheckRule names an invariant and how many violations of it were found.
type CheckRule struct {
	Rule        string
	Description string
	Violations  int64
}

// CheckReport is the outcome of an audit.
type CheckReport struct {
	Rules      []CheckRule
	Violations []Violation // at most the limit per rule; Rules has the full counts
}

// OK says whether the audit found nothing wrong.
func (r CheckReport) OK() bool {
	for _, rule := range r.Rules {
		if rule.Violations > 0 {
			return false
		}
	}
	return true
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
	{"returns", "RMAs ask back no more than was shipped, and units received equal the inspection receipts", `
	SELECT format('Order %s line %s (%s) shipped %s, but its open RMAs ask %s back', o.number, ol.line_no, p.sku,
	              ol.qty_shipped, s.requested)
	  FROM (SELECT rl.order_line_id, sum(rl.qty_requested) AS requested FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id
	         WHERE r.status <> 'cancelled' GROUP BY 1) s
	  JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	 WHERE s.requested > ol.qty_shipped
	UNION ALL
	SELECT format('%s line for %s has %s received, but its inspection receipts add up to %s', r.number, p.sku,
	              rl.qty_received, coalesce(x.qty, 0))
	  FROM rma_lines rl JOIN rmas r ON r.id = rl.rma_id JOIN order_lines ol ON ol.id = rl.order_line_id
	  JOIN products p ON p.id = ol.product_id
	  LEFT JOIN (SELECT rma_line_id, sum(qty) AS qty FROM rma_receipts GROUP BY 1) x ON x.rma_line_id = rl.id
	 WHERE rl.qty_received <> coalesce(x.qty, 0)`},
	{"packages", "a line's units in packages never exceed its packed units", `
	SELECT format('Order %s line %s (%s) has %s packed, but its packages hold %s', o.number, ol.line_no, p.sku,
	              ol.qty_packed, s.boxed)
	  FROM (SELECT order_line_id, sum(qty) AS boxed FROM package_lines GROUP BY 1) s
	  JOIN order_lines ol ON ol.id = s.order_line_id JOIN orders o ON o.id = ol.order_id JOIN products p ON p.id = ol.product_id
	 WHERE s.boxed > ol.qty_packed
	 ORDER BY ol.id`},
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
// at most limit per rule (0 means no limit). It only reads; it runs in one REPEATABLE READ
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
	return rep, nil
}

// checkStatuses streams every order's line totals and derives its status in Go with
// model.DeriveStatus, the one definition of an order's status.
func checkStatuses(ctx context.Context, q queryer, limit int, rep *CheckReport) (CheckRule, error) {
	rule := CheckRule{Rule: "status", Description: "each order's stored status is the one its lines give"}
	rows, err := q.QueryContext(ctx, `
		SELECT o.number, o.status, o.on_hold, o.cancelled_at IS NOT NULL, o.pickup_warehouse_id IS NOT NULL,
		       coalesce(sum(ol.qty_ordered), 0), coalesce(sum(ol.qty_cancelled), 0),
		       coalesce(sum(ol.qty_allocated), 0), coalesce(sum(ol.qty_picked), 0),
		       coalesce(sum(ol.qty_packed), 0), coalesce(sum(ol.qty_shipped), 0),
		       coalesce(sum(ol.qty_returned), 0), coalesce(sum(ol.qty_refunded), 0)
		  FROM orders o LEFT JOIN order_lines ol ON ol.order_id = o.id
		 GROUP BY o.id ORDER BY o.id`)
	if err != nil {
		return rule, fmt.Errorf("checking statuses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var number, stored string
		var f model.OrderFacts
		var sum model.LineQty
		if err := rows.Scan(&number, &stored, &f.OnHold, &f.Cancelled, &f.PickUp, &sum.Ordered, &sum.Cancelled,
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
			rep.Violations = append(rep.Violations, Violation{Rule: rule.Rule, Message: fmt.Sprintf(
				"Order %s is stored as %s, but its lines say %s", number, storedLabel(stored), derived.Label())})
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
