package catalog_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"oms/catalog"
	"oms/db/dbtest"
)

const channels = `code,name,kind,currency,warehouse,sla_hours,active
web-nl,Webshop NL,webshop,EUR,RTM1,24,true
bol,Marketplace,marketplace,EUR,,48,true
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

	edited := strings.Replace(channels, "bol,Marketplace,marketplace,EUR,,48,true", "bol,Marketplace,marketplace,EUR,RTM1,72,true", 1) +
		"ber-m,Berlin,store,EUR,BER-M,,\nus,US shop,webshop,XAU,,,\n"
	res, err = s.ImportChannels(ctx, "c.csv", readChannels(t, edited))
	wantResult(t, "edited", res, err, 0, 1, 1,
		"c.csv:4: warehouse BER-M does not exist: import it first (oms catalog import warehouses)",
		"c.csv:5: currency XAU is not one oms knows: add it to the currencies first (oms knows AUD, BHD, BRL, CAD, CHF, CLP, CNY, CZK, DKK, EUR, GBP, HKD, HUF, INR, ISK, JOD, JPY, KRW, KWD, MXN, NOK, NZD, OMR, PLN, SEK, SGD, TND, TRY, USD, ZAR)")

	rows, err := s.Channels(ctx)
	if err != nil {
		t.Fatal(err)
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
