package seed

import (
	"time"

	"oms/model"
)

// timeline is when each step of an order happened. Steps the order has not reached are zero.
type timeline struct {
	alloc, hold, cancel, pick, pack, ship, deliver, rmaRequest, received, refund time.Time
	delivered                                                                    bool
}

// timeline draws believable gaps between the steps the order reached, then squeezes them into
// the time between ordered_at and now when a young order would otherwise finish in the future.
func (g *renderer) timeline(r *rng, o *orderCtx) timeline {
	p := o.p
	steps := g.reachedSteps(o)
	gaps := stepGaps(r, o.svc)
	hold, cancel := minutes(r, 1, 20), minutes(r, 10, 30*60)
	offsets := make([]time.Duration, 0, steps+2)
	var at time.Duration
	for i := 0; i < steps; i++ {
		at += gaps[i]
		offsets = append(offsets, at)
	}
	if p.onHold {
		offsets = append(offsets, at+hold)
	}
	if p.cancelled {
		offsets = append(offsets, at+cancel)
	}
	// A young order that got far is squeezed to end somewhere in its short life, not all at
	// the same instant just before now.
	room := g.w.now.Add(-30 * time.Second).Sub(o.created)
	squeeze(offsets, room*time.Duration(r.between(550, 980))/1000)
	t := stamp(o.created, offsets, steps, p.onHold, p.cancelled)
	g.deliveryFor(r, o, &t, gaps[4])
	return t
}

// stepGaps are the nominal times between allocation, picking, packing, collection, delivery,
// the return request, the parcel coming back and the refund.
func stepGaps(r *rng, svc *service) []time.Duration {
	gaps := []time.Duration{
		minutes(r, 1, 25),           // allocation run
		minutes(r, 15, 5*60),        // waits for a pick wave
		minutes(r, 5, 40),           // packing
		minutes(r, 30, 4*60),        // carrier collection
		0,                           // delivery: the service's transit time
		minutes(r, 2*1440, 12*1440), // customer asks to return
		minutes(r, 2*1440, 6*1440),  // parcel comes back
		minutes(r, 120, 3*1440),     // refund decided
	}
	if svc != nil {
		gaps[4] = time.Duration(svc.transitDays)*24*time.Hour + minutes(r, -240, 480)
	}
	return gaps
}

// stamp turns offsets from start into the timeline's times, to the second.
func stamp(start time.Time, offsets []time.Duration, steps int, held, cancelled bool) timeline {
	var t timeline
	fields := []*time.Time{&t.alloc, &t.pick, &t.pack, &t.ship, &t.deliver, &t.rmaRequest, &t.received, &t.refund}
	for i := 0; i < steps; i++ {
		*fields[i] = start.Add(offsets[i]).Truncate(time.Second)
	}
	if held {
		t.hold = start.Add(offsets[steps]).Truncate(time.Second)
	}
	if cancelled {
		t.cancel = start.Add(offsets[len(offsets)-1]).Truncate(time.Second)
	}
	return t
}

// deliveryFor decides whether a shipped parcel has arrived by now. forcedStatus's shipped order
// stays on its way and the delivered slot's order has arrived (halfway to now if the transit
// time has not passed yet), so both statuses appear in any run.
func (g *renderer) deliveryFor(r *rng, o *orderCtx, t *timeline, transit time.Duration) {
	if !t.deliver.IsZero() {
		t.delivered = true
		return
	}
	if t.ship.IsZero() || o.svc == nil || (o.p.forced && o.p.status == model.StatusShipped) {
		return
	}
	at := t.ship.Add(transit)
	arrived := at.Before(g.w.now) && r.chance(980)
	if !arrived && o.p.status == model.StatusDelivered {
		if !at.Before(g.w.now) {
			at = t.ship.Add(g.w.now.Sub(t.ship) / 2)
		}
		arrived = true
	}
	if arrived {
		t.deliver, t.delivered = at.Truncate(time.Second), true
	}
}

// reachedSteps is how many of alloc, pick, pack, ship, deliver, rma request, receipt and
// refund the order went through.
func (g *renderer) reachedSteps(o *orderCtx) int {
	var alloc, picked, packed, shipped, returned, refunded int64
	for _, l := range o.p.lines {
		alloc += l.q.Allocated
		picked += l.q.Picked
		packed += l.q.Packed
		shipped += l.q.Shipped
		returned += l.q.Returned
		refunded += l.q.Refunded
	}
	switch {
	case refunded > 0:
		return 8
	case returned > 0:
		return 7
	case shipped > 0:
		return 4
	case packed > 0:
		return 3
	case picked > 0:
		return 2
	case alloc > 0 || (o.p.routed && o.p.cancelled):
		return 1
	}
	return 0
}

// squeeze scales offsets (ascending) so the last one fits within limit.
func squeeze(offsets []time.Duration, limit time.Duration) {
	if len(offsets) == 0 || offsets[len(offsets)-1] <= limit {
		return
	}
	last := int64(offsets[len(offsets)-1] / time.Second)
	room := max(int64(limit/time.Second), 1)
	for i, off := range offsets {
		offsets[i] = time.Duration(int64(off/time.Second)*room/last) * time.Second
	}
}

func minutes(r *rng, lo, hi int) time.Duration { return time.Duration(r.between(lo, hi)) * time.Minute }
