package model

import (
	"fmt"
	"slices"
	"strings"
)

// OrderStatus is where an order stands. It is never set by hand: DeriveStatus computes it from
// the lines' quantities plus the hold and cancel flags, whether the customer collects the order
// at a store and whether its shipments have all been delivered, and the database stores the
// result so queues can be indexed. The string values are the ones the database CHECK accepts.
type OrderStatus string

const (
	StatusPending           OrderStatus = "pending"
	StatusBackordered       OrderStatus = "backordered"
	StatusAllocated         OrderStatus = "allocated"
	StatusPicking           OrderStatus = "picking"
	StatusPicked            OrderStatus = "picked"
	StatusPacked            OrderStatus = "packed"
	StatusReadyForPickup    OrderStatus = "ready_for_pickup" // packed at the store, the customer not there yet
	StatusPartiallyShipped  OrderStatus = "partially_shipped"
	StatusShipped           OrderStatus = "shipped"
	StatusDelivered         OrderStatus = "delivered" // shipped, and every shipment arrived
	StatusCollected         OrderStatus = "collected" // handed to the customer at the store or till
	StatusPartiallyReturned OrderStatus = "partially_returned"
	StatusReturned          OrderStatus = "returned"
	StatusOnHold            OrderStatus = "on_hold"
	StatusCancelled         OrderStatus = "cancelled"
)

// AllStatuses lists every status in the order an order normally moves through them, with the
// exceptional ones last; a pick-up order's status stands after its shipped order's counterpart
// (ready for pickup after packed, collected after shipped and delivered). Screens use it for
// filters and legends.
var AllStatuses = []OrderStatus{
	StatusPending, StatusBackordered, StatusAllocated, StatusPicking, StatusPicked,
	StatusPacked, StatusReadyForPickup, StatusPartiallyShipped, StatusShipped, StatusDelivered,
	StatusCollected, StatusPartiallyReturned, StatusReturned, StatusOnHold, StatusCancelled,
}

// statusDisplay is how a status is shown. Label fits the queue's 15-column status column after
// the glyph (13 characters); Short fits a 20-column handheld screen; Glyph is plain ASCII so it
// renders one cell wide on every terminal and RF gun, and lets monochrome screens show status
// without colour.
type statusDisplay struct {
	label string
	short string
	glyph rune
}

var statusDisplays = map[OrderStatus]statusDisplay{
	StatusPending:           {"Pending", "PEND", '.'},
	StatusBackordered:       {"Backordered", "BACK", '?'},
	StatusAllocated:         {"Allocated", "ALLOC", '+'},
	StatusPicking:           {"Picking", "PICKG", '>'},
	StatusPicked:            {"Picked", "PICKD", '='},
	StatusPacked:            {"Packed", "PACKD", '#'},
	StatusReadyForPickup:    {"Pickup ready", "PKUP", '*'},
	StatusPartiallyShipped:  {"Part shipped", "PSHIP", '/'},
	StatusShipped:           {"Shipped", "SHIP", '^'},
	StatusDelivered:         {"Delivered", "DELIV", '%'},
	StatusCollected:         {"Collected", "COLLD", '$'},
	StatusPartiallyReturned: {"Part returned", "PRET", '<'},
	StatusReturned:          {"Returned", "RET", '@'},
	StatusOnHold:            {"On hold", "HOLD", '|'},
	StatusCancelled:         {"Cancelled", "CANC", 'x'},
}

// ParseOrderStatus reads a status as stored in the database ("partially_shipped").
func ParseOrderStatus(s string) (OrderStatus, error) {
	status := OrderStatus(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := statusDisplays[status]; !ok {
		return "", fmt.Errorf("unknown order status %q", s)
	}
	return status, nil
}

// Label is the status for people: "Part shipped". An unknown status shows as itself.
func (s OrderStatus) Label() string {
	if d, ok := statusDisplays[s]; ok {
		return d.label
	}
	return string(s)
}

// Short is an abbreviation of at most 5 characters for handheld screens: "PSHIP".
func (s OrderStatus) Short() string {
	if d, ok := statusDisplays[s]; ok {
		return d.short
	}
	return "?"
}

// Glyph is a one-cell symbol per status, so status never depends on colour alone.
func (s OrderStatus) Glyph() rune {
	if d, ok := statusDisplays[s]; ok {
		return d.glyph
	}
	return ' '
}

// Terminal reports whether nothing more can happen to the order.
func (s OrderStatus) Terminal() bool {
	return s == StatusReturned || s == StatusCancelled
}

// Open reports whether the warehouse still has work on the order: anything before it has fully
// shipped or been collected, including held orders and pick-up orders waiting at the store for
// their customer. Shipped, delivered, collected, returned and cancelled orders are done.
func (s OrderStatus) Open() bool {
	switch s {
	case StatusShipped, StatusDelivered, StatusCollected, StatusPartiallyReturned, StatusReturned, StatusCancelled:
		return false
	}
	_, known := statusDisplays[s]
	return known
}

// PickUp reports whether only an order the customer collects at a store (click and collect, or
// a sale at the till) can have the status.
func (s OrderStatus) PickUp() bool {
	return s == StatusReadyForPickup || s == StatusCollected
}

// OpenStatuses lists the open statuses in AllStatuses order.
func OpenStatuses() []OrderStatus {
	var open []OrderStatus
	for _, s := range AllStatuses {
		if s.Open() {
			open = append(open, s)
		}
	}
	return open
}

// LineQty holds an order line's quantities as cumulative stages: every shipped unit was
// packed, every packed unit picked, every picked unit allocated. The same bounds are CHECK
// constraints on order_lines.
type LineQty struct {
	Ordered, Cancelled, Allocated, Picked, Packed, Shipped, Returned, Refunded int64
}

// LineQtyError says which quantity rule a line breaks. Constraint is the name of the matching
// CHECK constraint on order_lines, so the db layer can map a constraint violation to the same
// message.
type LineQtyError struct {
	Constraint string // e.g. "order_lines_picked_in_range"
	Rule       string // e.g. "0 ≤ picked ≤ allocated"
	Qty        LineQty
}

func (e *LineQtyError) Error() string {
	q := e.Qty
	return fmt.Sprintf("line quantities break %s (ordered %d, cancelled %d, allocated %d, "+
		"picked %d, packed %d, shipped %d, returned %d, refunded %d)",
		e.Rule, q.Ordered, q.Cancelled, q.Allocated, q.Picked, q.Packed, q.Shipped, q.Returned, q.Refunded)
}

// lineRule is one rule every order line must satisfy.
type lineRule struct {
	constraint, rule string
	holds            func(q LineQty) bool
}

var lineRules = []lineRule{
	{"order_lines_qty_ordered_check", "ordered > 0",
		func(q LineQty) bool { return q.Ordered > 0 }},
	{"order_lines_cancelled_in_range", "0 ≤ cancelled ≤ ordered",
		func(q LineQty) bool { return within(q.Cancelled, q.Ordered) }},
	{"order_lines_allocated_in_range", "0 ≤ allocated ≤ ordered − cancelled",
		func(q LineQty) bool { return within(q.Allocated, q.Ordered-q.Cancelled) }},
	{"order_lines_picked_in_range", "0 ≤ picked ≤ allocated",
		func(q LineQty) bool { return within(q.Picked, q.Allocated) }},
	{"order_lines_packed_in_range", "0 ≤ packed ≤ picked",
		func(q LineQty) bool { return within(q.Packed, q.Picked) }},
	{"order_lines_shipped_in_range", "0 ≤ shipped ≤ packed",
		func(q LineQty) bool { return within(q.Shipped, q.Packed) }},
	{"order_lines_returned_in_range", "0 ≤ returned ≤ shipped",
		func(q LineQty) bool { return within(q.Returned, q.Shipped) }},
	{"order_lines_refunded_in_range", "0 ≤ refunded ≤ ordered",
		func(q LineQty) bool { return within(q.Refunded, q.Ordered) }},
}

func within(v, high int64) bool { return 0 <= v && v <= high }

// Validate returns a *LineQtyError for the first rule the line breaks, or nil.
func (q LineQty) Validate() error {
	for _, r := range lineRules {
		if !r.holds(q) {
			return &LineQtyError{Constraint: r.constraint, Rule: r.rule, Qty: q}
		}
	}
	return nil
}

// OpenAllocation is the quantity allocated but not yet shipped: what this line's stock
// reservations must add up to.
func (q LineQty) OpenAllocation() int64 {
	return q.Allocated - q.Shipped
}

// orderTotals are the line quantities summed over an order.
type orderTotals struct {
	open, allocated, picked, packed, shipped, returned int64
}

func sumLines(lines []LineQty) orderTotals {
	var t orderTotals
	for _, q := range lines {
		t.open += q.Ordered - q.Cancelled
		t.allocated += q.Allocated
		t.picked += q.Picked
		t.packed += q.Packed
		t.shipped += q.Shipped
		t.returned += q.Returned
	}
	return t
}

// OrderFacts are what decides an order's status besides its lines.
type OrderFacts struct {
	OnHold    bool // orders.on_hold
	Cancelled bool // orders.cancelled_at is set
	// PickUp: the customer collects the order at a store (orders.pickup_warehouse_id is set):
	// a click-and-collect order, or a sale at the till (store_sale). Its packed units wait at
	// the counter, and the units that "ship" are handed to the customer.
	PickUp bool
	// Delivered: the order has at least one shipment and every one of its shipments is
	// delivered (shipments.status; a shipment is delivered when all its parcels are). It
	// matters only to an order whose lines read shipped: the database looks it up only then.
	Delivered bool
}

// DeriveStatus is the one source of truth for an order's status. "Open" units are ordered
// minus cancelled; the first rule that applies wins. An order reads partially returned or
// returned only once every open unit has shipped: a return never hides work still to do.
// A pick-up order reads ready for pickup where others read packed, and collected where others
// read shipped; a part of it handed over is partially shipped like any other order's. An order
// that reads shipped reads delivered once all its shipments are delivered (f.Delivered); returns
// still win. The database derives the stored status with the same rules (oms_derive_status), and a test
// proves the two agree on every combination.
func DeriveStatus(f OrderFacts, lines []LineQty) OrderStatus {
	t := sumLines(lines)
	switch {
	case f.Cancelled: // cancelled explicitly, whatever the lines say
		return StatusCancelled
	case t.open == 0: // no lines, or every unit cancelled: nothing left to do
		return StatusCancelled
	case f.OnHold: // a hold stops all work, even mid-shipment
		return StatusOnHold
	case t.shipped == t.open && t.returned > 0: // all shipped; returns are the latest stage
		return fullOrPartial(t.returned, t.open, StatusReturned, StatusPartiallyReturned)
	case t.shipped == t.open && f.PickUp: // every open unit has left with the customer
		return StatusCollected
	case t.shipped == t.open && f.Delivered: // and every shipment has arrived
		return StatusDelivered
	case t.shipped == t.open:
		return StatusShipped
	case t.shipped > 0: // work left, even if some of what shipped came back
		return StatusPartiallyShipped
	case t.packed == t.open && f.PickUp: // every open unit waits at the store's counter
		return StatusReadyForPickup
	case t.packed == t.open: // every open unit is boxed; nothing has left yet
		return StatusPacked
	case t.picked == t.open: // every open unit is picked
		return StatusPicked
	case t.picked > 0: // picking has started
		return StatusPicking
	case t.allocated == t.open: // all stock reserved, work not started
		return StatusAllocated
	case t.allocated > 0: // some stock reserved, waiting for the rest
		return StatusBackordered
	}
	return StatusPending // nothing reserved yet
}

func fullOrPartial(done, open int64, full, partial OrderStatus) OrderStatus {
	if done == open {
		return full
	}
	return partial
}

// validTransitions lists every status change allowed, like OFBiz's StatusValidChange.
// Anything not listed is an error. Terminal statuses have no way out.
var validTransitions = map[OrderStatus][]OrderStatus{
	StatusPending:     {StatusBackordered, StatusAllocated, StatusOnHold, StatusCancelled},
	StatusBackordered: {StatusPending, StatusAllocated, StatusPicking, StatusOnHold, StatusCancelled},
	StatusAllocated: {StatusPending, StatusBackordered, StatusPicking, StatusPicked,
		StatusOnHold, StatusCancelled},
	StatusPicking: {StatusBackordered, StatusAllocated, StatusPicked, StatusPacked, StatusReadyForPickup,
		StatusPartiallyShipped, StatusOnHold, StatusCancelled},
	StatusPicked: {StatusAllocated, StatusPicking, StatusPacked, StatusReadyForPickup, StatusPartiallyShipped,
		StatusShipped, StatusCollected, StatusOnHold, StatusCancelled},
	// A packed order the customer chooses to collect instead (or the other way round) moves
	// between packed and ready for pickup.
	StatusPacked: {StatusPicked, StatusReadyForPickup, StatusPartiallyShipped, StatusShipped, StatusOnHold,
		StatusCancelled},
	StatusReadyForPickup: {StatusPicked, StatusPacked, StatusPartiallyShipped, StatusCollected, StatusOnHold,
		StatusCancelled},
	// Returns of what shipped, then the rest cancelled: straight to a return status. The rest
	// cancelled once what shipped has been delivered: straight to delivered.
	StatusPartiallyShipped: {StatusShipped, StatusDelivered, StatusCollected, StatusPartiallyReturned,
		StatusReturned, StatusOnHold},
	StatusShipped:           {StatusDelivered, StatusPartiallyReturned, StatusReturned},
	StatusDelivered:         {StatusPartiallyReturned, StatusReturned},
	StatusCollected:         {StatusPartiallyReturned, StatusReturned},
	StatusPartiallyReturned: {StatusReturned},
	StatusReturned:          {},
	StatusOnHold: {StatusPending, StatusBackordered, StatusAllocated, StatusPicking,
		StatusPicked, StatusPacked, StatusReadyForPickup, StatusPartiallyShipped, StatusShipped,
		StatusDelivered, StatusCollected, StatusPartiallyReturned, StatusReturned, StatusCancelled},
	StatusCancelled: {},
}

// TransitionError is an illegal status change.
type TransitionError struct {
	From, To OrderStatus
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("order cannot go from %s to %s", e.From.Label(), e.To.Label())
}

// CanTransition reports whether the table allows changing from one status to another.
// Staying in the same status is not a change and is not listed (see CheckTransition).
func CanTransition(from, to OrderStatus) bool {
	return slices.Contains(validTransitions[from], to)
}

// CheckTransition returns nil when from → to is allowed or is no change at all, and a
// *TransitionError otherwise (also when either status is unknown).
func CheckTransition(from, to OrderStatus) error {
	_, known := validTransitions[from]
	if (known && from == to) || CanTransition(from, to) {
		return nil
	}
	return &TransitionError{From: from, To: to}
}

// AllowedNext returns the statuses reachable from from in one step, in a stable order.
func AllowedNext(from OrderStatus) []OrderStatus {
	return slices.Clone(validTransitions[from])
}

// NextStatus is what the db layer calls after changing an order's lines or flags: it checks
// every line, derives the new status and checks that moving there from current is allowed.
func NextStatus(current OrderStatus, f OrderFacts, lines []LineQty) (OrderStatus, error) {
	for i, q := range lines {
		if err := q.Validate(); err != nil {
			return "", fmt.Errorf("line %d: %w", i+1, err)
		}
	}
	next := DeriveStatus(f, lines)
	if err := CheckTransition(current, next); err != nil {
		return "", err
	}
	return next, nil
}
