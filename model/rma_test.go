package model

import (
	"slices"
	"testing"
)

func TestDeriveRMAStatus(t *testing.T) {
	cases := []struct {
		name string
		f    RMAFacts
		want RMAStatus
	}{
		{"new, outside the window", RMAFacts{Requested: 2}, RMARequested},
		{"authorized", RMAFacts{Authorized: true, Requested: 2}, RMAAuthorized},
		{"parcel moving", RMAFacts{Authorized: true, InTransit: true, Requested: 2}, RMAInTransit},
		{"in transit without authorization still reads in transit",
			RMAFacts{InTransit: true, Requested: 2}, RMAInTransit},
		{"partial receipt", RMAFacts{Authorized: true, InTransit: true, Requested: 3, Received: 1}, RMAReceived},
		{"all received, one inspected", RMAFacts{Authorized: true, Requested: 3, Received: 3, Inspected: 1,
			Refund: RefundDue}, RMAReceived},
		{"received beats in transit", RMAFacts{InTransit: true, Requested: 2, Received: 2}, RMAReceived},
		{"all inspected, refund due", RMAFacts{Authorized: true, Requested: 2, Received: 2, Inspected: 2,
			Refund: RefundDue}, RMAInspected},
		{"all inspected, refund waiting", RMAFacts{Requested: 2, Received: 2, Inspected: 2,
			Refund: RefundWaiting}, RMAInspected},
		{"all inspected, no refund status yet", RMAFacts{Requested: 2, Received: 2, Inspected: 2}, RMAInspected},
		{"all inspected, refunded", RMAFacts{Authorized: true, Requested: 2, Received: 2, Inspected: 2,
			Refund: RefundDone}, RMAClosed},
		{"all inspected, an exchange", RMAFacts{Requested: 2, Received: 2, Inspected: 2,
			Refund: RefundNone}, RMAClosed},
		{"more inspected than requested counts as all", RMAFacts{Requested: 2, Received: 3, Inspected: 3,
			Refund: RefundDue}, RMAInspected},
		{"nothing requested is never all inspected", RMAFacts{Authorized: true, Refund: RefundDone}, RMAAuthorized},
		{"nothing requested, something received", RMAFacts{Received: 1, Inspected: 1, Refund: RefundDone}, RMAReceived},
		{"closed by hand with the rest not coming", RMAFacts{Closed: true, Authorized: true, Requested: 3,
			Received: 1, Inspected: 1, Refund: RefundDue}, RMAClosed},
		{"closed by hand before anything arrived", RMAFacts{Closed: true, Requested: 3}, RMAClosed},
		{"cancelled beats closed", RMAFacts{Cancelled: true, Closed: true, Requested: 1}, RMACancelled},
		{"cancelled beats everything", RMAFacts{Cancelled: true, Closed: true, Authorized: true, InTransit: true,
			Requested: 2, Received: 2, Inspected: 2, Refund: RefundDone}, RMACancelled},
		{"cancelled while requested", RMAFacts{Cancelled: true, Requested: 2}, RMACancelled},
	}
	for _, c := range cases {
		if got := DeriveRMAStatus(c.f); got != c.want {
			t.Errorf("%s: %+v is %s, want %s", c.name, c.f, got, c.want)
		}
	}
}

// Every combination of facts gives a known status, and the flags outrank the quantities.
func TestDeriveRMAStatusEveryCombination(t *testing.T) {
	bools := []bool{false, true}
	units := []int64{0, 1, 2}
	refunds := []RefundStatus{RefundNone, RefundWaiting, RefundDue, RefundDone}
	n := 0
	for _, cancelled := range bools {
		for _, closed := range bools {
			for _, authorized := range bools {
				for _, inTransit := range bools {
					for _, req := range units {
						for _, rec := range units {
							for _, insp := range units {
								for _, refund := range refunds {
									f := RMAFacts{cancelled, closed, authorized, inTransit, req, rec, insp, refund}
									got := DeriveRMAStatus(f)
									n++
									switch {
									case !got.Valid():
										t.Fatalf("%+v: unknown status %q", f, got)
									case cancelled && got != RMACancelled:
										t.Fatalf("%+v: %s, but it was cancelled", f, got)
									case !cancelled && closed && got != RMAClosed:
										t.Fatalf("%+v: %s, but it was closed by hand", f, got)
									case got == RMAInspected && refund.Settled():
										t.Fatalf("%+v: inspected although the refund is settled", f)
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if n != 2*2*2*2*3*3*3*4 {
		t.Errorf("tried %d combinations", n)
	}
}

func TestDeriveRefundStatus(t *testing.T) {
	cases := []struct {
		wish                RMAWish
		inspected, refunded int64
		want                RefundStatus
	}{
		{WishExchange, 0, 0, RefundNone},
		{WishExchange, 2, 0, RefundNone},
		{WishExchange, 2, 2, RefundNone},
		{RMAWish("bogus"), 2, 0, RefundNone},
		{WishRefund, 0, 0, RefundWaiting},
		{WishRefund, 2, 0, RefundDue},
		{WishRefund, 2, 1, RefundDue},
		{WishRefund, 2, 2, RefundDone},
		{WishRefund, 0, 1, RefundDone}, // paid back before inspection
		{WishStoreCredit, 0, 0, RefundWaiting},
		{WishStoreCredit, 3, 1, RefundDue},
		{WishStoreCredit, 3, 3, RefundDone},
	}
	for _, c := range cases {
		if got := DeriveRefundStatus(c.wish, c.inspected, c.refunded); got != c.want {
			t.Errorf("%s, %d inspected, %d refunded: %s, want %s", c.wish, c.inspected, c.refunded, got, c.want)
		}
	}
}

func TestRMAStatusDisplay(t *testing.T) {
	cases := []struct {
		s     RMAStatus
		label string
		tone  Tone
		open  bool
	}{
		{RMARequested, "requested", ToneWaiting, true},
		{RMAAuthorized, "authorized", ToneActive, true},
		{RMAInTransit, "in transit", ToneActive, true},
		{RMAReceived, "received", ToneWarning, true},
		{RMAInspected, "inspected", ToneWarning, true},
		{RMAClosed, "closed", ToneDone, false},
		{RMACancelled, "cancelled", ToneMuted, false},
	}
	var order []RMAStatus
	for _, c := range cases {
		order = append(order, c.s)
		if !c.s.Valid() || c.s.Label() != c.label || c.s.Tone() != c.tone || c.s.Open() != c.open {
			t.Errorf("%s: valid %t, label %q, tone %s, open %t; want true, %q, %s, %t",
				c.s, c.s.Valid(), c.s.Label(), c.s.Tone(), c.s.Open(), c.label, c.tone, c.open)
		}
		if !slices.Contains(Tones, c.s.Tone()) {
			t.Errorf("%s has tone %q, which is not in Tones", c.s, c.s.Tone())
		}
	}
	if got := RMAStatuses(); !slices.Equal(got, order) {
		t.Errorf("RMAStatuses() = %v, want %v", got, order)
	}
	RMAStatuses()[0] = "changed"
	if RMAStatuses()[0] != RMARequested {
		t.Error("RMAStatuses hands out its own slice")
	}
	bogus := RMAStatus("lost_in_space")
	if bogus.Valid() || bogus.Open() || bogus.Tone() != ToneMuted || bogus.Label() != "lost in space" {
		t.Errorf("unknown status: valid %t, open %t, tone %s, label %q", bogus.Valid(), bogus.Open(), bogus.Tone(), bogus.Label())
	}
}

func TestRMAWish(t *testing.T) {
	cases := []struct {
		w     RMAWish
		valid bool
		label string
		pays  bool
	}{
		{WishRefund, true, "refund", true},
		{WishExchange, true, "exchange", false},
		{WishStoreCredit, true, "store credit", true},
		{"", false, "", false},
		{"gift_card", false, "gift card", false},
	}
	for _, c := range cases {
		if c.w.Valid() != c.valid || c.w.Label() != c.label || c.w.PaysMoney() != c.pays {
			t.Errorf("%q: valid %t, label %q, pays %t; want %t, %q, %t",
				c.w, c.w.Valid(), c.w.Label(), c.w.PaysMoney(), c.valid, c.label, c.pays)
		}
	}
}

func TestRefundStatusDisplay(t *testing.T) {
	cases := []struct {
		s       RefundStatus
		label   string
		tone    Tone
		settled bool
	}{
		{RefundNone, "none", ToneMuted, true},
		{RefundWaiting, "waiting", ToneWaiting, false},
		{RefundDue, "due", ToneWarning, false},
		{RefundDone, "refunded", ToneDone, true},
		{"bogus", "bogus", ToneMuted, false},
	}
	for _, c := range cases {
		if c.s.Label() != c.label || c.s.Tone() != c.tone || c.s.Settled() != c.settled {
			t.Errorf("%q: label %q, tone %s, settled %t; want %q, %s, %t",
				c.s, c.s.Label(), c.s.Tone(), c.s.Settled(), c.label, c.tone, c.settled)
		}
	}
}
