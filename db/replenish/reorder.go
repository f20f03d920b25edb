package replenish

import (
	"context"
	"encoding/json"

	"github.com/jmoiron/sqlx"
)

// DemandDays is the window of shipments a suggestion's demand is taken from.
const DemandDays = 28

// Rule is a product's reorder rule at a warehouse: when its position falls to Point plus the
// demand expected over LeadDays, order at least Qty from Supplier (optional). Qty 0 removes it.
type Rule struct {
	Warehouse string `json:"warehouse"`
	SKU       string `json:"sku"` // or a GTIN or barcode of the product
	Point     int    `json:"point"`
	Qty       int    `json:"qty"`
	LeadDays  int    `json:"lead_days"`
	Supplier  string `json:"supplier"`
}

// SetRule sets (or, with Qty 0, removes) a reorder rule, the back office's work, in one
// transaction under key. It answers the rule as stored, with the product's SKU.
func (s *Store) SetRule(ctx context.Context, key string, r Rule) (Rule, error) {
	return keyed(ctx, s, key, "replenish.rule_set", r, func(tx *sqlx.Tx) (Rule, error) {
		var out Rule
		_, err := decode(ctx, tx, &out, `SELECT oms_reorder_rule_set($1, $2, $3, $4, $5, $6)`,
			r.Warehouse, r.SKU, r.Point, r.Qty, r.LeadDays, r.Supplier)
		return out, err
	})
}

// Suggestion is a product a warehouse should reorder: its position (Available + OnOrder +
// InTransit) is below its rule's Point plus the Demand expected over the lead time (below, as
// Odoo's minimum and ERPNext's re-order level trigger: so a draft that orders exactly up to the
// point is not suggested again), so Qty units are suggested: the rule's quantity, or more when
// the gap is bigger.
type Suggestion struct {
	Warehouse string `db:"warehouse" json:"warehouse"`
	SKU       string `db:"sku" json:"sku"`
	Supplier  string `db:"supplier" json:"supplier"` // "" when the rule names none
	// Available is on hand less reserved in the warehouse's real locations (not quarantine).
	Available int64 `db:"available" json:"available"`
	// OnOrder is what open and partially received POs to the warehouse have still to bring.
	OnOrder int64 `db:"on_order" json:"on_order"`
	// InTransit is what transfers to the warehouse have in transit, from the ledger.
	InTransit int64 `db:"in_transit" json:"in_transit"`
	// Shipped is the units shipped from the warehouse in the last DemandDays days.
	Shipped int64 `db:"shipped" json:"shipped"`
	// Demand is Shipped / DemandDays × LeadDays, rounded up to whole units.
	Demand     int64 `db:"demand" json:"demand"`
	LeadDays   int   `db:"lead_days" json:"lead_days"`
	Point      int64 `db:"point" json:"point"`
	ReorderQty int64 `db:"reorder_qty" json:"reorder_qty"`
	// Qty is max(ReorderQty, Point + Demand − position).
	Qty int64 `db:"qty" json:"qty"`
}

// Position is what the warehouse has and has coming: available, on order and in transit.
func (g Suggestion) Position() int64 { return g.Available + g.OnOrder + g.InTransit }

// suggestQuery computes the suggestions of warehouse $1 (an id), one row per rule below
// its point plus demand, by SKU. Every figure is read from the ledger, balances and POs as they
// are; nothing is written.
const suggestQuery = `
WITH w AS (SELECT id, code FROM warehouses WHERE id = $1),
r AS (SELECT x.product_id, x.reorder_point, x.reorder_qty, x.lead_days, p.sku, coalesce(s.code, '') AS supplier
        FROM reorder_rules x JOIN w ON w.id = x.warehouse_id JOIN products p ON p.id = x.product_id
        LEFT JOIN suppliers s ON s.id = x.supplier_id),
avail AS (SELECT b.product_id, sum(b.on_hand - b.reserved)::bigint AS qty
            FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN w ON w.id = l.warehouse_id
           WHERE NOT l.is_virtual AND l.kind <> 'quarantine' AND b.product_id IN (SELECT product_id FROM r)
           GROUP BY 1),
ordered AS (SELECT pl.product_id, sum(greatest(pl.qty_ordered - pl.qty_received, 0))::bigint AS qty
              FROM purchase_orders po JOIN w ON w.id = po.warehouse_id JOIN purchase_order_lines pl ON pl.po_id = po.id
             WHERE po.status IN ('open', 'partially_received') AND pl.product_id IN (SELECT product_id FROM r)
             GROUP BY 1),
transit AS (SELECT m.product_id, sum(CASE WHEN t.kind = 'transit' THEN m.qty ELSE -m.qty END)::bigint AS qty
              FROM transfers tr JOIN w ON w.id = tr.to_warehouse_id JOIN transfer_lines tl ON tl.transfer_id = tr.id
              JOIN stock_movements m ON m.transfer_line_id = tl.id
              JOIN locations f ON f.id = m.from_location_id JOIN locations t ON t.id = m.to_location_id
             WHERE tr.status <> 'received' AND (t.kind = 'transit' OR f.kind = 'transit')
               AND tl.product_id IN (SELECT product_id FROM r)
             GROUP BY 1),
shipped AS (SELECT m.product_id, sum(m.qty)::bigint AS qty
              FROM stock_movements m JOIN locations f ON f.id = m.from_location_id JOIN w ON w.id = f.warehouse_id
             WHERE m.kind = 'ship' AND m.at > now() - interval '28 days'
               AND m.product_id IN (SELECT product_id FROM r)
             GROUP BY 1),
x AS (SELECT w.code AS warehouse, r.sku, r.supplier, r.reorder_point::bigint AS point, r.reorder_qty::bigint AS reorder_qty,
             r.lead_days, coalesce(a.qty, 0) AS available, coalesce(o.qty, 0) AS on_order,
             greatest(coalesce(t.qty, 0), 0) AS in_transit, coalesce(sh.qty, 0) AS shipped,
             (coalesce(sh.qty, 0) * r.lead_days + 27) / 28 AS demand
        FROM r CROSS JOIN w LEFT JOIN avail a ON a.product_id = r.product_id LEFT JOIN ordered o ON o.product_id = r.product_id
        LEFT JOIN transit t ON t.product_id = r.product_id LEFT JOIN shipped sh ON sh.product_id = r.product_id)
SELECT warehouse, sku, supplier, available, on_order, in_transit, shipped, demand, lead_days, point, reorder_qty,
       greatest(reorder_qty, point + demand - (available + on_order + in_transit)) AS qty
  FROM x WHERE available + on_order + in_transit < point + demand
 ORDER BY sku`

func suggest(ctx context.Context, tx *sqlx.Tx, warehouse string) ([]Suggestion, error) {
	wid, err := warehouseID(ctx, tx, warehouse)
	if err != nil {
		return nil, err
	}
	out := []Suggestion{}
	err = tx.SelectContext(ctx, &out, suggestQuery, wid)
	return out, err
}

// Suggest lists what a warehouse should reorder by its rules, by SKU. It reads only.
func (s *Store) Suggest(ctx context.Context, warehouse string) ([]Suggestion, error) {
	var out []Suggestion
	err := s.read(ctx, func(tx *sqlx.Tx) (err error) {
		out, err = suggest(ctx, tx, warehouse)
		return err
	})
	return out, err
}

// DraftPO is a purchase order a draft created.
type DraftPO struct {
	Number   string `json:"number"`
	Supplier string `json:"supplier"`
	Lines    int    `json:"lines"`
	Units    int64  `json:"units"`
}

// Drafted is what a draft suggested and the POs it created; Unsupplied are the SKUs suggested
// whose rule names no supplier (no PO for them).
type Drafted struct {
	Suggestions []Suggestion `json:"suggestions"`
	POs         []DraftPO    `json:"pos"`
	Unsupplied  []string     `json:"unsupplied"`
}

// Draft computes a warehouse's suggestions and creates one purchase order per supplier for
// them (through oms_po_create, the back office's), expected after the longest lead time of its
// lines, in one transaction under key. Two drafts of one warehouse take turns (an advisory
// lock), so the second sees the first's POs on order and does not order the same units again.
func (s *Store) Draft(ctx context.Context, key, warehouse string) (Drafted, error) {
	return keyed(ctx, s, key, "replenish.draft", warehouse, func(tx *sqlx.Tx) (Drafted, error) {
		out := Drafted{POs: []DraftPO{}, Unsupplied: []string{}}
		wid, err := warehouseID(ctx, tx, warehouse)
		if err != nil {
			return out, err
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('oms reorder draft'), $1::integer)`, wid); err != nil {
			return out, err
		}
		if out.Suggestions, err = suggest(ctx, tx, warehouse); err != nil {
			return out, err
		}
		type line struct {
			SKU string `json:"sku"`
			Qty int64  `json:"qty"`
		}
		var suppliers []string
		lines := map[string][]line{}
		lead := map[string]int{}
		for _, g := range out.Suggestions {
			if g.Supplier == "" {
				out.Unsupplied = append(out.Unsupplied, g.SKU)
				continue
			}
			if _, ok := lines[g.Supplier]; !ok {
				suppliers = append(suppliers, g.Supplier)
			}
			lines[g.Supplier] = append(lines[g.Supplier], line{g.SKU, g.Qty})
			lead[g.Supplier] = max(lead[g.Supplier], g.LeadDays)
		}
		for _, sp := range suppliers {
			b, err := json.Marshal(lines[sp])
			if err != nil {
				return out, err
			}
			po := DraftPO{Supplier: sp, Lines: len(lines[sp])}
			for _, l := range lines[sp] {
				po.Units += l.Qty
			}
			var id int64
			if err := tx.GetContext(ctx, &id, `SELECT oms_po_create($1, $2, current_date + $3::integer, $4, 'drafted from reorder suggestions')`,
				sp, code(warehouse), lead[sp], string(b)); err != nil {
				return out, err
			}
			if err := tx.GetContext(ctx, &po.Number, `SELECT number FROM purchase_orders WHERE id = $1`, id); err != nil {
				return out, err
			}
			out.POs = append(out.POs, po)
		}
		return out, nil
	})
}
