package model

import (
	"reflect"
	"testing"
)

// refundMug is a line of 3 mugs at 10.00 EUR net each with 19 % tax on top: 30.00 + 5.70 = 35.70 paid.
func refundMug(before, qty int64) RefundLine {
	return RefundLine{OrderLine: 1, SKU: "MUG-1", Ordered: 3, AmountMinor: 3000, TaxMinor: 570,
		RefundedBefore: before, Qty: qty, Reason: "CHANGED_MIND"}
}

func TestQuoteRefund(t *testing.T) {
	noShipping := RefundPolicy{Shipping: ShippingNotRefunded}
	cases := []struct {
		name string
		in   RefundInput
		want RefundQuote
	}{
		{
			name: "full return of a one-line order, tax on top",
			in: RefundInput{Currency: "EUR", Policy: noShipping, ShippingPaidMinor: 500, ShippedUnits: 2,
				PaidMinor: 2900, // 2 × 10.00 + 4.00 tax + 5.00 shipping
				Lines:     []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 2, AmountMinor: 2000, TaxMinor: 400, Qty: 2}}},
			want: RefundQuote{Currency: "EUR",
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 2, GoodsMinor: 2400, TaxMinor: 400, TotalMinor: 2400}},
				GoodsMinor: 2400, TaxMinor: 400, TotalMinor: 2400, MaxMinor: 2900}, // 20.00 + 4.00; shipping kept
		},
		{
			name: "1 of 3 units: a third of 35.70 rounds up",
			in: RefundInput{Currency: "EUR", Policy: noShipping, PaidMinor: 3570,
				Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 3, AmountMinor: 3000, TaxMinor: 570, Qty: 1}}},
			want: RefundQuote{Currency: "EUR",
				// goods 3570 × 1/3 = 1190 exactly; tax 570 × 1/3 = 190
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 1, GoodsMinor: 1190, TaxMinor: 190, TotalMinor: 1190}},
				GoodsMinor: 1190, TaxMinor: 190, TotalMinor: 1190, MaxMinor: 3570},
		},
		{
			name: "odd cent, first 1 of 3",
			in: RefundInput{Currency: "EUR", Policy: noShipping, PaidMinor: 1190,
				Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 3, AmountMinor: 1000, TaxMinor: 190, Qty: 1}}},
			want: RefundQuote{Currency: "EUR",
				// goods 1190 × 1/3 = 396.67 → 397; tax 190 × 1/3 = 63.33 → 63
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 1, GoodsMinor: 397, TaxMinor: 63, TotalMinor: 397}},
				GoodsMinor: 397, TaxMinor: 63, TotalMinor: 397, MaxMinor: 1190},
		},
		{
			name: "odd cent, then the other 2 of 3",
			in: RefundInput{Currency: "EUR", Policy: noShipping, PaidMinor: 1190, RefundedBeforeMinor: 397,
				Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 3, AmountMinor: 1000, TaxMinor: 190,
					RefundedBefore: 1, Qty: 2}}},
			want: RefundQuote{Currency: "EUR",
				// goods 1190 − 397 = 793 (397 + 793 = 1190); tax 190 − 63 = 127
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 2, GoodsMinor: 793, TaxMinor: 127, TotalMinor: 793}},
				GoodsMinor: 793, TaxMinor: 127, TotalMinor: 793, MaxMinor: 793}, // 1190 − 397: not capped
		},
		{
			name: "tax included: the same goods as tax on top",
			in: RefundInput{Currency: "EUR", TaxIncluded: true, Policy: noShipping, PaidMinor: 2380,
				Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 2, AmountMinor: 2380, TaxMinor: 380, Qty: 1}}},
			want: RefundQuote{Currency: "EUR",
				// gross 2380 / 2 = 1190, of which 380 / 2 = 190 tax
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 1, GoodsMinor: 1190, TaxMinor: 190, TotalMinor: 1190}},
				GoodsMinor: 1190, TaxMinor: 190, TotalMinor: 1190, MaxMinor: 2380},
		},
		{
			name: "tax on top: the same goods as tax included",
			in: RefundInput{Currency: "EUR", Policy: noShipping, PaidMinor: 2380,
				Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 2, AmountMinor: 2000, TaxMinor: 380, Qty: 1}}},
			want: RefundQuote{Currency: "EUR",
				// (2000 + 380) / 2 = 1190, of which 380 / 2 = 190 tax
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 1, GoodsMinor: 1190, TaxMinor: 190, TotalMinor: 1190}},
				GoodsMinor: 1190, TaxMinor: 190, TotalMinor: 1190, MaxMinor: 2380},
		},
		{
			name: "line discount, tax on top",
			in: RefundInput{Currency: "EUR", Policy: noShipping, PaidMinor: 4800,
				Lines: []RefundLine{{OrderLine: 1, SKU: "LAMP-2", Ordered: 2, AmountMinor: 5000, DiscountMinor: 1000,
					TaxMinor: 800, Qty: 1}}},
			want: RefundQuote{Currency: "EUR",
				// (5000 − 1000 + 800) / 2 = 2400; tax 800 / 2 = 400
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "LAMP-2", Qty: 1, GoodsMinor: 2400, TaxMinor: 400, TotalMinor: 2400}},
				GoodsMinor: 2400, TaxMinor: 400, TotalMinor: 2400, MaxMinor: 4800},
		},
		{
			name: "line discount, tax included",
			in: RefundInput{Currency: "EUR", TaxIncluded: true, Policy: noShipping, PaidMinor: 4800,
				Lines: []RefundLine{{OrderLine: 1, SKU: "LAMP-2", Ordered: 2, AmountMinor: 6000, DiscountMinor: 1200,
					TaxMinor: 800, Qty: 2}}},
			want: RefundQuote{Currency: "EUR",
				// 6000 − 1200 = 4800, all of it; tax 800
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "LAMP-2", Qty: 2, GoodsMinor: 4800, TaxMinor: 800, TotalMinor: 4800}},
				GoodsMinor: 4800, TaxMinor: 800, TotalMinor: 4800, MaxMinor: 4800},
		},
		{
			name: "restocking fee per reason",
			in: RefundInput{Currency: "EUR", TaxIncluded: true, PaidMinor: 3995,
				Policy: RefundPolicy{Shipping: ShippingNotRefunded, FeePPM: map[string]int64{"CHANGED_MIND": 100_000, "DEFECTIVE": 0}},
				Lines: []RefundLine{
					{OrderLine: 1, SKU: "MUG-1", Ordered: 1, AmountMinor: 2495, TaxMinor: 398, Qty: 1, Reason: "CHANGED_MIND"},
					{OrderLine: 2, SKU: "TEE-2", Ordered: 1, AmountMinor: 1500, TaxMinor: 239, Qty: 1, Reason: "DEFECTIVE"},
					{OrderLine: 3, SKU: "CAP-3", Ordered: 1, AmountMinor: 900, TaxMinor: 144, Qty: 0, Reason: "CHANGED_MIND"},
				}},
			want: RefundQuote{Currency: "EUR",
				Lines: []RefundQuoteLine{
					// fee 2495 × 10 % = 249.5 → 250 (half up); 2495 − 250 = 2245
					{OrderLine: 1, SKU: "MUG-1", Qty: 1, GoodsMinor: 2495, TaxMinor: 398, FeeMinor: 250, TotalMinor: 2245},
					// defective: no fee
					{OrderLine: 2, SKU: "TEE-2", Qty: 1, GoodsMinor: 1500, TaxMinor: 239, TotalMinor: 1500},
				}, // CAP-3 stays: 0 units
				GoodsMinor: 3995, TaxMinor: 637, FeesMinor: 250, TotalMinor: 3745, MaxMinor: 3995}, // 2245 + 1500
		},
		{
			name: "an unlisted reason keeps no fee",
			in: RefundInput{Currency: "EUR", TaxIncluded: true, PaidMinor: 1000,
				Policy: RefundPolicy{Shipping: ShippingNotRefunded, FeePPM: map[string]int64{"CHANGED_MIND": 100_000}},
				Lines:  []RefundLine{{SKU: "TEE-2", Ordered: 1, AmountMinor: 1000, Qty: 1, Reason: "WRONG_SIZE"}}},
			want: RefundQuote{Currency: "EUR",
				Lines:      []RefundQuoteLine{{SKU: "TEE-2", Qty: 1, GoodsMinor: 1000, TotalMinor: 1000}},
				GoodsMinor: 1000, TotalMinor: 1000, MaxMinor: 1000},
		},
		{
			name: "capped at what earlier refunds left",
			in: RefundInput{Currency: "EUR", Policy: RefundPolicy{Shipping: ShippingShare}, ShippingPaidMinor: 500,
				ShippedUnits: 2, PaidMinor: 2900, RefundedBeforeMinor: 1000, // a goodwill refund of 10.00 earlier
				Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 2, AmountMinor: 2000, TaxMinor: 400, Qty: 2}}},
			want: RefundQuote{Currency: "EUR",
				Lines:      []RefundQuoteLine{{OrderLine: 1, SKU: "MUG-1", Qty: 2, GoodsMinor: 2400, TaxMinor: 400, TotalMinor: 2400}},
				GoodsMinor: 2400, TaxMinor: 400, ShippingMinor: 500, // 2400 + 500 = 2900 > 2900 − 1000
				TotalMinor: 1900, MaxMinor: 1900, Capped: true},
		},
		{
			name: "refunded before more than paid: nothing may be paid back",
			in: RefundInput{Currency: "EUR", Policy: noShipping, PaidMinor: 1000, RefundedBeforeMinor: 1200,
				Lines: []RefundLine{{SKU: "MUG-1", Ordered: 1, AmountMinor: 1000, Qty: 1}}},
			want: RefundQuote{Currency: "EUR",
				Lines:      []RefundQuoteLine{{SKU: "MUG-1", Qty: 1, GoodsMinor: 1000, TotalMinor: 1000}},
				GoodsMinor: 1000, TotalMinor: 0, MaxMinor: 0, Capped: true}, // max(1000 − 1200, 0)
		},
		{
			name: "JPY, no decimals",
			in: RefundInput{Currency: "JPY", TaxIncluded: true, Policy: RefundPolicy{Shipping: ShippingShare},
				ShippingPaidMinor: 800, ShippedUnits: 3, PaidMinor: 10800,
				Lines: []RefundLine{{SKU: "TEA-9", Ordered: 3, AmountMinor: 10000, TaxMinor: 909, Qty: 1}}},
			want: RefundQuote{Currency: "JPY",
				// 10000 / 3 = 3333.33 → 3333; tax 909 / 3 = 303; shipping 800 / 3 = 266.67 → 267
				Lines:      []RefundQuoteLine{{SKU: "TEA-9", Qty: 1, GoodsMinor: 3333, TaxMinor: 303, TotalMinor: 3333}},
				GoodsMinor: 3333, TaxMinor: 303, ShippingMinor: 267, TotalMinor: 3600, MaxMinor: 10800}, // 3333 + 267
		},
		{
			name: "KWD, three decimals",
			in: RefundInput{Currency: "KWD", Policy: noShipping, PaidMinor: 12345,
				Lines: []RefundLine{{SKU: "OUD-4", Ordered: 2, AmountMinor: 12345, Qty: 1}}},
			want: RefundQuote{Currency: "KWD",
				// 12.345 / 2 = 6.1725 → 6.173 (half up)
				Lines:      []RefundQuoteLine{{SKU: "OUD-4", Qty: 1, GoodsMinor: 6173, TotalMinor: 6173}},
				GoodsMinor: 6173, TotalMinor: 6173, MaxMinor: 12345},
		},
	}
	for _, c := range cases {
		got, err := QuoteRefund(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// shippingRefunds quotes three successive refunds of one mug each on an order of 3 mugs with
// 10.00 shipping, and returns the shipping each pays back.
func shippingRefunds(t *testing.T, s ShippingRefund) []int64 {
	t.Helper()
	var shipping []int64
	var paidBack, shippingBack int64
	for before := int64(0); before < 3; before++ {
		q, err := QuoteRefund(RefundInput{Currency: "EUR", Policy: RefundPolicy{Shipping: s},
			ShippingPaidMinor: 1000, ShippedUnits: 3, UnitsRefundedBefore: before, ShippingRefundedBefore: shippingBack,
			PaidMinor: 4570, RefundedBeforeMinor: paidBack, // 35.70 + 10.00
			Lines: []RefundLine{refundMug(before, 1)}})
		if err != nil {
			t.Fatal(err)
		}
		if q.Capped || q.TotalMinor != q.Lines[0].TotalMinor+q.ShippingMinor {
			t.Fatalf("%s, refund %d: capped %+v", s, before+1, q)
		}
		shipping = append(shipping, q.ShippingMinor)
		paidBack += q.TotalMinor
		shippingBack += q.ShippingMinor
	}
	if paidBack != 4570-1000+shippingBack {
		t.Errorf("%s: three refunds paid back %d", s, paidBack)
	}
	return shipping
}

func TestRefundShipping(t *testing.T) {
	cases := []struct {
		policy ShippingRefund
		want   []int64
	}{
		{ShippingNotRefunded, []int64{0, 0, 0}},
		// 1000 × 1/3 = 333.33 → 333; 1000 × 2/3 = 666.67 → 667, 667 − 333 = 334; 1000 − 667 = 333
		{ShippingShare, []int64{333, 334, 333}}, // 333 + 334 + 333 = 1000
		{ShippingWhenAllReturned, []int64{0, 0, 1000}},
	}
	for _, c := range cases {
		if got := shippingRefunds(t, c.policy); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: shipping %v, want %v", c.policy, got, c.want)
		}
	}

	// Two units in one refund get the share of both: 1000 × 2/3 = 666.67 → 667.
	q, err := QuoteRefund(RefundInput{Currency: "EUR", Policy: RefundPolicy{Shipping: ShippingShare},
		ShippingPaidMinor: 1000, ShippedUnits: 3, PaidMinor: 4570, Lines: []RefundLine{refundMug(0, 2)}})
	if err != nil || q.ShippingMinor != 667 {
		t.Errorf("2 of 3 units: shipping %d, %v; want 667", q.ShippingMinor, err)
	}
	// Nothing shipped: no share to compute.
	q, err = QuoteRefund(RefundInput{Currency: "EUR", Policy: RefundPolicy{Shipping: ShippingShare},
		ShippingPaidMinor: 1000, PaidMinor: 4570, Lines: []RefundLine{refundMug(0, 3)}})
	if err != nil || q.ShippingMinor != 0 {
		t.Errorf("nothing shipped: shipping %d, %v; want 0", q.ShippingMinor, err)
	}
	// All returned, but the shipping was paid back already (by hand): nothing more.
	q, err = QuoteRefund(RefundInput{Currency: "EUR", Policy: RefundPolicy{Shipping: ShippingWhenAllReturned},
		ShippingPaidMinor: 1000, ShippedUnits: 3, UnitsRefundedBefore: 2, ShippingRefundedBefore: 1000,
		PaidMinor: 4570, Lines: []RefundLine{refundMug(2, 1)}})
	if err != nil || q.ShippingMinor != 0 {
		t.Errorf("all returned, shipping already back: shipping %d, %v; want 0", q.ShippingMinor, err)
	}
}

// Successive partial refunds of a line, in any split, add up exactly to what was paid for it.
func TestPartialRefundsAddUp(t *testing.T) {
	rng := newRand(t)
	for range 2000 {
		ordered := 1 + rng.Int64N(20)
		line := RefundLine{SKU: "X", Ordered: ordered, AmountMinor: rng.Int64N(1_000_000),
			TaxMinor: rng.Int64N(200_000), Qty: 0}
		line.DiscountMinor = rng.Int64N(line.AmountMinor + 1)
		shippingPaid, shipped := rng.Int64N(5000), ordered
		in := RefundInput{Currency: "EUR", TaxIncluded: rng.IntN(2) == 0, Policy: RefundPolicy{Shipping: ShippingShare},
			ShippingPaidMinor: shippingPaid, ShippedUnits: shipped, PaidMinor: 1 << 40}
		var goods, tax, shipping int64
		for line.RefundedBefore < ordered {
			line.Qty = 1 + rng.Int64N(ordered-line.RefundedBefore)
			in.Lines, in.UnitsRefundedBefore = []RefundLine{line}, line.RefundedBefore
			q, err := QuoteRefund(in)
			if err != nil {
				t.Fatal(err)
			}
			goods, tax, shipping = goods+q.GoodsMinor, tax+q.TaxMinor, shipping+q.ShippingMinor
			line.RefundedBefore += line.Qty
		}
		paid := line.AmountMinor - line.DiscountMinor
		if !in.TaxIncluded {
			paid += line.TaxMinor
		}
		if goods != paid || tax != line.TaxMinor || shipping != shippingPaid {
			t.Fatalf("%+v: refunds add up to goods %d, tax %d, shipping %d; want %d, %d, %d",
				in, goods, tax, shipping, paid, line.TaxMinor, shippingPaid)
		}
	}
}

func TestQuoteRefundErrors(t *testing.T) {
	ok := func() RefundInput {
		return RefundInput{Currency: "EUR", Policy: RefundPolicy{Shipping: ShippingShare}, ShippingPaidMinor: 500,
			ShippedUnits: 4, PaidMinor: 10000,
			Lines: []RefundLine{{OrderLine: 1, SKU: "MUG-1", Ordered: 4, AmountMinor: 4000, TaxMinor: 800,
				RefundedBefore: 2, Qty: 2, Reason: "DEFECTIVE"}}}
	}
	if _, err := QuoteRefund(ok()); err != nil {
		t.Fatalf("the base input is refused: %v", err)
	}
	cases := []struct {
		change func(*RefundInput)
		want   string
	}{
		{func(in *RefundInput) { in.Lines[0].Qty = 3 },
			"MUG-1: 3 units to refund, but only 2 of 4 are not refunded yet"},
		{func(in *RefundInput) { in.Lines[0].Qty = -1 },
			"MUG-1: -1 units to refund; a refund cannot take units back"},
		{func(in *RefundInput) { in.Lines[0].Ordered, in.Lines[0].RefundedBefore = 0, 0 },
			"MUG-1: the line is for 0 units; it needs at least 1"},
		{func(in *RefundInput) { in.Lines[0].RefundedBefore = 5 },
			"MUG-1: 5 units refunded before, but the line is for 4"},
		{func(in *RefundInput) { in.Lines[0].RefundedBefore = -1 },
			"MUG-1: -1 units refunded before, but the line is for 4"},
		{func(in *RefundInput) { in.Lines[0].AmountMinor = -100 },
			"MUG-1: the line's amount is negative (-1.00 EUR)"},
		{func(in *RefundInput) { in.Lines[0].DiscountMinor = -1 },
			"MUG-1: the line's discount is negative (-0.01 EUR)"},
		{func(in *RefundInput) { in.Lines[0].TaxMinor = -5 },
			"MUG-1: the line's tax is negative (-0.05 EUR)"},
		{func(in *RefundInput) { in.Lines[0].DiscountMinor = 4001 },
			"MUG-1: the line's discount 40.01 EUR is more than its amount 40.00 EUR"},
		{func(in *RefundInput) { in.Lines[0].SKU, in.Lines[0].Qty = "", 3 },
			"order line 1: 3 units to refund, but only 2 of 4 are not refunded yet"},
		{func(in *RefundInput) { in.Policy.FeePPM = map[string]int64{"DEFECTIVE": 1_500_000} },
			`MUG-1: the restocking fee for reason "DEFECTIVE" is 150%, outside 0…100%`},
		{func(in *RefundInput) { in.Currency = "XYZ" },
			`a refund needs a known currency: unknown currency "XYZ"`},
		{func(in *RefundInput) { in.Policy.Shipping = "" },
			`the refund policy's shipping "" is not one of "none", "share" or "all_returned"`},
		{func(in *RefundInput) { in.ShippingPaidMinor = -500 },
			"the shipping paid is negative (-5.00 EUR)"},
		{func(in *RefundInput) { in.ShippingRefundedBefore = -1 },
			"the shipping refunded before is negative (-0.01 EUR)"},
		{func(in *RefundInput) { in.PaidMinor = -1 },
			"the amount paid is negative (-0.01 EUR)"},
		{func(in *RefundInput) { in.RefundedBeforeMinor = -1 },
			"the amount refunded before is negative (-0.01 EUR)"},
		{func(in *RefundInput) { in.ShippedUnits = -1 },
			"the order has -1 units shipped; it cannot be fewer than 0"},
		{func(in *RefundInput) { in.UnitsRefundedBefore = -2 },
			"the order has -2 units refunded before; it cannot be fewer than 0"},
		{func(in *RefundInput) { in.Lines[0].Qty = 0 }, "nothing to refund"},
		{func(in *RefundInput) { in.Lines = nil }, "nothing to refund"},
	}
	for _, c := range cases {
		in := ok()
		c.change(&in)
		q, err := QuoteRefund(in)
		if err == nil {
			t.Errorf("%q: no error, quote %+v", c.want, q)
			continue
		}
		if err.Error() != c.want {
			t.Errorf("error %q, want %q", err, c.want)
		}
	}
}

func TestCheckAdjusted(t *testing.T) {
	q := RefundQuote{Currency: "EUR", TotalMinor: 5000, MaxMinor: 5800}
	tenPercent := RefundPolicy{Shipping: ShippingShare, RaisePPM: 100_000}
	cases := []struct {
		q      RefundQuote
		amount int64
		p      RefundPolicy
		want   string // "" for no error
	}{
		{q, 5000, tenPercent, ""},
		{q, 1, tenPercent, ""},    // lowering is always allowed
		{q, 5500, tenPercent, ""}, // 5000 + 5000 × 10 % = 5500
		{q, 5501, RefundPolicy{RaisePPM: 100_000}, "a refund of 55.01 EUR is more than the 55.00 EUR a supervisor may give (the computed 50.00 EUR + 10%)"},
		{q, 6000, tenPercent, "a refund of 60.00 EUR is more than the 58.00 EUR still unrefunded on the order"},
		{q, 5700, tenPercent, "a refund of 57.00 EUR is more than the 55.00 EUR a supervisor may give (the computed 50.00 EUR + 10%)"},
		{q, 5001, RefundPolicy{}, "a refund of 50.01 EUR is more than the 50.00 EUR a supervisor may give (the computed 50.00 EUR + 0%)"},
		{q, 0, tenPercent, "a refund of 0.00 EUR is not more than 0"},
		{q, -100, tenPercent, "a refund of -1.00 EUR is not more than 0"},
		{q, 5000, RefundPolicy{RaisePPM: -1}, "the refund policy lets a supervisor raise a refund by -0.0001%; it cannot be negative"},
		// 4995 × 7.5 % = 374.625 → 375 (half up): limit 5370
		{RefundQuote{Currency: "EUR", TotalMinor: 4995, MaxMinor: 9000}, 5370, RefundPolicy{RaisePPM: 75_000}, ""},
		{RefundQuote{Currency: "EUR", TotalMinor: 4995, MaxMinor: 9000}, 5371, RefundPolicy{RaisePPM: 75_000},
			"a refund of 53.71 EUR is more than the 53.70 EUR a supervisor may give (the computed 49.95 EUR + 7.5%)"},
		// capped quote: the order's remainder binds before the raise does
		{RefundQuote{Currency: "EUR", TotalMinor: 4000, MaxMinor: 4000, Capped: true}, 4001, tenPercent,
			"a refund of 40.01 EUR is more than the 40.00 EUR still unrefunded on the order"},
		{RefundQuote{Currency: "KWD", TotalMinor: 6173, MaxMinor: 12345}, 7000, tenPercent,
			"a refund of 7.000 KWD is more than the 6.790 KWD a supervisor may give (the computed 6.173 KWD + 10%)"}, // 6173 + 617.3 → 617
		{RefundQuote{Currency: "JPY", TotalMinor: 3600, MaxMinor: 10800}, 3960, tenPercent, ""}, // 3600 + 360
	}
	for _, c := range cases {
		err := c.q.CheckAdjusted(c.amount, c.p)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("%d of %+v: error %q, want %q", c.amount, c.q, got, c.want)
		}
	}
}

func TestRefundInBase(t *testing.T) {
	q, err := QuoteRefund(RefundInput{Currency: "USD", Policy: RefundPolicy{Shipping: ShippingNotRefunded},
		PaidMinor: 1245, Lines: []RefundLine{{SKU: "CUP-5", Ordered: 1, AmountMinor: 1245, Qty: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	rate := func(s string) FXRate {
		r, err := ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		return FXRateOf(r)
	}
	cases := []struct {
		base Currency
		rate FXRate
		want Money
	}{
		{"EUR", rate("0.9"), Money{1120, "EUR"}},           // 12.45 × 0.9 = 11.205 → 11.20 (half even, not 11.21)
		{"EUR", rate("0.9215"), Money{1147, "EUR"}},        // 12.45 × 0.9215 = 11.472675 → 11.47
		{"JPY", rate("150.5"), Money{1874, "JPY"}},         // 12.45 × 150.5 = 1873.725 → 1874
		{"KWD", rate("0.3075"), Money{3828, "KWD"}},        // 12.45 × 0.3075 = 3.828375 → 3.828
		{"USD", OneToOne(), Money{1245, "USD"}},            // its own currency
		{"EUR", rate("1.1").Inverse(), Money{1132, "EUR"}}, // 12.45 / 1.1 = 11.318181… → 11.32
	}
	for _, c := range cases {
		got, err := q.InBase(c.base, c.rate)
		if err != nil || got != c.want {
			t.Errorf("%s at %s: %v, %v; want %v", c.base, c.rate, got, err, c.want)
		}
	}
	if _, err := q.InBase("EUR", FXRate{}); err == nil {
		t.Error("no rate: no error")
	}
	if _, err := q.InBase("XYZ", rate("1")); err == nil {
		t.Error("unknown base currency: no error")
	}
}

func TestShippingRefundValid(t *testing.T) {
	for s, want := range map[ShippingRefund]bool{ShippingNotRefunded: true, ShippingShare: true,
		ShippingWhenAllReturned: true, "": false, "all": false} {
		if s.Valid() != want {
			t.Errorf("%q: valid %t", s, s.Valid())
		}
	}
}
