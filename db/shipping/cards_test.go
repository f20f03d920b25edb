package shipping_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"oms/db/dbtest"
	"oms/db/shipping"
	ship "oms/shipping"
)

// The sample cards come back from the database as they went in: every quote a card gives for a
// spread of parcels and places is the same from the stored card, and importing a card again for
// the same first day replaces it.
func TestRateCardsSurviveTheDatabase(t *testing.T) {
	owner := dbtest.SmallBusiness(t)
	st := shipping.New(dbtest.LoginAs(t, owner, "backoffice"))
	ctx := context.Background()
	for _, c := range ship.SampleCards() {
		if _, err := st.ImportRateCard(ctx, "", c, c.Carrier, strings.Repeat("b", 64)); err != nil {
			t.Fatalf("%s: %v", c.Carrier, err)
		}
	}
	day := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	stored, err := st.RateCards(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 4 {
		t.Fatalf("%d cards read back, want 4 (the 2027 PostNL card starts later but is read too)", len(stored))
	}
	parcels := []ship.Parcel{{WeightG: 400, LengthMM: 200, WidthMM: 150, HeightMM: 100},
		{WeightG: 2300, LengthMM: 395, WidthMM: 295, HeightMM: 201}, {WeightG: 14000, LengthMM: 1250, WidthMM: 300, HeightMM: 300}}
	places := []ship.Destination{{Country: "NL", PostalCode: "8881 AB"}, {Country: "DE", PostalCode: "26123"},
		{Country: "US", PostalCode: "96813"}, {Country: "NO", PostalCode: "9000"}, {Country: "GB", PostalCode: "ZE1 0AA"}}
	quotes := 0
	for _, in := range ship.SampleCards() {
		var out ship.RateCard
		for _, c := range stored {
			if c.Carrier == in.Carrier && c.ValidFrom.Equal(in.ValidFrom) {
				out = c
			}
		}
		if out.Carrier == "" {
			t.Fatalf("card %s from %s was not read back", in.Carrier, in.ValidFrom)
		}
		for _, origin := range []string{"NL", "GB", "US"} {
			for _, p := range parcels {
				for _, to := range places {
					for _, sv := range in.Services {
						want, werr := in.Quote(origin, p, to, sv.Code)
						got, gerr := out.Quote(origin, p, to, sv.Code)
						if (werr == nil) != (gerr == nil) || !reflect.DeepEqual(want, got) {
							t.Errorf("%s %s %s→%v %+v: stored card quotes %+v (%v), the file %+v (%v)",
								in.Carrier, sv.Code, origin, to, p, got, gerr, want, werr)
						}
						if werr == nil {
							quotes++
						}
					}
				}
			}
		}
	}
	if quotes < 20 {
		t.Fatalf("only %d quotes compared", quotes)
	}
	again, err := st.ImportRateCard(ctx, "", ship.SampleCards()[0], "again", strings.Repeat("c", 64))
	if err != nil || !again.Replaced {
		t.Fatalf("importing a card again: %+v, %v; want it replaced", again, err)
	}
}
