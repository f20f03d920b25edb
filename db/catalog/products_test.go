package catalog_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"oms/catalog"
	"oms/db"
	dbcatalog "oms/db/catalog"
	"oms/db/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// as is the catalog store of a fresh staff member holding jobs, connected as themselves.
func as(t *testing.T, owner *db.DB, jobs ...string) *dbcatalog.Store {
	t.Helper()
	return dbcatalog.New(dbtest.LoginAs(t, owner, jobs...))
}

func readProducts(t *testing.T, data string) []catalog.Product {
	t.Helper()
	rows, rej, err := catalog.ReadProducts("p.csv", []byte(data))
	if err != nil || len(rej) > 0 {
		t.Fatalf("reading the products file: %v %v", err, rej)
	}
	return rows
}

func wantResult(t *testing.T, what string, got dbcatalog.Result, err error, n, u, same int, rejected ...string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	var rej []string
	for _, r := range got.Rejected {
		rej = append(rej, r.String())
	}
	if got.New != n || got.Updated != u || got.Unchanged != same || !reflect.DeepEqual(rej, rejected) {
		t.Fatalf("%s: %d new, %d updated, %d unchanged, rejected %q; want %d, %d, %d, %q",
			what, got.New, got.Updated, got.Unchanged, rej, n, u, same, rejected)
	}
}

const products = `sku,name,gtin,barcodes,weight_g,length_mm,width_mm,height_mm,hs_code,country_of_origin,tax_category,lot_tracked,expiry_tracked,reorder_point,active
MUG-1,Mug,8712345678906,SUP-MUG-1;12345670,350,90,90,100,691200,NL,standard,false,false,5,true
TEA-1,"Tea, green",,,50,,,,,,reduced,true,true,0,true
`

// TestImportProductsAsBackOffice: the back office adds products with their barcodes; a replay
// changes nothing; an edited file updates only what changed, barcodes included; active=false
// retires a product without deleting it.
func TestImportProductsAsBackOffice(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := as(t, owner, "backoffice")

	res, err := s.ImportProducts(ctx, "p.csv", readProducts(t, products))
	wantResult(t, "first import", res, err, 2, 0, 0)
	var kind string
	if err := owner.Get(&kind, `SELECT b.kind FROM product_barcodes b JOIN products p ON p.id = b.product_id
		WHERE p.sku = 'MUG-1' AND b.barcode = '12345670'`); err != nil || kind != "gtin" {
		t.Fatalf("barcode 12345670: kind %q, %v", kind, err)
	}

	res, err = s.ImportProducts(ctx, "p.csv", readProducts(t, products))
	wantResult(t, "replay", res, err, 0, 0, 2)

	edited := strings.Replace(products, "SUP-MUG-1;12345670", "SUP-MUG-2", 1)
	edited = strings.Replace(edited, "TEA-1,\"Tea, green\"", "TEA-1,Green tea", 1)
	edited += "PLATE-1,Plate,,,,,,,,,zero,,,,false\n"
	res, err = s.ImportProducts(ctx, "p.csv", readProducts(t, edited))
	wantResult(t, "edited", res, err, 1, 2, 0)
	var codes []string
	if err := owner.Select(&codes, `SELECT b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id
		WHERE p.sku = 'MUG-1' ORDER BY 1`); err != nil || !reflect.DeepEqual(codes, []string{"SUP-MUG-2"}) {
		t.Fatalf("MUG-1's barcodes %v, %v", codes, err)
	}
	var version int
	if err := owner.Get(&version, `SELECT version FROM products WHERE sku = 'TEA-1'`); err != nil || version != 2 {
		t.Fatalf("TEA-1 version %d, %v: an update counts a version", version, err)
	}

	retired := strings.Replace(edited, "MUG-1,Mug,8712345678906,SUP-MUG-2,350,90,90,100,691200,NL,standard,false,false,5,true",
		"MUG-1,Mug,8712345678906,SUP-MUG-2,350,90,90,100,691200,NL,standard,false,false,5,false", 1)
	res, err = s.ImportProducts(ctx, "p.csv", readProducts(t, retired))
	wantResult(t, "retire", res, err, 0, 1, 2)
	var active bool
	if err := owner.Get(&active, `SELECT active FROM products WHERE sku = 'MUG-1'`); err != nil || active {
		t.Fatalf("MUG-1 active %v, %v", active, err)
	}
}

// TestImportProductsRejectsWhatTheDatabaseKnowsBetter: an unknown tax category, a GTIN or barcode
// of another product, and a change the schema refuses are each one rejected row with a
// sentence; the other rows are imported.
func TestImportProductsRejectsWhatTheDatabaseKnowsBetter(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := as(t, owner, "backoffice")
	res, err := s.ImportProducts(ctx, "p.csv", readProducts(t, products))
	wantResult(t, "first import", res, err, 2, 0, 0)

	// TEA-1 has stock in a lot: it cannot stop tracking lots.
	mustExec(t, owner, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`)
	mustExec(t, owner, `INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'A-01-01', 'bin' FROM warehouses`)
	mustExec(t, owner, `INSERT INTO lots (product_id, lot_code) SELECT id, 'L1' FROM products WHERE sku = 'TEA-1'`)
	mustExec(t, owner, `INSERT INTO stock_movements (product_id, lot_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, l.id, (SELECT id FROM locations WHERE code = 'SUPPLIER'), (SELECT id FROM locations WHERE code = 'A-01-01'), 4, 'receipt'
		  FROM products p JOIN lots l ON l.product_id = p.id WHERE p.sku = 'TEA-1'`)

	file := `sku,name,gtin,barcodes,tax_category,lot_tracked
NEW-1,New,,,luxury,
NEW-2,New,12345670,,standard,
NEW-3,New,,SUP-MUG-1,standard,
NEW-4,New,,8712345678906,standard,
TEA-1,"Tea, green",,,reduced,false
NEW-5,Fine,8712345678920,,standard,
`
	rows, rej, err := catalog.ReadProducts("p.csv", []byte(file))
	if err != nil || len(rej) > 0 {
		t.Fatal(err, rej)
	}
	res, err = s.ImportProducts(ctx, "p.csv", rows)
	wantResult(t, "bad rows", res, err, 1, 0, 0,
		"p.csv:2: tax category luxury does not exist: the categories are exempt, reduced, standard, zero",
		"p.csv:3: gtin 12345670 already belongs to MUG-1",
		"p.csv:4: barcode SUP-MUG-1 already belongs to MUG-1",
		"p.csv:5: barcode 8712345678906 already belongs to MUG-1",
		"p.csv:6: TEA-1 has stock in lots: move it out before ending lot tracking")
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM products WHERE sku LIKE 'NEW-%'`); err != nil || n != 1 {
		t.Fatalf("%d NEW products, %v; want only NEW-5", n, err)
	}
}

// TestImportProductsIsTheBackOfficesWork: a picker may not load the catalogue; the import fails
// as a whole, not row by row.
func TestImportProductsIsTheBackOfficesWork(t *testing.T) {
	owner := dbtest.New(t)
	_, err := as(t, owner, "picker").ImportProducts(context.Background(), "p.csv", readProducts(t, products))
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("a picker imports products: %v", err)
	}
}

// TestProductsExportThenImportIsIdentity: exporting and importing the export changes nothing,
// and a second export is byte for byte the first.
func TestProductsExportThenImportIsIdentity(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := as(t, owner, "backoffice")
	res, err := s.ImportProducts(ctx, "p.csv", readProducts(t, products+"PLATE-1,\"Plate, \"\"flat\"\"\",,,,,,,,,zero,,,,false\n"))
	wantResult(t, "import", res, err, 3, 0, 0)
	first := exportProducts(t, s)
	res, err = s.ImportProducts(ctx, "export.csv", readProducts(t, first))
	wantResult(t, "import of the export", res, err, 0, 0, 3)
	if again := exportProducts(t, s); again != first {
		t.Fatalf("export changed:\n%s\n%s", first, again)
	}
}

func exportProducts(t *testing.T, s *dbcatalog.Store) string {
	t.Helper()
	rows, err := s.Products(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := catalog.WriteProducts(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func mustExec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// TestImportProductsLeavesAbsentColumnsAlone: a file of only SKUs, names, tax categories and
// reorder points changes those, and keeps the GTIN, barcodes, measures and flags as stored; a
// new product in it gets the defaults.
func TestImportProductsLeavesAbsentColumnsAlone(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := as(t, owner, "backoffice")
	res, err := s.ImportProducts(ctx, "p.csv", readProducts(t, products))
	wantResult(t, "first import", res, err, 2, 0, 0)
	before := exportProducts(t, s)

	res, err = s.ImportProducts(ctx, "r.csv", readProducts(t,
		"reorder_point,tax_category,name,sku\n5,standard,Mug,MUG-1\n9,reduced,\"Tea, green\",TEA-1\n0,standard,Cup,CUP-1\n"))
	wantResult(t, "reorder points", res, err, 1, 1, 1)
	want := strings.Replace(before, "reduced,true,true,0,true", "reduced,true,true,9,true", 1)
	want = strings.Replace(want, "\nMUG-1,", "\nCUP-1,Cup,,,,,,,,,standard,false,false,0,true\nMUG-1,", 1)
	if got := exportProducts(t, s); got != want {
		t.Fatalf("after a file of reorder points:\n%s\nwant\n%s", got, want)
	}
}
