package shippdf

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"oms/model"
)

// exampleHandover is a busy day: n DHL parcels from Rotterdam, each with its SSCC and tracking
// number.
func exampleHandover(t testing.TB, n int) Handover {
	t.Helper()
	h := Handover{
		Number: "MAN-2026-11-30-DHL-RTM", Carrier: "DHL Express", Account: "951234567",
		Warehouse: "RTM · Rotterdam", Country: "NL",
		ClosedAt: time.Date(2026, 11, 30, 17, 45, 0, 0, time.UTC),
	}
	countries := []struct{ country, postcode string }{{"DE", "10115"}, {"PL", "90-001"}, {"US", "94105"}, {"CH", "8001"}, {"GB", "SW1A 1AA"}}
	for i := 1; i <= n; i++ {
		body := fmt.Sprintf("38712345%09d", i)
		check, err := model.GS1CheckDigit(body)
		if err != nil {
			t.Fatal(err)
		}
		dest := countries[i%len(countries)]
		h.Parcels = append(h.Parcels, HandoverParcel{
			OrderNumber: fmt.Sprintf("SO-%07d", 1700+i), SSCC: fmt.Sprintf("%s%d", body, check),
			TrackingNumber: fmt.Sprintf("%010d", 1234560000+i*7), Service: "Express Worldwide",
			WeightG: int64(500 + i*10), Country: dest.country, PostalCode: dest.postcode,
		})
	}
	return h
}

func renderManifest(t testing.TB, h Handover) []byte {
	t.Helper()
	b, err := Manifest(h)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestManifestOf120Parcels(t *testing.T) {
	h := exampleHandover(t, 120)
	r := open(t, renderManifest(t, h))
	pages := r.NumPage()
	if pages < 3 {
		t.Fatalf("120 parcels on %d pages, want 3 or more", pages)
	}
	const header = "# Order SSCC Tracking number Service Weight Destination"
	for n := 1; n <= pages; n++ {
		lines := pageLines(t, r, n)
		text := strings.Join(lines, "\n")
		expectText(t, fmt.Sprintf("page %d", n), text, fmt.Sprintf("Carrier manifest MAN-2026-11-30-DHL-RTM · page %d of %d", n, pages))
		if strings.Contains(text, " SO-") && !strings.Contains(text, header) {
			t.Errorf("page %d lists parcels without the table's header:\n%s", n, text)
		}
		if n > 1 && lines[0] != "Carrier manifest MAN-2026-11-30-DHL-RTM (continued)" {
			t.Errorf("page %d starts %q", n, lines[0])
		}
	}
	text := allText(t, r)
	expectText(t, "manifest", text,
		"CARRIER WAREHOUSE CLOSED AT ACCOUNT", "DHL Express RTM · Rotterdam 2026-11-30 17:45 UTC 951234567",
		"1 SO-0001701 387123450000000012 1234560007 Express Worldwide 0.510 kg PL 90-001",
		"Total: 120 parcels, 132.600 kg", // 120 × 500 g + 10 g × (1 + … + 120)
		"Received by (DHL Express driver)",
	)
	var weight int64
	for i, p := range h.Parcels {
		weight += p.WeightG
		if !strings.Contains(text, p.TrackingNumber) || !strings.Contains(text, p.SSCC) {
			t.Errorf("parcel %d (%s, %s) is missing", i+1, p.TrackingNumber, p.SSCC)
		}
	}
	if weight != 132600 {
		t.Errorf("the example weighs %d g; the expected total above is wrong", weight)
	}
}

func TestManifestRefusesBadRows(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(h *Handover)
		want   string
	}{
		{"duplicate", func(h *Handover) { h.Parcels[2].TrackingNumber = h.Parcels[0].TrackingNumber }, "is also parcel 1's"},
		{"SSCC", func(h *Handover) { h.Parcels[1].SSCC = "387123450000000021" }, "parcel 2 (order SO-0001702): SSCC"},
		{"weight", func(h *Handover) { h.Parcels[0].WeightG = 0 }, "weight 0 g"},
		{"empty", func(h *Handover) { h.Parcels = nil }, "no parcels"},
		{"closed", func(h *Handover) { h.ClosedAt = time.Time{} }, "no closing time"},
	} {
		h := exampleHandover(t, 3)
		c.change(&h)
		if _, err := Manifest(h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
