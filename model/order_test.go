package model

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStatusNamesAndDisplay(t *testing.T) {
	want := []struct {
		value, label, short string
	}{
		{"pending", "Pending", "PEND"},
		{"backordered", "Backordered", "BACK"},
		{"allocated", "Allocated", "ALLOC"},
		{"picking", "Picking", "PICKG"},
		{"picked", "Picked", "PICKD"},
		{"packed", "Packed", "PACKD"},
		{"ready_for_pickup", "Pickup ready", "PKUP"},
		{"partially_shipped", "Part shipped", "PSHIP"},
		{"shipped", "Shipped", "SHIP"},
		{"delivered", "Delivered", "DELIV"},
		{"collected", "Collected", "COLLD"},
		{"partially_returned", "Part returned", "PRET"},
		{"returned", "Returned", "RET"},
		{"on_hold", "On hold", "HOLD"},
		{"cancelled", "Cancelled", "CANC"},
	}
	if len(AllStatuses) != len(want) {
		t.Fatalf("AllStatuses has %d statuses, want %d", len(AllStatuses), len(want))
	}
	shorts, glyphs := map[string]bool{}, map[rune]bool{}
	for i, s := range AllStatuses {
		w := want[i]
		if string(s) != w.value || s.Label() != w.label || s.Short() != w.short {
			t.Errorf("AllStatuses[%d] = %q %q %q; want %q %q %q", i, s, s.Label(), s.Short(), w.value, w.label, w.short)
		}
		if utf8.RuneCountInString(s.Short()) > 5 || shorts[s.Short()] {
			t.Errorf("%s.Short() = %q: longer than 5 or not distinct", s, s.Short())
		}
		shorts[s.Short()] = true
		// The queue's status column is 15 wide: the glyph, a space and the label.
		if utf8.RuneCountInString(s.Label()) > 13 {
			t.Errorf("%s.Label() = %q: longer than 13", s, s.Label())
		}
		// One printable ASCII cell: renders the same on every terminal and RF gun.
		if g := s.Glyph(); g <= ' ' || g > '~' || glyphs[g] {
			t.Errorf("%s.Glyph() = %q: not a distinct printable single-width symbol", s, g)
		}
		glyphs[s.Glyph()] = true
		if parsed, err := ParseOrderStatus(w.value); err != nil || parsed != s {
			t.Errorf("ParseOrderStatus(%q) = %q, %v", w.value, parsed, err)
		}
		if s.Terminal() != (s == StatusReturned || s == StatusCancelled) {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
	}
	for _, in := range []string{"", "PENDING_", "shipping", "part shipped"} {
		if _, err := ParseOrderStatus(in); err == nil || !strings.Contains(err.Error(), `"`+in+`"`) {
			t.Errorf("ParseOrderStatus(%q) error = %v, want one naming the input", in, err)
		}
	}
	if s, err := ParseOrderStatus(" Shipped "); err != nil || s != StatusShipped {
		t.Errorf(`ParseOrderStatus(" Shipped ") = %q, %v`, s, err)
	}
}

// The expected transitions are written out here, independently of the table in order.go, so
// an accidental edit of either one fails this test.
var expectedTransitions = map[string]bool{
	"pending>backordered": true, "pending>allocated": true, "pending>on_hold": true,
	"pending>cancelled": true,

	"backordered>pending": true, "backordered>allocated": true, "backordered>picking": true,
	"backordered>on_hold": true, "backordered>cancelled": true,

	"allocated>pending": true, "allocated>backordered": true, "allocated>picking": true,
	"allocated>picked": true, "allocated>on_hold": true, "allocated>cancelled": true,

	"picking>backordered": true, "picking>allocated": true, "picking>picked": true, "picking>packed": true,
	"picking>ready_for_pickup": true, "picking>partially_shipped": true, "picking>on_hold": true,
	"picking>cancelled": true,

	"picked>allocated": true, "picked>picking": true, "picked>packed": true, "picked>ready_for_pickup": true,
	"picked>partially_shipped": true, "picked>shipped": true, "picked>collected": true, "picked>on_hold": true,
	"picked>cancelled": true,

	"packed>picked": true, "packed>ready_for_pickup": true, "packed>partially_shipped": true,
	"packed>shipped": true, "packed>on_hold": true, "packed>cancelled": true,

	// A pick-up order: the same steps, collected by the customer instead of shipped.
	"ready_for_pickup>picked": true, "ready_for_pickup>packed": true,
	"ready_for_pickup>partially_shipped": true, "ready_for_pickup>collected": true,
	"ready_for_pickup>on_hold": true, "ready_for_pickup>cancelled": true,

	// partially_shipped>delivered: the rest cancelled once every shipment of what left arrived.
	"partially_shipped>shipped": true, "partially_shipped>delivered": true, "partially_shipped>collected": true,
	"partially_shipped>partially_returned": true, "partially_shipped>returned": true,
	"partially_shipped>on_hold": true,

	"shipped>delivered": true, "shipped>partially_returned": true, "shipped>returned": true,

	"delivered>partially_returned": true, "delivered>returned": true,

	"collected>partially_returned": true, "collected>returned": true,

	"partially_returned>returned": true,

	"on_hold>pending": true, "on_hold>backordered": true, "on_hold>allocated": true,
	"on_hold>picking": true, "on_hold>picked": true, "on_hold>packed": true,
	"on_hold>ready_for_pickup": true, "on_hold>partially_shipped": true, "on_hold>cancelled": true,
	// Releasing a hold during which units were returned or the rest cancelled.
	"on_hold>shipped": true, "on_hold>delivered": true, "on_hold>collected": true, "on_hold>partially_returned": true,
	"on_hold>returned": true,
}

func TestTransitionTable(t *testing.T) {
	allowed := 0
	for _, from := range AllStatuses {
		for _, to := range AllStatuses {
			want := expectedTransitions[string(from)+">"+string(to)]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := CheckTransition(from, to)
			if wantOK := want || from == to; (err == nil) != wantOK {
				t.Errorf("CheckTransition(%s, %s) = %v, want ok=%v", from, to, err, wantOK)
			}
			if want {
				allowed++
			}
		}
		next := AllowedNext(from)
		if from.Terminal() != (len(next) == 0) {
			t.Errorf("AllowedNext(%s) = %v, but Terminal() = %v", from, next, from.Terminal())
		}
	}
	if allowed != len(expectedTransitions) {
		t.Errorf("only %d of the %d expected transitions were checked", allowed, len(expectedTransitions))
	}
}

func TestTransitionErrorReadsWell(t *testing.T) {
	err := CheckTransition(StatusShipped, StatusCancelled)
	var te *TransitionError
	if !errors.As(err, &te) || te.From != StatusShipped || te.To != StatusCancelled {
		t.Fatalf("CheckTransition(shipped, cancelled) = %v, want *TransitionError", err)
	}
	if got, want := err.Error(), "order cannot go from Shipped to Cancelled"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if err := CheckTransition("bogus", "bogus"); err == nil {
		t.Error("CheckTransition between unknown statuses succeeded")
	}
}

func TestAllowedNextIsStableAndACopy(t *testing.T) {
	want := []OrderStatus{StatusBackordered, StatusAllocated, StatusOnHold, StatusCancelled}
	got := AllowedNext(StatusPending)
	if !slices.Equal(got, want) {
		t.Fatalf("AllowedNext(pending) = %v, want %v", got, want)
	}
	got[0] = StatusShipped
	if CanTransition(StatusPending, StatusShipped) {
		t.Error("changing AllowedNext's result changed the transition table")
	}
	if AllowedNext("bogus") != nil {
		t.Error("AllowedNext of an unknown status is not empty")
	}
}

// q builds a line: ordered, cancelled, allocated, picked, packed, shipped, returned.
func q(ordered, cancelled, allocated, picked, packed, shipped, returned int64) LineQty {
	return LineQty{Ordered: ordered, Cancelled: cancelled, Allocated: allocated, Picked: picked,
		Packed: packed, Shipped: shipped, Returned: returned}
}

func TestDeriveStatus(t *testing.T) {
	tests := []struct {
		name                      string
		onHold, cancelled, pickUp bool
		lines                     []LineQty
		want                      OrderStatus
	}{
		{"1 cancel flag wins over shipped lines", false, true, false, []LineQty{q(2, 0, 2, 2, 2, 2, 0)}, StatusCancelled},
		{"1 cancel flag wins over hold", true, true, false, []LineQty{q(2, 0, 0, 0, 0, 0, 0)}, StatusCancelled},
		{"2 no lines", false, false, false, nil, StatusCancelled},
		{"2 every unit cancelled", false, false, false, []LineQty{q(2, 2, 0, 0, 0, 0, 0), q(1, 1, 0, 0, 0, 0, 0)}, StatusCancelled},
		{"2 all cancelled beats hold", true, false, false, []LineQty{q(3, 3, 0, 0, 0, 0, 0)}, StatusCancelled},
		{"3 hold on a new order", true, false, false, []LineQty{q(2, 0, 0, 0, 0, 0, 0)}, StatusOnHold},
		{"3 hold over a partial shipment", true, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 0), q(3, 0, 1, 0, 0, 0, 0)}, StatusOnHold},
		{"3 hold over a partial return", true, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 1)}, StatusOnHold},
		{"4 all returned", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 2), q(1, 0, 1, 1, 1, 1, 1)}, StatusReturned},
		{"4 all open units returned after a partial cancel", false, false, false, []LineQty{q(5, 2, 3, 3, 3, 3, 3)}, StatusReturned},
		{"4 one unit of two returned", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 1)}, StatusPartiallyReturned},
		{"4 return of a partial shipment leaves work open", false, false, false, []LineQty{q(4, 0, 4, 4, 2, 2, 2)}, StatusPartiallyShipped},
		{"4 one unit returned, another only allocated", false, false, false, []LineQty{q(1, 0, 1, 1, 1, 1, 1), q(1, 0, 1, 0, 0, 0, 0)}, StatusPartiallyShipped},
		{"4 one of two lines returned", false, false, false, []LineQty{q(1, 0, 1, 1, 1, 1, 1), q(1, 0, 1, 1, 1, 1, 0)}, StatusPartiallyReturned},
		{"5 all shipped", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 0), q(1, 0, 1, 1, 1, 1, 0)}, StatusShipped},
		{"5 shipped after a partial cancel", false, false, false, []LineQty{q(5, 2, 3, 3, 3, 3, 0)}, StatusShipped},
		{"5 shipped with a fully cancelled line", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 0), q(4, 4, 0, 0, 0, 0, 0)}, StatusShipped},
		{"5 one line shipped, one still allocated", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 2, 0), q(1, 0, 1, 0, 0, 0, 0)}, StatusPartiallyShipped},
		{"5 part of one line shipped", false, false, false, []LineQty{q(3, 0, 3, 3, 3, 1, 0)}, StatusPartiallyShipped},
		{"6 all packed", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 0, 0), q(1, 0, 1, 1, 1, 0, 0)}, StatusPacked},
		{"6 packed after a partial cancel", false, false, false, []LineQty{q(4, 1, 3, 3, 3, 0, 0)}, StatusPacked},
		{"7 all picked, one packed", false, false, false, []LineQty{q(2, 0, 2, 2, 1, 0, 0)}, StatusPicked},
		{"7 all picked", false, false, false, []LineQty{q(2, 0, 2, 2, 0, 0, 0), q(3, 0, 3, 3, 0, 0, 0)}, StatusPicked},
		{"8 one line packed, the other not picked", false, false, false, []LineQty{q(2, 0, 2, 2, 2, 0, 0), q(3, 0, 3, 0, 0, 0, 0)}, StatusPicking},
		{"8 picking while backordered", false, false, false, []LineQty{q(4, 0, 2, 1, 0, 0, 0)}, StatusPicking},
		{"9 all allocated", false, false, false, []LineQty{q(2, 0, 2, 0, 0, 0, 0), q(1, 0, 1, 0, 0, 0, 0)}, StatusAllocated},
		{"9 allocated after cancelling the missing unit", false, false, false, []LineQty{q(5, 2, 3, 0, 0, 0, 0)}, StatusAllocated},
		{"10 one line allocated, one not", false, false, false, []LineQty{q(2, 0, 2, 0, 0, 0, 0), q(1, 0, 0, 0, 0, 0, 0)}, StatusBackordered},
		{"10 part of a line allocated", false, false, false, []LineQty{q(5, 0, 3, 0, 0, 0, 0)}, StatusBackordered},
		{"11 nothing allocated", false, false, false, []LineQty{q(2, 0, 0, 0, 0, 0, 0), q(1, 0, 0, 0, 0, 0, 0)}, StatusPending},
		{"11 partial cancel, nothing allocated", false, false, false, []LineQty{q(5, 2, 0, 0, 0, 0, 0)}, StatusPending},
		// A pick-up order differs from a shipped one only where everything is packed or gone.
		{"P1 pick-up cancelled", false, true, true, []LineQty{q(2, 0, 2, 2, 2, 2, 0)}, StatusCancelled},
		{"P2 pick-up held at the counter", true, false, true, []LineQty{q(2, 0, 2, 2, 2, 0, 0)}, StatusOnHold},
		{"P3 pick-up returned after collection", false, false, true, []LineQty{q(2, 0, 2, 2, 2, 2, 2)}, StatusReturned},
		{"P3 pick-up partly returned", false, false, true, []LineQty{q(2, 0, 2, 2, 2, 2, 1)}, StatusPartiallyReturned},
		{"P4 pick-up all collected", false, false, true, []LineQty{q(2, 0, 2, 2, 2, 2, 0), q(1, 1, 0, 0, 0, 0, 0)}, StatusCollected},
		{"P5 pick-up half collected", false, false, true, []LineQty{q(2, 0, 2, 2, 2, 1, 0)}, StatusPartiallyShipped},
		{"P6 pick-up all packed: waiting for the customer", false, false, true, []LineQty{q(2, 0, 2, 2, 2, 0, 0), q(1, 0, 1, 1, 1, 0, 0)}, StatusReadyForPickup},
		{"P6 pick-up packed after a partial cancel", false, false, true, []LineQty{q(4, 1, 3, 3, 3, 0, 0)}, StatusReadyForPickup},
		{"P7 pick-up picked, one packed", false, false, true, []LineQty{q(2, 0, 2, 2, 1, 0, 0)}, StatusPicked},
		{"P8 pick-up picking", false, false, true, []LineQty{q(4, 0, 2, 1, 0, 0, 0)}, StatusPicking},
		{"P9 pick-up allocated", false, false, true, []LineQty{q(2, 0, 2, 0, 0, 0, 0)}, StatusAllocated},
		{"P10 pick-up backordered", false, false, true, []LineQty{q(5, 0, 3, 0, 0, 0, 0)}, StatusBackordered},
		{"P11 pick-up pending", false, false, true, []LineQty{q(2, 0, 0, 0, 0, 0, 0)}, StatusPending},
	}
	for _, tt := range tests {
		for i, line := range tt.lines {
			if err := line.Validate(); err != nil {
				t.Fatalf("%s: test line %d is invalid: %v", tt.name, i+1, err)
			}
		}
		f := OrderFacts{OnHold: tt.onHold, Cancelled: tt.cancelled, PickUp: tt.pickUp}
		if got := DeriveStatus(f, tt.lines); got != tt.want {
			t.Errorf("%s: DeriveStatus = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// randomLine draws a valid line by filling each cumulative stage up to the one before it.
func randomLine(next func(n int64) int64) LineQty {
	var l LineQty
	l.Ordered = 1 + next(6)
	l.Cancelled = next(l.Ordered + 1)
	l.Allocated = next(l.Ordered - l.Cancelled + 1)
	l.Picked = next(l.Allocated + 1)
	l.Packed = next(l.Picked + 1)
	l.Shipped = next(l.Packed + 1)
	l.Returned = next(l.Shipped + 1)
	l.Refunded = next(l.Ordered + 1)
	return l
}

func TestDeriveStatusProperty(t *testing.T) {
	rng := newRand(t)
	for range 20000 {
		lines := make([]LineQty, rng.IntN(5))
		for i := range lines {
			lines[i] = randomLine(rng.Int64N)
			if err := lines[i].Validate(); err != nil {
				t.Fatalf("generated an invalid line: %v", err)
			}
		}
		f := OrderFacts{OnHold: rng.IntN(4) == 0, Cancelled: rng.IntN(8) == 0, PickUp: rng.IntN(3) == 0,
			Delivered: rng.IntN(2) == 0}
		got := DeriveStatus(f, lines)
		if !slices.Contains(AllStatuses, got) {
			t.Fatalf("DeriveStatus(%+v, %v) = %q, not a known status", f, lines, got)
		}
		// Only an order with nothing left open may leave the open queue, cancelled aside.
		if sum := sumLines(lines); !got.Open() && got != StatusCancelled && sum.shipped != sum.open {
			t.Fatalf("DeriveStatus(%+v, %v) = %s with %d of %d open units not shipped",
				f, lines, got, sum.open-sum.shipped, sum.open)
		}
		if (got == StatusOnHold) && !f.OnHold {
			t.Fatalf("DeriveStatus(%+v, %v) = on_hold without a hold", f, lines)
		}
		// Only pick-up orders wait at a store or are collected, and they are never "shipped".
		if got.PickUp() != f.PickUp && (got.PickUp() || got == StatusPacked || got == StatusShipped) {
			t.Fatalf("DeriveStatus(%+v, %v) = %s", f, lines, got)
		}
		// The same lines give the same status whoever takes them, but for packed and shipped.
		other := f
		other.PickUp = !f.PickUp
		if alt := DeriveStatus(other, lines); alt != got && !(got.PickUp() || alt.PickUp()) {
			t.Fatalf("DeriveStatus(%+v, %v) = %s, but %s for the other kind of order", f, lines, got, alt)
		}
		// Delivered is shipped with every shipment delivered, and nothing else: the delivered fact
		// moves no other status, and the move is one the table allows.
		if got == StatusDelivered && (!f.Delivered || f.PickUp) {
			t.Fatalf("DeriveStatus(%+v, %v) = delivered", f, lines)
		}
		undelivered := f
		undelivered.Delivered = false
		if alt := DeriveStatus(undelivered, lines); alt != got && (got != StatusDelivered || alt != StatusShipped) {
			t.Fatalf("DeriveStatus(%+v, %v) = %s, but %s without the delivered fact", f, lines, got, alt)
		} else if alt != got && !CanTransition(alt, got) {
			t.Fatalf("%s → %s is not in the table", alt, got)
		}
		// Recomputing from the same lines is never a transition error (what `oms check` relies on).
		if next, err := NextStatus(got, f, lines); err != nil || next != got {
			t.Fatalf("NextStatus(%s, same lines) = %s, %v", got, next, err)
		}
	}
}

// A normal order can be worked from import to full return, one scan at a time, without the
// transition table refusing any step.
func TestHappyPathWalksThroughTheTable(t *testing.T) {
	line := LineQty{Ordered: 2}
	steps := []struct {
		do   func()
		want OrderStatus
	}{
		{func() {}, StatusPending},
		{func() { line.Allocated++ }, StatusBackordered},
		{func() { line.Allocated++ }, StatusAllocated},
		{func() { line.Picked++ }, StatusPicking},
		{func() { line.Picked++ }, StatusPicked},
		{func() { line.Packed++ }, StatusPicked},
		{func() { line.Packed++ }, StatusPacked},
		{func() { line.Shipped++ }, StatusPartiallyShipped},
		{func() { line.Shipped++ }, StatusShipped},
		{func() { line.Returned++ }, StatusPartiallyReturned},
		{func() { line.Returned++ }, StatusReturned},
	}
	current := StatusPending
	for i, step := range steps {
		step.do()
		next, err := NextStatus(current, OrderFacts{}, []LineQty{line})
		if err != nil || next != step.want {
			t.Fatalf("step %d (%+v): NextStatus from %s = %s, %v; want %s", i, line, current, next, err, step.want)
		}
		current = next
	}
}

// A click-and-collect order goes the same way, waiting at the store's counter once packed and
// collected instead of shipped; returns after collection are returns like any other.
func TestPickUpPathWalksThroughTheTable(t *testing.T) {
	line := LineQty{Ordered: 2}
	steps := []struct {
		do   func()
		want OrderStatus
	}{
		{func() {}, StatusPending},
		{func() { line.Allocated += 2 }, StatusAllocated},
		{func() { line.Picked++ }, StatusPicking},
		{func() { line.Picked++ }, StatusPicked},
		{func() { line.Packed++ }, StatusPicked},
		{func() { line.Packed++ }, StatusReadyForPickup},
		{func() { line.Shipped++ }, StatusPartiallyShipped},
		{func() { line.Shipped++ }, StatusCollected},
		{func() { line.Returned++ }, StatusPartiallyReturned},
		{func() { line.Returned++ }, StatusReturned},
	}
	current := StatusPending
	for i, step := range steps {
		step.do()
		next, err := NextStatus(current, OrderFacts{PickUp: true}, []LineQty{line})
		if err != nil || next != step.want {
			t.Fatalf("step %d (%+v): NextStatus from %s = %s, %v; want %s", i, line, current, next, err, step.want)
		}
		current = next
	}
	// A sale at the till: everything leaves in one go.
	if next, err := NextStatus(StatusPicked, OrderFacts{PickUp: true}, []LineQty{q(3, 0, 3, 3, 3, 3, 0)}); err != nil || next != StatusCollected {
		t.Errorf("a till sale from picked: %s, %v", next, err)
	}
	// Switching a packed order between shipping and collection.
	packed := []LineQty{q(1, 0, 1, 1, 1, 0, 0)}
	if next, err := NextStatus(StatusPacked, OrderFacts{PickUp: true}, packed); err != nil || next != StatusReadyForPickup {
		t.Errorf("collect a packed order instead: %s, %v", next, err)
	}
	if next, err := NextStatus(StatusReadyForPickup, OrderFacts{}, packed); err != nil || next != StatusPacked {
		t.Errorf("ship an order waiting at the store instead: %s, %v", next, err)
	}
}

// A shipped order reads delivered once its shipments are all delivered, whatever they hold;
// returns still win, a pick-up order is collected, and a partial shipment stays partial.
func TestDeriveStatusDelivered(t *testing.T) {
	delivered := OrderFacts{Delivered: true}
	tests := []struct {
		name  string
		f     OrderFacts
		lines []LineQty
		want  OrderStatus
	}{
		{"all shipped, all delivered", delivered, []LineQty{q(2, 0, 2, 2, 2, 2, 0), q(1, 0, 1, 1, 1, 1, 0)}, StatusDelivered},
		{"delivered after a partial cancel", delivered, []LineQty{q(5, 2, 3, 3, 3, 3, 0)}, StatusDelivered},
		{"all shipped, a shipment not delivered", OrderFacts{}, []LineQty{q(2, 0, 2, 2, 2, 2, 0)}, StatusShipped},
		{"part shipped and delivered", delivered, []LineQty{q(3, 0, 3, 3, 3, 1, 0)}, StatusPartiallyShipped},
		{"a return wins", delivered, []LineQty{q(2, 0, 2, 2, 2, 2, 1)}, StatusPartiallyReturned},
		{"all returned", delivered, []LineQty{q(2, 0, 2, 2, 2, 2, 2)}, StatusReturned},
		{"a pick-up order is collected", OrderFacts{PickUp: true, Delivered: true}, []LineQty{q(1, 0, 1, 1, 1, 1, 0)}, StatusCollected},
		{"hold", OrderFacts{OnHold: true, Delivered: true}, []LineQty{q(1, 0, 1, 1, 1, 1, 0)}, StatusOnHold},
		{"cancelled", OrderFacts{Cancelled: true, Delivered: true}, []LineQty{q(1, 0, 1, 1, 1, 1, 0)}, StatusCancelled},
		{"packed", delivered, []LineQty{q(1, 0, 1, 1, 1, 0, 0)}, StatusPacked},
	}
	for _, tt := range tests {
		if got := DeriveStatus(tt.f, tt.lines); got != tt.want {
			t.Errorf("%s: DeriveStatus = %s, want %s", tt.name, got, tt.want)
		}
	}
	// Shipped, then delivered, then returned: each a step the table allows.
	line := q(2, 0, 2, 2, 2, 2, 0)
	current := StatusShipped
	for i, step := range []struct {
		f    OrderFacts
		do   func()
		want OrderStatus
	}{
		{delivered, func() {}, StatusDelivered},
		{delivered, func() { line.Returned++ }, StatusPartiallyReturned},
		{delivered, func() { line.Returned++ }, StatusReturned},
	} {
		step.do()
		next, err := NextStatus(current, step.f, []LineQty{line})
		if err != nil || next != step.want {
			t.Fatalf("step %d: NextStatus from %s = %s, %v; want %s", i, current, next, err, step.want)
		}
		current = next
	}
	// The units not shipped cancelled once what shipped has been delivered.
	if next, err := NextStatus(StatusPartiallyShipped, delivered, []LineQty{q(3, 1, 2, 2, 2, 2, 0)}); err != nil || next != StatusDelivered {
		t.Errorf("the rest cancelled after delivery: %s, %v", next, err)
	}
	if StatusDelivered.Open() || StatusDelivered.Terminal() {
		t.Errorf("delivered: open %v, terminal %v; want neither (returns may follow)", StatusDelivered.Open(), StatusDelivered.Terminal())
	}
}

func TestHoldAndCancelThroughNextStatus(t *testing.T) {
	lines := []LineQty{q(2, 0, 2, 1, 0, 0, 0)}
	held, err := NextStatus(StatusPicking, OrderFacts{OnHold: true}, lines)
	if err != nil || held != StatusOnHold {
		t.Fatalf("holding a picking order: %s, %v", held, err)
	}
	released, err := NextStatus(held, OrderFacts{}, lines)
	if err != nil || released != StatusPicking {
		t.Fatalf("releasing the hold: %s, %v", released, err)
	}
	shipped := []LineQty{q(2, 0, 2, 2, 2, 2, 0)}
	_, err = NextStatus(StatusShipped, OrderFacts{Cancelled: true}, shipped)
	var te *TransitionError
	if !errors.As(err, &te) || err.Error() != "order cannot go from Shipped to Cancelled" {
		t.Errorf("cancelling a shipped order: %v, want a TransitionError", err)
	}
	_, err = NextStatus(StatusPending, OrderFacts{}, []LineQty{q(2, 0, 0, 0, 0, 0, 0), q(1, 0, 0, 1, 0, 0, 0)})
	var le *LineQtyError
	if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), "line 2: ") {
		t.Errorf("invalid second line: %v, want a LineQtyError for line 2", err)
	}
}

func TestLineQtyValidate(t *testing.T) {
	valid := LineQty{Ordered: 5, Cancelled: 1, Allocated: 4, Picked: 3, Packed: 3, Shipped: 2, Returned: 1, Refunded: 1}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid line rejected: %v", err)
	}
	if got := valid.OpenAllocation(); got != 2 {
		t.Errorf("OpenAllocation = %d, want allocated 4 − shipped 2 = 2", got)
	}
	tests := []struct {
		broken     func(*LineQty)
		constraint string
		rule       string
	}{
		{func(l *LineQty) { l.Ordered = 0 }, "order_lines_qty_ordered_check", "ordered > 0"},
		{func(l *LineQty) { l.Cancelled = -1 }, "order_lines_cancelled_in_range", "0 ≤ cancelled ≤ ordered"},
		{func(l *LineQty) { l.Cancelled = 6 }, "order_lines_cancelled_in_range", "0 ≤ cancelled ≤ ordered"},
		{func(l *LineQty) { l.Cancelled = 2 }, "order_lines_allocated_in_range", "0 ≤ allocated ≤ ordered − cancelled"},
		{func(l *LineQty) { l.Allocated = -1 }, "order_lines_allocated_in_range", "0 ≤ allocated ≤ ordered − cancelled"},
		{func(l *LineQty) { l.Picked = 5 }, "order_lines_picked_in_range", "0 ≤ picked ≤ allocated"},
		{func(l *LineQty) { l.Picked = -1 }, "order_lines_picked_in_range", "0 ≤ picked ≤ allocated"},
		{func(l *LineQty) { l.Packed = 4 }, "order_lines_packed_in_range", "0 ≤ packed ≤ picked"},
		{func(l *LineQty) { l.Shipped = 4 }, "order_lines_shipped_in_range", "0 ≤ shipped ≤ packed"},
		{func(l *LineQty) { l.Returned = 3 }, "order_lines_returned_in_range", "0 ≤ returned ≤ shipped"},
		{func(l *LineQty) { l.Refunded = 6 }, "order_lines_refunded_in_range", "0 ≤ refunded ≤ ordered"},
		{func(l *LineQty) { l.Refunded = -1 }, "order_lines_refunded_in_range", "0 ≤ refunded ≤ ordered"},
	}
	for _, tt := range tests {
		line := valid
		tt.broken(&line)
		err := line.Validate()
		var le *LineQtyError
		if !errors.As(err, &le) || le.Constraint != tt.constraint || !strings.Contains(err.Error(), tt.rule) {
			t.Errorf("%+v: Validate = %v; want %s naming %q", line, err, tt.constraint, tt.rule)
		}
	}
	err := LineQty{Ordered: 2, Allocated: 2, Picked: 3}.Validate()
	if err == nil || !strings.Contains(err.Error(), "allocated 2") || !strings.Contains(err.Error(), "picked 3") {
		t.Errorf("message should show the numbers: %v", err)
	}
}
