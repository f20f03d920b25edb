package catalog_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"oms/catalog"
	"oms/db/dbtest"
)

const warehouses = `code,name,kind,country,city,latitude,longitude,time_zone,currency,active
RTM1,Rotterdam DC,dc,NL,Rotterdam,51.9225,4.47917,Europe/Amsterdam,EUR,true
BER-M,"Berlin, Mitte",store,DE,Berlin,,,Europe/Berlin,EUR,true
`

func readWarehouses(t *testing.T, data string) []catalog.Warehouse {
	t.Helper()
	rows, rej, err := catalog.ReadWarehouses("w.csv", []byte(data))
	if err != nil || len(rej) > 0 {
		t.Fatalf("reading the warehouses file: %v %v", err, rej)
	}
	return rows
}

// TestImportWarehousesAsAdmin: the admin sets up warehouses; a replay changes nothing; an edit
// updates; a currency oms does not know is refused with a sentence; the export imports back as
// itself.
func TestImportWarehousesAsAdmin(t *testing.T) {
	owner := dbtest.New(t)
	ctx := context.Background()
	s := as(t, owner, "admin")
	res, err := s.ImportWarehouses(ctx, "w.csv", readWarehouses(t, warehouses))
	wantResult(t, "first import", res, err, 2, 0, 0)
	res, err = s.ImportWarehouses(ctx, "w.csv", readWarehouses(t, warehouses))
	wantResult(t, "replay", res, err, 0, 0, 2)

	edited := strings.Replace(warehouses, "Berlin,,,", "Berlin,52.52,13.405,", 1) +
		"AMS1,Amsterdam,dc,NL,,,,Europe/Amsterdam,XAU,true\n"
	res, err = s.ImportWarehouses(ctx, "w.csv", readWarehouses(t, edited))
	wantResult(t, "edited", res, err, 0, 1, 1,
		"w.csv:4: currency XAU is not one oms knows: add it to the currencies first (oms knows AUD, BHD, BRL, CAD, CHF, CLP, CNY, CZK, DKK, EUR, GBP, HKD, HUF, INR, ISK, JOD, JPY, KRW, KWD, MXN, NOK, NZD, OMR, PLN, SEK, SGD, TND, TRY, USD, ZAR)")

	rows, err := s.Warehouses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := catalog.WriteWarehouses(&buf, rows); err != nil {
		t.Fatal(err)
	}
	res, err = s.ImportWarehouses(ctx, "export.csv", readWarehouses(t, buf.String()))
	wantResult(t, "import of the export", res, err, 0, 0, 2)
}

// TestImportWarehousesIsTheAdminsWork: the back office may not add buildings.
func TestImportWarehousesIsTheAdminsWork(t *testing.T) {
	owner := dbtest.New(t)
	_, err := as(t, owner, "backoffice").ImportWarehouses(context.Background(), "w.csv", readWarehouses(t, warehouses))
	if err == nil || !strings.Contains(err.Error(), "permission denied") {
		t.Fatalf("the back office imports warehouses: %v", err)
	}
}
