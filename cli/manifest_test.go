package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	dbship "oms/db/shipping"
)

// A closed manifest is written as a PDF and a CSV with one row per parcel.
func TestManifestFiles(t *testing.T) {
	m := dbship.Manifest{Number: "M-000012", Carrier: "postnl", Name: "PostNL", Warehouse: "RTM1", Country: "NL",
		ClosedAt: time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), WeightG: 1900,
		Parcels: []dbship.ManifestParcel{
			{Order: "SO-0000001", SSCC: "087123450000000011", Tracking: "CP000000115NL", Service: "PostNL Pakket", WeightG: 1200, Country: "NL", PostalCode: "3011 AD"},
			{Order: "SO-0000002", SSCC: "087123450000000028", Tracking: "CP000000129NL", Service: "PostNL Pakket", WeightG: 700, Country: "BE", PostalCode: "1000"},
		}}
	dir := t.TempDir()
	files, err := writeManifest(context.Background(), m, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0] != filepath.Join(dir, "M-000012.csv") || files[1] != filepath.Join(dir, "M-000012.pdf") {
		t.Fatalf("files %v", files)
	}
	csv, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	want := "manifest,order,sscc,tracking_number,service,weight_g,country,postal_code\n" +
		"M-000012,SO-0000001,087123450000000011,CP000000115NL,PostNL Pakket,1200,NL,3011 AD\n" +
		"M-000012,SO-0000002,087123450000000028,CP000000129NL,PostNL Pakket,700,BE,1000\n"
	if string(csv) != want {
		t.Fatalf("csv:\n%s\nwant:\n%s", csv, want)
	}
	pdf, err := os.ReadFile(files[1])
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("the PDF: %v", err)
	}
}

// Stations are set by the administrator; a bad printer is a usage error.
func TestStationsSet(t *testing.T) {
	owner, urls := catalogWorld(t, "admin")
	if _, err := owner.Exec(`INSERT INTO warehouses (code, name, kind, country, time_zone, currency) VALUES ('RTM1', 'Rotterdam', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`); err != nil {
		t.Fatal(err)
	}
	out := omsOK(t, "stations", "set", "rtm1", "p1", "--labels", "tcp:10.0.0.7", "--paper", "file:/tmp", "--db", urls["admin"])
	if out != "station P1 at RTM1: zpl labels to tcp:10.0.0.7, paper to file:/tmp\n" {
		t.Fatalf("said %q", out)
	}
	code, _, stderr := oms(t, "stations", "set", "RTM1", "P2", "--labels", "usb:zebra", "--db", urls["admin"])
	if code != 2 || !strings.Contains(stderr, "usb:zebra") {
		t.Fatalf("a bad printer: exit %d, %q", code, stderr)
	}
	code, _, stderr = oms(t, "stations", "set", "AMS9", "P1", "--db", urls["admin"])
	if code != 1 || !strings.Contains(stderr, "there is no warehouse AMS9") {
		t.Fatalf("an unknown warehouse: exit %d, %q", code, stderr)
	}
}
