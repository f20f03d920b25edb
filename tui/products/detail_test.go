package products

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"oms/db"
	"oms/db/catalog"
	"oms/keymaps"
	"oms/tui/tuitest"
	"oms/tui/ui"
)

// withBarcodes is the first product (by SKU) of the demo that has extra barcodes.
func withBarcodes(t *testing.T) (sku string, id int64) {
	t.Helper()
	var p struct {
		ID  int64  `db:"id"`
		SKU string `db:"sku"`
	}
	if err := tuitest.DemoDB(t).Get(&p, `SELECT p.id, p.sku FROM products p
		WHERE EXISTS (SELECT 1 FROM product_barcodes b WHERE b.product_id = p.id) ORDER BY p.sku LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	return p.SKU, p.ID
}

func TestProductDetailGolden(t *testing.T) {
	d := tuitest.DemoDB(t)
	sku, id := withBarcodes(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"40x16", 40, 16}, {"20x16", 20, 16}} {
		c := tuitest.NewContext()
		s := DetailDef(catalog.New(d)).Build(c, Ref{ID: id, SKU: sku})
		drv := tuitest.New(t, s, *c.Keys, size.w, size.h)
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "product-detail-"+size.name, frame)
		if size.h == 16 {
			drv.Press(keymaps.ScopeList, "bottom") // the oldest movement is the last line
			tuitest.Exactly(t, drv.Frame(), size.w, size.h)
			tuitest.Golden(t, "product-detail-bottom-"+size.name, drv.Frame())
		}
	}
}

// Enter on a row opens that product's page, whose stock per warehouse adds up to the on hand
// the list showed.
func TestOpenedProductShowsItsStockPerWarehouse(t *testing.T) {
	d := tuitest.DemoDB(t)
	s, drv, opened := list(t, d, 80, 24)
	drv.Press(keymaps.ScopeList, "down")
	row := s.rows[s.cursor]
	drv.Press(keymaps.ScopeList, "open")
	if len(*opened) != 1 || (*opened)[0].Arg.(Ref).ID != row.ID {
		t.Fatalf("enter on %s opened %+v", row.SKU, *opened)
	}
	c := tuitest.NewContext()
	page := DetailDef(catalog.New(d)).Build(c, (*opened)[0].Arg).(*Detail)
	pd := tuitest.New(t, page, *c.Keys, 80, 24)
	var sum int64
	for _, w := range page.p.Stock {
		sum += w.OnHand
	}
	if page.Title() != row.SKU || sum != row.OnHand || len(page.p.Stock) == 0 {
		t.Fatalf("%s's page: %d warehouses holding %d, the list showed %d", row.SKU, len(page.p.Stock), sum, row.OnHand)
	}
	if !strings.Contains(pd.Frame(), "Available") || !strings.Contains(pd.Frame(), row.Name) {
		t.Fatalf("the page lacks the stock table or the name:\n%s", pd.Frame())
	}
}

func TestProductThatDoesNotExistSaysSo(t *testing.T) {
	c := tuitest.NewContext()
	s := DetailDef(catalog.New(tuitest.DemoDB(t))).Build(c, Ref{ID: -1, SKU: "GONE-1"})
	drv := tuitest.New(t, s, *c.Keys, 40, 16)
	if !strings.Contains(drv.Frame(), "GONE-1: no such product") {
		t.Fatalf("frame:\n%s", drv.Frame())
	}
	_ = ui.Open{}
}

// inbound is a copy of the demo where the first product (by SKU) holding reserved stock in one
// warehouse and free stock in another also has: a purchase order of 24 to the warehouse with
// the reservation, open; a transfer of 3 from the other warehouse's first bin to it, shipped two
// hours before tuitest.Now (backdated) and not received; and a reorder point one above what the
// reserving warehouse has available, so it is low there.
func inbound(t *testing.T) (d *db.DB, sku string, id int64) {
	t.Helper()
	d = tuitest.DemoDB(t)
	var p struct {
		ID   int64  `db:"id"`
		SKU  string `db:"sku"`
		To   int64  `db:"to_wh"`
		From int64  `db:"from_wh"`
		Bin  int64  `db:"bin"`
		Av   int64  `db:"available"`
	}
	if err := d.Get(&p, `
		WITH per AS (SELECT b.product_id, l.warehouse_id, sum(b.on_hand) AS on_hand, sum(b.reserved) AS reserved
		               FROM stock_balances b JOIN locations l ON l.id = b.location_id
		              WHERE NOT b.location_virtual GROUP BY 1, 2)
		SELECT pr.id, pr.sku, r.warehouse_id AS to_wh, f.warehouse_id AS from_wh, r.on_hand - r.reserved AS available,
		       (SELECT b.location_id FROM stock_balances b JOIN locations l ON l.id = b.location_id
		         WHERE b.product_id = pr.id AND l.warehouse_id = f.warehouse_id AND l.kind = 'bin' AND b.on_hand - b.reserved >= 3
		         ORDER BY l.pick_seq, l.id LIMIT 1) AS bin
		  FROM products pr JOIN per r ON r.product_id = pr.id AND r.reserved > 0
		  JOIN per f ON f.product_id = pr.id AND f.warehouse_id <> r.warehouse_id AND f.on_hand - f.reserved >= 3
		 WHERE NOT pr.lot_tracked AND EXISTS (SELECT 1 FROM stock_balances b JOIN locations l ON l.id = b.location_id
		         WHERE b.product_id = pr.id AND l.warehouse_id = f.warehouse_id AND l.kind = 'bin' AND b.on_hand - b.reserved >= 3)
		 ORDER BY pr.sku, r.warehouse_id, f.warehouse_id LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	shipped := tuitest.Now.Add(-2 * time.Hour)
	err := d.InTx(context.Background(), func(tx *sqlx.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`SET LOCAL oms.backdate = 'on'`, nil},
			{`UPDATE products SET reorder_point = $2 WHERE id = $1`, []any{p.ID, p.Av + 1}},
			{`INSERT INTO suppliers (code, name, country, currency) VALUES ('ACME', 'Acme', 'NL', 'EUR') ON CONFLICT DO NOTHING`, nil},
			{`INSERT INTO purchase_orders (number, supplier_id, warehouse_id, currency)
			  SELECT 'PO-900001', id, $1, 'EUR' FROM suppliers WHERE code = 'ACME'`, []any{p.To}},
			{`INSERT INTO purchase_order_lines (po_id, line_no, product_id, qty_ordered)
			  SELECT id, 1, $1, 24 FROM purchase_orders WHERE number = 'PO-900001'`, []any{p.ID}},
			{`INSERT INTO transfers (number, from_warehouse_id, to_warehouse_id, shipped_at) VALUES ('TR-900001', $1, $2, $3)`,
				[]any{p.From, p.To, shipped}},
			{`INSERT INTO transfer_lines (transfer_id, line_no, product_id, qty)
			  SELECT id, 1, $1, 3 FROM transfers WHERE number = 'TR-900001'`, []any{p.ID}},
			{`INSERT INTO stock_movements (at, actor, product_id, from_location_id, to_location_id, qty, kind, transfer_line_id, note)
			  SELECT $3, 'stan', $1, $2, t.id, 3, 'transfer', l.id, 'TR-900001 shipped'
			    FROM locations t, transfer_lines l JOIN transfers x ON x.id = l.transfer_id
			   WHERE t.kind = 'transit' AND x.number = 'TR-900001'`, []any{p.ID, p.Bin, shipped}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return fmt.Errorf("%s: %w", q.sql, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d, p.SKU, p.ID
}

// A product with stock on its way: the warehouse table's In transit and On order columns, the
// low mark (a word, not colour alone), the bins with their reservations and the movements, the
// newest (the transfer's shipment) first; at 80×24 scrolled to the bins and movements, and at
// the handheld sizes.
func TestProductDetailInboundGolden(t *testing.T) {
	d, sku, id := inbound(t)
	for _, size := range []struct {
		name string
		w, h int
		down int // lines scrolled to the stock table
	}{{"80x24", 80, 24, 15}, {"40x16", 40, 16, 15}, {"20x16", 20, 16, 17}} {
		c := tuitest.NewContext()
		s := DetailDef(catalog.New(d)).Build(c, Ref{ID: id, SKU: sku}).(*Detail)
		drv := tuitest.New(t, s, *c.Keys, size.w, size.h)
		for range size.down {
			drv.Press(keymaps.ScopeList, "down")
		}
		frame := drv.Frame()
		tuitest.Exactly(t, frame, size.w, size.h)
		tuitest.Golden(t, "product-inbound-"+size.name, frame)
		if !strings.Contains(frame, "low") {
			t.Errorf("%s: no low mark:\n%s", size.name, frame)
		}
		var low, transit, onOrder int
		for _, w := range s.p.Stock {
			if w.Low {
				low++
			}
			transit += int(w.InTransit)
			onOrder += int(w.OnOrder)
		}
		if low == 0 || transit != 3 || onOrder != 24 || len(s.p.Bins) == 0 || s.p.Movements[0].Note != "TR-900001 shipped" {
			t.Fatalf("%s: %d low, %d in transit, %d on order, %d bins, newest movement %+v", size.name, low, transit, onOrder,
				len(s.p.Bins), s.p.Movements[0])
		}
		if size.h == 24 {
			drv.Press(keymaps.ScopeList, "pageDown")
			tuitest.Exactly(t, drv.Frame(), size.w, size.h)
			tuitest.Golden(t, "product-inbound-movements-"+size.name, drv.Frame())
		}
	}
}

// Scrolled to the bottom, the page loads older movements by keyset, a page at a time, newest
// first throughout, until there are no more.
func TestProductDetailLoadsOlderMovementsAtTheBottom(t *testing.T) {
	d := tuitest.DemoDB(t)
	var p struct {
		ID    int64  `db:"product_id"`
		SKU   string `db:"sku"`
		Count int    `db:"n"`
	}
	if err := d.Get(&p, `SELECT m.product_id, p.sku, count(*) AS n FROM stock_movements m JOIN products p ON p.id = m.product_id
		GROUP BY 1, 2 HAVING count(*) > $1 ORDER BY count(*), p.sku LIMIT 1`, catalog.DetailMovements); err != nil {
		t.Fatal(err)
	}
	c := tuitest.NewContext()
	s := DetailDef(catalog.New(d)).Build(c, Ref{ID: p.ID, SKU: p.SKU}).(*Detail)
	drv := tuitest.New(t, s, *c.Keys, 80, 24)
	if len(s.p.Movements) != catalog.DetailMovements || !s.p.MoreMovements {
		t.Fatalf("%s has %d movements; the page shows %d (more: %v)", p.SKU, p.Count, len(s.p.Movements), s.p.MoreMovements)
	}
	for range p.Count {
		if !s.p.MoreMovements {
			break
		}
		drv.Press(keymaps.ScopeList, "bottom")
	}
	if len(s.p.Movements) != p.Count || s.p.MoreMovements || s.loadingOlder {
		t.Fatalf("after scrolling to the bottom: %d of %d movements (more: %v)", len(s.p.Movements), p.Count, s.p.MoreMovements)
	}
	seen := map[int64]bool{}
	for i, m := range s.p.Movements {
		if seen[m.ID] || (i > 0 && m.At.After(s.p.Movements[i-1].At)) {
			t.Fatalf("movement %d (%d) is repeated or out of order", i, m.ID)
		}
		seen[m.ID] = true
	}
	tuitest.Exactly(t, drv.Frame(), 80, 24)
}
