package catalog

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const goodProducts = "sku,name,gtin,barcodes,weight_g,length_mm,width_mm,height_mm,hs_code,country_of_origin,tax_category,lot_tracked,expiry_tracked,reorder_point,active\n" +
	"MUG-1,Mug,8712345678906,SUP-MUG-1;12345670,350,90,90,100,691200,nl,standard,no,no,5,yes\n" +
	"TEA-1,\"Tea, green \"\"sencha\"\"\",,,50,,,,,,reduced,1,1,0,0\n"

func TestReadProductsGoodRows(t *testing.T) {
	rows, rej, err := ReadProducts("p.csv", []byte(goodProducts))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadProducts: %v, rejected %v", err, rej)
	}
	cols, _ := Columns("products")
	want := []Product{
		{Columns: cols, Line: 2, SKU: "MUG-1", Name: "Mug", GTIN: "8712345678906", Barcodes: []string{"SUP-MUG-1", "12345670"},
			WeightG: 350, LengthMM: 90, WidthMM: 90, HeightMM: 100, HSCode: "691200", CountryOfOrigin: "NL",
			TaxCategory: "standard", ReorderPoint: 5, Active: true},
		{Columns: cols, Line: 3, SKU: "TEA-1", Name: `Tea, green "sencha"`, WeightG: 50, TaxCategory: "reduced",
			LotTracked: true, ExpiryTracked: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
}

// TestReadProductsShuffledColumnsBOMCRLFAndExtras: columns by name in any order, a byte-order
// mark, CRLF line ends, a quoted field spanning lines, an extra column, and only the required
// columns all read.
func TestReadProductsShuffledColumnsBOMCRLFAndExtras(t *testing.T) {
	data := "\ufeffTax_Category,notes,name,SKU\r\nstandard,\"two\r\nlines\",Mug,MUG-1\r\nzero,,Plate,PLATE-1\r\n"
	rows, rej, err := ReadProducts("p.csv", []byte(data))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadProducts: %v, rejected %v", err, rej)
	}
	if len(rows) != 2 || rows[0].SKU != "MUG-1" || rows[0].Name != "Mug" || rows[0].TaxCategory != "standard" ||
		!rows[0].Active || rows[1].Line != 4 || rows[1].SKU != "PLATE-1" {
		t.Fatalf("rows %+v", rows)
	}
}

func TestReadProductsMissingColumnIsNamed(t *testing.T) {
	_, _, err := ReadProducts("p.csv", []byte("sku,gtin\nA,\n"))
	var missing *MissingColumnsError
	if !errors.As(err, &missing) || err.Error() != "p.csv: a products file needs the columns name, tax_category in its header" {
		t.Fatalf("err = %v", err)
	}
	_, _, err = ReadProducts("p.csv", nil)
	if !errors.As(err, &missing) {
		t.Fatalf("an empty file: err = %v", err)
	}
	_, _, err = ReadProducts("p.csv", []byte("sku,name,tax_category,SKU\n"))
	var dup *DuplicateColumnError
	if !errors.As(err, &dup) {
		t.Fatalf("a column twice: err = %v", err)
	}
}

// TestReadProductsBadRows: each check rejects its row as FILE:LINE: reason (the line where the
// record starts, even after a record spanning lines) and keeps the others.
func TestReadProductsBadRows(t *testing.T) {
	header := "sku,name,gtin,barcodes,weight_g,length_mm,hs_code,country_of_origin,tax_category,lot_tracked,expiry_tracked,reorder_point,active\n"
	lines := []struct{ row, reason string }{
		{"OK-1,\"spans\ntwo lines\",,,,,,,standard,,,,", ""},
		{"BAD-GTIN,A,8712345678907,,,,,,standard,,,,", `gtin "8712345678907" is not a GTIN-8, -12, -13 or -14 with a correct check digit`},
		{"BAD-WEIGHT,A,,,0,,,,standard,,,,", `weight_g "0" is not a whole number above 0`},
		{"BAD-LEN,A,,,,-5,,,standard,,,,", `length_mm "-5" is not a whole number above 0`},
		{"BAD-CTRY,A,,,,,,XX,standard,,,,", `country_of_origin "XX" is not an ISO 3166 country code (such as NL, DE, US)`},
		{"BAD-BOOL,A,,,,,,,standard,maybe,,,", `lot_tracked "maybe" is not true or false (also yes/no, 1/0)`},
		{"BAD-EXP,A,,,,,,,standard,false,true,,", "expiry_tracked needs lot_tracked: expiry dates are kept per lot"},
		{"BAD-HS,A,,,,,12ab,,standard,,,,", `hs_code "12ab" is not 6 to 10 digits`},
		{"BAD SKU,A,,,,,,,standard,,,,", `sku "BAD SKU" is not a SKU: a letter or digit, then up to 63 letters, digits or . _ / -`},
		{",A,,,,,,,standard,,,,", "sku is empty"},
		{"NO-TAX,A,,,,,,,,,,,", "tax_category is empty"},
		{"BAD-RP,A,,,,,,,standard,,,-1,", `reorder_point "-1" is not a whole number of 0 or more`},
		{"BAD-BC,A,,ab,,,,,standard,,,,", `barcode "ab" is not 4 to 64 characters long`},
		{"BAD-BC2,A,,8712345678900,,,,,standard,,,,", "barcode 8712345678900 looks like a GTIN but its check digit is wrong"},
		{"OK-1,again,,,,,,,standard,,,,", "sku OK-1 is on line 2 already"},
		{"SHORT,A", "2 fields, but the header has 13"},
		{"OK-2,B,8712345678913,,,,,,standard,,,,", ""},
	}
	var b strings.Builder
	b.WriteString(header)
	var want []Rejection
	line := 2
	for _, l := range lines {
		b.WriteString(l.row + "\n")
		if l.reason != "" {
			want = append(want, Rejection{File: "p.csv", Line: line, Reason: l.reason})
		}
		line += strings.Count(l.row, "\n") + 1
	}
	rows, rej, err := ReadProducts("p.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rej, want) {
		t.Errorf("rejected:\n%s", diffRejections(rej, want))
	}
	if len(rows) != 2 || rows[0].SKU != "OK-1" || rows[1].SKU != "OK-2" {
		t.Errorf("rows %+v", rows)
	}
	if s := want[0].String(); s != "p.csv:4: "+lines[1].reason {
		t.Errorf("Rejection.String() = %q", s)
	}
}

func diffRejections(got, want []Rejection) string {
	var b strings.Builder
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i].String()
		}
		if i < len(want) {
			w = want[i].String()
		}
		mark := "  "
		if g != w {
			mark = "≠ "
		}
		b.WriteString(mark + "got  " + g + "\n  want " + w + "\n")
	}
	return b.String()
}

// TestProductsRoundTrip: what WriteProducts writes, ReadProducts reads back to the same rows,
// quoting included.
func TestProductsRoundTrip(t *testing.T) {
	rows, _, err := ReadProducts("p.csv", []byte(goodProducts))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteProducts(&buf, rows); err != nil {
		t.Fatal(err)
	}
	again, rej, err := ReadProducts("p.csv", buf.Bytes())
	if err != nil || len(rej) != 0 {
		t.Fatalf("reading back: %v %v\n%s", err, rej, buf.String())
	}
	if !reflect.DeepEqual(again, rows) {
		t.Fatalf("round trip\n got %+v\nwant %+v\n%s", again, rows, buf.String())
	}
	var buf2 bytes.Buffer
	if err := WriteProducts(&buf2, again); err != nil || buf2.String() != buf.String() {
		t.Fatalf("second write differs (%v):\n%s\n%s", err, buf.String(), buf2.String())
	}
}

// TestReadProductsUnreadableRecord: a record CSV cannot read (a stray quote) is rejected at the
// line it starts on, and the records after it are still read.
func TestReadProductsUnreadableRecord(t *testing.T) {
	data := "sku,name,tax_category\nA-1,Mug,standard\nB-1,Mu\"g,standard\nC-1,Cup,standard\n"
	rows, rej, err := ReadProducts("p.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rejection{{File: "p.csv", Line: 3, Reason: `not readable as CSV: bare " in non-quoted-field`}}
	if !reflect.DeepEqual(rej, want) {
		t.Errorf("rejected:\n%s", diffRejections(rej, want))
	}
	if len(rows) != 2 || rows[0].SKU != "A-1" || rows[1].SKU != "C-1" || rows[1].Line != 4 {
		t.Errorf("rows %+v", rows)
	}
}

// TestEscapeSequencesInACatalogueAreRemoved: a name carrying a terminal's escape sequences (clear
// the screen, set the window title, a C1 CSI) is stored without their control characters, as
// intake stores an order's text, so no terminal that shows the product obeys them.
func TestEscapeSequencesInACatalogueAreRemoved(t *testing.T) {
	data := "sku,name,tax_category\nMUG-1,\"Mug\x1b[2J\x1b]0;pwned\x07 \u009b6nblue\",standard\n"
	rows, rej, err := ReadProducts("p.csv", []byte(data))
	if err != nil || len(rej) != 0 || len(rows) != 1 {
		t.Fatalf("ReadProducts: %v, rejected %v, rows %+v", err, rej, rows)
	}
	if want := "Mug[2J]0;pwned 6nblue"; rows[0].Name != want {
		t.Fatalf("name %q, want %q", rows[0].Name, want)
	}
}
