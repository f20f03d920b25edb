package catalog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

const goodWarehouses = "code,name,kind,country,city,latitude,longitude,time_zone,currency,active\n" +
	"RTM1,Rotterdam DC,dc,NL,Rotterdam,51.9225,4.47917,Europe/Amsterdam,EUR,true\n" +
	"ber-m,\"Berlin, Mitte\",STORE,de,,,,Europe/Berlin,eur,no\n"

func TestReadWarehousesGoodRows(t *testing.T) {
	rows, rej, err := ReadWarehouses("w.csv", []byte(goodWarehouses))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadWarehouses: %v, rejected %v", err, rej)
	}
	lat, lon := 51.9225, 4.47917
	cols := []string{"code", "name", "kind", "country", "city", "latitude", "longitude", "time_zone", "currency", "active"}
	want := []Warehouse{
		{Columns: cols, Line: 2, Code: "RTM1", Name: "Rotterdam DC", Kind: "dc", Country: "NL", City: "Rotterdam",
			Latitude: &lat, Longitude: &lon, TimeZone: "Europe/Amsterdam", Currency: "EUR", Active: true},
		{Columns: cols, Line: 3, Code: "BER-M", Name: "Berlin, Mitte", Kind: "store", Country: "DE", TimeZone: "Europe/Berlin", Currency: "EUR"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
	var buf bytes.Buffer
	if err := WriteWarehouses(&buf, rows); err != nil {
		t.Fatal(err)
	}
	again, rej, err := ReadWarehouses("w.csv", buf.Bytes())
	if err != nil || len(rej) != 0 || !reflect.DeepEqual(again, rows) {
		t.Fatalf("round trip: %v %v\n%s", err, rej, buf.String())
	}
}

func TestReadWarehousesShuffledColumns(t *testing.T) {
	rows, rej, err := ReadWarehouses("w.csv", []byte("\ufeffcurrency,time_zone,region,country,kind,name,code\r\nEUR,Europe/Amsterdam,x,NL,dc,Rotterdam,RTM1\r\n"))
	if err != nil || len(rej) != 0 || len(rows) != 1 || rows[0].Code != "RTM1" || rows[0].TimeZone != "Europe/Amsterdam" || !rows[0].Active {
		t.Fatalf("rows %+v, %v, %v", rows, rej, err)
	}
	_, _, err = ReadWarehouses("w.csv", []byte("code,name,kind,country,currency\n"))
	if err == nil || err.Error() != "w.csv: a warehouses file needs the column time_zone in its header" {
		t.Fatalf("missing time_zone: %v", err)
	}
}

func TestReadWarehousesBadRows(t *testing.T) {
	header := "code,name,kind,country,latitude,longitude,time_zone,currency\n"
	lines := []struct{ row, reason string }{
		{"OK1,A,dc,NL,,,UTC,EUR", ""},
		{"BAD1,A,dc,NL,,,Europe/Atlantis,EUR", `time_zone "Europe/Atlantis" is not an IANA time zone (such as Europe/Amsterdam)`},
		{"BAD2,A,dc,NL,,,Local,EUR", `time_zone "Local" is not an IANA time zone: name the place, such as Europe/Amsterdam`},
		{"BAD3,A,dc,XX,,,UTC,EUR", `country "XX" is not an ISO 3166 country code (such as NL, DE, US)`},
		{"BAD4,A,dc,NL,,,UTC,EURO", `currency "EURO" is not an ISO 4217 currency code (three letters such as EUR)`},
		{"BAD5,A,warehouse,NL,,,UTC,EUR", `kind "warehouse" is not one of dc, store`},
		{"BAD6,A,dc,NL,91,0,UTC,EUR", `latitude "91" is not a number from -90 to 90`},
		{"BAD7,A,dc,NL,52,,UTC,EUR", "latitude and longitude come together: give both or neither"},
		{"B,A,dc,NL,,,UTC,EUR", `code "B" is not a warehouse code: 2 to 16 capital letters, digits or -`},
		{"BAD8,A,dc,,,,UTC,EUR", "country is empty: it is an ISO 3166 country code such as NL"},
		{"BAD9,A,dc,NL,,,,EUR", "time_zone is empty: it is an IANA time zone such as Europe/Amsterdam"},
		{"ok1,B,dc,NL,,,UTC,EUR", "warehouse OK1 is on line 2 already"},
	}
	var b strings.Builder
	b.WriteString(header)
	var want []Rejection
	for i, l := range lines {
		b.WriteString(l.row + "\n")
		if l.reason != "" {
			want = append(want, Rejection{File: "w.csv", Line: i + 2, Reason: l.reason})
		}
	}
	rows, rej, err := ReadWarehouses("w.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rej, want) {
		t.Errorf("rejected:\n%s", diffRejections(rej, want))
	}
	if len(rows) != 1 || rows[0].Code != "OK1" {
		t.Errorf("rows %+v", rows)
	}
}
