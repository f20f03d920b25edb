package cli

import (
	"strings"
	"testing"
)

// The back office sets a channel's return window and a reason's restocking fee; bad values are
// refused with what is wrong; the queue prints its counts, and a list that does not exist is a
// usage error.
func TestReturnsPolicyFeeAndQueue(t *testing.T) {
	owner, urls := catalogWorld(t, "backoffice")
	bo := urls["backoffice"]
	channel := "web-nl"
	if _, err := owner.Exec(`INSERT INTO channels (code, name, kind, currency) VALUES ('web-nl', 'Web NL', 'webshop', 'EUR')`); err != nil {
		t.Fatal(err)
	}
	if out := omsOK(t, "returns", "policy", channel, "--days", "14", "--shipping", "none", "--db", bo); !strings.Contains(out, "within 14 days") {
		t.Fatalf("policy said %q", out)
	}
	var days int
	var shipping string
	if err := owner.QueryRow(`SELECT return_days, return_shipping FROM channels WHERE code = $1`, channel).Scan(&days, &shipping); err != nil ||
		days != 14 || shipping != "none" {
		t.Fatalf("the channel's policy is %d days, %s shipping (%v)", days, shipping, err)
	}
	if code, _, stderr := oms(t, "returns", "policy", channel, "--shipping", "half", "--db", bo); code != 1 || !strings.Contains(stderr, `not "half"`) {
		t.Fatalf("a wrong shipping policy: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "returns", "fee", "ret_no_longer_wanted", "12.5%", "--db", bo); out != "RET_NO_LONGER_WANTED keeps 12.5% of the goods refunded\n" {
		t.Fatalf("fee said %q", out)
	}
	var ppm int64
	if err := owner.Get(&ppm, `SELECT restocking_fee_ppm FROM reason_codes WHERE code = 'RET_NO_LONGER_WANTED'`); err != nil || ppm != 125000 {
		t.Fatalf("the fee is %d ppm (%v)", ppm, err)
	}
	if code, _, stderr := oms(t, "returns", "fee", "HOLD_FRAUD", "5", "--db", bo); code != 1 || !strings.Contains(stderr, "not a return reason") {
		t.Fatalf("a fee on a hold reason: exit %d, %q", code, stderr)
	}
	if out := omsOK(t, "returns", "queue", "--db", bo); !strings.HasPrefix(out, "arrived 0 · to refund 0 · expected 0") {
		t.Fatalf("queue said %q", out)
	}
	if code, _, stderr := oms(t, "returns", "queue", "--list", "lost", "--db", bo); code != 2 || !strings.Contains(stderr, `no list "lost"`) {
		t.Fatalf("a list that does not exist: exit %d, %q", code, stderr)
	}
}
