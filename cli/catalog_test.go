package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
)

// catalogWorld is a migrated database, its superuser connection, and URLs of a fresh login per
// job named.
func catalogWorld(t *testing.T, jobs ...string) (owner *db.DB, urls map[string]string) {
	t.Helper()
	owner = dbtest.New(t)
	urls = map[string]string{}
	for _, j := range jobs {
		_, urls[j] = dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{j}})
	}
	return owner, urls
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// lastLine is the last line of a command's standard output.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// importFile runs `oms catalog import` and checks its exit status and last line.
func importFile(t *testing.T, url, kind, file string, wantCode int, wantLast string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := oms(t, "catalog", "import", kind, file, "--db", url)
	if code != wantCode || lastLine(stdout) != wantLast {
		t.Fatalf("import %s %s: exit %d (want %d), last line %q (want %q)\nstderr: %s",
			kind, filepath.Base(file), code, wantCode, lastLine(stdout), wantLast, stderr)
	}
	return stdout, stderr
}

// exportThenImportIsIdentity exports kind (lines long, header included), imports the export
// (nothing new, nothing updated) and exports again, byte for byte the same.
func exportThenImportIsIdentity(t *testing.T, url, kind string, lines int) {
	t.Helper()
	code, first, stderr := oms(t, "catalog", "export", kind, "--db", url)
	if code != 0 || strings.Count(first, "\n") != lines {
		t.Fatalf("export %s: exit %d, %d lines (want %d)\n%s%s", kind, code, strings.Count(first, "\n"), lines, first, stderr)
	}
	file := writeFile(t, kind+"-export.csv", first)
	importFile(t, url, kind, file, 0, "imported 0 new, 0 updated, 0 rejected")
	if _, again, _ := oms(t, "catalog", "export", kind, "--db", url); again != first {
		t.Fatalf("export %s changed after importing it:\n%s\n%s", kind, first, again)
	}
}

// TestCatalogImportProducts: the back office loads a products file with a bad row (reported on
// stderr as FILE:LINE: reason, exit 1, the rest imported), replays it, updates it with the
// columns shuffled, and the export imports back as itself.
func TestCatalogImportProducts(t *testing.T) {
	_, urls := catalogWorld(t, "backoffice")
	bo := urls["backoffice"]
	file := writeFile(t, "products.csv", "\ufeffsku,name,gtin,barcodes,weight_g,tax_category,active\r\n"+
		"MUG-1,Mug,8712345678906,SUP-MUG-1;12345670,350,standard,yes\r\n"+
		"TEA-1,\"Tea,\r\ngreen\",,,50,reduced,1\r\n"+
		"BAD-1,Bad,8712345678907,,,standard,\r\n"+
		"BAD-2,Bad,,,,luxury,\r\n")
	_, stderr := importFile(t, bo, "products", file, 1, "imported 2 new, 0 updated, 2 rejected")
	want := file + ":5: gtin \"8712345678907\" is not a GTIN-8, -12, -13 or -14 with a correct check digit\n" +
		file + ":6: tax category luxury does not exist: the categories are exempt, reduced, standard, zero\n" +
		"oms: " + file + ": 2 rows rejected\n"
	if stderr != want {
		t.Fatalf("stderr\n%s\nwant\n%s", stderr, want)
	}
	importFile(t, bo, "products", file, 1, "imported 0 new, 0 updated, 2 rejected")

	shuffled := writeFile(t, "shuffled.csv", "note,tax_category,weight_g,name,sku,barcodes,gtin\n"+
		"x,standard,360,Mug,MUG-1,SUP-MUG-1;12345670,8712345678906\n"+
		"y,standard,,Plate,PLATE-1,,\n")
	stdout, _ := importFile(t, bo, "products", shuffled, 0, "imported 1 new, 1 updated, 0 rejected")
	if stdout != "imported 1 new, 1 updated, 0 rejected\n" {
		t.Errorf("stdout %q", stdout)
	}
	exportThenImportIsIdentity(t, bo, "products", 5) // the header, 3 rows, one name of two lines
}

// TestCatalogUsageMistakesExit2: an unknown kind, a missing argument and a file without a
// required column are usage mistakes, said in one sentence before the database is asked.
func TestCatalogUsageMistakesExit2(t *testing.T) {
	unreachable := "postgres://nobody@127.0.0.1:1/oms?sslmode=disable&connect_timeout=1"
	noName := writeFile(t, "p.csv", "sku,gtin,tax_category\nA,,standard\n")
	twice := writeFile(t, "t.csv", "sku,name,tax_category,Name\nA,B,standard,C\n")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"catalog"}, "oms: say what to do: oms catalog import or export"},
		{[]string{"catalog", "load"}, `oms: "load" is not a command of "oms catalog"`},
		{[]string{"catalog", "import", "products"}, "oms: oms catalog import needs FILE.csv"},
		{[]string{"catalog", "import", "pallets", noName}, `oms: "pallets" is not a kind of master data: the kinds are products, warehouses, locations, channels, boxes`},
		{[]string{"catalog", "export"}, "oms: oms catalog export needs KIND"},
		{[]string{"catalog", "export", "customers"}, `oms: "customers" is not a kind of master data`},
		{[]string{"catalog", "import", "products", noName}, "oms: " + noName + ": a products file needs the column name in its header"},
		{[]string{"catalog", "import", "products", twice}, "oms: " + twice + ": the header names the column name twice"},
	} {
		code, stdout, stderr := oms(t, append(tt.args, "--db", unreachable)...)
		if code != 2 || stdout != "" {
			t.Errorf("%v: exit %d, stdout %q; want 2 and nothing", tt.args, code, stdout)
		}
		oneLine(t, strings.Join(tt.args, " "), stderr, tt.want)
	}
}

// TestCatalogImportWarehouses: the admin sets up the buildings; bad rows are reported and the
// rest imported; a replay and a shuffled update; the export imports back as itself; the back
// office may not.
func TestCatalogImportWarehouses(t *testing.T) {
	_, urls := catalogWorld(t, "admin", "backoffice")
	admin := urls["admin"]
	file := writeFile(t, "warehouses.csv", "code,name,kind,country,city,latitude,longitude,time_zone,currency,active\n"+
		"RTM1,Rotterdam DC,dc,NL,Rotterdam,51.9225,4.47917,Europe/Amsterdam,EUR,true\n"+
		"BER-M,\"Berlin, Mitte\",store,DE,Berlin,,,Europe/Berlin,EUR,true\n"+
		"BAD1,Atlantis,dc,NL,,,,Europe/Atlantis,EUR,true\n"+
		"BAD2,Gold,dc,CH,,,,Europe/Zurich,XAU,true\n")
	_, stderr := importFile(t, admin, "warehouses", file, 1, "imported 2 new, 0 updated, 2 rejected")
	if !strings.Contains(stderr, file+":4: time_zone \"Europe/Atlantis\" is not an IANA time zone") ||
		!strings.Contains(stderr, file+":5: currency XAU is not one oms knows") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	importFile(t, admin, "warehouses", file, 1, "imported 0 new, 0 updated, 2 rejected")
	shuffled := writeFile(t, "shuffled.csv", "currency,time_zone,country,kind,name,code,city\n"+
		"EUR,Europe/Amsterdam,NL,dc,Rotterdam Waalhaven,RTM1,Rotterdam\n")
	importFile(t, admin, "warehouses", shuffled, 0, "imported 0 new, 1 updated, 0 rejected")
	// Columns the file does not have (the coordinates, active) are left as they were.
	if _, out, _ := oms(t, "catalog", "export", "warehouses", "--db", admin); !strings.Contains(out,
		"RTM1,Rotterdam Waalhaven,dc,NL,Rotterdam,51.9225,4.47917,Europe/Amsterdam,EUR,true\n") {
		t.Fatalf("export after the shuffled update:\n%s", out)
	}
	exportThenImportIsIdentity(t, admin, "warehouses", 3)

	code, _, stderr := oms(t, "catalog", "import", "warehouses", shuffled, "--db", urls["backoffice"])
	if code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("the back office imports warehouses: exit %d\n%s", code, stderr)
	}
}

// TestCatalogImportLocations: stock control adds bins to a warehouse the admin imported; a bin
// of an unknown warehouse and a bin holding stock that would be deactivated are rejected with
// sentences; a replay, a shuffled update, and the export imports back as itself.
func TestCatalogImportLocations(t *testing.T) {
	owner, urls := catalogWorld(t, "admin", "stock")
	importFile(t, urls["admin"], "warehouses", writeFile(t, "w.csv",
		"code,name,kind,country,time_zone,currency\nRTM1,Rotterdam DC,dc,NL,Europe/Amsterdam,EUR\n"),
		0, "imported 1 new, 0 updated, 0 rejected")
	stock := urls["stock"]
	file := writeFile(t, "locations.csv", "warehouse,code,kind,zone,aisle,pick_seq,barcode,active\n"+
		"RTM1,A-01-01,bin,A,01,10,LOC-A0101,true\n"+
		"RTM1,DOCK-1,receiving,,,,,true\n"+
		"AMS1,A-01-01,bin,A,01,10,,true\n"+
		"RTM1,X-1,shelf,,,,,\n"+
		"RTM1,A-01-02,bin,A,01,20,LOC-A0101,\n"+
		"RTM1,A-01-03,bin,A,01,30,LOC-Ä,\n")
	_, stderr := importFile(t, stock, "locations", file, 1, "imported 2 new, 0 updated, 4 rejected")
	if !strings.Contains(stderr, file+":4: warehouse AMS1 does not exist") ||
		!strings.Contains(stderr, file+`:5: kind "shelf" is not one of bin, receiving`) ||
		!strings.Contains(stderr, file+":6: barcode LOC-A0101 is on line 2 already\n") ||
		!strings.Contains(stderr, file+`:7: barcode "LOC-Ä" is not a scannable label: 1 to 64 printable ASCII characters`) {
		t.Fatalf("stderr:\n%s", stderr)
	}
	importFile(t, stock, "locations", file, 1, "imported 0 new, 0 updated, 4 rejected")
	taken := writeFile(t, "taken.csv", "code,barcode,warehouse\nA-01-02,LOC-A0101,RTM1\n")
	_, stderr = importFile(t, stock, "locations", taken, 1, "imported 0 new, 0 updated, 1 rejected")
	if !strings.HasPrefix(stderr, taken+":2: barcode LOC-A0101 already belongs to location A-01-01 at RTM1\n") {
		t.Fatalf("stderr:\n%s", stderr)
	}

	if _, err := owner.Exec(`INSERT INTO products (sku, name, tax_category) VALUES ('P1', 'One', 'standard');
		INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, (SELECT id FROM locations WHERE code = 'SUPPLIER'), (SELECT id FROM locations WHERE code = 'A-01-01'), 12, 'receipt'
		  FROM products p`); err != nil {
		t.Fatal(err)
	}
	shuffled := writeFile(t, "shuffled.csv", "active,code,warehouse\nno,A-01-01,RTM1\nfalse,DOCK-1,RTM1\n")
	_, stderr = importFile(t, stock, "locations", shuffled, 1, "imported 0 new, 1 updated, 1 rejected")
	if !strings.HasPrefix(stderr, shuffled+":2: bin A-01-01 at RTM1 holds 12 units of 1 product") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	if _, out, _ := oms(t, "catalog", "export", "locations", "--db", stock); !strings.Contains(out,
		"RTM1,A-01-01,bin,A,01,10,LOC-A0101,true\n") {
		t.Fatalf("export:\n%s", out)
	}
	exportThenImportIsIdentity(t, stock, "locations", 3)
}

// TestCatalogImportChannels: the back office adds channels selling from an imported warehouse;
// bad rows are reported; a replay, a shuffled update, and the export imports back as itself.
func TestCatalogImportChannels(t *testing.T) {
	_, urls := catalogWorld(t, "admin", "backoffice")
	importFile(t, urls["admin"], "warehouses", writeFile(t, "w.csv",
		"code,name,kind,country,time_zone,currency\nRTM1,Rotterdam DC,dc,NL,Europe/Amsterdam,EUR\n"+
			"BER-M,Berlin Mitte,store,DE,Europe/Berlin,EUR\n"),
		0, "imported 2 new, 0 updated, 0 rejected")
	bo := urls["backoffice"]
	file := writeFile(t, "channels.csv", "code,name,kind,currency,warehouse,sla_hours,prices_include_tax,split_allowed,safety_buffer,active\n"+
		"web-nl,Webshop NL,webshop,EUR,RTM1,24,yes,yes,0,true\n"+
		"ber-m,Berlin Mitte,store,EUR,BER-M,,true,no,,true\n"+
		"shop,Shop,store,EUR,,,,,,\n"+
		"web-x,Webshop X,webshop,EUR,AMS1,,,,,\n"+
		"bol,Marketplace,marketplace,EUR,,,,,-2,\n"+
		"amzn,Marketplace,marketplace,EUR,,,,perhaps,,\n")
	_, stderr := importFile(t, bo, "channels", file, 1, "imported 2 new, 0 updated, 4 rejected")
	if !strings.Contains(stderr, file+":4: a store channel needs its warehouse") ||
		!strings.Contains(stderr, file+":5: warehouse AMS1 does not exist") ||
		!strings.Contains(stderr, file+":6: safety_buffer \"-2\" is not a whole number of 0 or more\n") ||
		!strings.Contains(stderr, file+":7: split_allowed \"perhaps\" is not true or false") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	importFile(t, bo, "channels", file, 1, "imported 0 new, 0 updated, 4 rejected")
	shuffled := writeFile(t, "shuffled.csv", "safety_buffer,warehouse,sla_hours,currency,kind,name,code\n3,RTM1,12,EUR,webshop,Webshop NL,web-nl\n")
	importFile(t, bo, "channels", shuffled, 0, "imported 0 new, 1 updated, 0 rejected")
	// Settings the file does not have (tax-inclusive prices, splits) are left as they were.
	if _, out, _ := oms(t, "catalog", "export", "channels", "--db", bo); out != "code,name,kind,currency,warehouse,sla_hours,prices_include_tax,split_allowed,safety_buffer,active\n"+
		"ber-m,Berlin Mitte,store,EUR,BER-M,48,true,false,0,true\n"+
		"web-nl,Webshop NL,webshop,EUR,RTM1,12,true,true,3,true\n" {
		t.Fatalf("export after the shuffled update:\n%s", out)
	}
	exportThenImportIsIdentity(t, bo, "channels", 3)
}

// TestCatalogImportBoxes: stock control lists the packing boxes of a warehouse the admin
// imported; bad rows (each kind of check) are reported as FILE:LINE: reason and the rest
// imported; a replay, a shuffled partial update, and the export imports back as itself; the
// back office may not.
func TestCatalogImportBoxes(t *testing.T) {
	_, urls := catalogWorld(t, "admin", "stock", "backoffice")
	importFile(t, urls["admin"], "warehouses", writeFile(t, "w.csv",
		"code,name,kind,country,time_zone,currency\nRTM1,Rotterdam DC,dc,NL,Europe/Amsterdam,EUR\n"),
		0, "imported 1 new, 0 updated, 0 rejected")
	stock := urls["stock"]
	file := writeFile(t, "boxes.csv", "warehouse,code,name,length_mm,width_mm,height_mm,max_weight_g,tare_weight_g,active\n"+
		"RTM1,S-1,\"Small, brown\",300,200,100,5000,120,true\n"+
		"rtm1,l-1,Large,600,400,400,20000,,\n"+
		"AMS1,S-1,Small,300,200,100,5000,,\n"+
		"RTM1,S_2,Small,300,200,100,5000,,\n"+
		"RTM1,S-3,,300,200,100,5000,,\n"+
		"RTM1,S-4,Small,0,200,100,5000,,\n"+
		"RTM1,S-5,Small,300,200,,5000,,\n"+
		"RTM1,S-6,Small,300,200,100,5000,-1,\n"+
		"RTM1,S-7,Small,300,200,100,5000,,perhaps\n"+
		"RTM1,S-1,Again,300,200,100,5000,,\n")
	_, stderr := importFile(t, stock, "boxes", file, 1, "imported 2 new, 0 updated, 8 rejected")
	want := file + ":4: warehouse AMS1 does not exist: import it first (oms catalog import warehouses)\n" +
		file + ":5: code \"S_2\" is not a box code: 1 to 16 capital letters, digits or -\n" +
		file + ":6: name is empty\n" +
		file + ":7: length_mm \"0\" is not a whole number above 0\n" +
		file + ":8: height_mm is empty: it is a whole number above 0\n" +
		file + ":9: tare_weight_g \"-1\" is not a whole number of 0 or more\n" +
		file + ":10: active \"perhaps\" is not true or false (also yes/no, 1/0)\n" +
		file + ":11: box S-1 at RTM1 is on line 2 already\n" +
		"oms: " + file + ": 8 rows rejected\n"
	if stderr != want {
		t.Fatalf("stderr\n%s\nwant\n%s", stderr, want)
	}
	importFile(t, stock, "boxes", file, 1, "imported 0 new, 0 updated, 8 rejected")
	shuffled := writeFile(t, "shuffled.csv", "max_weight_g,height_mm,note,width_mm,length_mm,name,code,warehouse\n"+
		"6000,100,x,200,300,Small,S-1,RTM1\n"+
		"10000,200,,300,400,Medium,M-1,RTM1\n")
	importFile(t, stock, "boxes", shuffled, 0, "imported 1 new, 1 updated, 0 rejected")
	// Columns the file does not have (tare weight, active) are left as they were.
	if _, out, _ := oms(t, "catalog", "export", "boxes", "--db", stock); out !=
		"warehouse,code,name,length_mm,width_mm,height_mm,max_weight_g,tare_weight_g,active\n"+
			"RTM1,L-1,Large,600,400,400,20000,0,true\n"+
			"RTM1,M-1,Medium,400,300,200,10000,0,true\n"+
			"RTM1,S-1,Small,300,200,100,6000,120,true\n" {
		t.Fatalf("export after the shuffled update:\n%s", out)
	}
	exportThenImportIsIdentity(t, stock, "boxes", 4)

	code, _, stderr := oms(t, "catalog", "import", "boxes", shuffled, "--db", urls["backoffice"])
	if code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("the back office imports boxes: exit %d\n%s", code, stderr)
	}
}

// TestCatalogImportHelpListsEveryKind: the help is built from the kinds' columns, so each kind
// and each of its columns is there.
func TestCatalogImportHelpListsEveryKind(t *testing.T) {
	code, stdout, stderr := oms(t, "catalog", "import", "--help")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{
		"  channels (the backoffice role): code, name, kind, currency, warehouse, sla_hours, prices_include_tax, split_allowed, safety_buffer, active\n",
		"  locations (the stock role): warehouse, code, kind, zone, aisle, pick_seq, barcode, active\n",
		"  boxes (the stock role): warehouse, code, name, length_mm, width_mm, height_mm, max_weight_g, tare_weight_g, active\n" +
			"    required: warehouse, code, name, length_mm, width_mm, height_mm, max_weight_g\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("oms catalog import --help lacks %q:\n%s", want, stdout)
		}
	}
}

// TestCatalogEveryKindThenCheck: a business's own master data, each kind imported by the job
// whose work it is, and the audit finds nothing wrong.
func TestCatalogEveryKindThenCheck(t *testing.T) {
	_, urls := catalogWorld(t, "admin", "stock", "backoffice")
	importFile(t, urls["admin"], "warehouses", writeFile(t, "w.csv",
		"code,name,kind,country,city,latitude,longitude,time_zone,currency\n"+
			"RTM1,Rotterdam DC,dc,NL,Rotterdam,51.9225,4.47917,Europe/Amsterdam,EUR\n"+
			"BER-M,Berlin Mitte,store,DE,Berlin,52.52,13.405,Europe/Berlin,EUR\n"),
		0, "imported 2 new, 0 updated, 0 rejected")
	importFile(t, urls["stock"], "locations", writeFile(t, "l.csv",
		"warehouse,code,kind,zone,aisle,pick_seq\nRTM1,A-01-01,bin,A,01,10\nRTM1,A-01-02,bin,A,01,20\n"+
			"RTM1,DOCK-1,receiving,,,\nRTM1,PACK-1,packing,,,\nBER-M,SHOP,bin,,,\n"),
		0, "imported 5 new, 0 updated, 0 rejected")
	importFile(t, urls["backoffice"], "products", writeFile(t, "p.csv",
		"sku,name,gtin,barcodes,weight_g,length_mm,width_mm,height_mm,hs_code,country_of_origin,tax_category,lot_tracked,expiry_tracked,reorder_point\n"+
			"MUG-1,Mug,8712345678906,SUP-MUG-1,350,90,90,100,691200,NL,standard,no,no,5\n"+
			"TEA-1,Green tea,8712345678913,,50,,,,090210,CN,reduced,yes,yes,20\n"),
		0, "imported 2 new, 0 updated, 0 rejected")
	importFile(t, urls["backoffice"], "channels", writeFile(t, "c.csv",
		"code,name,kind,currency,warehouse,sla_hours\nweb-nl,Webshop NL,webshop,EUR,RTM1,24\nber-m,Berlin Mitte,store,EUR,BER-M,2\n"),
		0, "imported 2 new, 0 updated, 0 rejected")
	importFile(t, urls["stock"], "boxes", writeFile(t, "b.csv",
		"warehouse,code,name,length_mm,width_mm,height_mm,max_weight_g,tare_weight_g\nRTM1,S-1,Small,300,200,100,5000,120\n"),
		0, "imported 1 new, 0 updated, 0 rejected")
	if code, stdout, stderr := oms(t, "check", "--db", urls["admin"]); code != 0 {
		t.Fatalf("oms check after the imports: exit %d\n%s%s", code, stdout, stderr)
	}
}
