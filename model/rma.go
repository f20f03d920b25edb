package model

import "strings"

// RMAStatus is where a return (an RMA) stands. It is derived from its lines and flags
// (DeriveRMAStatus), never set by hand. The string values are the ones the database stores.
type RMAStatus string

const (
	RMARequested  RMAStatus = "requested"  // waits for a supervisor (outside the return window)
	RMAAuthorized RMAStatus = "authorized" // the customer may send the goods back
	RMAInTransit  RMAStatus = "in_transit" // the carrier has the return parcel
	RMAReceived   RMAStatus = "received"   // units arrived, not all inspected yet (or more to come)
	RMAInspected  RMAStatus = "inspected"  // every requested unit arrived and was graded; money not settled
	RMAClosed     RMAStatus = "closed"     // nothing more will happen
	RMACancelled  RMAStatus = "cancelled"  // withdrawn before it was done
)

var rmaStatuses = []RMAStatus{
	RMARequested, RMAAuthorized, RMAInTransit, RMAReceived, RMAInspected, RMAClosed, RMACancelled,
}

var rmaTones = map[RMAStatus]Tone{
	RMARequested:  ToneWaiting, // a supervisor has to decide
	RMAAuthorized: ToneActive,
	RMAInTransit:  ToneActive,
	RMAReceived:   ToneWarning, // someone has to inspect what arrived
	RMAInspected:  ToneWarning, // someone has to settle the money
	RMAClosed:     ToneDone,
	RMACancelled:  ToneMuted,
}

// RMAStatuses lists every RMA status in the order a return normally moves through them, with
// closed and cancelled last. It returns a new slice each time.
func RMAStatuses() []RMAStatus {
	return append([]RMAStatus(nil), rmaStatuses...)
}

// Valid reports whether s is one of RMAStatuses.
func (s RMAStatus) Valid() bool {
	_, ok := rmaTones[s]
	return ok
}

// Label is the status for people: "in transit". An unknown status shows as itself.
func (s RMAStatus) Label() string { return strings.ReplaceAll(string(s), "_", " ") }

// Open reports whether the return still has work: a known status other than closed and
// cancelled.
func (s RMAStatus) Open() bool {
	return s.Valid() && s != RMAClosed && s != RMACancelled
}

// Tone says how the status should look; an unknown status is muted.
func (s RMAStatus) Tone() Tone {
	if t, ok := rmaTones[s]; ok {
		return t
	}
	return ToneMuted
}

// RMAWish is what the customer asked for in return for the goods.
type RMAWish string

const (
	WishRefund      RMAWish = "refund"
	WishExchange    RMAWish = "exchange"
	WishStoreCredit RMAWish = "store_credit"
)

// Valid reports whether w is one of the wishes.
func (w RMAWish) Valid() bool {
	return w == WishRefund || w == WishExchange || w == WishStoreCredit
}

// Label is the wish for people: "store credit".
func (w RMAWish) Label() string { return strings.ReplaceAll(string(w), "_", " ") }

// PaysMoney reports whether the wish is settled in money: a refund and store credit pay back,
// an exchange (and an unknown wish) does not.
func (w RMAWish) PaysMoney() bool { return w == WishRefund || w == WishStoreCredit }

// RefundStatus is the money side of an RMA, kept apart from where its goods are.
type RefundStatus string

const (
	RefundNone    RefundStatus = "none"     // an exchange: nothing to pay back
	RefundWaiting RefundStatus = "waiting"  // nothing inspected to refund yet
	RefundDue     RefundStatus = "due"      // inspected units not refunded
	RefundDone    RefundStatus = "refunded" // every inspected unit refunded
)

var refundTones = map[RefundStatus]Tone{
	RefundNone:    ToneMuted,
	RefundWaiting: ToneWaiting,
	RefundDue:     ToneWarning, // someone has to pay
	RefundDone:    ToneDone,
}

// DeriveRefundStatus is the money side of an RMA with the given wish, whose lines have
// inspected units in all and refunded units paid back. The first rule that applies wins:
//
//  1. the wish pays no money (an exchange) → none;
//  2. refunded < inspected → due;
//  3. inspected = 0 and refunded = 0 → waiting;
//  4. otherwise → refunded.
func DeriveRefundStatus(wish RMAWish, inspected, refunded int64) RefundStatus {
	switch {
	case !wish.PaysMoney():
		return RefundNone
	case refunded < inspected:
		return RefundDue
	case inspected == 0 && refunded == 0:
		return RefundWaiting
	}
	return RefundDone
}

// Settled reports whether nothing is owed: none or refunded.
func (s RefundStatus) Settled() bool { return s == RefundNone || s == RefundDone }

// Label is the refund status for people: "refunded". An unknown status shows as itself.
func (s RefundStatus) Label() string { return strings.ReplaceAll(string(s), "_", " ") }

// Tone says how the refund status should look; an unknown one is muted.
func (s RefundStatus) Tone() Tone {
	if t, ok := refundTones[s]; ok {
		return t
	}
	return ToneMuted
}

// RMAFacts are what an RMA's status follows.
type RMAFacts struct {
	Cancelled  bool // the RMA was cancelled
	Closed     bool // closed by hand: the rest is not coming back
	Authorized bool // a supervisor (or the return window) allowed it
	InTransit  bool // the carrier reported the return parcel moving
	// Units summed over the RMA's lines: asked to return, arrived, graded.
	Requested, Received, Inspected int64
	Refund                         RefundStatus // the money side (DeriveRefundStatus)
}

// DeriveRMAStatus is the one source of truth for an RMA's status. The first rule that applies
// wins:
//
//  1. cancelled → cancelled;
//  2. closed by hand → closed;
//  3. requested > 0, inspected ≥ requested and the refund is settled (none or refunded) → closed;
//  4. requested > 0 and inspected ≥ requested → inspected;
//  5. received > 0 → received;
//  6. in transit → in_transit;
//  7. authorized → authorized;
//  8. otherwise → requested.
//
// The database derives the stored status with the same rules (oms_rma_status), and a test
// compares the two on every combination: change both or neither.
func DeriveRMAStatus(f RMAFacts) RMAStatus {
	allInspected := f.Requested > 0 && f.Inspected >= f.Requested
	switch {
	case f.Cancelled:
		return RMACancelled
	case f.Closed:
		return RMAClosed
	case allInspected && f.Refund.Settled():
		return RMAClosed
	case allInspected:
		return RMAInspected
	case f.Received > 0:
		return RMAReceived
	case f.InTransit:
		return RMAInTransit
	case f.Authorized:
		return RMAAuthorized
	}
	return RMARequested
}
