package db_test

import (
	"context"
	"testing"

	"github.com/lib/pq"

	"oms/db/dbtest"
	"oms/model"
)

// TestDatabaseDerivesStatusLikeTheModel: the database's oms_derive_status and
// model.DeriveStatus agree on every combination of hold, cancellation, pick-up (collected at a
// store or not), delivery (every shipment delivered or not) and line totals up to five open units
// (the rules only look at sums, so one line stands for any number).
func TestDatabaseDerivesStatusLikeTheModel(t *testing.T) {
	d := dbtest.New(t)
	var hold, cancel, pickUp, delivered []bool
	var open, alloc, picked, packed, shipped, returned []int64
	var want []string
	for o := int64(0); o <= 5; o++ {
		for a := int64(0); a <= o; a++ {
			for p := int64(0); p <= a; p++ {
				for k := int64(0); k <= p; k++ {
					for s := int64(0); s <= k; s++ {
						for r := int64(0); r <= s; r++ {
							for _, h := range []bool{false, true} {
								for _, c := range []bool{false, true} {
									for _, u := range []bool{false, true} {
										for _, v := range []bool{false, true} {
											line := model.LineQty{Ordered: o, Allocated: a, Picked: p, Packed: k, Shipped: s, Returned: r}
											f := model.OrderFacts{OnHold: h, Cancelled: c, PickUp: u, Delivered: v}
											hold, cancel, pickUp, delivered = append(hold, h), append(cancel, c), append(pickUp, u), append(delivered, v)
											open, alloc, picked = append(open, o), append(alloc, a), append(picked, p)
											packed, shipped, returned = append(packed, k), append(shipped, s), append(returned, r)
											want = append(want, string(model.DeriveStatus(f, []model.LineQty{line})))
										}
									}
								}
							}
						}
					}
				}
			}
		}
	}
	var got []string
	err := d.SelectContext(context.Background(), &got, `
		SELECT oms_derive_status(h, c, u, v, o, a, p, k, s, r)
		  FROM unnest($1::boolean[], $2::boolean[], $3::boolean[], $4::boolean[], $5::bigint[], $6::bigint[],
		              $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[])
		       WITH ORDINALITY AS x(h, c, u, v, o, a, p, k, s, r, n)
		 ORDER BY n`,
		pq.Array(hold), pq.Array(cancel), pq.Array(pickUp), pq.Array(delivered), pq.Array(open), pq.Array(alloc),
		pq.Array(picked), pq.Array(packed), pq.Array(shipped), pq.Array(returned))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d answers for %d combinations", len(got), len(want))
	}
	seen := map[string]bool{}
	for i := range want {
		seen[want[i]] = true
		if got[i] != want[i] {
			t.Errorf("hold %v, cancelled %v, pick-up %v, delivered %v, open %d, allocated %d, picked %d, packed %d, shipped %d, returned %d: database says %s, model says %s",
				hold[i], cancel[i], pickUp[i], delivered[i], open[i], alloc[i], picked[i], packed[i], shipped[i], returned[i], got[i], want[i])
		}
	}
	if len(seen) != len(model.AllStatuses) {
		t.Errorf("the combinations reach %d of the %d statuses", len(seen), len(model.AllStatuses))
	}
	t.Logf("%d combinations agree", len(want))

	// The form without the delivered fact (the order lines' trigger compares with it) is the
	// same rules with delivered false.
	var differ int
	if err := d.GetContext(context.Background(), &differ, `
		SELECT count(*) FROM unnest($1::boolean[], $2::boolean[], $3::boolean[], $4::bigint[], $5::bigint[],
		                            $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[]) AS x(h, c, u, o, a, p, k, s, r)
		 WHERE oms_derive_status(h, c, u, o, a, p, k, s, r) <> oms_derive_status(h, c, u, false, o, a, p, k, s, r)`,
		pq.Array(hold), pq.Array(cancel), pq.Array(pickUp), pq.Array(open), pq.Array(alloc), pq.Array(picked),
		pq.Array(packed), pq.Array(shipped), pq.Array(returned)); err != nil {
		t.Fatal(err)
	}
	if differ != 0 {
		t.Errorf("oms_derive_status without the delivered fact differs on %d combinations", differ)
	}
}
