package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"oms/db"
	dbcatalog "oms/db/catalog"
	"oms/db/dbtest"
	"oms/db/inbound"
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
		VALUES ('EDIT-1', 'Before', 'standard') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	office := as(t, owner, "backoffice")
	edit := func(version int, name string, reorder int) dbcatalog.ProductEdit {
		return dbcatalog.ProductEdit{ID: id, Version: version, Name: name, TaxCategory: "standard",
			ReorderPoint: reorder, Active: true}
	}
	v, err := office.UpdateProduct(ctx, edit(1, "First", 5))
	if err != nil || v != 2 {
		t.Fatalf("the first save: version %d, %v", v, err)
	}
	_, err = as(t, owner, "supervisor").UpdateProduct(ctx, edit(1, "Second", 9))
	if !errors.Is(err, dbcatalog.ErrChangedSinceOpened) {
		t.Fatalf("the second save from version 1: %v", err)
	}
	p, err := office.ProductDetail(ctx, id)
	if err != nil || p.Name != "First" || p.ReorderPoint != 5 || !p.Active || p.Version != 2 {
		t.Fatalf("after the refused save: %+v, %v", p, err)
	}
	if _, err := as(t, owner, "stock").UpdateProduct(ctx, edit(2, "Stock", 0)); err == nil {
		t.Fatal("stock control renamed a product")
	}
	missing := edit(1, "x", 0)
	missing.ID = -1
	if _, err := office.UpdateProduct(ctx, missing); !errors.Is(err, dbcatalog.ErrNoProduct) {
		t.Fatalf("a product that does not exist: %v", err)
	}
}

// Every field the form edits is stored as typed and read back on the page; the barcode list
// replaces the stored one (a kept code keeps its kind and quantity per scan); clearing the
// measures and codes stores them as not known.
func TestUpdateProductRoundTripsEveryField(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	var id int64
	if err := owner.Get(&id, `INSERT INTO products (sku, name, tax_category)
		VALUES ('EDIT-2', 'Before', 'standard') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(`INSERT INTO product_barcodes (barcode, product_id, kind, qty_per_scan)
		VALUES ('CASE-6', $1, 'internal', 6), ('OLD-1', $1, 'supplier', 1)`, id); err != nil {
		t.Fatal(err)
	}
	office := as(t, owner, "backoffice")
	e := dbcatalog.ProductEdit{ID: id, Version: 1, Name: "Enamel Mug, Teal", GTIN: "4006381333931",
		Barcodes: []string{"CASE-6", "036000291452", "SUP-77"}, WeightG: 340, LengthMM: 120, WidthMM: 90,
		HeightMM: 100, HSCode: "691200", Origin: "pt", TaxCategory: "Reduced", LotTracked: true,
		ExpiryTracked: true, ReorderPoint: 7, Active: false}
	v, err := office.UpdateProduct(ctx, e)
	if err != nil || v != 2 {
		t.Fatalf("saving every field: version %d, %v", v, err)
	}
	p, err := office.ProductDetail(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	deref := func(n *int) int {
		if n == nil {
			return 0
		}
		return *n
	}
	text := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	got := dbcatalog.ProductEdit{ID: p.ID, Version: p.Version, Name: p.Name, GTIN: text(p.GTIN),
		WeightG: deref(p.WeightG), LengthMM: deref(p.LengthMM), WidthMM: deref(p.WidthMM),
		HeightMM: deref(p.HeightMM), HSCode: text(p.HSCode), Origin: text(p.Origin), TaxCategory: p.TaxCategory,
		LotTracked: p.LotTracked, ExpiryTracked: p.ExpiryTracked, ReorderPoint: p.ReorderPoint, Active: p.Active}
	kinds := map[string]string{}
	for _, b := range p.Barcodes {
		got.Barcodes = append(got.Barcodes, b.Barcode)
		kinds[b.Barcode] = b.Kind
		if b.Barcode == "CASE-6" && (b.Kind != "internal" || b.QtyPerScan != 6) {
			t.Errorf("the kept code lost its kind or quantity: %+v", b)
		}
	}
	want := e
	want.Version, want.Origin, want.TaxCategory = 2, "PT", "reduced"
	want.Barcodes = []string{"CASE-6", "SUP-77", "036000291452"} // by kind, then code
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("stored\n%+v\nwant\n%+v", got, want)
	}
	if kinds["036000291452"] != "upc" || kinds["SUP-77"] != "supplier" {
		t.Errorf("new codes' kinds: %v", kinds)
	}
	cleared := dbcatalog.ProductEdit{ID: id, Version: 2, Name: "Enamel Mug", TaxCategory: "zero", LotTracked: true}
	if v, err := office.UpdateProduct(ctx, cleared); err != nil || v != 3 {
		t.Fatalf("clearing the measures: version %d, %v", v, err)
	}
	var nulls struct {
		Known    int `db:"known"`
		Barcodes int `db:"barcodes"`
	}
	if err := owner.Get(&nulls, `SELECT num_nonnulls(gtin, weight_g, length_mm, width_mm, height_mm, hs_code,
		country_of_origin) AS known, (SELECT count(*) FROM product_barcodes WHERE product_id = $1) AS barcodes
		FROM products WHERE id = $1`, id); err != nil || nulls.Known != 0 || nulls.Barcodes != 0 {
		t.Fatalf("after clearing: %+v, %v", nulls, err)
	}
}

// A value the import would refuse is refused by a save, naming its field, and nothing changes:
// a bad check digit, a measure of 0 or less, an HS code, a country, a tax category that does not
// exist, expiry without lots, a GTIN or barcode of another product, and ending lot tracking of a
// product with stock in lots (the database's sentence).
func TestUpdateProductRefusesWhatTheImportRefuses(t *testing.T) {
	owner := demo(t)
	office := as(t, owner, "backoffice")
	ctx := context.Background()
	var lotted struct {
		ID      int64  `db:"id"`
		SKU     string `db:"sku"`
		Version int    `db:"version"`
	}
	if err := owner.Get(&lotted, `SELECT p.id, p.sku, p.version FROM products p
		WHERE p.lot_tracked AND EXISTS (SELECT 1 FROM stock_balances b
		      WHERE b.product_id = p.id AND b.lot_id IS NOT NULL AND b.on_hand <> 0)
		ORDER BY p.sku LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	var other struct {
		GTIN    string `db:"gtin"`
		Barcode string `db:"barcode"`
	}
	if err := owner.Get(&other, `SELECT p.gtin, b.barcode FROM products p JOIN product_barcodes b ON b.product_id = p.id
		WHERE p.id <> $1 AND p.gtin IS NOT NULL ORDER BY p.sku LIMIT 1`, lotted.ID); err != nil {
		t.Fatal(err)
	}
	before, err := office.ProductDetail(ctx, lotted.ID)
	if err != nil {
		t.Fatal(err)
	}
	base := dbcatalog.ProductEdit{ID: lotted.ID, Version: lotted.Version, Name: "Renamed", TaxCategory: "standard",
		LotTracked: true, Active: true}
	for _, c := range []struct {
		column, says string
		change       func(e *dbcatalog.ProductEdit)
	}{
		{"gtin", "check digit", func(e *dbcatalog.ProductEdit) { e.GTIN = "4006381333932" }},
		{"weight_g", "above 0", func(e *dbcatalog.ProductEdit) { e.WeightG = -3 }},
		{"height_mm", "above 0", func(e *dbcatalog.ProductEdit) { e.HeightMM = -1 }},
		{"hs_code", "6 to 10 digits", func(e *dbcatalog.ProductEdit) { e.HSCode = "12345" }},
		{"country_of_origin", "ISO 3166", func(e *dbcatalog.ProductEdit) { e.Origin = "XX" }},
		{"tax_category", "does not exist", func(e *dbcatalog.ProductEdit) { e.TaxCategory = "luxury" }},
		{"expiry_tracked", "needs lot_tracked", func(e *dbcatalog.ProductEdit) { e.LotTracked, e.ExpiryTracked = false, true }},
		{"gtin", "already belongs to", func(e *dbcatalog.ProductEdit) { e.GTIN = other.GTIN }},
		{"barcodes", "already belongs to", func(e *dbcatalog.ProductEdit) { e.Barcodes = []string{"NEW-1", other.Barcode} }},
		{"barcodes", "listed twice", func(e *dbcatalog.ProductEdit) { e.Barcodes = []string{"NEW-1", "NEW-1"} }},
		{"lot_tracked", lotted.SKU + " has stock in lots", func(e *dbcatalog.ProductEdit) { e.LotTracked = false }},
	} {
		e := base
		c.change(&e)
		_, err := office.UpdateProduct(ctx, e)
		column, reason, ok := dbcatalog.RefusedField(err)
		if !ok || column != c.column || !strings.Contains(reason, c.says) {
			t.Errorf("%s: refused as %q %q (%v), want %s saying %q", c.column, column, reason, err, c.column, c.says)
		}
	}
	after, err := office.ProductDetail(ctx, lotted.ID)
	if err != nil || !reflect.DeepEqual(after, before) {
		t.Fatalf("a refused save changed the product:\n%+v\n%+v (%v)", before, after, err)
	}
}

// A product's page adds, per warehouse, what transfers to it have in transit (from the ledger)
// and what open purchase orders to it still expect, and flags a warehouse whose available stock
// is at or below its reorder point (its reorder rule's there, else the product's); then every real place holding or reserving it, by warehouse
// and pick path; then its movements, newest first, paged by keyset. The POs and transfers go
// through db/inbound as the back office's and a stock clerk's logins; the stock and the
// reservations are the owner's direct inserts.
//
// STK-1 (reorder point 10; RTM1's reorder rule says 40): RTM1 A-02 (pick 10) 12 and A-01 (pick 20) 30 with 4 reserved; BER-M
// A-01 8 with 1 reserved. TR-1 RTM1→BER-M ships 6 (from A-02, first on the path) and is not
// received; TR-2 BER-M→RTM1 ships 2 and is received in full. PO-1 to RTM1: 20 ordered, 5
// received; PO-2 to BER-M: 7 open; PO-3 to RTM1: 4, cancelled.
func TestProductDetailStockInboundBinsAndMovements(t *testing.T) {
	owner := dbtest.SmallBusiness(t)
	ctx := context.Background()
	for _, s := range []string{
		`INSERT INTO products (sku, name, tax_category, reorder_point) VALUES ('STK-1', 'Stock item', 'standard', 10)`,
		// RTM1's reorder rule raises its point to 40; BER-M keeps the product's 10.
		`INSERT INTO reorder_rules (warehouse_id, product_id, reorder_point, reorder_qty, lead_days)
		 SELECT w.id, p.id, 40, 20, 7 FROM warehouses w, products p WHERE w.code = 'RTM1' AND p.sku = 'STK-1'`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		 SELECT w.id, x.code, x.kind, x.seq FROM warehouses w,
		        (VALUES ('RTM1', 'A-01', 'bin', 20), ('RTM1', 'A-02', 'bin', 10), ('RTM1', 'RECEIVING', 'receiving', 0),
		                ('BER-M', 'RECEIVING', 'receiving', 0)) AS x(w, code, kind, seq) WHERE w.code = x.w`,
		`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		 SELECT p.id, s.id, b.id, x.qty, 'receipt' FROM products p, locations s, locations b JOIN warehouses w ON w.id = b.warehouse_id,
		        (VALUES ('RTM1', 'A-01', 30), ('RTM1', 'A-02', 12), ('BER-M', 'A-01', 8)) AS x(w, code, qty)
		  WHERE p.sku = 'STK-1' AND s.kind = 'supplier' AND w.code = x.w AND b.code = x.code ORDER BY x.qty`,
		`INSERT INTO customers (name, country, currency) VALUES ('Anna', 'NL', 'EUR')`,
		`INSERT INTO addresses (customer_id, name, line1, city, country) SELECT id, 'Anna', 'Coolsingel 40', 'Rotterdam', 'NL' FROM customers`,
		`INSERT INTO orders (number, channel_id, external_id, external_name, customer_id, customer_name, ship_to_address_id,
		                     currency, subtotal_minor, total_minor, ordered_at, promised_at)
		 SELECT 'SO-' || n, c.id, 'X-' || n, '#X-' || n, a.customer_id, 'Anna', a.id, 'EUR', 0, 0, now(), now() + interval '1 day'
		   FROM channels c, addresses a, generate_series(1, 2) n WHERE c.code = 'web-eu'`,
		`INSERT INTO order_lines (order_id, line_no, external_line_id, product_id, description, unit_price_minor, qty_ordered)
		 SELECT o.id, 1, '1', p.id, 'Stock item', 100, 5 FROM orders o, products p WHERE p.sku = 'STK-1'`,
		`WITH u AS (UPDATE order_lines l SET qty_allocated = CASE o.number WHEN 'SO-1' THEN 4 ELSE 1 END
		              FROM orders o WHERE o.id = l.order_id)
		 INSERT INTO reservations (order_line_id, location_id, product_id, qty)
		 SELECT l.id, b.id, l.product_id, CASE o.number WHEN 'SO-1' THEN 4 ELSE 1 END
		   FROM order_lines l JOIN orders o ON o.id = l.order_id, locations b JOIN warehouses w ON w.id = b.warehouse_id
		  WHERE b.code = 'A-01' AND w.code = CASE o.number WHEN 'SO-1' THEN 'RTM1' ELSE 'BER-M' END`,
	} {
		if _, err := owner.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	office := inbound.New(dbtest.LoginAs(t, owner, "backoffice"))
	login, url := dbtest.NewLogin(t, owner, dbtest.Staff{Name: "Stan Stock", Jobs: []string{"stock"}})
	stock := inbound.New(dbtest.Open(t, url))
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("adding the supplier", office.AddSupplier(ctx, "", inbound.Supplier{Code: "ACME", Name: "Acme", Country: "NL", Currency: "EUR"}))
	var pos []string
	for _, req := range []inbound.PORequest{
		{Supplier: "ACME", Warehouse: "RTM1", Lines: []inbound.POLineRequest{{SKU: "STK-1", Qty: 20}, {SKU: "MUG-1", Qty: 50}}},
		{Supplier: "ACME", Warehouse: "BER-M", Lines: []inbound.POLineRequest{{SKU: "STK-1", Qty: 7}}},
		{Supplier: "ACME", Warehouse: "RTM1", Lines: []inbound.POLineRequest{{SKU: "STK-1", Qty: 4}}},
	} {
		po, err := office.CreatePO(ctx, "", req)
		must("creating a PO", err)
		pos = append(pos, po.Number)
	}
	_, err := office.CancelPO(ctx, "", pos[2], "not needed")
	must("cancelling PO-3", err)
	tr1, err := stock.CreateTransfer(ctx, "", inbound.TransferRequest{From: "RTM1", To: "BER-M",
		Lines: []inbound.TransferLineRequest{{SKU: "STK-1", Qty: 6}}})
	must("creating TR-1", err)
	_, err = stock.Ship(ctx, "", tr1.Number, nil)
	must("shipping TR-1", err)
	tr2, err := stock.CreateTransfer(ctx, "", inbound.TransferRequest{From: "BER-M", To: "RTM1",
		Lines: []inbound.TransferLineRequest{{SKU: "STK-1", Qty: 2}}})
	must("creating TR-2", err)
	_, err = stock.Ship(ctx, "", tr2.Number, nil)
	must("shipping TR-2", err)
	_, err = stock.ReceiveTransfer(ctx, "", tr2.Number, nil)
	must("receiving TR-2", err)
	got, err := stock.Receive(ctx, "", inbound.Receipt{PO: pos[0], Scan: "STK-1", Qty: 5})
	must("receiving 5 on PO-1", err)
	if got.Status != "partially_received" || got.Open != 15 {
		t.Fatalf("PO-1 after receiving 5: %+v", got)
	}

	var id int64
	if err := owner.Get(&id, `SELECT id FROM products WHERE sku = 'STK-1'`); err != nil {
		t.Fatal(err)
	}
	for _, jobs := range [][]string{{"stock"}, {"backoffice"}, {"supervisor"}, {"admin"}} {
		p, err := as(t, owner, jobs...).ProductDetail(ctx, id)
		if err != nil {
			t.Fatalf("as %v: %v", jobs, err)
		}
		wantStock := []dbcatalog.WarehouseStock{
			{Code: "BER-M", Name: "Berlin store", OnHand: 6, Reserved: 1, InTransit: 6, OnOrder: 7, ReorderPoint: 10, Low: true},
			{Code: "RTM1", Name: "Rotterdam DC", OnHand: 43, Reserved: 4, InTransit: 0, OnOrder: 15, ReorderPoint: 40, Low: true},
		}
		if !reflect.DeepEqual(p.Stock, wantStock) {
			t.Errorf("as %v, stock per warehouse:\n%+v\nwant\n%+v", jobs, p.Stock, wantStock)
		}
		if p.Stock[0].Available() != 5 || p.Stock[1].Available() != 39 {
			t.Errorf("available: %d and %d, want 5 and 39", p.Stock[0].Available(), p.Stock[1].Available())
		}
		wantBins := []dbcatalog.BinStock{
			{Warehouse: "BER-M", Code: "A-01", Kind: "bin", OnHand: 6, Reserved: 1},
			{Warehouse: "RTM1", Code: "RECEIVING", Kind: "receiving", OnHand: 7},
			{Warehouse: "RTM1", Code: "A-02", Kind: "bin", OnHand: 6},
			{Warehouse: "RTM1", Code: "A-01", Kind: "bin", OnHand: 30, Reserved: 4},
		}
		if !reflect.DeepEqual(p.Bins, wantBins) {
			t.Errorf("as %v, bins:\n%+v\nwant\n%+v", jobs, p.Bins, wantBins)
		}
		if p.Bins[3].Available() != 26 {
			t.Errorf("RTM1 A-01 has %d available, want 26", p.Bins[3].Available())
		}
		type mv struct {
			Kind     string
			Qty      int64
			From, To string
			Actor    string
		}
		var ownerLogin string
		if err := owner.Get(&ownerLogin, `SELECT current_user`); err != nil {
			t.Fatal(err)
		}
		wantMoves := []mv{
			{"receipt", 5, "SUPPLIER", "RTM1 RECEIVING", login},
			{"transfer", 2, "TRANSIT", "RTM1 RECEIVING", login},
			{"transfer", 2, "BER-M A-01", "TRANSIT", login},
			{"transfer", 6, "RTM1 A-02", "TRANSIT", login},
			{"receipt", 30, "SUPPLIER", "RTM1 A-01", ownerLogin},
			{"receipt", 12, "SUPPLIER", "RTM1 A-02", ownerLogin},
			{"receipt", 8, "SUPPLIER", "BER-M A-01", ownerLogin},
		}
		var moves []mv
		for i, m := range p.Movements {
			moves = append(moves, mv{m.Kind, m.Qty, m.From, m.To, m.Actor})
			if i > 0 && m.At.After(p.Movements[i-1].At) {
				t.Errorf("movement %d is newer than the one before it", i)
			}
		}
		if !reflect.DeepEqual(moves, wantMoves) || p.MoreMovements {
			t.Errorf("as %v, movements (more %v):\n%+v\nwant\n%+v", jobs, p.MoreMovements, moves, wantMoves)
		}
		if n := p.Movements[2].Note; !strings.Contains(n, tr2.Number) {
			t.Errorf("TR-2's shipment says %q", n)
		}
	}

	// Paging on from the second movement, two at a time, gives the rest in the same order.
	s := as(t, owner, "stock")
	p, err := s.ProductDetail(ctx, id)
	must("reading the page", err)
	var paged []int64
	key := p.Movements[1].Key()
	for {
		page, more, err := s.ProductMovements(ctx, id, key, 2)
		must("paging movements", err)
		for _, m := range page {
			paged = append(paged, m.ID)
		}
		if !more {
			break
		}
		key = page[len(page)-1].Key()
	}
	var want []int64
	for _, m := range p.Movements[2:] {
		want = append(want, m.ID)
	}
	if !reflect.DeepEqual(paged, want) {
		t.Errorf("paged %v, want %v", paged, want)
	}

	// A retired product is low nowhere; a warehouse with nothing at all is listed with zeros
	// and is low (0 ≤ 10).
	if _, err := owner.Exec(`INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('AMS1', 'Amsterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`); err != nil {
		t.Fatal(err)
	}
	p, err = s.ProductDetail(ctx, id)
	must("reading the page", err)
	if len(p.Stock) != 3 || p.Stock[0].Code != "AMS1" || !p.Stock[0].Low || p.Stock[0].OnHand != 0 || p.Stock[0].OnOrder != 0 {
		t.Errorf("with an empty warehouse: %+v", p.Stock)
	}
	if _, err := owner.Exec(`UPDATE products SET active = false WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	p, err = s.ProductDetail(ctx, id)
	must("reading the page", err)
	for _, w := range p.Stock {
		if w.Low {
			t.Errorf("a retired product is low at %s", w.Code)
		}
	}
}
