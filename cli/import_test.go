package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"oms/channels"
	"oms/db"
	"oms/db/dbtest"
	"oms/model"
)

// importWorld is a small business (dbtest.SmallBusiness) and the URL of a back-office login:
// imports run as the backoffice role.
func importWorld(t *testing.T) (owner *db.DB, url string) {
	t.Helper()
	owner = dbtest.SmallBusiness(t)
	_, url = dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})
	return owner, url
}

func count(t *testing.T, d *db.DB, query string) int {
	t.Helper()
	var n int
	if err := d.Get(&n, query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

const shopifyMixed = "\ufeffName,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Id\r\n" +
	"#5001,anna@example.com,paid,EUR,49.98,4.95,10.50,65.43,0.00,2026-11-29 09:50:26 +0100,2,Tee,24.99,TEE-1,Anna Berg,Keizersgracht 1,Amsterdam,1015 AA,NL,90001\r\n" +
	"#5002,bob@example.com,pending,EUR,10.00,0.00,0.00,10.00,0.00,2026-11-29 10:00:00 +0100,1,Mug,10.00,MUG-1,\"Bob \"\"The\"\" Builder\",\"Street 1,\nFlat 2\",Utrecht,3511,NL,90002\r\n" +
	"#5003,c@example.com,paid,EUR,10.00,0.00,0.00,10.00,0.00,2026-11-29 10:00:00 +0100,1,Nope,10.00,NOPE-SKU,Carla,Street 3,Utrecht,3511,NL,90003\r\n" +
	"#5004,d@example.com,paid,EUR,10.00,0.00,0.00,10.00,0.00,2026-11-29 10:00:00 +0100,0,Mug,10.00,MUG-1,Dirk,Street 4,Utrecht,3511,NL,90004\r\n" +
	"#5005,e@example.com,paid,EUR,10.00,0.00,0.00,10.00,0.00,2026-11-29 10:00:00 +0100,1,Mug,10.00,MUG-1,Eva,Street 5,Utrecht,3511,NL,90005\r\n"

func TestImportReportsEachBadOrderByLineAndBringsTheRestIn(t *testing.T) {
	owner, url := importWorld(t)
	file := writeFile(t, "orders_export.csv", shopifyMixed)

	code, stdout, stderr := oms(t, "import", "shopify", "--channel", "WEB-EU", "--dry-run", file, "--db", url)
	if code != 1 || lastLine(stdout) != "dry run: imported 3 new, 0 unchanged, 0 updated, 2 rejected" {
		t.Fatalf("dry run: exit %d, %q\n%s", code, stdout, stderr)
	}
	if n := count(t, owner, `SELECT count(*) FROM orders`); n != 0 {
		t.Fatalf("a dry run wrote %d orders", n)
	}

	code, stdout, stderr = oms(t, "import", "shopify", "--channel", "WEB-EU", file, "--db", url)
	if code != 1 || lastLine(stdout) != "imported 3 new, 0 unchanged, 0 updated, 2 rejected" {
		t.Fatalf("import: exit %d, %q\n%s", code, stdout, stderr)
	}
	// The orders were routed as they came: no warehouse holds the tee or the mug (the store's
	// tees are not a web shop's), so they wait, and say why in their history.
	if !strings.Contains(stdout, "allocated 0, backordered 2, split 0\n") {
		t.Errorf("no allocation tally before the last line:\n%s", stdout)
	}
	if n := count(t, owner, `SELECT count(*) FROM events WHERE kind = 'order.backordered' AND message LIKE 'backordered: no warehouse has %'`); n != 2 {
		t.Errorf("%d orders say why they wait, want the 2 that are not on hold", n)
	}
	// Line 5, not 4: the quoted address of #5002 spans two lines.
	for _, want := range []string{
		file + `:5: order #5003: line 1: unknown SKU "NOPE-SKU"`,
		file + `:6: order #5004: line 1 (SKU MUG-1): quantity "0" is not a whole number above 0`,
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("standard error lacks %q:\n%s", want, stderr)
		}
	}
	var held string
	if err := owner.Get(&held, `SELECT status FROM orders WHERE external_id = '90002'`); err != nil || held != "on_hold" {
		t.Errorf("an order awaiting payment is %q (%v)", held, err)
	}

	code, stdout, _ = oms(t, "import", "shopify", "--channel", "web-eu", file, "--db", url)
	if code != 1 || lastLine(stdout) != "imported 0 new, 3 unchanged, 0 updated, 2 rejected" {
		t.Fatalf("replay: exit %d, %q", code, stdout)
	}
	paid := strings.Replace(shopifyMixed, "bob@example.com,pending", "bob@example.com,paid", 1)
	code, stdout, _ = oms(t, "import", "shopify", "--channel", "web-eu", writeFile(t, "later.csv", paid), "--db", url)
	if code != 1 || lastLine(stdout) != "imported 0 new, 2 unchanged, 1 updated, 2 rejected" {
		t.Fatalf("later export: exit %d, %q", code, stdout)
	}
	if err := owner.Get(&held, `SELECT status FROM orders WHERE external_id = '90002'`); err != nil || held != "pending" {
		t.Errorf("an order the channel now shows paid is %q (%v)", held, err)
	}
	runs := count(t, owner, `SELECT count(*) FROM import_runs WHERE finished_at IS NOT NULL AND actor <> current_user`)
	if runs != 3 {
		t.Errorf("%d finished runs recorded under the clerk's name, want 3 (dry runs are not)", runs)
	}
}

func TestImportUsageMistakesExit2(t *testing.T) {
	_, url := importWorld(t)
	good := writeFile(t, "good.csv", shopifyMixed)
	noSKU := writeFile(t, "old.csv", "Name,Lineitem quantity\n#1,1\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "ebay", "--channel", "web-eu", good}, `unknown format "ebay"`},
		{[]string{"import", "shopify", "--channel", "nope", good}, `there is no channel "nope": the channels are store-berlin, web-eu`},
		{[]string{"import", "shopify", "--channel", "web-eu", noSKU}, "needs the columns"},
		{[]string{"import", "shopify", good}, "--channel CODE"},
		{[]string{"import", "shopify", "--channel", "web-eu"}, "say which files"},
	} {
		code, _, stderr := oms(t, append(c.args, "--db", url)...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q (want 2 and %q)", c.args, code, stderr, c.want)
		}
	}
}

// jsonOrders writes n orders of one tee each in oms's json format; from order late on they are
// all by late@example.com.
func jsonOrders(t *testing.T, n, late int) []byte {
	t.Helper()
	var b bytes.Buffer
	for i := range n {
		o := model.IncomingOrder{
			ExternalID: fmt.Sprintf("W-%05d", i), DisplayID: fmt.Sprintf("#%05d", i), Currency: "EUR",
			OrderedAt:     time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC),
			Customer:      model.IncomingCustomer{Name: "Zoë", Email: fmt.Sprintf("c%d@example.com", i%50)},
			ShipTo:        model.Address{Name: "Zoë", Line1: "Damrak 1", City: "Amsterdam", Country: "NL"},
			Lines:         []model.IncomingLine{{ExternalLineID: "1", SKU: "TEE-1", Qty: 1, AmountMinor: 1000}},
			SubtotalMinor: 1000, TotalMinor: 1000,
		}
		if i >= late {
			o.Customer.Email = "late@example.com"
		}
		if err := channels.WriteJSON(&b, o); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// TestAWatchedDropSurvivesAKillMidFile kills `oms import --watch` while it is halfway through a
// file (held there by the test locking the customer the second batch's orders are from), starts
// it again, and finds every order once and the file under done/ with its report.
func TestAWatchedDropSurvivesAKillMidFile(t *testing.T) {
	owner, url := importWorld(t)
	const orders, late = 2*importBatchSize + 500, importBatchSize
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "drop.jsonl.part"), jsonOrders(t, orders, late), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	hold, err := owner.BeginTxx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback()
	if _, err := hold.ExecContext(ctx, `
		INSERT INTO customers (channel_id, external_id, name, email, country, currency)
		SELECT id, 'late@example.com', 'Late', 'late@example.com', 'NL', 'EUR' FROM channels WHERE code = 'web-eu'`); err != nil {
		t.Fatal(err)
	}
	first := startOMS(t, noTerminal, "import", "json", "--channel", "web-eu", "--watch", dir, "--db", url)
	first.waitFor(t, first.screen, "watching", func(s string) bool { return strings.Contains(s, "watching "+dir) })
	// A .part file is still being written: it waits until it is renamed.
	if err := os.Rename(filepath.Join(dir, "drop.jsonl.part"), filepath.Join(dir, "drop.jsonl")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the import to wait for the late customer", func() bool {
		return count(t, owner, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'oms import' AND wait_event_type = 'Lock'`) > 0
	})
	_ = first.cmd.Process.Signal(syscall.SIGKILL)
	<-first.exited
	if err := hold.Commit(); err != nil {
		t.Fatal(err)
	}
	before := count(t, owner, `SELECT count(*) FROM orders`)
	if before != late {
		t.Fatalf("%d orders when killed, want the %d of the batches before the held one", before, late)
	}
	if _, err := os.Stat(filepath.Join(dir, "drop.jsonl")); err != nil {
		t.Fatalf("the file cut short did not stay for the next run: %v", err)
	}

	second := startOMS(t, noTerminal, "import", "json", "--channel", "web-eu", "--watch", dir, "--db", url)
	want := fmt.Sprintf("drop.jsonl: imported %d new, %d unchanged, 0 updated, 0 rejected", orders-before, before)
	second.waitFor(t, second.screen, want, func(s string) bool { return strings.Contains(s, want) })
	_ = second.cmd.Process.Signal(syscall.SIGTERM)
	if code := second.waitExit(t, "SIGTERM"); code != 0 {
		t.Errorf("watch ended with %d on SIGTERM", code)
	}
	if n := count(t, owner, `SELECT count(*) FROM orders`); n != orders {
		t.Errorf("%d orders after the rerun, want %d", n, orders)
	}
	report, err := os.ReadFile(filepath.Join(dir, "done", "drop.jsonl.report"))
	if err != nil || !strings.Contains(string(report), "imported") {
		t.Errorf("report beside the done file: %q %v", report, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "done", "drop.jsonl")); err != nil {
		t.Errorf("the file was not moved to done/: %v", err)
	}
}

// waitUntil polls a condition a test cannot be told about (another process's progress).
func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
