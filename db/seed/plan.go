package seed

import (
	"fmt"
	"math"
	"slices"
	"time"

	"oms/model"
)

const (
	maxAge  = 60 * 24 * time.Hour // the oldest order
	minAge  = 3 * time.Minute     // the newest
	ageTau  = 25 * 24 * time.Hour // recent days carry more orders than old ones
	maxLine = 4
)

// linePlan is what an order line is: product, quantities per stage, and the slot its
// allocated units come from (-1 when nothing is allocated).
type linePlan struct {
	product *product
	slot    int
	q       model.LineQty
}

// orderPlan is everything about an order that decides stock: when, who, where, which status
// and which quantities. It is a pure function of (seed, index), drawn twice: once to add up
// what every bin must hold, once to write the order.
type orderPlan struct {
	idx       int
	orderedAt time.Time
	custIdx   int
	cust      customer // core only: channel, country, city
	wh        *warehouse
	routed    bool // warehouse_id is set: the order has been allocated (or was, before cancelling)
	status    model.OrderStatus
	forced    bool // status is forcedStatus's: a shipped one stays undelivered
	onHold    bool
	cancelled bool
	lines     []linePlan
	// set while rendering, read by the events
	holdReason, cancelReason string
}

// ageBands split order age for statusMix: under 1 h, 8 h, 24 h, 3 days, 10 days, older.
var ageBands = []time.Duration{time.Hour, 8 * time.Hour, 24 * time.Hour, 72 * time.Hour, 240 * time.Hour}

// Statuses are the statuses the seeder gives its orders: every status but a pick-up order's
// (model.OrderStatus.PickUp). No seeded order is collected at a store: the store channel's
// orders are shipped from the store, so they read packed and shipped like any other. A shipped
// order whose parcel has arrived by now (the service's transit time, timeline.deliveryFor) is
// delivered.
var Statuses = func() []model.OrderStatus {
	var out []model.OrderStatus
	for _, s := range model.AllStatuses {
		if !s.PickUp() {
			out = append(out, s)
		}
	}
	return out
}()

// mixStatuses are the statuses statusMix weighs: Statuses but delivered, which a shipped order
// becomes once its parcel arrives.
var mixStatuses = slices.DeleteFunc(slices.Clone(Statuses), func(s model.OrderStatus) bool {
	return s == model.StatusDelivered
})

// statusMix returns, per age band, weights over mixStatuses (pending, backordered,
// allocated, picking, picked, packed, partially_shipped, shipped, partially_returned, returned,
// on_hold, cancelled): new orders are still open, old ones shipped (most of them delivered by
// now) and sometimes returned.
func statusMix() [][]int {
	return [][]int{
		{45, 5, 22, 8, 4, 2, 0, 0, 0, 0, 5, 2},
		{18, 7, 16, 13, 11, 11, 3, 14, 0, 0, 4, 2},
		{6, 7, 6, 5, 6, 10, 6, 48, 0, 0, 3, 2},
		{2, 6, 1, 1, 1, 2, 5, 77, 1, 0, 2, 2},
		{0, 3, 0, 0, 0, 0, 2, 84, 3, 3, 1, 3},
		{0, 1, 0, 0, 0, 0, 0, 80, 6, 7, 1, 4},
	}
}

// forcedStatus guarantees every status appears in any run: the newest orders cover the open
// statuses, a few around the first third the finished ones (the oldest, when there are too few
// orders for the two groups not to overlap).
func forcedStatus(idx, n int) (model.OrderStatus, bool) {
	if k := n - 1 - idx; k < len(forcedRecent) {
		return forcedRecent[k], true
	}
	if k := idx - oldForced(n); k >= 0 && k < len(forcedOld) {
		return forcedOld[k], true
	}
	return "", false
}

// forcedRecent and forcedOld are forcedStatus's open and finished statuses. forcedOld's shipped
// order stays on its way (deliveryFor): most shipped orders are delivered by now.
var (
	forcedRecent = []model.OrderStatus{model.StatusPending, model.StatusAllocated, model.StatusPicking,
		model.StatusOnHold, model.StatusBackordered, model.StatusPicked, model.StatusPacked,
		model.StatusPartiallyShipped}
	forcedOld = []model.OrderStatus{model.StatusShipped, model.StatusPartiallyReturned,
		model.StatusReturned, model.StatusCancelled}
)

// oldForced is the index of the first of forcedOld's orders among n.
func oldForced(n int) int { return min(n/3, n-len(forcedRecent)-len(forcedOld)) }

// deliveredSlot is the order just before forcedOld's (n is at least len(Statuses), so there is
// one), which is delivered whatever the mix drew for it: delivered, which the mix does not draw,
// appears in any run too. It draws from the mix like any other order, so an order the mix made
// shipped (and whose parcel arrived) stays exactly what it was.
func deliveredSlot(n int) int { return oldForced(n) - 1 }

// orderedAt spreads n orders over the last 60 days with density falling off exponentially
// with age, using stratified draws so that order numbers increase with time.
func (w *world) orderedAt(idx int, jitter float64) time.Time {
	u := (float64(idx) + jitter) / float64(w.opts.Orders)
	p := 1 - u
	span := float64(maxAge - minAge)
	tau := float64(ageTau)
	age := float64(minAge) - tau*math.Log(1-p*(1-math.Exp(-span/tau)))
	return w.now.Add(-time.Duration(age)).Truncate(time.Second)
}

func bandOf(age time.Duration) int {
	for i, limit := range ageBands {
		if age < limit {
			return i
		}
	}
	return len(ageBands)
}

// planOrder draws order idx. r and cr are the caller's generators for the plan and customer
// streams; they are reset here.
func (w *world) planOrder(r, cr *rng, idx int) (orderPlan, error) {
	r.reset(w.opts.Seed, streamOrderPlan, uint64(idx))
	p := orderPlan{idx: idx, orderedAt: w.orderedAt(idx, r.Float64())}
	p.custIdx = w.pickCustomer(r)
	p.cust = w.customerCore(cr, p.custIdx)
	p.wh = w.route(&p.cust)
	status, forced := forcedStatus(idx, w.opts.Orders)
	if !forced {
		status = mixStatuses[r.weighted(w.statusMix[bandOf(w.now.Sub(p.orderedAt))])]
		if idx == deliveredSlot(w.opts.Orders) {
			status = model.StatusDelivered
		}
	}
	p.forced = forced
	p.lines = w.drawLines(r, p.wh)
	w.shape(r, &p, status)
	w.assignSlots(r, &p)
	f := model.OrderFacts{OnHold: p.onHold, Cancelled: p.cancelled, Delivered: status == model.StatusDelivered}
	if got := model.DeriveStatus(f, p.lineQtys()); got != status {
		return p, fmt.Errorf("seed: order %d planned as %s but its lines say %s", idx, status, got)
	}
	p.status = status
	return p, nil
}

// pickCustomer favours a loyal tenth of the customers, who order several times as often.
func (w *world) pickCustomer(r *rng) int {
	n := w.customerCount
	if r.chance(300) {
		return r.IntN(max(1, n/10))
	}
	return r.IntN(n)
}

// route is the warehouse that ships to the customer: the store for store orders, otherwise
// the first seeded warehouse on the country's preference list.
func (w *world) route(c *customer) *warehouse {
	if c.ch.warehouse != nil {
		return c.ch.warehouse
	}
	for _, code := range routes[c.country.code] {
		if wh := w.whByCode[code]; wh != nil && len(wh.carried) > 0 {
			return wh
		}
	}
	return w.warehouses[0]
}

// drawLines picks 1–4 distinct products by popularity (mostly one or two) with quantities
// mostly 1–3.
func (w *world) drawLines(r *rng, wh *warehouse) []linePlan {
	n := 1 + r.weighted([]int{55, 28, 12, 5})
	lines := make([]linePlan, 0, maxLine)
	for len(lines) < n {
		p := w.popularProduct(r, wh)
		if slices.ContainsFunc(lines, func(l linePlan) bool { return l.product == p }) {
			if len(lines) >= len(wh.carried)-1 {
				break
			}
			continue
		}
		qty := int64(1 + r.weighted([]int{65, 22, 9, 2, 1, 1}))
		lines = append(lines, linePlan{product: p, slot: -1, q: model.LineQty{Ordered: qty}})
	}
	return lines
}

func (w *world) popularProduct(r *rng, wh *warehouse) *product {
	total := wh.cumPop[len(wh.cumPop)-1]
	x := r.Int64N(total)
	i, _ := slices.BinarySearch(wh.cumPop, x+1)
	return w.products[wh.carried[i]]
}

func (p *orderPlan) lineQtys() []model.LineQty {
	qs := make([]model.LineQty, len(p.lines))
	for i, l := range p.lines {
		qs[i] = l.q
	}
	return qs
}

// Stages of a line, cumulative: a line "at" a stage has all open units through it.
const (
	stageNone = iota
	stageAllocated
	stagePicked
	stagePacked
	stageShipped
	stageReturned
)

// setStage puts n units of the line through every stage up to stage.
func setStage(q *model.LineQty, stage int, n int64) {
	if stage >= stageAllocated {
		q.Allocated = n
	}
	if stage >= stagePicked {
		q.Picked = n
	}
	if stage >= stagePacked {
		q.Packed = n
	}
	if stage >= stageShipped {
		q.Shipped = n
	}
	if stage >= stageReturned {
		q.Returned = n
	}
}

func allAt(p *orderPlan, stage int) {
	for i := range p.lines {
		setStage(&p.lines[i].q, stage, p.lines[i].q.Ordered)
	}
}

// atLeastTwo makes a single-line order splittable (1 of 2 shipped, …).
func atLeastTwo(p *orderPlan) *model.LineQty {
	q := &p.lines[0].q
	q.Ordered = max(q.Ordered, 2)
	return q
}

// shape sets the line quantities so that model.DeriveStatus gives status.
func (w *world) shape(r *rng, p *orderPlan, status model.OrderStatus) {
	p.routed = true
	switch status {
	case model.StatusPending:
		p.routed = false
	case model.StatusCancelled:
		p.cancelled, p.routed = true, r.chance(300)
		for i := range p.lines {
			p.lines[i].q.Cancelled = p.lines[i].q.Ordered
		}
	case model.StatusOnHold:
		p.onHold, p.routed = true, r.chance(500) // held before or after allocation
		if p.routed {
			allAt(p, stageAllocated)
		}
	case model.StatusAllocated:
		allAt(p, stageAllocated)
	case model.StatusBackordered:
		w.shapeBackordered(r, p)
	case model.StatusPicking:
		allAt(p, stageAllocated)
		w.splitLast(r, p, stagePicked, stageAllocated)
	case model.StatusPicked:
		allAt(p, stagePicked)
		if len(p.lines) > 1 && r.chance(300) {
			setStage(&p.lines[0].q, stagePacked, p.lines[0].q.Ordered)
		}
	case model.StatusPacked:
		allAt(p, stagePacked)
	case model.StatusPartiallyShipped:
		allAt(p, stageAllocated+r.IntN(3)) // the rest is allocated, picked or packed
		w.splitLast(r, p, stageShipped, stageAllocated+r.IntN(3))
	case model.StatusShipped, model.StatusDelivered:
		allAt(p, stageShipped)
	case model.StatusPartiallyReturned:
		allAt(p, stageShipped)
		w.splitLast(r, p, stageReturned, stageShipped)
	case model.StatusReturned:
		allAt(p, stageReturned)
	}
	w.refunds(r, p)
}

// splitLast moves part of the order one stage further: with several lines the first is done
// and the rest not; a single line is split by units.
func (w *world) splitLast(r *rng, p *orderPlan, done, rest int) {
	if len(p.lines) == 1 {
		q := atLeastTwo(p)
		setStage(q, rest, q.Ordered)
		setStage(q, done, int64(r.between(1, int(q.Ordered)-1)))
		restoreEarlier(q, rest)
		return
	}
	for i := range p.lines {
		stage := rest
		if i == 0 {
			stage = done
		}
		setStage(&p.lines[i].q, stage, p.lines[i].q.Ordered)
	}
}

// restoreEarlier re-fills the stages at or below rest that setStage lowered to the split.
func restoreEarlier(q *model.LineQty, rest int) {
	setStage(q, min(rest, stageShipped), q.Ordered) // returns are never restored
}

// shapeBackordered leaves one line short, on a product whose stock is all promised.
func (w *world) shapeBackordered(r *rng, p *orderPlan) {
	allAt(p, stageAllocated)
	last := &p.lines[len(p.lines)-1]
	if len(p.wh.scarce) > 0 {
		if sp := w.products[pick(r, p.wh.scarce)]; !slices.ContainsFunc(p.lines, func(l linePlan) bool { return l.product == sp }) {
			last.product = sp
		}
	}
	if len(p.lines) == 1 {
		q := atLeastTwo(p)
		q.Allocated = int64(r.between(1, int(q.Ordered)-1))
		return
	}
	last.q.Allocated = int64(r.between(0, int(last.q.Ordered)-1))
}

// refunds: most returned units are refunded; some RMAs still wait for the refund decision.
func (w *world) refunds(r *rng, p *orderPlan) {
	for i := range p.lines {
		if q := &p.lines[i].q; q.Returned > 0 && r.chance(850) {
			q.Refunded = q.Returned
		}
	}
}

// assignSlots takes every allocated line's units from one slot: the pick face mostly, the
// reserve location sometimes. The first pass adds them up per slot.
func (w *world) assignSlots(r *rng, p *orderPlan) {
	for i := range p.lines {
		l := &p.lines[i]
		if l.q.Allocated == 0 {
			continue
		}
		pair := p.wh.slotOf[l.product.idx]
		l.slot = pair[0]
		if pair[1] >= 0 && r.chance(200) {
			l.slot = pair[1]
		}
	}
}
