package cli

import (
	"strings"
	"testing"

	"oms/db/dbtest"
)

// TestABusinessStartsFromItsOwnFiles is the README's "Start with your own data", by the people
// who would do each step: from an empty, migrated database, the admin runs oms init and imports
// the warehouses; stock control the bins and the packing boxes; the back office the products and
// the channels. Stock arrives, the web shop's first order is imported and routed to the
// warehouse that has it, and oms check finds nothing wrong.
func TestABusinessStartsFromItsOwnFiles(t *testing.T) {
	owner := dbtest.New(t)
	_, admin := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"admin"}})
	_, stock := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"stock"}})
	_, clerk := dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{"backoffice"}})

	run := func(url string, wantLast string, args ...string) string {
		t.Helper()
		code, stdout, stderr := oms(t, append(args, "--db", url)...)
		if code != 0 || (wantLast != "" && lastLine(stdout) != wantLast) {
			t.Fatalf("oms %s: exit %d, last line %q (want %q)\n%s%s", strings.Join(args, " "), code, lastLine(stdout), wantLast, stdout, stderr)
		}
		return stdout
	}
	run(admin, "", "init", "--company", "Jansen Thee & Servies B.V.", "--country", "NL", "--currency", "EUR")
	run(admin, "imported 2 new, 0 updated, 0 rejected", "catalog", "import", "warehouses", writeFile(t, "warehouses.csv",
		"code,name,kind,country,city,time_zone,currency,latitude,longitude\n"+
			"AMS1,Amsterdam DC,dc,NL,Amsterdam,Europe/Amsterdam,EUR,52.37,4.90\n"+
			"LHR1,London DC,dc,GB,London,Europe/London,GBP,51.47,-0.45\n"))
	run(stock, "imported 4 new, 0 updated, 0 rejected", "catalog", "import", "locations", writeFile(t, "locations.csv",
		"warehouse,code,kind,zone,aisle,pick_seq\n"+
			"AMS1,RCV,receiving,,,0\nAMS1,A-01-01,bin,A,01,10\nAMS1,A-01-02,bin,A,01,20\nLHR1,B-01-01,bin,B,01,10\n"))
	run(stock, "imported 1 new, 0 updated, 0 rejected", "catalog", "import", "boxes", writeFile(t, "boxes.csv",
		"warehouse,code,name,length_mm,width_mm,height_mm,max_weight_g\nAMS1,S,Small box,200,150,100,5000\n"))
	run(clerk, "imported 2 new, 0 updated, 0 rejected", "catalog", "import", "products", writeFile(t, "products.csv",
		"sku,name,gtin,weight_g,length_mm,width_mm,height_mm,tax_category,reorder_point\n"+
			"MUG-01,Stoneware mug,4006381333931,350,120,90,100,standard,24\n"+
			"TEA-01,Sencha 100 g,,120,80,80,150,reduced,10\n"))
	run(clerk, "imported 1 new, 0 updated, 0 rejected", "catalog", "import", "channels", writeFile(t, "channels.csv",
		"code,name,kind,currency,warehouse,sla_hours\nweb-nl,Webshop NL,webshop,EUR,AMS1,48\n"))

	// The first delivery, as stock control receives it into the Amsterdam bins.
	stockDB := dbtest.Open(t, stock)
	if _, err := stockDB.Exec(`
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, s.id, b.id, 12, 'receipt' FROM products p, locations s, locations b
		 WHERE s.kind = 'supplier' AND b.code = 'A-01-01'`); err != nil {
		t.Fatal(err)
	}

	out := run(clerk, "imported 1 new, 0 unchanged, 0 updated, 0 rejected", "import", "shopify", "--channel", "WEB-NL",
		writeFile(t, "orders_export.csv",
			"Name,Id,Email,Financial Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Amount,Created at,"+
				"Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country\n"+
				"#1001,1001,anna@example.com,paid,EUR,37.90,4.95,0.00,42.85,0.00,2026-11-30 09:50:26 +0100,2,Stoneware mug,12.50,MUG-01,Anna de Wit,Keizersgracht 1,Amsterdam,1015 AA,NL\n"+
				"#1001,,,,,,,,,,,1,Sencha 100 g,12.90,TEA-01,,,,,\n"))
	if !strings.Contains(out, "allocated 1, backordered 0, split 0\n") {
		t.Errorf("the first order was not allocated:\n%s", out)
	}
	var got struct {
		Status    string `db:"status"`
		Warehouse string `db:"code"`
	}
	if err := owner.Get(&got, `SELECT o.status, w.code FROM orders o JOIN warehouses w ON w.id = o.warehouse_id WHERE o.external_name = '#1001'`); err != nil {
		t.Fatal(err)
	}
	if got.Status != "allocated" || got.Warehouse != "AMS1" {
		t.Errorf("the first order is %s at %s, want allocated at AMS1", got.Status, got.Warehouse)
	}
	run(admin, "", "check")
}
