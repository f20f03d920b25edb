package cli

import (
	"fmt"
	"strings"
	"testing"

	"oms/db"
	"oms/db/dbtest"
)

// inboundWorld is dbtest.SmallBusiness with RECEIVING locations at RTM1 and BER-M, and a login
// per job asked for.
func inboundWorld(t *testing.T, jobs ...string) (owner *db.DB, urls map[string]string) {
	t.Helper()
	owner = dbtest.SmallBusiness(t)
	if _, err := owner.Exec(`INSERT INTO locations (warehouse_id, code, kind) SELECT w.id, x.code, x.kind FROM warehouses w, (VALUES ('RECEIVING', 'receiving'), ('QUARANTINE', 'quarantine')) AS x(code, kind)`); err != nil {
		t.Fatal(err)
	}
	urls = map[string]string{}
	for _, j := range jobs {
		_, urls[j] = dbtest.NewLogin(t, owner, dbtest.Staff{Jobs: []string{j}})
	}
	return owner, urls
}

// The back office adds a supplier and creates a PO (its number printed); stock receives
// against it, one line of output; beyond the tolerance is one sentence and exit 1; a wrong
// quantity is a usage error; po show prints the PO and a line per line.
func TestInboundPOCreateReceiveShow(t *testing.T) {
	_, urls := inboundWorld(t, "backoffice", "stock")
	bo, stock := urls["backoffice"], urls["stock"]
	if out := omsOK(t, "suppliers", "add", "acme", "Acme Supplies", "--country", "nl", "--currency", "eur", "--db", bo); out != "supplier ACME: Acme Supplies (NL, EUR)\n" {
		t.Fatalf("suppliers add said %q", out)
	}
	if code, _, stderr := oms(t, "suppliers", "add", "ACME", "Again", "--country", "NL", "--currency", "EUR", "--db", bo); code != 1 || !strings.Contains(stderr, "there is a supplier ACME already") {
		t.Fatalf("the same supplier again: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "po", "create", "--warehouse", "RTM1", "TEE-1=10", "--db", bo); code != 2 || !strings.Contains(stderr, "--supplier") {
		t.Fatalf("a PO without a supplier: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "po", "create", "--supplier", "ACME", "--warehouse", "RTM1", "--expected", "2026-12-07", "TEE-1=10@4.50", "MUG-1=5", "--db", bo); out != "PO-000001\n" {
		t.Fatalf("po create said %q", out)
	}
	if code, _, stderr := oms(t, "po", "create", "--supplier", "ACME", "--warehouse", "RTM1", "TEE-1=10", "--db", stock); code != 1 || !strings.Contains(stderr, "permission denied for function oms_po_create") {
		t.Fatalf("stock creating a PO: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "po", "receive", "PO-000001", "TEE-1", "8", "--db", stock); out != "PO-000001: 8 × TEE-1 into receiving RECEIVING at RTM1; line 1 has 8 received, 2 open; partially received\n" {
		t.Fatalf("po receive said %q", out)
	}
	if code, _, stderr := oms(t, "po", "receive", "PO-000001", "TEE-1", "5", "--db", stock); code != 1 ||
		!strings.Contains(stderr, "PO-000001 has 2 × TEE-1 still open") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("receiving beyond the tolerance: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "po", "receive", "PO-000001", "TEE-1", "many", "--db", stock); code != 2 || !strings.Contains(stderr, `QTY "many"`) {
		t.Fatalf("a wrong quantity: exit %d, %q", code, stderr)
	}
	omsOK(t, "po", "receive", "PO-000001", "MUG-1", "1", "--damaged", "--db", stock)
	want := "PO-000001 ACME → RTM1 partially_received expected 2026-12-07\n" +
		"1 TEE-1 ordered 10 received 8 damaged 0 open 2 at 4.50 EUR\n" +
		"2 MUG-1 ordered 5 received 1 damaged 1 open 4 at 0.00 EUR\n"
	if out := omsOK(t, "po", "show", "po-000001", "--db", stock); out != want {
		t.Fatalf("po show said\n%s\nwant\n%s", out, want)
	}
	if out := omsOK(t, "po", "close", "PO-000001", "--reason", "enough", "--db", bo); out != "PO-000001 is closed\n" {
		t.Fatalf("po close said %q", out)
	}
	if code, _, stderr := oms(t, "po", "show", "PO-000009", "--db", stock); code != 1 || !strings.Contains(stderr, "there is no purchase order") {
		t.Fatalf("a PO that does not exist: exit %d, %q", code, stderr)
	}
}

// A transfer from the Berlin store to Rotterdam, shipped and received; adjustments by their
// signed quantity: a small one posts, a big one waits for a supervisor's approval; a move
// between bins.
func TestInboundTransferMoveAndAdjust(t *testing.T) {
	owner, urls := inboundWorld(t, "stock", "supervisor")
	stock, sup := urls["stock"], urls["supervisor"]
	if _, err := owner.Exec(`UPDATE products SET unit_cost_minor = 100000 WHERE sku = 'MUG-1';
		INSERT INTO locations (warehouse_id, code, kind, pick_seq) SELECT id, 'A-02', 'bin', 2 FROM warehouses WHERE code = 'BER-M'`); err != nil {
		t.Fatal(err)
	}
	if out := omsOK(t, "transfer", "create", "--from", "BER-M", "--to", "RTM1", "TEE-1=2", "--db", stock); out != "TR-000001\n" {
		t.Fatalf("transfer create said %q", out)
	}
	if out := omsOK(t, "transfer", "ship", "TR-000001", "--db", stock); out != "TR-000001: 2 shipped; shipped\n" {
		t.Fatalf("transfer ship said %q", out)
	}
	if out := omsOK(t, "transfer", "receive", "TR-000001", "TEE-1=1", "--db", stock); out != "TR-000001: 1 received, 1 in transit; received with differences\n" {
		t.Fatalf("transfer receive said %q", out)
	}
	if code, _, stderr := oms(t, "transfer", "receive", "TR-000001", "TEE-1", "--db", stock); code != 2 || !strings.Contains(stderr, "SKU=QTY") {
		t.Fatalf("a unit without a quantity: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "transfer", "write-off", "TR-000001", "--db", stock); code != 2 || !strings.Contains(stderr, "--reason TEXT") {
		t.Fatalf("a write-off without a reason: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "transfer", "show", "TR-000001", "--db", stock); !strings.HasPrefix(out, "TR-000001 BER-M → RTM1 received with differences, 1 in transit\n") {
		t.Fatalf("transfer show said %q", out)
	}
	if out := omsOK(t, "move", "BER-M", "A-01", "A-02", "TEE-1", "1", "--db", stock); out != "1 × TEE-1 A-01 → A-02\n" {
		t.Fatalf("move said %q", out)
	}
	if out := omsOK(t, "adjust", "BER-M", "A-01", "TEE-1", "-1", "--reason", "ADJ_DAMAGED", "--db", stock); !strings.HasSuffix(out, "-1 × TEE-1 at bin A-01 at BER-M, worth 0.00 EUR, posted\n") {
		t.Fatalf("a small adjustment said %q", out)
	}
	out := omsOK(t, "adjust", "--reason", "ADJ_FOUND", "BER-M", "A-02", "MUG-1", "+1", "--db", stock)
	var id int64
	if _, err := fmt.Sscanf(out, "adjustment %d:", &id); err != nil || !strings.Contains(out, "waits for a supervisor (above 500.00 EUR)") {
		t.Fatalf("a big adjustment said %q (%v)", out, err)
	}
	if code, _, stderr := oms(t, "adjust", "BER-M", "A-02", "MUG-1", "0", "--reason", "ADJ_FOUND", "--db", stock); code != 2 || !strings.Contains(stderr, "not 0") {
		t.Fatalf("adjusting by 0: exit %d, %q", code, stderr)
	}
	if code, _, stderr := oms(t, "adjust", "approve", fmt.Sprint(id), "--db", stock); code != 1 || !strings.Contains(stderr, "permission denied") {
		t.Fatalf("stock approving: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "adjust", "approve", fmt.Sprint(id), "--db", sup); !strings.HasSuffix(out, "MUG-1 at bin A-02 at BER-M, worth 1000.00 EUR, posted\n") {
		t.Fatalf("approve said %q", out)
	}
	var onHand int64
	if err := owner.Get(&onHand, `SELECT b.on_hand FROM stock_balances b JOIN locations l ON l.id = b.location_id JOIN products p ON p.id = b.product_id
		WHERE l.code = 'A-02' AND p.sku = 'MUG-1'`); err != nil || onHand != 1 {
		t.Fatalf("A-02 holds %d mugs (%v)", onHand, err)
	}
}

// The back office records ACME's notice for a PO with its pallet's SSCC; stock receives it
// whole by the SSCC (one line of output), and a second receive is one sentence and exit 1.
func TestASNCreateReceiveShow(t *testing.T) {
	_, urls := inboundWorld(t, "backoffice", "stock")
	bo, stock := urls["backoffice"], urls["stock"]
	omsOK(t, "suppliers", "add", "ACME", "Acme Supplies", "--country", "NL", "--currency", "EUR", "--db", bo)
	omsOK(t, "po", "create", "--supplier", "ACME", "--warehouse", "RTM1", "TEE-1=10", "MUG-1=5", "--db", bo)
	if code, _, stderr := oms(t, "asn", "create", "PO-000001", "D-1", "TEE-1", "--db", bo); code != 2 || !strings.Contains(stderr, "SKU=QTY[/LOT[/YYYY-MM-DD]]") {
		t.Fatalf("a line without a quantity: exit %d, %q", code, stderr)
	}
	want := "DESADV-7781 ACME for PO-000001 SSCC 387123450000077816 on 2026-12-07, expected\nTEE-1 6\nMUG-1 5\n"
	if out := omsOK(t, "asn", "create", "PO-000001", "desadv-7781", "TEE-1=6", "MUG-1=5", "--sscc", "387123450000077816", "--expected", "2026-12-07", "--db", bo); out != want {
		t.Fatalf("asn create said %q", out)
	}
	if out := omsOK(t, "asn", "receive", "387123450000077816", "--db", stock); out != "DESADV-7781: 11 units on 2 lines received against PO-000001; partially received\n" {
		t.Fatalf("asn receive said %q", out)
	}
	if code, _, stderr := oms(t, "asn", "receive", "DESADV-7781", "--db", stock); code != 1 || !strings.Contains(stderr, "notice DESADV-7781 was received already by") {
		t.Fatalf("receiving it again: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "asn", "show", "DESADV-7781", "--db", stock); !strings.HasPrefix(out, "DESADV-7781 ACME for PO-000001 SSCC 387123450000077816 on 2026-12-07, received by ") {
		t.Fatalf("asn show said %q", out)
	}
}
