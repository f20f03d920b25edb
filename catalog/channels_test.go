package catalog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestReadChannels(t *testing.T) {
	data := "\ufeffsla_hours,Currency,code,name,kind,warehouse,extra\r\n" +
		"24,eur,WEB-NL,\"Webshop, NL\",webshop,rtm1,x\r\n" +
		",EUR,ber-m,Berlin Mitte,store,BER-M,\r\n"
	rows, rej, err := ReadChannels("c.csv", []byte(data))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadChannels: %v %v", err, rej)
	}
	cols := []string{"code", "name", "kind", "currency", "warehouse", "sla_hours"}
	want := []Channel{
		{Columns: cols, Line: 2, Code: "web-nl", Name: "Webshop, NL", Kind: "webshop", Currency: "EUR", Warehouse: "RTM1", SLAHours: 24, Active: true},
		{Columns: cols, Line: 3, Code: "ber-m", Name: "Berlin Mitte", Kind: "store", Currency: "EUR", Warehouse: "BER-M", SLAHours: 48, Active: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", rows, want)
	}
	var buf bytes.Buffer
	if err := WriteChannels(&buf, rows); err != nil {
		t.Fatal(err)
	}
	again, rej, err := ReadChannels("c.csv", buf.Bytes())
	for i := range again {
		again[i].Columns = cols // the export has every column, active too
	}
	if err != nil || len(rej) != 0 || !reflect.DeepEqual(again, rows) {
		t.Fatalf("round trip: %v %v\n%s", err, rej, buf.String())
	}
	if _, _, err := ReadChannels("c.csv", []byte("code,name\n")); err == nil ||
		err.Error() != "c.csv: a channels file needs the columns kind, currency in its header" {
		t.Fatalf("missing columns: %v", err)
	}
}

func TestReadChannelsBadRows(t *testing.T) {
	header := "code,name,kind,currency,warehouse,sla_hours,active\n"
	lines := []struct{ row, reason string }{
		{"web,Web,webshop,EUR,,,", ""},
		{"w,Web,webshop,EUR,,,", `code "w" is not a channel code: 2 to 32 lower-case letters, digits or -`},
		{"web_2,Web,webshop,EUR,,,", `code "web_2" is not a channel code: 2 to 32 lower-case letters, digits or -`},
		{"web2,Web,shop,EUR,,,", `kind "shop" is not one of webshop, marketplace, store, manual`},
		{"web3,Web,webshop,€,,,", `currency "€" is not an ISO 4217 currency code (three letters such as EUR)`},
		{"web4,Web,webshop,EUR,,0,", `sla_hours "0" is not a whole number above 0`},
		{"shop,Shop,store,EUR,,,", "a store channel needs its warehouse: the store it sells from"},
		{"web5,,webshop,EUR,,,", "name is empty"},
		{"WEB,Again,webshop,EUR,,,", "channel web is on line 2 already"},
	}
	var b strings.Builder
	b.WriteString(header)
	var want []Rejection
	for i, l := range lines {
		b.WriteString(l.row + "\n")
		if l.reason != "" {
			want = append(want, Rejection{File: "c.csv", Line: i + 2, Reason: l.reason})
		}
	}
	rows, rej, err := ReadChannels("c.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rej, want) {
		t.Errorf("rejected:\n%s", diffRejections(rej, want))
	}
	if len(rows) != 1 {
		t.Errorf("rows %+v", rows)
	}
}
