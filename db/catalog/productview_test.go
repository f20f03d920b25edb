package catalog_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"oms/db"
	dbcatalog "oms/db/catalog"
	"oms/db/dbtest"
	"oms/db/seed"
)

// demo is a small copy of the demo business: products with GTINs, barcodes and stock.
func demo(t *testing.T) *db.DB {
	t.Helper()
	now := time.Date(2026, 11, 26, 14, 0, 0, 0, time.UTC)
	opts := seed.Options{Orders: 50, SKUs: 120, Warehouses: 3, Seed: 3, Now: now}
	return dbtest.Filled(t, "productview-demo", func(ctx context.Context, d *db.DB) error {
		_, err := seed.Run(ctx, d, opts, nil)
		return err
	})
}

// The list's search finds a product by SKU prefix, any part of its name in any case, its GTIN
// and one of its barcodes; a typed "_" or "%" is not a wildcard.
func TestProductPageSearches(t *testing.T) {
	owner := demo(t)
	s := as(t, owner, "stock")
	ctx := context.Background()
	var p struct {
		ID      int64  `db:"id"`
		SKU     string `db:"sku"`
		Name    string `db:"name"`
		GTIN    string `db:"gtin"`
		Barcode string `db:"barcode"`
	}
	if err := owner.Get(&p, `SELECT p.id, p.sku, p.name, p.gtin, b.barcode FROM products p
		JOIN product_barcodes b ON b.product_id = p.id WHERE p.gtin IS NOT NULL ORDER BY p.sku LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	find := func(search string) []dbcatalog.ProductRow {
		t.Helper()
		rows, err := s.ProductPage(ctx, dbcatalog.ProductPageRequest{Search: search, Limit: 500})
		if err != nil {
			t.Fatalf("searching %q: %v", search, err)
		}
		return rows
	}
	contains := func(rows []dbcatalog.ProductRow) bool {
		for _, r := range rows {
			if r.ID == p.ID {
				return true
			}
		}
		return false
	}
	for _, search := range []string{p.SKU[:len(p.SKU)-1], p.SKU, p.Name[2 : len(p.Name)-2], p.GTIN, p.Barcode} {
		if !contains(find(search)) {
			t.Errorf("searching %q does not find %s", search, p.SKU)
		}
	}
	if rows := find("%"); len(rows) != 0 {
		t.Errorf("%q is a wildcard: %d rows", "%", len(rows))
	}
	for _, code := range []string{p.GTIN, p.Barcode, p.SKU} {
		row, found, err := s.ProductByCode(ctx, code)
		if err != nil || !found || row.ID != p.ID {
			t.Errorf("the code %s names %+v (found %v, %v), want %s", code, row, found, err, p.SKU)
		}
	}
	if _, found, err := s.ProductByCode(ctx, p.Name); err != nil || found {
		t.Errorf("a name is not a code: found %v, %v", found, err)
	}
}

// Pages after and before a keyset cover the catalogue exactly once each way, and on hand is
// the stock of real locations.
func TestProductPagesByKeyset(t *testing.T) {
	owner := demo(t)
	s := as(t, owner, "backoffice")
	ctx := context.Background()
	var all []string
	if err := owner.Select(&all, `SELECT sku FROM products ORDER BY sku`); err != nil {
		t.Fatal(err)
	}
	var got []string
	req := dbcatalog.ProductPageRequest{Limit: 7}
	for {
		rows, err := s.ProductPage(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			got = append(got, r.SKU)
		}
		if len(rows) < req.Limit {
			break
		}
		req.After = rows[len(rows)-1].SKU
	}
	if len(got) != len(all) || got[0] != all[0] || got[len(got)-1] != all[len(all)-1] {
		t.Fatalf("paging forward gave %d products, want %d", len(got), len(all))
	}
	back, err := s.ProductPage(ctx, dbcatalog.ProductPageRequest{Before: all[10], Limit: 4})
	if err != nil || len(back) != 4 || back[0].SKU != all[6] || back[3].SKU != all[9] {
		t.Fatalf("the page before %s is %+v, %v", all[10], back, err)
	}
	var want int64
	if err := owner.Get(&want, `SELECT COALESCE(sum(on_hand), 0) FROM stock_balances
		WHERE product_id = (SELECT id FROM products WHERE sku = $1) AND NOT location_virtual`, all[0]); err != nil {
		t.Fatal(err)
	}
	first, err := s.ProductPage(ctx, dbcatalog.ProductPageRequest{From: all[0], Limit: 1})
	if err != nil || len(first) != 1 || first[0].OnHand != want {
		t.Fatalf("on hand of %s: %+v, %v; want %d", all[0], first, err, want)
	}
}

// A product's page holds its fields, every barcode and its stock per warehouse, which adds up
// to its on hand in the list.
func TestProductDetail(t *testing.T) {
	owner := demo(t)
	s := as(t, owner, "stock")
	ctx := context.Background()
	var id int64
	if err := owner.Get(&id, `SELECT p.id FROM products p JOIN product_barcodes b ON b.product_id = p.id
		ORDER BY p.sku LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	p, err := s.ProductDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var barcodes int
	if err := owner.Get(&barcodes, `SELECT count(*) FROM product_barcodes WHERE product_id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if p.ID != id || p.TaxCategory == "" || p.Version < 1 || len(p.Barcodes) != barcodes || barcodes == 0 {
		t.Fatalf("the page of %d: %+v (%d barcodes stored)", id, p, barcodes)
	}
	var warehouses int
	if err := owner.Get(&warehouses, `SELECT count(*) FROM warehouses WHERE active`); err != nil {
		t.Fatal(err)
	}
	if len(p.Stock) != warehouses {
		t.Errorf("%d warehouses listed, want all %d active ones", len(p.Stock), warehouses)
	}
	var sum int64
	for _, w := range p.Stock {
		sum += w.OnHand
		if w.Available() != w.OnHand-w.Reserved || w.Reserved < 0 {
			t.Errorf("%s: %+v", w.Code, w)
		}
	}
	row, err := s.ProductPage(ctx, dbcatalog.ProductPageRequest{From: p.SKU, Limit: 1})
	if err != nil || len(row) != 1 || row[0].OnHand != sum {
		t.Errorf("on hand per warehouse adds up to %d, the list says %+v (%v)", sum, row, err)
	}
	if _, err := s.ProductDetail(ctx, -1); !errors.Is(err, dbcatalog.ErrNoProduct) {
		t.Errorf("a product that does not exist: %v", err)
	}
}

// A save names the version it was typed against: the first of two saves from the same version
// wins, the second is told and changes nothing. Stock control may not rename products.
func TestUpdateProductIsOptimistic(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	var id int64
	if err := owner.Get(&id, `INSERT INTO products (sku, name, tax_category)
		VALUES ('EDIT-1', 'Before', (SELECT code FROM tax_categories ORDER BY code LIMIT 1)) RETURNING id`); err != nil {
		t.Fatal(err)
	}
	office := as(t, owner, "backoffice")
	v, err := office.UpdateProduct(ctx, dbcatalog.ProductEdit{ID: id, Version: 1, Name: "First", ReorderPoint: 5, Active: true})
	if err != nil || v != 2 {
		t.Fatalf("the first save: version %d, %v", v, err)
	}
	_, err = as(t, owner, "supervisor").UpdateProduct(ctx, dbcatalog.ProductEdit{ID: id, Version: 1, Name: "Second", ReorderPoint: 9})
	if !errors.Is(err, dbcatalog.ErrChangedSinceOpened) {
		t.Fatalf("the second save from version 1: %v", err)
	}
	p, err := office.ProductDetail(ctx, id)
	if err != nil || p.Name != "First" || p.ReorderPoint != 5 || !p.Active || p.Version != 2 {
		t.Fatalf("after the refused save: %+v, %v", p, err)
	}
	if _, err := as(t, owner, "stock").UpdateProduct(ctx, dbcatalog.ProductEdit{ID: id, Version: 2, Name: "Stock", Active: true}); err == nil {
		t.Fatal("stock control renamed a product")
	}
	if _, err := office.UpdateProduct(ctx, dbcatalog.ProductEdit{ID: -1, Version: 1, Name: "x"}); !errors.Is(err, dbcatalog.ErrNoProduct) {
		t.Fatalf("a product that does not exist: %v", err)
	}
}
