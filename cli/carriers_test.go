package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// The sample rate cards import as the back office, a broken card is refused whole with the line
// and column of each problem, and a tracking file names the numbers no parcel has.
func TestCarriersImportAndTrackingImport(t *testing.T) {
	owner, urls := catalogWorld(t, "backoffice")
	bo := urls["backoffice"]
	cards, err := filepath.Glob("../shipping/ratecards/*.csv")
	if err != nil || len(cards) != 4 {
		t.Fatalf("sample cards: %v, %v", cards, err)
	}
	out := omsOK(t, append([]string{"carriers", "import", "--db", bo}, cards...)...)
	for _, want := range []string{"imported dhl-express card from 2026-01-01: ", "imported postnl card from 2026-01-01: ",
		"imported postnl card from 2027-01-01: ", "imported ups card from 2026-01-01: "} {
		if !strings.Contains(out, want) {
			t.Errorf("import said %q; want a line %q", out, want)
		}
	}
	var n int
	if err := owner.Get(&n, `SELECT count(*) FROM rate_cards`); err != nil || n != 4 {
		t.Fatalf("%d cards stored, %v", n, err)
	}

	bad := writeFile(t, "bad.csv", "kind,carrier,name,tracking_format,currency,valid_from,valid_to,weight_unit,weight_step,"+
		"dim_unit,dim_divisor,side_rounding,fuel_percent,service,max_weight,max_side,origin,country,postcode_prefix,zone,price,days,surcharge,min_side\n"+
		"card,acme,Acme,s10,EUR,2026-01-01,,kg,0.5,cm,5000,up,10,,,,,,,,,,,\n"+
		"service,,Acme Parcel,,,,,,,,,,,parcel,abc,,,,,,,,,\n")
	code, stdout, stderr := oms(t, "carriers", "import", bad, "--db", bo)
	if code != 1 || !strings.Contains(stderr, "bad.csv line 3") || !strings.Contains(stderr, "max_weight") {
		t.Fatalf("a bad card: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if err := owner.Get(&n, `SELECT count(*) FROM carriers WHERE code = 'acme'`); err != nil || n != 0 {
		t.Fatalf("a refused card left %d carriers, %v", n, err)
	}

	events := writeFile(t, "events.csv", "tracking_number,time,status,place\n"+
		"CP000000115NL,2026-12-01T09:00:00+01:00,in_transit,Rotterdam\n")
	if out := omsOK(t, "tracking", "import", events, "--db", bo); out != "unknown tracking number CP000000115NL: no parcel has it\nrecorded 0 events\n" {
		t.Fatalf("tracking import said %q", out)
	}
	wrong := writeFile(t, "wrong.csv", "tracking_number,time,status,place\nX1,yesterday,lost,\n")
	code, _, stderr = oms(t, "tracking", "import", wrong, "--db", bo)
	if code != 1 || !strings.Contains(stderr, "wrong.csv:2: time \"yesterday\" is not an RFC 3339 time") {
		t.Fatalf("a bad tracking file: exit %d, %q", code, stderr)
	}
}
