package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

func TestNeutraliseDefusesFormulasAndKeepsNumbers(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("x")`: `'=HYPERLINK("x")`,
		"+1":              "'+1",
		"@cmd":            "'@cmd",
		"-12.50":          "-12.50",
		"-3":              "-3",
		"12.50":           "12.50",
		"-":               "'-",
		"-12.5.0":         "'-12.5.0",
		"-1e5":            "'-1e5",
		"- 2":             "'- 2",
		"\tx":             "'\tx",
		"\rx":             "'\rx",
		"":                "",
		"Anna":            "Anna",
		"a=b":             "a=b",
		"'=x":             "'=x",
		"-12.50\n=cmd":    "'-12.50\n=cmd",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

var testCols = []Column{{"name", Text}, {"qty", Int}, {"amount", Decimal}, {"paid", Bool}, {"at", Time}}

func TestCSVNeutralisesEveryCellAndQuotes(t *testing.T) {
	var b bytes.Buffer
	w, err := NewCSV(&b, testCols)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{`=HYPERLINK("x")`, "+1", "@cmd", "-12.50", "Müller, Anna"} {
		if err := w.Row(name, "2", "-12.50", "true", ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range recs[1:] {
		names = append(names, r[0])
		if r[2] != "-12.50" {
			t.Errorf("amount %q: a plain negative number must stay a number", r[2])
		}
	}
	want := []string{`'=HYPERLINK("x")`, "'+1", "'@cmd", "-12.50", "Müller, Anna"}
	if strings.Join(names, "|") != strings.Join(want, "|") || strings.Join(recs[0], ",") != "name,qty,amount,paid,at" {
		t.Fatalf("header %v, names %q; want %q", recs[0], names, want)
	}
	if err := w.Row("too", "few"); err == nil {
		t.Error("a row with the wrong number of cells was written")
	}
}

func TestTSVIsOneLinePerRowWithoutTabsInCells(t *testing.T) {
	var b bytes.Buffer
	w, err := NewTSV(&b, AmazonShipConfirmColumns)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row("302-1", "111", "2", "2026-11-30T10:00:00Z", "dhl", "DHL\tExpress", "=1+1", "Next\nday"); err != nil {
		t.Fatal(err)
	}
	want := "order-id\torder-item-id\tquantity\tship-date\tcarrier-code\tcarrier-name\ttracking-number\tship-method\n" +
		"302-1\t111\t2\t2026-11-30T10:00:00Z\tdhl\tDHL Express\t'=1+1\tNext day\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
}

func TestJSONLinesTypesTheirValues(t *testing.T) {
	var b bytes.Buffer
	w := NewJSONLines(&b, testCols)
	if err := w.Row(`=x "quoted" <b>`, "3", "-12.50", "false", "2026-11-30T10:00:00Z"); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("y", "", "0.00", "", ""); err != nil {
		t.Fatal(err)
	}
	want := `{"name":"=x \"quoted\" <b>","qty":3,"amount":"-12.50","paid":false,"at":"2026-11-30T10:00:00Z"}` + "\n" +
		`{"name":"y","qty":null,"amount":"0.00","paid":null,"at":null}` + "\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	if err := w.Row("z", "1.5", "0", "", ""); err == nil {
		t.Error("a fraction was written as a whole number")
	}
}

func TestSpliceAddsMembersAtTheTopLevel(t *testing.T) {
	obj := []byte(`{"order_id":"1001","lines":[{"sku":"A"}],"customer":{"name":"}"}}` + "\n")
	got, err := Splice(obj, []Column{{"number", Text}, {"on_hold", Bool}}, []string{"SO-1", "true"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(got, []byte("}\n")) || bytes.Count(got, []byte("\n")) != 1 {
		t.Fatalf("not one line: %q", got)
	}
	keys, err := TopLevelKeys(got)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(keys, ",") != "order_id,lines,customer,number,on_hold" {
		t.Fatalf("keys %v", keys)
	}
	var m map[string]any
	if err := json.Unmarshal(got, &m); err != nil || m["number"] != "SO-1" || m["on_hold"] != true {
		t.Fatalf("%v %v", m, err)
	}
	if got, err := Splice([]byte("{}"), []Column{{"a", Int}}, []string{"1"}); err != nil || string(got) != `{"a":1}`+"\n" {
		t.Fatalf("empty object: %q %v", got, err)
	}
	if _, err := Splice([]byte("[1]"), nil, nil); err == nil {
		t.Error("spliced into an array")
	}
}

func TestEveryKindHasColumnsPerFormat(t *testing.T) {
	if err := CheckKindFormat("orders", "shopify"); err == nil || !strings.Contains(err.Error(), "csv, json") {
		t.Errorf("orders as shopify: %v", err)
	}
	if err := CheckKindFormat("parcels", "csv"); err == nil || !strings.Contains(err.Error(), "shipments") {
		t.Errorf("unknown kind: %v", err)
	}
	for _, k := range Kinds {
		for _, f := range Formats(k) {
			if err := CheckKindFormat(k, f); err != nil {
				t.Error(err)
			}
		}
	}
	for in, want := range map[string]string{"MUG-01": "mug-01", "Tea/Green 250g": "tea-green-250g", "a..b_": "a-b"} {
		if got := ShopifyHandle(in); got != want {
			t.Errorf("ShopifyHandle(%q) = %q, want %q", in, got, want)
		}
	}
}
