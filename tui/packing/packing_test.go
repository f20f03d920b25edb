package packing

import (
	"bufio"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"oms/db/shipping"
	"oms/keymaps"
	"oms/model"
	"oms/tui/tuitest"
)

// A packer packs a two-parcel order by scans at the bench's 80×24 and the handhelds' 40×16 and
// 20×16, with a golden frame for each step: the station, the tote, a wrong item refused, a
// verify whose answer is lost and is sent again (applied once), a typed count, the first
// parcel in the box oms suggests with a weight far from the expected weighed again, the second
// parcel's unit verified by its GTIN, its box suggested by itself and a far weight confirmed
// with y, the offers with the one meeting the promise preselected, the ship and the labels
// kept (the station has no printer).
func TestAPackerPacksATwoParcelOrder(t *testing.T) {
	for _, size := range []struct {
		name string
		w, h int
	}{{"20x16", 20, 16}, {"40x16", 40, 16}, {"80x24", 80, 24}} {
		t.Run(size.name, func(t *testing.T) {
			f := newFloor(t)
			id, number := f.Picked(t, "T7", map[string]int64{"TEE-1": 2, "MUG-1": 1})
			st := f.station(t, "Piet Packer", size.w, size.h)
			s := st.s
			step := func(name string, want ...string) {
				t.Helper()
				tuitest.Golden(t, "packing-"+name+"-"+size.name, st.frame(name, want...))
			}
			packed := func() (n int) {
				mustGet(t, f.Owner, &n, `SELECT sum(qty_packed) FROM order_lines WHERE order_id = $1`, id)
				return n
			}

			step("station", "Station")
			st.scan("p1")
			step("tote", "Station P1: no label printer set", "ote or order")
			st.scan("T7")
			step("verify", "TEE-1", "0/2", "MUG-1", "0/1", "Scan item")

			st.scan("CAP-9")
			step("wrong-item", "✗ Wrong item: CAP-9 is not in "+number)
			if s.scan.Value() != "CAP-9" {
				t.Errorf("the field lost the wrong scan: %q", s.scan.Value())
			}

			st.data.loseNext = true
			st.scan("TEE-1") // the first key replaces the refused scan
			if !s.bad || packed() != 1 {
				t.Fatalf("a lost answer: the screen should say so with the unit verified once, verified %d:\n%s", packed(), st.drv.Frame())
			}
			st.drv.Press(keymaps.ScopeInput, "submit") // the same scan again, with the same key
			step("replayed", "✓ 1 × TEE-1 verified (1/2)", "count")
			if n := packed(); n != 1 {
				t.Fatalf("a scan sent twice verified %d units, want 1", n)
			}
			st.scan("1") // a count of the item scanned
			if n := packed(); n != 2 {
				t.Fatalf("%d units verified after the count, want 2", n)
			}
			st.scan("TEE-1")
			step("surplus", "✗ Too many: 2 × TEE-1 picked for "+number+", 2 already verified")
			if n := packed(); n != 2 || s.scan.Value() != "TEE-1" {
				t.Fatalf("a surplus unit: %d verified and the field %q; want 2 and the scan kept", n, s.scan.Value())
			}

			st.drv.Press(keymaps.ScopePacking, "parcel")
			step("box", "Parcel 1: 2 units", "Box M?")
			if s.scan.Value() != "M" {
				t.Fatalf("the suggested box is not in the field: %q", s.scan.Value())
			}
			st.drv.Press(keymaps.ScopeInput, "submit")
			step("weight", "Parcel 1 in box M", "Weight")
			st.scan("2000")
			step("weight-warning", "✗ Weighs 2,000 g, expected 650 g: y confirm, or weigh again")
			st.scan("660") // weighed again: the first key replaces the warned weight
			step("parcel", "✓ Parcel 1 closed: box M, 660 g, 2 units")

			st.scan("4006381333931") // the mug's GTIN: every unit verified, so its parcel
			step("box-2", "Parcel 2: 1 unit", "Box S?")
			st.drv.Press(keymaps.ScopeInput, "submit")
			st.scan("0.9kg")
			step("weight-warning-2", "✗ Weighs 900 g, expected 450 g")
			st.drv.Type("y")
			step("packed", "✓ Parcel 2 closed: box S, 900 g, 1 unit")

			st.drv.Press(keymaps.ScopePacking, "ship")
			step("rates", "Parcel", "Express", "late", "✓ on time")
			if o := s.offers[s.offer]; o.Service != "express" || !o.Default {
				t.Fatalf("the preselected offer is %+v; want express, the cheapest on time", o)
			}
			st.drv.Press(keymaps.ScopeList, "up")
			st.drv.Press(keymaps.ScopeList, "down")
			st.drv.Press(keymaps.ScopeInput, "submit")
			step("shipped", "✓ Shipped: 2 parcels, CP", "labels kept: no printer set for station P1")

			var status string
			var shipped, moved int
			mustGet(t, f.Owner, &status, `SELECT status FROM orders WHERE id = $1`, id)
			mustGet(t, f.Owner, &shipped, `SELECT sum(qty_shipped) FROM order_lines WHERE order_id = $1`, id)
			mustGet(t, f.Owner, &moved, `SELECT sum(m.qty) FROM stock_movements m JOIN order_lines l ON l.id = m.order_line_id
				WHERE l.order_id = $1 AND m.kind = 'ship'`, id)
			if status != "shipped" || shipped != 3 || moved != 3 {
				t.Errorf("after the ship: order %s, %d units shipped, %d moved; want shipped, 3, 3", status, shipped, moved)
			}
			var service string
			mustGet(t, f.Owner, &service, `SELECT cs.code FROM shipments s JOIN carrier_services cs ON cs.id = s.service_id WHERE s.order_id = $1`, id)
			if service != "express" {
				t.Errorf("shipped with %s, want express as chosen", service)
			}
			rep, err := f.Owner.Check(context.Background(), 5)
			if err != nil || !rep.OK() {
				t.Errorf("oms check after the ship: %+v %v", rep.Violations, err)
			}

			st.drv.Press(keymaps.ScopeInput, "submit")
			if s.step != stepOrder || s.p != nil {
				t.Fatalf("enter after the ship should wait for the next tote:\n%s", st.drv.Frame())
			}
		})
	}
}

// Two packers scan the same tote: the first packs it, the second is told who packs it at
// which station, and their screen keeps the scan.
func TestTwoPackersOnOneOrder(t *testing.T) {
	f := newFloor(t)
	_, number := f.Picked(t, "T8", map[string]int64{"TEE-1": 2})
	first := f.station(t, "Piet Packer", 40, 16)
	second := f.station(t, "Sara Packer", 40, 16)
	first.scan("P1")
	second.scan("P2")
	first.scan("T8")
	if first.s.step != stepVerify {
		t.Fatalf("the first packer's scan did not open %s:\n%s", number, first.drv.Frame())
	}
	second.scan("T8")
	second.frame("second packer", "✗ "+number+" is being packed by Piet Packer at station P1 since")
	if second.s.step != stepOrder || second.s.p != nil || second.s.scan.Value() != "T8" {
		t.Fatalf("the second packer should stay at the tote prompt with the scan kept:\n%s", second.drv.Frame())
	}
	first.scan("TEE-1")
	first.frame("first packer", "✓ 1 × TEE-1 verified (1/2)")
}

// Shipping is refused before the offers when the order leaves the EU with customs data
// missing: the problems are shown, and once the catalogue has them ctrl+s lists the offers.
func TestCustomsProblemsComeBeforeTheOffers(t *testing.T) {
	f := newFloor(t)
	mustExec(t, f.Owner, `UPDATE products SET hs_code = NULL WHERE sku = 'MUG-1'`)
	_, number := f.PickedTo(t, "T20", map[string]int64{"MUG-1": 1}, zurich)
	st := f.station(t, "Piet Packer", 40, 16)
	st.scan("")
	st.scan("T20")
	st.frame("opened", "! Customs data missing for CH", "MUG-1")
	st.scan("MUG-1")
	if st.s.step != stepBox {
		t.Fatalf("with every unit verified the box prompt should show:\n%s", st.drv.Frame())
	}
	st.drv.Press(keymaps.ScopeInput, "cancel") // not yet: back to the items
	if st.s.step != stepVerify || st.s.HasUnsavedInput() {
		t.Fatalf("esc at the box prompt should go back to the items, with nothing typed left")
	}
	st.drv.Press(keymaps.ScopePacking, "parcel")
	st.frame("box", "Box S?")
	st.drv.Press(keymaps.ScopeInput, "submit") // box S as suggested
	st.scan("450")
	st.drv.Press(keymaps.ScopePacking, "ship")
	tuitest.Golden(t, "packing-customs-40x16", st.frame("customs", "✗ "+number+" cannot leave for CH until its customs data is complete", "MUG-1"))
	if st.s.step != stepVerify {
		t.Fatalf("the offers were shown with customs data missing")
	}
	mustExec(t, f.Owner, `UPDATE products SET hs_code = '691200' WHERE sku = 'MUG-1'`)
	st.drv.Press(keymaps.ScopePacking, "ship")
	st.frame("offers", "Parcel", "33.00 EUR")
	if st.s.step != stepRates {
		t.Fatalf("after the catalogue was fixed the offers should show:\n%s", st.drv.Frame())
	}
}

var zurich = model.Address{Name: "Lea Meier", Line1: "Bahnhofstrasse 1", City: "Zürich", PostalCode: "8001", Country: "CH",
	Phone: "+41 44 123 45 67"}

// A station whose label printer fails says so after the ship (the shipment stays shipped) and
// ctrl+r prints again once it works: the labels and the packing slip land in the printers'
// directories; ctrl+o voids the label and prints a new one. A tote with two orders lists them;
// the second is chosen by arrow.
func TestLabelsPrintAndAFailedPrintIsRetried(t *testing.T) {
	f := newFloor(t)
	f.Picked(t, "T30", map[string]int64{"TEE-1": 1})
	_, second := f.Picked(t, "T30", map[string]int64{"MUG-1": 1})
	labels, paper := filepath.Join(t.TempDir(), "labels"), t.TempDir()
	if err := shipping.New(f.Owner).SetStation(context.Background(), shipping.Station{Warehouse: "RTM1", Code: "P9",
		LabelFormat: "zpl", LabelPrinter: "file:" + labels, PaperPrinter: "file:" + paper}); err != nil {
		t.Fatal(err)
	}
	st := f.station(t, "Piet Packer", 80, 24)
	st.scan("P9")
	st.frame("station", "Station P9: ZPL labels to file:"+labels)
	st.scan("T30")
	st.frame("choose", "T30 holds 2 orders")
	if st.s.step != stepChoose {
		t.Fatalf("a tote of two orders should list them:\n%s", st.drv.Frame())
	}
	st.drv.Press(keymaps.ScopeList, "down")
	st.drv.Press(keymaps.ScopeInput, "submit")
	st.frame("opened", "Pack "+second, "MUG-1")
	st.scan("MUG-1")
	st.drv.Press(keymaps.ScopeInput, "submit")
	st.scan("450g")
	st.drv.Press(keymaps.ScopePacking, "ship")
	st.drv.Press(keymaps.ScopeInput, "submit")
	st.frame("print failed", "✓ Shipped: 1 parcel", "✗ labels not printed", "^r prints again")
	if err := os.Mkdir(labels, 0o755); err != nil {
		t.Fatal(err)
	}
	st.drv.Press(keymaps.ScopePacking, "reprint")
	st.frame("printed", "labels printed to file:"+labels, "papers to file:"+paper)
	tracking := st.s.shipped.Tracking[0]
	zpl, err := os.ReadFile(filepath.Join(labels, tracking+".zpl"))
	if err != nil || !strings.Contains(string(zpl), tracking) {
		t.Fatalf("the label %s.zpl: %v", tracking, err)
	}
	if _, err := os.Stat(filepath.Join(paper, second+"-slip.pdf")); err != nil {
		t.Fatalf("the packing slip: %v", err)
	}

	// The label came out smudged: void it and print a new one, with a new number.
	st.drv.Press(keymaps.ScopePacking, "relabel")
	st.frame("relabel", "Void its label ("+tracking+") and print new ones", "y voids them, n keeps them")
	st.drv.Press(keymaps.ScopeDialog, "confirm")
	again := st.s.shipped.Tracking[0]
	st.frame("relabelled", "✓ Voided "+tracking, "✓ Shipped: 1 parcel, "+again, "labels printed to file:"+labels)
	if again == tracking {
		t.Fatalf("the new label kept the voided number %s", tracking)
	}
	if _, err := os.Stat(filepath.Join(labels, again+".zpl")); err != nil {
		t.Fatalf("the new label: %v", err)
	}
	var voided int
	mustGet(t, f.Owner, &voided, `SELECT count(*) FROM label_voids WHERE tracking_number = $1`, tracking)
	if voided != 1 {
		t.Errorf("the old number is voided %d times, want 1", voided)
	}
}

// A packer with no home warehouse is asked for it, then for the station; enter at the station
// is none, and the labels of what they ship stay in the database.
func TestAPackerWithoutAWarehouse(t *testing.T) {
	c := tuitest.NewContext()
	c.User.Warehouse = ""
	s := Def(&bench{}).Build(c, nil).(*Screen)
	drv := tuitest.New(t, s, *c.Keys, 20, 16)
	if !strings.Contains(flat(drv.Frame()), "Which warehouse") {
		t.Fatalf("the first prompt should ask for the warehouse:\n%s", drv.Frame())
	}
	drv.Type("rtm1")
	drv.Press(keymaps.ScopeInput, "submit")
	drv.Press(keymaps.ScopeInput, "submit")
	if f := flat(drv.Frame()); s.step != stepOrder || s.station != "" || !strings.Contains(f, "Packing RTM1") ||
		!strings.Contains(f, "No station: labels are kept, not printed") {
		t.Fatalf("after the warehouse and no station the screen should wait for a tote:\n%s", drv.Frame())
	}
	drv.Press(keymaps.ScopePacking, "station")
	if s.step != stepStation {
		t.Fatalf("the station key should ask for the station again")
	}
}

// An order of many lines on a handheld: the lines still to verify come first, the rest is
// counted, and the prompt and the last outcome always show.
func TestManyLinesLeaveThePromptOnAHandheld(t *testing.T) {
	c := tuitest.NewContext()
	s := Def(&bench{}).Build(c, nil).(*Screen)
	p := shipping.Packing{Shipment: 1, Order: "SO-0000009", ShipTo: rotterdam}
	for i := range 12 {
		l := shipping.PackLine{SKU: "SKU-" + string(rune('A'+i)), Name: "Thing", Picked: 2}
		if i < 6 {
			l.Packed = 2
		}
		p.Lines = append(p.Lines, l)
	}
	s.p, s.step = &p, stepVerify
	s.refuse("Wrong item: CAP-9 is not in SO-0000009")
	for _, size := range [][2]int{{20, 16}, {40, 16}} {
		s.SetSize(size[0], size[1])
		frame := s.View()
		tuitest.Exactly(t, frame, size[0], size[1])
		f := flat(frame)
		for _, want := range []string{"SKU-G", "SKU-H", "SKU-I", "SKU-J", "SKU-K", "SKU-L", "more", "Scan item", "✗ Wrong item: CAP-9"} {
			if !strings.Contains(f, want) {
				t.Errorf("%dx%d: the frame does not say %q:\n%s", size[0], size[1], want, frame)
			}
		}
		if i := strings.Index(f, "SKU-A"); i >= 0 && i < strings.Index(f, "SKU-L") {
			t.Errorf("%dx%d: a verified line shows before those still to verify:\n%s", size[0], size[1], frame)
		}
	}
}

// A station with a scale reads the parcel's weight when the weight prompt opens: the reading
// waits in the field for enter, typing replaces it, and enter on an empty field reads again.
func TestTheStationScaleFillsInTheWeight(t *testing.T) {
	f := newFloor(t)
	_, number := f.Picked(t, "T40", map[string]int64{"MUG-1": 1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // an MT-SICS scale behind a serial-to-network converter, a mug in a small box on it
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if cmd, _ := bufio.NewReader(c).ReadString('\n'); cmd == "S\r\n" {
				_, _ = c.Write([]byte("S S      0.455 kg\r\n"))
			}
			c.Close()
		}
	}()
	if err := shipping.New(f.Owner).SetStation(context.Background(), shipping.Station{Warehouse: "RTM1", Code: "P8",
		LabelFormat: "zpl", Scale: "tcp:" + ln.Addr().String()}); err != nil {
		t.Fatal(err)
	}
	st := f.station(t, "Piet Packer", 40, 16)
	st.scan("P8")
	st.scan(number)
	st.scan("MUG-1")
	st.drv.Press(keymaps.ScopeInput, "submit") // the box oms suggests
	st.frame("scale", "The scale reads 455 g")
	if got := st.s.scan.Value(); got != "455" {
		t.Fatalf("the field holds %q, want the scale's 455", got)
	}
	st.drv.Press(keymaps.ScopeInput, "submit")
	st.frame("closed", "Parcel 1 closed", "455 g")
}
