package seed

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"oms/model"
)

// event is one row of an order's history before it gets its id.
type event struct {
	at                     time.Time
	actor, kind, msg, data string
	terminal               string
}

// events writes the history that got the order to its status, oldest first.
func (g *renderer) events(r *rng, o *orderCtx, b *batch) {
	var evs []event
	add := func(at time.Time, actor, kind, msg, data, terminal string) {
		evs = append(evs, event{at, actor, kind, msg, data, terminal})
	}
	add(o.created, g.creator(r, o), "order.created", g.createdText(o), jsonObj(
		"channel", o.p.cust.ch.code, "external_id", o.external, "lines", int64(len(o.lines)),
		"total", g.money(o, o.subtotal+o.shipping+o.tax-o.discount)), "")
	g.workEvents(o, add)
	g.exceptionEvents(r, o, add)
	slices.SortStableFunc(evs, func(a, b event) int { return a.at.Compare(b.at) })
	for _, e := range evs {
		g.n.event++
		b.events.add(g.n.event, e.at, e.actor, "order", o.id, o.id, e.kind, e.msg, e.data, e.terminal)
	}
}

// creator is who entered the order: the scheduled import for online channels, a back-office
// colleague for phone orders, the store's staff for the store.
func (g *renderer) creator(r *rng, o *orderCtx) string {
	switch o.p.cust.ch.kind {
	case "manual":
		return pick(r, g.w.backOffice)
	case "store":
		return o.supervisor
	}
	return g.w.importer
}

func (g *renderer) createdText(o *orderCtx) string {
	switch o.p.cust.ch.kind {
	case "manual":
		return "Order taken by phone"
	case "store":
		return "Order placed in " + o.p.cust.ch.name
	}
	return "Order received from " + o.p.cust.ch.code
}

func (g *renderer) money(o *orderCtx, minor int64) string {
	return model.Money{Minor: minor, Currency: model.Currency(o.cur)}.String()
}

type addEvent func(at time.Time, actor, kind, msg, data, terminal string)

// workEvents are the warehouse steps: allocation, picking, packing, shipping.
func (g *renderer) workEvents(o *orderCtx, add addEvent) {
	var open, alloc, picked, packed, shipped int64
	for _, l := range o.lines {
		open += l.q.Ordered - l.q.Cancelled
		alloc += l.q.Allocated
		picked += l.q.Picked
		packed += l.q.Packed
		shipped += l.q.Shipped
	}
	wh := o.p.wh.code
	switch {
	case alloc > 0 && alloc < open:
		add(o.t.alloc, g.w.allocator, "order.allocated", fmt.Sprintf("Allocated %d of %d units at %s; %d backordered",
			alloc, open, wh, open-alloc), jsonObj("warehouse", wh, "allocated", alloc, "backordered", open-alloc), "")
	case alloc > 0 || (o.p.cancelled && o.p.routed):
		n := max(alloc, o.orderedUnits())
		add(o.t.alloc, g.w.allocator, "order.allocated", "Allocated at "+wh,
			jsonObj("warehouse", wh, "allocated", n, "backordered", int64(0)), "")
	}
	if picked > 0 {
		add(o.t.pick, o.picker, "order.picked", fmt.Sprintf("Picked %s at %s", ofUnits(picked, open), wh),
			jsonObj("units", picked, "open", open, "to", o.packCode), o.terminal)
	}
	if packed > 0 {
		add(o.t.pack, o.packer, "order.packed", fmt.Sprintf("Packed %s at %s", ofUnits(packed, open), o.packCode),
			jsonObj("units", packed, "station", o.packCode), o.packCode)
	}
	if shipped > 0 {
		data := []any{"carrier", o.svc.carrier.code, "service", o.svc.code, "tracking", o.tracking, "units", shipped}
		if o.invoiceNumber != "" {
			data = append(data, "invoice", o.invoiceNumber)
		}
		add(o.t.ship, o.packer, "order.shipped", fmt.Sprintf("Shipped with %s, tracking %s", o.svc.carrier.name, o.tracking),
			jsonObj(data...), o.packCode)
	}
}

func (o *orderCtx) orderedUnits() int64 {
	var n int64
	for _, l := range o.lines {
		n += l.q.Ordered
	}
	return n
}

func ofUnits(n, of int64) string {
	unit := "units"
	if of == 1 {
		unit = "unit"
	}
	if n == of {
		return fmt.Sprintf("%d %s", n, unit)
	}
	return fmt.Sprintf("%d of %d %s", n, of, unit)
}

// exceptionEvents are holds, cancellations, returns and refunds.
func (g *renderer) exceptionEvents(r *rng, o *orderCtx, add addEvent) {
	p := o.p
	if p.onHold {
		actor := g.w.importer // payment and fraud checks run with the import
		if p.holdReason == "HOLD_ADDRESS" || p.holdReason == "HOLD_CUSTOMER" {
			actor = pick(r, g.w.backOffice)
		}
		add(o.t.hold, actor, "order.held", "Put on hold: "+reasonText[p.holdReason], jsonObj("reason", p.holdReason), "")
	}
	if p.cancelled {
		add(o.t.cancel, pick(r, g.w.backOffice), "order.cancelled", "Cancelled: "+reasonText[p.cancelReason],
			jsonObj("reason", p.cancelReason), "")
	}
	rc := o.rma
	if rc == nil {
		return
	}
	if rc.authorizedOnly {
		add(o.t.rmaRequest, o.clerk, "order.return_authorized", fmt.Sprintf("Return %s authorised: %s (%s)",
			rc.number, ofUnits(rc.units, rc.units), reasonText[rc.reason]), jsonObj("rma", rc.number, "units", rc.units, "reason", rc.reason), "")
		return
	}
	add(o.t.received, o.clerk, "order.returned", fmt.Sprintf("Return %s received: %s (%s)", rc.number,
		ofUnits(rc.units, rc.units), reasonText[rc.reason]), jsonObj("rma", rc.number, "units", rc.units, "reason", rc.reason), "")
	if rc.refundMinor > 0 {
		amount := g.money(o, rc.refundMinor)
		add(o.t.refund, o.clerk, "order.refunded", "Refunded "+amount+" to the original payment",
			jsonObj("rma", rc.number, "amount", amount, "credit_note", rc.creditNote), "")
	}
}

// jsonObj writes a flat JSON object from key, value pairs (values string or int64) in the
// order given, so the text is the same on every run.
func jsonObj(kv ...any) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(jsonString(kv[i].(string)))
		b.WriteByte(':')
		switch v := kv[i+1].(type) {
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case string:
			b.WriteString(jsonString(v))
		}
	}
	b.WriteByte('}')
	return b.String()
}

func jsonString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			out, _ := json.Marshal(s)
			return string(out)
		}
	}
	return `"` + s + `"`
}
