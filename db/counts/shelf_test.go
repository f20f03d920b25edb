package counts_test

import (
	"context"
	"testing"

	"oms/db/counts"
)

// Shelf is what a bin holds as the ledger has it, product by product: the simulated counter's
// eyes.
func TestShelfIsWhatTheLedgerHoldsInTheBin(t *testing.T) {
	f := newFloor(t)
	st, _ := f.login(t, "Sim Counter", "stock")
	ctx := context.Background()
	got, err := st.Shelf(ctx, "rtm1", "A-01")
	if err != nil {
		t.Fatal(err)
	}
	if want := []counts.Line{{Product: f.product(t, "TEE-1"), Qty: 40}}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("A-01 holds %+v, want %+v", got, want)
	}
	if got, err := st.Shelf(ctx, "RTM1", "NO-SUCH-BIN"); err != nil || len(got) != 0 {
		t.Errorf("a bin that does not exist holds %+v, %v", got, err)
	}
}
