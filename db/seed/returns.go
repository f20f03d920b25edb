package seed

import (
	"fmt"
	"time"

	"oms/model"
)

// reasonText is the description of each reason code the seed uses (migration 00002).
var reasonText = map[string]string{
	"RET_DAMAGED": "Arrived damaged", "RET_DEFECTIVE": "Defective", "RET_WRONG_ITEM": "Wrong item sent",
	"RET_NOT_AS_DESCRIBED": "Not as described", "RET_NO_LONGER_WANTED": "No longer wanted",
	"RET_SIZE": "Wrong size or fit", "HOLD_PAYMENT": "Payment not confirmed", "HOLD_FRAUD": "Fraud review",
	"HOLD_ADDRESS": "Address needs checking", "HOLD_CUSTOMER": "Customer asked to wait",
	"CANCEL_CUSTOMER": "Customer cancelled", "CANCEL_FRAUD": "Fraud", "CANCEL_NO_STOCK": "Out of stock",
	"CANCEL_DUPLICATE": "Duplicate order",
}

// disposition is what the returns desk decided for a returned unit and where it went.
type disposition struct {
	grade, decision, reason, kind string
}

// dispose grades a return by its reason: unwanted goods go back to stock, damaged ones to
// scrap or quarantine, defective ones are kept aside for the vendor or refurbishing.
func dispose(r *rng, why string) disposition {
	switch why {
	case "RET_DAMAGED":
		if r.chance(500) {
			return disposition{"C", "scrap", "DISP_SCRAP", "scrap"}
		}
		return disposition{"C", "quarantine", "DISP_QUARANTINE", "transfer"}
	case "RET_DEFECTIVE":
		if r.chance(500) {
			return disposition{"D", "return_to_vendor", "DISP_RTV", "transfer"}
		}
		return disposition{"D", "refurbish", "DISP_REFURBISH", "transfer"}
	case "RET_NOT_AS_DESCRIBED":
		return disposition{"B", "restock", "DISP_RESTOCK", "putaway"}
	}
	return disposition{pick(r, []string{"A", "A", "B"}), "restock", "DISP_RESTOCK", "putaway"}
}

// rmaCtx is a rendered return, for the events.
type rmaCtx struct {
	id                 int64
	number, reason     string
	units, refundMinor int64
	creditNote         string
	authorizedOnly     bool
}

// returns writes the RMA of a returned order — lines, the return movement CUSTOMER → RETURNS,
// the disposition movement, the inspection receipt — and its refund with a credit note. Some
// delivered orders instead have an authorised return still on its way back.
func (g *renderer) returns(r *rng, o *orderCtx, b *batch) error {
	var returned []lineCtx
	for _, l := range o.lines {
		if l.q.Returned > 0 {
			returned = append(returned, l)
		}
	}
	if len(returned) == 0 {
		g.authorizedReturn(r, o, b)
		return nil
	}
	rc := g.newRMA(r, o)
	// Every returned unit was inspected (model.DeriveRMAStatus): the RMA closes once each is
	// refunded, and until then waits inspected with its refund due.
	status, refundStatus, closed := "closed", "refunded", any(g.w.txNow)
	var refunded []lineCtx
	for _, l := range returned {
		g.returnLine(r, o, b, rc, l)
		if l.q.Refunded > 0 {
			refunded = append(refunded, l)
		}
		if l.q.Refunded < l.q.Returned {
			status, refundStatus, closed = "inspected", "due", nil
		}
	}
	b.rmas.add(rc.id, rc.number, o.id, status, "refund", rc.reason, "", o.t.rmaRequest, g.w.txNow, g.w.xid,
		o.p.wh.id, o.t.rmaRequest, closed, refundStatus)
	o.rma = rc
	if len(refunded) > 0 {
		return g.refund(o, b, rc, refunded)
	}
	return nil
}

func (g *renderer) newRMA(r *rng, o *orderCtx) *rmaCtx {
	g.n.rma++
	g.n.rmaSeq++
	why := pick(r, o.lines[0].product.cat.returnWhy)
	return &rmaCtx{id: g.n.rma, number: g.w.next.rma.format(g.n.rmaSeq), reason: why}
}

func (g *renderer) returnLine(r *rng, o *orderCtx, b *batch, rc *rmaCtx, l lineCtx) {
	w := g.w
	s := &w.slots[l.slot]
	g.n.rmaLine++
	b.rmaLines.add(g.n.rmaLine, rc.id, o.id, l.id, l.q.Returned, l.q.Returned, l.q.Returned, l.q.Refunded, rc.reason)
	g.n.movement++
	returnID := g.n.movement
	b.movements.add(movementRow(returnID, o.t.received, o.clerk, s.product.id, s.lot, w.virt["CUSTOMER"],
		o.p.wh.returns, l.q.Returned, "return", rc.reason, l.id, g.n.rmaLine, "",
		fmt.Sprintf("%s received from %s", rc.number, o.c.name))...)
	d := dispose(r, rc.reason)
	to := o.p.wh.quarantine
	switch d.decision {
	case "restock":
		to = s.bin.id
	case "scrap":
		to = w.virt["SCRAP"]
	}
	at := minTime(o.t.received.Add(minutes(r, 20, 240)), w.now.Add(-10*time.Second))
	g.n.movement++
	b.movements.add(movementRow(g.n.movement, at, o.clerk, s.product.id, s.lot, o.p.wh.returns, to,
		l.q.Returned, d.kind, d.reason, 0, g.n.rmaLine, "", rc.number+": "+d.decision)...)
	g.n.receipt++
	b.rmaReceipts.add(g.n.receipt, g.n.rmaLine, l.q.Returned, d.grade, d.decision, to, returnID,
		o.t.received, o.clerk)
	rc.units += l.q.Returned
}

// refund pays back the refunded units (their share of the line after discount, plus its tax)
// and credits the invoice with a credit note of the same amount, numbered in its own series.
func (g *renderer) refund(o *orderCtx, b *batch, rc *rmaCtx, lines []lineCtx) error {
	var credit []docLine
	for _, l := range lines {
		d, err := billLine(l, l.q.Refunded, o.cur)
		if err != nil {
			return err
		}
		credit = append(credit, d)
	}
	var total int64
	var err error
	_, rc.creditNote, total, err = g.document(o, b, o.invoiceID, o.t.refund, credit)
	if err != nil {
		return err
	}
	method := "original_payment"
	if o.p.cust.ch.kind == "manual" {
		method = "bank_transfer"
	}
	g.n.refund++
	rc.refundMinor = total
	b.refunds.add(g.n.refund, o.id, rc.id, total, o.cur, method, "done", o.t.refund, o.clerk)
	return nil
}

// authorizedReturn opens an RMA on a few delivered orders: authorised, parcel not back yet.
func (g *renderer) authorizedReturn(r *rng, o *orderCtx, b *batch) {
	if o.p.status != model.StatusDelivered || !r.chance(25) {
		return
	}
	latest := g.w.now.Add(-time.Hour)
	if !o.t.deliver.Add(24 * time.Hour).Before(latest) {
		return
	}
	rc := g.newRMA(r, o)
	rc.authorizedOnly = true
	at := o.t.deliver.Add(minutes(r, 24*60, 6*24*60))
	o.t.rmaRequest = minTime(at, latest)
	l := o.lines[0]
	rc.units = int64(r.between(1, int(l.q.Shipped)))
	g.n.rmaLine++
	b.rmaLines.add(g.n.rmaLine, rc.id, o.id, l.id, rc.units, int64(0), int64(0), int64(0), rc.reason)
	b.rmas.add(rc.id, rc.number, o.id, "authorized", "refund", rc.reason, "", o.t.rmaRequest, g.w.txNow, g.w.xid,
		o.p.wh.id, o.t.rmaRequest, nil, "waiting")
	o.rma = rc
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
