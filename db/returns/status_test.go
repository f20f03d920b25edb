package returns_test

import (
	"testing"

	"oms/model"
)

// The database derives an RMA's status and refund status (oms_rma_status, oms_refund_status)
// rule for rule as model.DeriveRMAStatus and model.DeriveRefundStatus do: every combination of
// the four flags, 0…2 units requested, received and inspected and the four refund statuses, and
// every wish with 0…3 units inspected and refunded, asked of the database in one query (as a
// returns login: the functions are everyone's) and compared here.
func TestStatusesAgreeWithTheModel(t *testing.T) {
	t.Parallel()
	d := newDesk(t)
	type row struct {
		Fn         string `db:"fn"`
		Cancelled  bool   `db:"cancelled"`
		Closed     bool   `db:"closed"`
		Authorized bool   `db:"authorized"`
		InTransit  bool   `db:"in_transit"`
		Requested  int64  `db:"requested"`
		Received   int64  `db:"received"`
		Inspected  int64  `db:"inspected"`
		Refunded   int64  `db:"refunded"`
		Refund     string `db:"refund"`
		Wish       string `db:"wish"`
		Got        string `db:"got"`
	}
	var rows []row
	if err := d.login.Select(&rows, `
		WITH b(v) AS (VALUES (false), (true)),
		     n(v) AS (SELECT generate_series(0, 2)::bigint),
		     m(v) AS (SELECT generate_series(0, 3)::bigint)
		SELECT 'rma' AS fn, c.v AS cancelled, cl.v AS closed, a.v AS authorized, it.v AS in_transit,
		       req.v AS requested, rec.v AS received, ins.v AS inspected, 0::bigint AS refunded, rf AS refund, '' AS wish,
		       oms_rma_status(c.v, cl.v, a.v, it.v, req.v, rec.v, ins.v, rf) AS got
		  FROM b c, b cl, b a, b it, n req, n rec, n ins, unnest(ARRAY['none', 'waiting', 'due', 'refunded']) rf
		UNION ALL
		SELECT 'refund', false, false, false, false, 0, 0, ins.v, ref.v, '', wish,
		       oms_refund_status(wish, ins.v, ref.v)
		  FROM unnest(ARRAY['refund', 'exchange', 'store_credit']) wish, m ins, m ref`); err != nil {
		t.Fatal(err)
	}
	var rmas, refunds int
	for _, r := range rows {
		var want string
		switch r.Fn {
		case "rma":
			rmas++
			want = string(model.DeriveRMAStatus(model.RMAFacts{Cancelled: r.Cancelled, Closed: r.Closed,
				Authorized: r.Authorized, InTransit: r.InTransit, Requested: r.Requested, Received: r.Received,
				Inspected: r.Inspected, Refund: model.RefundStatus(r.Refund)}))
		case "refund":
			refunds++
			want = string(model.DeriveRefundStatus(model.RMAWish(r.Wish), r.Inspected, r.Refunded))
		}
		if r.Got != want {
			t.Errorf("%s %+v: the database says %q, the model %q", r.Fn, r, r.Got, want)
		}
	}
	// 2⁴ flags × 3³ unit counts × 4 refund statuses, and 3 wishes × 4 × 4.
	if rmas != 16*27*4 || refunds != 3*4*4 {
		t.Fatalf("compared %d RMA and %d refund combinations; want %d and %d", rmas, refunds, 16*27*4, 3*4*4)
	}
	t.Logf("compared %d combinations (%d RMA statuses, %d refund statuses)", rmas+refunds, rmas, refunds)
}
