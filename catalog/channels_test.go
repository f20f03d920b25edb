package catalog

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestReadChannels(t *testing.T) {
	data := "\ufeffsla_hours,Currency,safety_buffer,code,name,kind,warehouse,Split_Allowed,extra,prices_include_tax\r\n" +
		"24,eur,,WEB-NL,\"Webshop, NL\",webshop,rtm1,,x,\r\n" +
		",EUR,0,ber-m,Berlin Mitte,store,BER-M,yes,,yes\r\n" +
		"72,EUR,5,bol,Marketplace,marketplace,,no,,false\r\n"
	rows, rej, err := ReadChannels("c.csv", []byte(data))
	if err != nil || len(rej) != 0 {
		t.Fatalf("ReadChannels: %v %v", err, rej)
	}
	cols := []string{"code", "name", "kind", "currency", "warehouse", "sla_hours", "prices_include_tax", "split_allowed", "safety_buffer"}
	want := []Channel{
		{Columns: cols, Line: 2, Code: "web-nl", Name: "Webshop, NL", Kind: "webshop", Currency: "EUR", Warehouse: "RTM1", SLAHours: 24,
			SplitAllowed: true, Active: true},
		{Columns: cols, Line: 3, Code: "ber-m", Name: "Berlin Mitte", Kind: "store", Currency: "EUR", Warehouse: "BER-M", SLAHours: 48,
			PricesIncludeTax: true, SplitAllowed: true, Active: true},
		{Columns: cols, Line: 4, Code: "bol", Name: "Marketplace", Kind: "marketplace", Currency: "EUR", SLAHours: 72,
			SafetyBuffer: 5, Active: true},
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
	header := "code,name,kind,currency,warehouse,sla_hours,active,prices_include_tax,split_allowed,safety_buffer\n"
	lines := []struct{ row, reason string }{
		{"web,Web,webshop,EUR,,,,yes,no,3", ""},
		{"w,Web,webshop,EUR,,,,,,", `code "w" is not a channel code: 2 to 32 lower-case letters, digits or -`},
		{"web_2,Web,webshop,EUR,,,,,,", `code "web_2" is not a channel code: 2 to 32 lower-case letters, digits or -`},
		{"web2,Web,shop,EUR,,,,,,", `kind "shop" is not one of webshop, marketplace, store, manual`},
		{"web3,Web,webshop,€,,,,,,", `currency "€" is not an ISO 4217 currency code (three letters such as EUR)`},
		{"web4,Web,webshop,EUR,,0,,,,", `sla_hours "0" is not a whole number above 0`},
		{"shop,Shop,store,EUR,,,,,,", "a store channel needs its warehouse: the store it sells from"},
		{"web5,,webshop,EUR,,,,,,", "name is empty"},
		{"WEB,Again,webshop,EUR,,,,,,", "channel web is on line 2 already"},
		{"web6,Web,webshop,EUR,,,,gross,,", `prices_include_tax "gross" is not true or false (also yes/no, 1/0)`},
		{"web7,Web,webshop,EUR,,,,,sometimes,", `split_allowed "sometimes" is not true or false (also yes/no, 1/0)`},
		{"web8,Web,webshop,EUR,,,,,,-1", `safety_buffer "-1" is not a whole number of 0 or more`},
		{"web9,Web,webshop,EUR,,,,,,2.5", `safety_buffer "2.5" is not a whole number of 0 or more`},
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
	if len(rows) != 1 || !rows[0].PricesIncludeTax || rows[0].SplitAllowed || rows[0].SafetyBuffer != 3 {
		t.Errorf("rows %+v", rows)
	}
}
