package catalog_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"oms/catalog"
	"oms/db"
	"oms/db/dbtest"
)

const locations = `warehouse,code,kind,zone,aisle,pick_seq,active
RTM1,A-01-01,bin,A,01,10,true
RTM1,A-01-02,bin,A,01,20,true
RTM1,DOCK-1,receiving,,,0,true
`

func readLocations(t *testing.T, data string) []catalog.Location {
	t.Helper()
	rows, rej, err := catalog.ReadLocations("l.csv", []byte(data))
	if err != nil || len(rej) > 0 {
		t.Fatalf("reading the locations file: %v %v", err, rej)
	}
	return rows
}

func withRotterdam(t *testing.T, owner *db.DB) {
	t.Helper()
	mustExec(t, owner, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('RTM1', 'Rotterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`)
}

// TestImportLocationsAsStockControl: stock control adds bins; a replay changes nothing; an edit
// updates; an unknown warehouse is a sentence; a bin holding stock is not deactivated and the
// refusal names the quantity, while an empty one is; the export imports back as itself.
func TestImportLocationsAsStockControl(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	ctx := context.Background()
	s := as(t, owner, "stock")
	res, err := s.ImportLocations(ctx, "l.csv", readLocations(t, locations))
	wantResult(t, "first import", res, err, 3, 0, 0)
	res, err = s.ImportLocations(ctx, "l.csv", readLocations(t, locations))
	wantResult(t, "replay", res, err, 0, 0, 3)

	// 12 units of 3 products in A-01-01.
	mustExec(t, owner, `INSERT INTO products (sku, name, tax_category) VALUES ('P1', 'One', 'standard'),
		('P2', 'Two', 'standard'), ('P3', 'Three', 'standard')`)
	mustExec(t, owner, `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, (SELECT id FROM locations WHERE code = 'SUPPLIER'), (SELECT id FROM locations WHERE code = 'A-01-01'), q, 'receipt'
		  FROM products p JOIN (VALUES ('P1', 2), ('P2', 4), ('P3', 6)) v(sku, q) ON v.sku = p.sku`)

	edited := strings.NewReplacer("RTM1,A-01-01,bin,A,01,10,true", "RTM1,A-01-01,bin,A,01,10,false",
		"RTM1,A-01-02,bin,A,01,20,true", "RTM1,A-01-02,bin,A,02,20,false").Replace(locations) +
		"AMS1,A-01-01,bin,,,,\n"
	res, err = s.ImportLocations(ctx, "l.csv", readLocations(t, edited))
	wantResult(t, "edited", res, err, 0, 1, 1,
		"l.csv:2: bin A-01-01 at RTM1 holds 12 units of 3 products: move the stock out before deactivating it",
		"l.csv:5: warehouse AMS1 does not exist: import it first (oms catalog import warehouses)")
	var active []bool
	if err := owner.Select(&active, `SELECT active FROM locations WHERE code IN ('A-01-01', 'A-01-02') ORDER BY code`); err != nil ||
		len(active) != 2 || !active[0] || active[1] {
		t.Fatalf("active %v, %v: want A-01-01 still active, A-01-02 not", active, err)
	}

	rows, err := s.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := catalog.WriteLocations(&buf, rows); err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportLocations(ctx, "export.csv", readLocations(t, buf.String()))
	wantResult(t, "import of the export", res, err, 0, 0, 3)
	if strings.Contains(buf.String(), "SUPPLIER") {
		t.Errorf("the export holds virtual locations:\n%s", buf.String())
	}
}

// TestDeactivatingABinWithStockIsRefusedToEveryone: the rule is the database's, so a client
// that bypasses oms meets it too; one unit of one product is said in the singular.
func TestDeactivatingABinWithStockIsRefusedToEveryone(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	mustExec(t, owner, `INSERT INTO locations (warehouse_id, code, kind) SELECT id, 'A-01-01', 'bin' FROM warehouses`)
	mustExec(t, owner, `INSERT INTO products (sku, name, tax_category) VALUES ('P1', 'One', 'standard')`)
	mustExec(t, owner, `INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, (SELECT id FROM locations WHERE code = 'SUPPLIER'), (SELECT id FROM locations WHERE code = 'A-01-01'), 1, 'receipt'
		  FROM products p`)
	_, err := owner.Exec(`UPDATE locations SET active = false WHERE code = 'A-01-01'`)
	if err == nil || db.MapError(err).Error() != "bin A-01-01 at RTM1 holds 1 unit of 1 product: move the stock out before deactivating it" {
		t.Fatalf("deactivating a bin with stock: %v", db.MapError(err))
	}
}

// TestImportLocationsIsStockControlsWork: the back office may not add bins.
func TestImportLocationsIsStockControlsWork(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	_, err := as(t, owner, "backoffice").ImportLocations(context.Background(), "l.csv", readLocations(t, locations))
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("the back office imports locations: %v", err)
	}
}

// TestImportLocationBarcodes: stock control labels bins with barcodes; a replay changes nothing;
// a barcode another location has is refused naming that location, in this warehouse or
// another; a bin may change or drop its barcode; a file without the column leaves it; the
// export imports back as itself; a client that bypasses oms meets the same rule.
func TestImportLocationBarcodes(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	mustExec(t, owner, `INSERT INTO warehouses (code, name, kind, country, time_zone, currency)
		VALUES ('AMS1', 'Amsterdam DC', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`)
	ctx := context.Background()
	s := as(t, owner, "stock")
	const labelled = "warehouse,code,barcode\nRTM1,A-01-01,L-0101\nRTM1,A-01-02,L-0102\nAMS1,A-01-01,AMS L-0101\nRTM1,DOCK-1,\n"
	res, err := s.ImportLocations(ctx, "l.csv", readLocations(t, labelled))
	wantResult(t, "first import", res, err, 4, 0, 0)
	res, err = s.ImportLocations(ctx, "l.csv", readLocations(t, labelled))
	wantResult(t, "replay", res, err, 0, 0, 4)

	res, err = s.ImportLocations(ctx, "l.csv", readLocations(t,
		"warehouse,code,barcode\nRTM1,DOCK-1,L-0101\nAMS1,B-01-01,AMS L-0101\nRTM1,A-01-02,L-0102-B\nAMS1,A-01-01,\nRTM1,A-01-03,L-0102\n"))
	wantResult(t, "labels moved", res, err, 1, 2, 0,
		"l.csv:2: barcode L-0101 already belongs to location A-01-01 at RTM1",
		"l.csv:3: barcode AMS L-0101 already belongs to location A-01-01 at AMS1")
	res, err = s.ImportLocations(ctx, "l.csv", readLocations(t, "warehouse,code,zone\nRTM1,A-01-01,A\n"))
	wantResult(t, "without the column", res, err, 0, 1, 0)

	rows, err := s.Locations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, l := range rows {
		got[l.Code+" at "+l.Warehouse] = l.Barcode
	}
	want := map[string]string{"A-01-01 at AMS1": "", "A-01-01 at RTM1": "L-0101", "A-01-02 at RTM1": "L-0102-B",
		"A-01-03 at RTM1": "L-0102", "DOCK-1 at RTM1": ""}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("barcodes %v, want %v", got, want)
	}
	var buf bytes.Buffer
	if err := catalog.WriteLocations(&buf, rows); err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportLocations(ctx, "export.csv", readLocations(t, buf.String()))
	wantResult(t, "import of the export", res, err, 0, 0, 5)

	client := dbtest.LoginAs(t, owner, "stock")
	_, err = client.Exec(`UPDATE locations SET barcode = 'L-0101' WHERE code = 'DOCK-1'`)
	if !db.IsConstraint(err, db.Duplicate) || db.MapError(err).Error() != "another location already has this barcode" {
		t.Fatalf("a barcode twice: %v", db.MapError(err))
	}
	_, err = client.Exec(`UPDATE locations SET barcode = '' WHERE code = 'DOCK-1'`)
	if !db.IsConstraint(err, db.Invalid) || db.MapError(err).Error() != "a location's barcode is 1 to 64 printable ASCII characters" {
		t.Fatalf("an empty barcode: %v", db.MapError(err))
	}
}
