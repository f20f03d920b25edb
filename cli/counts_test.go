package cli

import (
	"strings"
	"testing"
)

// A stock controller plans a count of two bins and lists it; an unknown bin and an unknown way
// of planning are refused; a supervisor sets the tolerance, and a stock controller may not.
func TestCountsPlanListAndTolerance(t *testing.T) {
	owner, urls := catalogWorld(t, "stock", "supervisor")
	for _, s := range []string{
		`INSERT INTO company (name, country, currency) VALUES ('Test BV', 'NL', 'EUR')`,
		`INSERT INTO warehouses (code, name, kind, country, time_zone, currency) VALUES ('RTM1', 'Rotterdam', 'dc', 'NL', 'Europe/Amsterdam', 'EUR')`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-01', 'bin', 1 FROM warehouses`,
		`INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 2 FROM warehouses`,
	} {
		if _, err := owner.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	st := urls["stock"]
	if out := omsOK(t, "counts", "plan", "rtm1", "bins", "a-01,A-02", "--db", st); out != "C-000001 RTM1: bins A-01, A-02, 2 bins to count\n" {
		t.Fatalf("plan said %q", out)
	}
	if code, _, stderr := oms(t, "counts", "plan", "RTM1", "bins", "A-01,B-07", "--db", st); code != 1 || !strings.Contains(stderr, "RTM1 has no bin B-07") {
		t.Fatalf("an unknown bin: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "counts", "plan", "RTM1", "shelf", "--db", st); code != 1 || !strings.Contains(stderr, `not "shelf"`) {
		t.Fatalf("an unknown plan: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "counts", "list", "--db", st); !strings.HasPrefix(out, "C-000001 RTM1 counting 2 bins: 2 to count, 0 for a supervisor, 0 posted") {
		t.Fatalf("list said %q", out)
	}
	if out := omsOK(t, "counts", "tolerance", "RTM1", "--units", "2", "--value", "50.00", "--db", urls["supervisor"]); !strings.Contains(out, "within 2 units and 50.00 post at once") {
		t.Fatalf("tolerance said %q", out)
	}
	var units, minor int64
	if err := owner.QueryRow(`SELECT count_tolerance_units, count_tolerance_minor FROM warehouses`).Scan(&units, &minor); err != nil || units != 2 || minor != 5000 {
		t.Fatalf("the tolerance is %d units, %d minor (%v)", units, minor, err)
	}
	if code, _, stderr := oms(t, "counts", "tolerance", "RTM1", "--units", "9", "--db", st); code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("a stock controller setting the tolerance: exit %d, %q", code, stderr)
	}
}
