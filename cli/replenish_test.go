package cli

import (
	"context"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
)

// replenWorld is dbtest.SmallBusiness with RTM1's pick bins P-01 (pick_seq 5) and A-01 (7),
// reserve-to-be bins R-01 (50) and R-02 (60) and a packing location PACK, the units given put
// into them from the supplier, and a login per job asked for.
func replenWorld(t *testing.T, units map[string]int, jobs ...string) (owner *db.DB, urls map[string]string) {
	t.Helper()
	owner = dbtest.SmallBusiness(t)
	if _, err := owner.Exec(`INSERT INTO locations (warehouse_id, code, kind, pick_seq)
		SELECT w.id, x.code, x.kind, x.seq FROM warehouses w,
		       (VALUES ('P-01', 'bin', 5), ('A-01', 'bin', 7), ('R-01', 'bin', 50), ('R-02', 'bin', 60), ('PACK', 'packing', 0)) AS x(code, kind, seq)
		 WHERE w.code = 'RTM1'`); err != nil {
		t.Fatal(err)
	}
	for place, n := range units {
		bin, sku, _ := strings.Cut(place, ":")
		if _, err := owner.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
			SELECT p.id, s.id, b.id, $3, 'receipt' FROM products p, locations s, locations b JOIN warehouses w ON w.id = b.warehouse_id
			 WHERE p.sku = $2 AND s.kind = 'supplier' AND b.code = $1 AND w.code = 'RTM1'`, bin, sku, n); err != nil {
			t.Fatal(err)
		}
	}
	urls = map[string]string{}
	for _, j := range jobs {
		_, urls[j] = dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{j}})
	}
	return owner, urls
}

func replenClean(t *testing.T, owner *db.DB) {
	t.Helper()
	rep, err := owner.Check(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("oms check: %+v", rep.Violations)
	}
}

// Stock marks two reserve bins and a pick bin's level, raises the tasks (16 units to bring
// P-01 from 4 to 20), lists them and does the first: a wrong scan is one sentence and exit 1,
// a task number that is none a usage mistake; the back office may not raise.
func TestReplenishCLIRaiseListDo(t *testing.T) {
	owner, urls := replenWorld(t, map[string]int{"P-01:TEE-1": 4, "R-01:TEE-1": 10, "R-02:TEE-1": 30}, "stock", "backoffice")
	stock, bo := urls["stock"], urls["backoffice"]
	for _, bin := range []string{"R-01", "r-02"} {
		if out := omsOK(t, "bins", "reserve", "RTM1", bin, "--db", stock); out != strings.ToUpper(bin)+" at RTM1 is a reserve bin\n" {
			t.Fatalf("bins reserve said %q", out)
		}
	}
	if code, _, stderr := oms(t, "bins", "level", "RTM1", "P-01", "TEE-1", "--min", "5", "--db", stock); code != 2 || !strings.Contains(stderr, "--max N") {
		t.Fatalf("a level without a max: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "bins", "level", "rtm1", "p-01", "TEE-1", "--min", "5", "--max", "20", "--db", stock); out != "P-01 at RTM1: TEE-1 min 5, max 20\n" {
		t.Fatalf("bins level said %q", out)
	}
	if code, _, stderr := oms(t, "bins", "level", "RTM1", "R-01", "TEE-1", "--min", "1", "--max", "2", "--db", stock); code != 1 || !strings.Contains(stderr, "R-01 at RTM1 is a reserve bin") {
		t.Fatalf("a level on a reserve bin: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "replenish", "raise", "RTM1", "--db", bo); code != 1 || !strings.Contains(stderr, "permission denied for function oms_replenish_raise") {
		t.Fatalf("the back office raising: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "replenish", "raise", "RTM1", "--db", stock); out != "RTM1: 2 tasks for 16 units\n" {
		t.Fatalf("replenish raise said %q", out)
	}
	if out := omsOK(t, "replenish", "raise", "RTM1", "--db", stock); out != "RTM1: 0 tasks for 0 units\n" {
		t.Fatalf("raising again said %q", out)
	}
	if out := omsOK(t, "replenish", "list", "RTM1", "--db", stock); out != "1 R-01 → P-01 10 × TEE-1 ready\n2 R-02 → P-01 6 × TEE-1 ready\n" {
		t.Fatalf("replenish list said %q", out)
	}
	if code, _, stderr := oms(t, "replenish", "do", "1", "--from", "R-02", "--to", "P-01", "--qty", "10", "--db", stock); code != 1 ||
		!strings.Contains(stderr, `replenishment task 1 takes TEE-1 from R-01, not from "R-02"`) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("a wrong scan: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "replenish", "do", "one", "--from", "R-01", "--to", "P-01", "--qty", "10", "--db", stock); code != 2 || !strings.Contains(stderr, `TASK "one"`) {
		t.Fatalf("a task that is no number: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "replenish", "do", "1", "--from", "R-01", "--to", "P-01", "--qty", "10", "--db", stock); out != "task 1: 10 × TEE-1 R-01 → P-01; P-01 holds 14\n" {
		t.Fatalf("replenish do said %q", out)
	}
	if out := omsOK(t, "replenish", "list", "RTM1", "--all", "--db", stock); out != "2 R-02 → P-01 6 × TEE-1 ready\n1 R-01 → P-01 10 × TEE-1 done, 10 moved\n" {
		t.Fatalf("replenish list --all said %q", out)
	}
	if out := omsOK(t, "bins", "reserve", "RTM1", "R-01", "--off", "--db", stock); out != "R-01 at RTM1 is a pick bin\n" {
		t.Fatalf("bins reserve --off said %q", out)
	}
	replenClean(t, owner)
}

// The back office sets a rule and asks what to reorder: 12 available in A-01, 10 on an open PO,
// 56 shipped in the last 28 days (14 over 7 days' lead): 22 ≤ 20 + 14, so the rule's 30 (more
// than the gap, 12). --draft creates the PO; then there is nothing to reorder. Stock may not
// set rules.
func TestReorderCLIRuleSuggestDraft(t *testing.T) {
	owner, urls := replenWorld(t, map[string]int{"A-01:TEE-1": 12, "PACK:TEE-1": 56}, "stock", "backoffice")
	stock, bo := urls["stock"], urls["backoffice"]
	if _, err := owner.Exec(`INSERT INTO stock_movements (product_id, from_location_id, to_location_id, qty, kind)
		SELECT p.id, b.id, c.id, 56, 'ship' FROM products p, locations b, locations c
		 WHERE p.sku = 'TEE-1' AND b.code = 'PACK' AND c.kind = 'customer'`); err != nil {
		t.Fatal(err)
	}
	omsOK(t, "suppliers", "add", "SUP1", "Supplier One", "--country", "NL", "--currency", "EUR", "--db", bo)
	if out := omsOK(t, "po", "create", "--supplier", "SUP1", "--warehouse", "RTM1", "TEE-1=10", "--db", bo); out != "PO-000001\n" {
		t.Fatalf("po create said %q", out)
	}
	if code, _, stderr := oms(t, "reorder", "rule", "RTM1", "TEE-1", "--point", "20", "--qty", "30", "--lead-days", "7", "--db", stock); code != 1 ||
		!strings.Contains(stderr, "permission denied for function oms_reorder_rule_set") {
		t.Fatalf("stock setting a rule: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "reorder", "rule", "RTM1", "TEE-1", "--qty", "30", "--db", bo); code != 2 || !strings.Contains(stderr, "--point N and --lead-days N") {
		t.Fatalf("a rule without a point: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "reorder", "rule", "RTM1", "TEE-1", "--point", "20", "--qty", "30", "--lead-days", "7", "--supplier", "sup1", "--db", bo); out != "RTM1 TEE-1: order 30 at 20, 7 days' lead, from SUP1\n" {
		t.Fatalf("reorder rule said %q", out)
	}
	if code, _, stderr := oms(t, "reorder", "suggest", "--db", bo); code != 2 || !strings.Contains(stderr, "--warehouse W") {
		t.Fatalf("suggest without a warehouse: exit %d, %q", code, stderr)
	}
	const line = "RTM1 TEE-1: 12 available + 10 on order + 0 in transit < point 20 + 14 expected demand (7 days) → order 30 from SUP1\n"
	if out := omsOK(t, "reorder", "suggest", "--warehouse", "RTM1", "--db", bo); out != line {
		t.Fatalf("reorder suggest said %q", out)
	}
	if out := omsOK(t, "reorder", "suggest", "--warehouse", "rtm1", "--draft", "--db", bo); out != line+"PO-000002 from SUP1: 1 line, 30 units\n" {
		t.Fatalf("reorder suggest --draft said %q", out)
	}
	if out := omsOK(t, "po", "show", "PO-000002", "--db", bo); !strings.Contains(out, "1 TEE-1 ordered 30 received 0 damaged 0 open 30") {
		t.Fatalf("the drafted PO: %q", out)
	}
	if out := omsOK(t, "reorder", "suggest", "--warehouse", "RTM1", "--db", bo); out != "RTM1: nothing to reorder\n" {
		t.Fatalf("suggesting after the draft said %q", out)
	}
	replenClean(t, owner)
}
