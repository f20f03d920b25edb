package catalog_test

import (
	"context"
	"slices"
	"testing"

	dbcatalog "oms/db/catalog"
	"oms/db/dbtest"
	"oms/db/floortest"
)

// StockedAt lists the SKUs with at least min units free to sell in the warehouse's bins, the
// most first, as the back office may read them.
func TestStockedAtListsWhatIsFreeToSell(t *testing.T) {
	f := floortest.New(t) // 40 TEE-1 in A-01, 40 MUG-1 in A-02 of RTM1
	floortest.Receive(t, f.Owner, "MUG-1", "A-02", 5)
	st := dbcatalog.New(dbtest.LoginAs(t, f.Owner, "backoffice"))
	ctx := context.Background()
	for _, tt := range []struct {
		warehouse  string
		min, limit int
		want       []string
	}{
		{"RTM1", 5, 10, []string{"MUG-1", "TEE-1"}},
		{"rtm1", 41, 10, []string{"MUG-1"}},
		{"RTM1", 46, 10, nil},
		{"RTM1", 1, 1, []string{"MUG-1"}},
		{"BER-M", 1, 10, []string{"TEE-1"}}, // the store's shelf
	} {
		got, err := st.StockedAt(ctx, tt.warehouse, tt.min, tt.limit)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("StockedAt(%s, %d, %d) = %v, %v; want %v", tt.warehouse, tt.min, tt.limit, got, err, tt.want)
		}
	}
}
