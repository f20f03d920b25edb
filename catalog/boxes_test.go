package catalog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestReadBoxes(t *testing.T) {
	data := "\ufeffmax_weight_g,Code,warehouse,height_mm,notes,width_mm,name,length_mm,tare_weight_g\r\n" +
		"5000,s-1,rtm1,100,x,200,\"Small, brown\",300,120\r\n" +
		"20000,L-1,RTM1,400,,400,Large,600,\r\n"
	rows, rej, err := ReadBoxes("b.csv", []byte(data))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadBoxes: %v %v", err, rej)
	}
	cols := []string{"warehouse", "code", "name", "length_mm", "width_mm", "height_mm", "max_weight_g", "tare_weight_g"}
	want := []Box{
		{Columns: cols, Line: 2, Warehouse: "RTM1", Code: "S-1", Name: "Small, brown", LengthMM: 300, WidthMM: 200, HeightMM: 100,
			MaxWeightG: 5000, TareWeightG: 120, Active: true},
		{Columns: cols, Line: 3, Warehouse: "RTM1", Code: "L-1", Name: "Large", LengthMM: 600, WidthMM: 400, HeightMM: 400,
			MaxWeightG: 20000, Active: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
	var buf bytes.Buffer
	if err := WriteBoxes(&buf, rows); err != nil {
		t.Fatal(err)
	}
	again, rej, err := ReadBoxes("b.csv", buf.Bytes())
	for i := range again {
		again[i].Columns = cols // the export has every column, active too
	}
	if err != nil || len(rej) != 0 || !reflect.DeepEqual(again, rows) {
		t.Fatalf("round trip: %v %v\n%s", err, rej, buf.String())
	}
	if _, _, err := ReadBoxes("b.csv", []byte("warehouse,code,name,length_mm,width_mm\n")); err == nil ||
		err.Error() != "b.csv: a boxes file needs the columns height_mm, max_weight_g in its header" {
		t.Fatalf("missing columns: %v", err)
	}
}

func TestReadBoxesBadRows(t *testing.T) {
	header := "warehouse,code,name,length_mm,width_mm,height_mm,max_weight_g,tare_weight_g,active\n"
	lines := []struct{ row, reason string }{
		{"RTM1,S-1,Small,300,200,100,5000,120,true", ""},
		{",S-2,Small,300,200,100,5000,,", "warehouse is empty"},
		{"RTM1,,Small,300,200,100,5000,,", "code is empty"},
		{"RTM1,S_3,Small,300,200,100,5000,,", `code "S_3" is not a box code: 1 to 16 capital letters, digits or -`},
		{"RTM1," + strings.Repeat("X", 17) + ",Small,300,200,100,5000,,", `code "` + strings.Repeat("X", 17) + `" is not a box code: 1 to 16 capital letters, digits or -`},
		{"RTM1,S-4,,300,200,100,5000,,", "name is empty"},
		{"RTM1,S-5,Small,0,200,100,5000,,", `length_mm "0" is not a whole number above 0`},
		{"RTM1,S-6,Small,300,-1,100,5000,,", `width_mm "-1" is not a whole number above 0`},
		{"RTM1,S-7,Small,300,200,,5000,,", "height_mm is empty: it is a whole number above 0"},
		{"RTM1,S-8,Small,300,200,10.5,5000,,", `height_mm "10.5" is not a whole number above 0`},
		{"RTM1,S-9,Small,300,200,100,0,,", `max_weight_g "0" is not a whole number above 0`},
		{"RTM1,S-10,Small,300,200,100,5000,-5,", `tare_weight_g "-5" is not a whole number of 0 or more`},
		{"RTM1,S-11,Small,300,200,100,5000,,maybe", `active "maybe" is not true or false (also yes/no, 1/0)`},
		{"rtm1,s-1,Again,300,200,100,5000,,", "box S-1 at RTM1 is on line 2 already"},
		{"AMS1,S-1,Small,300,200,100,5000,0,no", ""},
	}
	var b strings.Builder
	b.WriteString(header)
	var want []Rejection
	for i, l := range lines {
		b.WriteString(l.row + "\n")
		if l.reason != "" {
			want = append(want, Rejection{File: "b.csv", Line: i + 2, Reason: l.reason})
		}
	}
	rows, rej, err := ReadBoxes("b.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rej, want) {
		t.Errorf("rejected:\n%s", diffRejections(rej, want))
	}
	if len(rows) != 2 || rows[1].Active {
		t.Errorf("rows %+v", rows)
	}
}
