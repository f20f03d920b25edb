package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"oms/db"
	"oms/db/catalog"
	"oms/db/returns"
	dbship "oms/db/shipping"
	"oms/shipping"
)

// demoShipping makes the demo's packing stations work: the sample rate cards imported, a GS1
// company prefix for SSCCs (GS1's example prefix, when the company has none), a UPS account,
// a 10 % restocking fee when a customer no longer wants the goods, and a station P1 in every
// distribution centre that prints ZPL labels and PDF paper into
// directories under dir. It returns the labels' directory.
func demoShipping(ctx context.Context, d *db.DB, dir string) (string, error) {
	st := dbship.New(d)
	for _, c := range shipping.SampleCards() {
		var buf = []byte(fmt.Sprintf("%s %s", c.Carrier, c.ValidFrom))
		sum := sha256.Sum256(buf)
		if _, err := st.ImportRateCard(ctx, "", c, "sample "+c.Carrier, hex.EncodeToString(sum[:])); err != nil {
			return "", fmt.Errorf("importing the sample %s card: %w", c.Carrier, err)
		}
	}
	if _, err := d.ExecContext(ctx, `UPDATE company SET gs1_prefix = '8712345' WHERE gs1_prefix = ''`); err != nil {
		return "", err
	}
	if err := st.SetAccount(ctx, "ups", "5R893903"); err != nil {
		return "", err
	}
	// The returns desk's policy: a change of mind costs a 10 % restocking fee.
	if err := returns.New(d).SetFee(ctx, "RET_NO_LONGER_WANTED", 100_000); err != nil {
		return "", err
	}
	labels, paper := filepath.Join(dir, "labels"), filepath.Join(dir, "paper")
	for _, p := range []string{labels, paper} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return "", err
		}
	}
	whs, err := catalog.New(d).Warehouses(ctx)
	if err != nil {
		return "", err
	}
	for _, w := range whs {
		if w.Kind != "dc" {
			continue
		}
		if err := st.SetStation(ctx, dbship.Station{Warehouse: w.Code, Code: "P1", LabelFormat: "zpl",
			LabelPrinter: "file:" + labels, PaperPrinter: "file:" + paper}); err != nil {
			return "", err
		}
	}
	return labels, nil
}
