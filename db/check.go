package db

import (
	"context"
	"fmt"

	"oms/model"
)

// Violation is one broken invariant, told as a sentence a supervisor understands.
type Violation struct {
	Rule    string // short identifier: ledger, negative, over_reserved, line_reservations, balance_reservations, status
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

// placeSQL describes a location for people: "bin A-03-12-2 at RTM1" or "the CUSTOMER location".
const placeSQL = `CASE WHEN l.warehouse_id IS NULL THEN 'the ' || l.code || ' location'
	ELSE l.kind || ' ' || l.code || ' at ' || w.code END`

var checkQueries = []checkQuery{
	{"ledger", "every balance equals the sum of its movements", `
	WITH ledger AS (
		SELECT location_id, product_id, lot_id, sum(delta) AS qty
		  FROM (SELECT to_location_id AS location_id, product_id, lot_id, qty AS delta FROM stock_movements
		        UNION ALL
		        SELECT from_location_id, product_id, lot_id, -qty FROM stock_movements) m
		 GROUP BY 1, 2, 3),
	diff AS (
		SELECT coalesce(b.location_id, g.location_id) AS location_id,
		       coalesce(b.product_id, g.product_id) AS product_id,
		       coalesce(b.on_hand, 0) AS on_hand, coalesce(g.qty, 0) AS ledger
		  FROM stock_balances b
		  FULL JOIN ledger g ON g.location_id = b.location_id AND g.product_id = b.product_id
		                    AND coalesce(g.lot_id, 0) = coalesce(b.lot_id, 0)
		 WHERE coalesce(b.on_hand, 0) <> coalesce(g.qty, 0))
	SELECT format('%s shows %s × %s on hand, but its movements add up to %s (%s)',
	              initcap(` + placeSQL + `), d.on_hand, p.sku, d.ledger,
	              CASE WHEN d.on_hand > d.ledger THEN (d.on_hand - d.ledger) || ' more than the ledger'
	                   ELSE (d.ledger - d.on_hand) || ' fewer than the ledger' END)
	  FROM diff d JOIN locations l ON l.id = d.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = d.product_id
	 ORDER BY d.location_id, d.product_id`},
	{"negative", "no negative stock in a real location", `
	SELECT format('%s has %s × %s on hand: stock in a real location can never be negative',
	              initcap(` + placeSQL + `), b.on_hand, p.sku)
	  FROM stock_balances b JOIN locations l ON l.id = b.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = b.product_id
	 WHERE NOT l.is_virtual AND b.on_hand < 0
	 ORDER BY b.location_id, b.product_id`},
	{"over_reserved", "reserved is never more than on hand", `
	SELECT format('%s has %s × %s reserved but only %s on hand',
	              initcap(` + placeSQL + `), b.reserved, p.sku, b.on_hand)
	  FROM stock_balances b JOIN locations l ON l.id = b.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = b.product_id
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
		       coalesce(b.product_id, h.product_id) AS product_id,
		       coalesce(b.reserved, 0) AS reserved, coalesce(h.qty, 0) AS held
		  FROM stock_balances b
		  FULL JOIN held h ON h.location_id = b.location_id AND h.product_id = b.product_id
		                  AND coalesce(h.lot_id, 0) = coalesce(b.lot_id, 0)
		 WHERE coalesce(b.reserved, 0) <> coalesce(h.qty, 0))
	SELECT format('%s says %s × %s are reserved, but orders hold reservations for %s',
	              initcap(` + placeSQL + `), d.reserved, p.sku, d.held)
	  FROM diff d JOIN locations l ON l.id = d.location_id LEFT JOIN warehouses w ON w.id = l.warehouse_id
	  JOIN products p ON p.id = d.product_id
	 ORDER BY d.location_id, d.product_id`},
	{"order_counts", "the queue's counts per status equal the orders", `
	WITH actual AS (SELECT channel_id, coalesce(warehouse_id, 0) AS warehouse_id, status, count(*) AS n
	                  FROM orders GROUP BY 1, 2, 3),
	kept AS (SELECT channel_id, warehouse_id, status, sum(n) AS n FROM order_counts GROUP BY 1, 2, 3),
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

// Check audits every invariant of DESIGN.md §3 and reports each violation as a sentence, at
// most limit per rule (0 means no limit). It only reads; it runs in one REPEATABLE READ
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
		SELECT o.number, o.status, o.on_hold, o.cancelled_at IS NOT NULL,
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
		var onHold, cancelled bool
		var sum model.LineQty
		if err := rows.Scan(&number, &stored, &onHold, &cancelled, &sum.Ordered, &sum.Cancelled,
			&sum.Allocated, &sum.Picked, &sum.Packed, &sum.Shipped, &sum.Returned, &sum.Refunded); err != nil {
			return rule, err
		}
		// The rules only use sums over lines, so the totals stand in for the lines.
		derived := model.DeriveStatus(onHold, cancelled, []model.LineQty{sum})
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
