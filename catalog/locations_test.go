package catalog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestReadLocations(t *testing.T) {
	data := "\ufeffpick_seq,code,warehouse,notes,zone,aisle,kind,active,Barcode\r\n" +
		"10,A-01-01,rtm1,x,A,01,bin,yes, LOC-000101 \r\n" +
		"0,\"DOCK, 1\",RTM1,,,,receiving,,\"DOCK 1, door\"\r\n" +
		",B-01-01,RTM1,,B,01,,0,\r\n"
	rows, rej, err := ReadLocations("l.csv", []byte(data))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadLocations: %v %v", err, rej)
	}
	cols := []string{"warehouse", "code", "kind", "zone", "aisle", "pick_seq", "barcode", "active"}
	want := []Location{
		{Columns: cols, Line: 2, Warehouse: "RTM1", Code: "A-01-01", Kind: "bin", Zone: "A", Aisle: "01", PickSeq: 10, Barcode: "LOC-000101", Active: true},
		{Columns: cols, Line: 3, Warehouse: "RTM1", Code: "DOCK, 1", Kind: "receiving", Barcode: "DOCK 1, door", Active: true},
		{Columns: cols, Line: 4, Warehouse: "RTM1", Code: "B-01-01", Kind: "bin", Zone: "B", Aisle: "01"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
	var buf bytes.Buffer
	if err := WriteLocations(&buf, rows); err != nil {
		t.Fatal(err)
	}
	again, rej, err := ReadLocations("l.csv", buf.Bytes())
	if err != nil || len(rej) != 0 || !reflect.DeepEqual(again, rows) {
		t.Fatalf("round trip: %v %v\n%s", err, rej, buf.String())
	}
	if _, _, err := ReadLocations("l.csv", []byte("code,kind\n")); err == nil ||
		err.Error() != "l.csv: a locations file needs the column warehouse in its header" {
		t.Fatalf("missing warehouse: %v", err)
	}
}

func TestReadLocationsBadRows(t *testing.T) {
	header := "warehouse,code,kind,pick_seq,active,barcode\n"
	lines := []struct{ row, reason string }{
		{"RTM1,A-01-01,bin,1,true,L1", ""},
		{"RTM1,SUP,supplier,,,", `kind "supplier" is not one of bin, receiving, packing, staging, returns, quarantine`},
		{"RTM1,A-01-02,bin,-1,,", `pick_seq "-1" is not a whole number of 0 or more`},
		{"RTM1,A-01-03,bin,x,,", `pick_seq "x" is not a whole number of 0 or more`},
		{"RTM1,A-01-04,bin,,perhaps,", `active "perhaps" is not true or false (also yes/no, 1/0)`},
		{",A-01-05,bin,,,", "warehouse is empty"},
		{"RTM1,,bin,,,", "code is empty"},
		{"RTM1," + strings.Repeat("X", 33) + ",bin,,,", "code is 33 characters long, more than 32"},
		{"rtm1,A-01-01,bin,2,,", "location A-01-01 at RTM1 is on line 2 already"},
		{"AMS1,A-01-01,bin,2,,", ""},
		{"AMS1,A-01-06,bin,,,Bäck", `barcode "Bäck" is not a scannable label: 1 to 64 printable ASCII characters`},
		{"AMS1,A-01-07,bin,,," + strings.Repeat("7", 65), `barcode "` + strings.Repeat("7", 65) + `" is not a scannable label: 1 to 64 printable ASCII characters`},
		{"AMS1,A-01-08,bin,,,\"L\t2\"", `barcode "L\t2" is not a scannable label: 1 to 64 printable ASCII characters`},
		{"AMS1,A-01-09,bin,,,L1", "barcode L1 is on line 2 already"},
	}
	var b strings.Builder
	b.WriteString(header)
	var want []Rejection
	for i, l := range lines {
		b.WriteString(l.row + "\n")
		if l.reason != "" {
			want = append(want, Rejection{File: "l.csv", Line: i + 2, Reason: l.reason})
		}
	}
	rows, rej, err := ReadLocations("l.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rej, want) {
		t.Errorf("rejected:\n%s", diffRejections(rej, want))
	}
	if len(rows) != 2 {
		t.Errorf("rows %+v", rows)
	}
}
