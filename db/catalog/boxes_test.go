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

const boxes = `warehouse,code,name,length_mm,width_mm,height_mm,max_weight_g,tare_weight_g,active
RTM1,S-1,Small,300,200,100,5000,120,true
RTM1,L-1,Large,600,400,400,20000,450,true
`

func readBoxes(t *testing.T, data string) []catalog.Box {
	t.Helper()
	rows, rej, err := catalog.ReadBoxes("b.csv", []byte(data))
	if err != nil || len(rej) > 0 {
		t.Fatalf("reading the boxes file: %v %v", err, rej)
	}
	return rows
}

// TestImportBoxesAsStockControl: stock control lists a warehouse's packing boxes; a replay
// changes nothing; an edit updates, retiring a box keeps it; an unknown warehouse is a sentence;
// a file without a column leaves it as stored; the export imports back as itself.
func TestImportBoxesAsStockControl(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	ctx := context.Background()
	s := as(t, owner, "stock")
	res, err := s.ImportBoxes(ctx, "b.csv", readBoxes(t, boxes))
	wantResult(t, "first import", res, err, 2, 0, 0)
	res, err = s.ImportBoxes(ctx, "b.csv", readBoxes(t, boxes))
	wantResult(t, "replay", res, err, 0, 0, 2)

	edited := strings.Replace(boxes, "RTM1,L-1,Large,600,400,400,20000,450,true", "RTM1,L-1,Large,600,400,400,25000,450,false", 1) +
		"AMS1,S-1,Small,300,200,100,5000,,\nRTM1,M-1,Medium,400,300,200,10000,,\n"
	res, err = s.ImportBoxes(ctx, "b.csv", readBoxes(t, edited))
	wantResult(t, "edited", res, err, 1, 1, 1,
		"b.csv:4: warehouse AMS1 does not exist: import it first (oms catalog import warehouses)")
	res, err = s.ImportBoxes(ctx, "b.csv", readBoxes(t,
		"name,height_mm,max_weight_g,warehouse,width_mm,code,length_mm\nSmall box,100,5000,RTM1,200,S-1,300\n"))
	wantResult(t, "shuffled, without tare and active", res, err, 0, 1, 0)

	rows, err := s.Boxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Box{
		{Warehouse: "RTM1", Code: "L-1", Name: "Large", LengthMM: 600, WidthMM: 400, HeightMM: 400, MaxWeightG: 25000, TareWeightG: 450},
		{Warehouse: "RTM1", Code: "M-1", Name: "Medium", LengthMM: 400, WidthMM: 300, HeightMM: 200, MaxWeightG: 10000, Active: true},
		{Warehouse: "RTM1", Code: "S-1", Name: "Small box", LengthMM: 300, WidthMM: 200, HeightMM: 100, MaxWeightG: 5000, TareWeightG: 120, Active: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("boxes\n got %+v\nwant %+v", rows, want)
	}
	var buf bytes.Buffer
	if err := catalog.WriteBoxes(&buf, rows); err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportBoxes(ctx, "export.csv", readBoxes(t, buf.String()))
	wantResult(t, "import of the export", res, err, 0, 0, 3)
}

// TestBoxesAreStockControlsAndTheSupervisors: the supervisor may keep the list too; the back
// office and packers may read it, not write it; nobody deletes a box; the database refuses
// measures that are not positive to a client that bypasses oms.
func TestBoxesAreStockControlsAndTheSupervisors(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	ctx := context.Background()
	res, err := as(t, owner, "supervisor").ImportBoxes(ctx, "b.csv", readBoxes(t, boxes))
	wantResult(t, "the supervisor", res, err, 2, 0, 0)
	for _, job := range []string{"backoffice", "packer"} {
		s := as(t, owner, job)
		if _, err := s.ImportBoxes(ctx, "b.csv", readBoxes(t, boxes)); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("%s imports boxes: %v", job, err)
		}
		if rows, err := s.Boxes(ctx); err != nil || len(rows) != 2 {
			t.Errorf("%s reads %d boxes: %v", job, len(rows), err)
		}
	}
	stock := dbtest.LoginAs(t, owner, "stock")
	if _, err := stock.Exec(`DELETE FROM boxes WHERE code = 'S-1'`); err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("stock control deletes a box: %v", err)
	}
	for _, set := range []string{"length_mm = 0", "width_mm = 0", "height_mm = -1", "max_weight_g = 0", "tare_weight_g = -1",
		"code = 's-1'", "name = ' '"} {
		_, err := stock.Exec(`UPDATE boxes SET ` + set + ` WHERE code = 'S-1'`)
		if !db.IsConstraint(err, db.Invalid) {
			t.Errorf("%s: %v", set, db.MapError(err))
		}
	}
}
