package products

import (
	"strings"
	"testing"

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
			drv.Press(keymaps.ScopeList, "bottom") // the stock table's total is the last line
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
