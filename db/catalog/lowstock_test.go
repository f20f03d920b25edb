package catalog_test

import (
	"context"
	"strings"
	"testing"

	dbcatalog "oms/db/catalog"
	"oms/db/dbtest"
)

// The products list can show only what is low: a product is low where it is stocked (or has a
// reorder rule) and what is available there is at or below the reorder point; a warehouse that
// never carried it does not make it low, and a retired product is low nowhere.
//
// All with reorder point 5 at RTM1's A-01: LOW-1 3 available (low), OK-1 10 (not), RES-1 10 on
// hand with 6 reserved (4 available: low), NEVER-1 never stocked (not), RULE-1 never stocked
// but BER-M's rule says 2 (0 ≤ 2: low), OLD-1 retired with 1 (not).
func TestTheProductsListShowsWhatIsLow(t *testing.T) {
	owner := dbtest.SmallBusiness(t)
	ctx := context.Background()
	for _, s := range []string{
		`INSERT INTO products (sku, name, tax_category, reorder_point, active) VALUES
		   ('LOW-1', 'Low', 'standard', 5, true), ('OK-1', 'Fine', 'standard', 5, true), ('RES-1', 'Reserved', 'standard', 5, true),
		   ('NEVER-1', 'Never stocked', 'standard', 5, true), ('RULE-1', 'Ruled', 'standard', 5, true), ('OLD-1', 'Retired', 'standard', 5, false)`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 1 FROM warehouses WHERE code = 'RTM1'
		 ON CONFLICT DO NOTHING`,
		`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		 SELECT p.id, s.id, b.id, x.qty, 'receipt' FROM products p, locations s, locations b JOIN warehouses w ON w.id = b.warehouse_id,
		        (VALUES ('LOW-1', 3), ('OK-1', 10), ('RES-1', 10), ('OLD-1', 1)) AS x(sku, qty)
		  WHERE p.sku = x.sku AND s.kind = 'supplier' AND w.code = 'RTM1' AND b.code = 'A-01'`,
		`UPDATE stock_balances SET reserved = 6 WHERE product_id = (SELECT id FROM products WHERE sku = 'RES-1')`,
		`INSERT INTO reorder_rules (warehouse_id, product_id, reorder_point, reorder_qty, lead_days)
		 SELECT w.id, p.id, 2, 10, 7 FROM warehouses w, products p WHERE w.code = 'BER-M' AND p.sku = 'RULE-1'`,
	} {
		if _, err := owner.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	s := as(t, owner, "stock")
	low, err := s.ProductPage(ctx, dbcatalog.ProductPageRequest{Low: true, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]bool{"LOW-1": true, "OK-1": true, "RES-1": true, "NEVER-1": true, "RULE-1": true, "OLD-1": true}
	var skus []string
	for _, r := range low {
		if !r.Low {
			t.Errorf("%s is listed as low but not marked", r.SKU)
		}
		if mine[r.SKU] {
			skus = append(skus, r.SKU)
		}
	}
	if got := strings.Join(skus, " "); got != "LOW-1 RES-1 RULE-1" {
		t.Errorf("low only: %s, want LOW-1 RES-1 RULE-1", got)
	}
	all, err := s.ProductPage(ctx, dbcatalog.ProductPageRequest{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if want := r.SKU == "LOW-1" || r.SKU == "RES-1" || r.SKU == "RULE-1"; mine[r.SKU] && r.Low != want {
			t.Errorf("%s marked low %v in the whole list", r.SKU, r.Low)
		}
	}
}
