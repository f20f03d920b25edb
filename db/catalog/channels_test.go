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

const channels = `code,name,kind,currency,warehouse,sla_hours,prices_include_tax,split_allowed,safety_buffer,active
web-nl,Webshop NL,webshop,EUR,RTM1,24,true,true,0,true
bol,Marketplace,marketplace,EUR,,48,false,false,2,true
`

func readChannels(t *testing.T, data string) []catalog.Channel {
	t.Helper()
	rows, rej, err := catalog.ReadChannels("c.csv", []byte(data))
	if err != nil || len(rej) > 0 {
		t.Fatalf("reading the channels file: %v %v", err, rej)
	}
	return rows
}

// TestImportChannelsAsBackOffice: the back office adds channels; a replay changes nothing; an
// edit updates; an unknown warehouse or currency is a sentence; the export imports back as
// itself; stock control may not.
func TestImportChannelsAsBackOffice(t *testing.T) {
	owner := dbtest.New(t)
	withRotterdam(t, owner)
	ctx := context.Background()
	s := as(t, owner, "backoffice")
	res, err := s.ImportChannels(ctx, "c.csv", readChannels(t, channels))
	wantResult(t, "first import", res, err, 2, 0, 0)
	res, err = s.ImportChannels(ctx, "c.csv", readChannels(t, channels))
	wantResult(t, "replay", res, err, 0, 0, 2)

	edited := strings.Replace(channels, "bol,Marketplace,marketplace,EUR,,48,false,false,2,true", "bol,Marketplace,marketplace,EUR,RTM1,72,false,false,5,true", 1) +
		"ber-m,Berlin,store,EUR,BER-M,,,,,\nus,US shop,webshop,XAU,,,,,,\n"
	res, err = s.ImportChannels(ctx, "c.csv", readChannels(t, edited))
	wantResult(t, "edited", res, err, 0, 1, 1,
		"c.csv:4: warehouse BER-M does not exist: import it first (oms catalog import warehouses)",
		"c.csv:5: currency XAU is not one oms knows: add it to the currencies first (oms knows AUD, BHD, BRL, CAD, CHF, CLP, CNY, CZK, DKK, EUR, GBP, HKD, HUF, INR, ISK, JOD, JPY, KRW, KWD, MXN, NOK, NZD, OMR, PLN, SEK, SGD, TND, TRY, USD, ZAR)")

	// A file without the settings leaves them as stored.
	res, err = s.ImportChannels(ctx, "c.csv", readChannels(t, "code,name,kind,currency\nweb-nl,Webshop Nederland,webshop,EUR\n"))
	wantResult(t, "partial", res, err, 0, 1, 0)

	rows, err := s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Channel{
		{Code: "bol", Name: "Marketplace", Kind: "marketplace", Currency: "EUR", Warehouse: "RTM1", SLAHours: 72, SafetyBuffer: 5, Active: true},
		{Code: "web-nl", Name: "Webshop Nederland", Kind: "webshop", Currency: "EUR", Warehouse: "RTM1", SLAHours: 24,
			PricesIncludeTax: true, SplitAllowed: true, Active: true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("channels\n got %+v\nwant %+v", rows, want)
	}
	var buf bytes.Buffer
	if err := catalog.WriteChannels(&buf, rows); err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportChannels(ctx, "export.csv", readChannels(t, buf.String()))
	wantResult(t, "import of the export", res, err, 0, 0, 2)

	if _, err := as(t, owner, "stock").ImportChannels(ctx, "c.csv", readChannels(t, channels)); err == nil ||
		!strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("stock control imports channels: %v", err)
	}
}

// TestChannelSafetyBufferIsNeverNegative: the rule is the database's, so a client that bypasses
// oms meets it too; a new channel gets net prices, splits allowed and no buffer.
func TestChannelSafetyBufferIsNeverNegative(t *testing.T) {
	owner := dbtest.New(t)
	mustExec(t, owner, `INSERT INTO channels (code, name, kind, currency) VALUES ('web', 'Web', 'webshop', 'EUR')`)
	var gross, split bool
	var buffer int
	if err := owner.QueryRow(`SELECT prices_include_tax, split_allowed, safety_buffer FROM channels WHERE code = 'web'`).
		Scan(&gross, &split, &buffer); err != nil || gross || !split || buffer != 0 {
		t.Fatalf("a new channel: prices_include_tax %v, split_allowed %v, safety_buffer %d (%v)", gross, split, buffer, err)
	}
	_, err := dbtest.LoginAs(t, owner, "backoffice").Exec(`UPDATE channels SET safety_buffer = -1 WHERE code = 'web'`)
	if !db.IsConstraint(err, db.Invalid) || db.MapError(err).Error() != "a channel's safety buffer is 0 units or more" {
		t.Fatalf("a negative safety buffer: %v", db.MapError(err))
	}
}
