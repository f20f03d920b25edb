package seed

import (
	"fmt"
	"maps"
	"time"

	"oms/model"
)

// batch holds the rows of one slice of orders (or customers) until they are copied in. The
// tables are listed in foreign-key order.
type batch struct {
	customers, addresses                                                      *table
	orders, lines, reservations, movements, shipments, packages, packageLines *table
	invoices, invoiceLines, invoiceTaxLines, rmas, rmaLines, rmaReceipts      *table
	refunds, events                                                           *table
	byStatus                                                                  map[string]int64
	done                                                                      int64
	err                                                                       error
}

func newBatch() *batch {
	return &batch{
		customers: newTable("customers", "id", "channel_id", "external_id", "name", "email", "phone",
			"country", "currency", "created_at"),
		addresses: newTable("addresses", "id", "customer_id", "name", "company", "line1", "line2",
			"city", "region", "postal_code", "country", "phone"),
		orders: newTable("orders", "id", "number", "channel_id", "external_id", "customer_id",
			"customer_name", "ship_to_address_id", "bill_to_address_id", "warehouse_id", "service_id",
			"currency", "subtotal_minor", "shipping_minor", "discount_minor", "tax_minor", "total_minor",
			"status", "on_hold", "hold_reason", "cancelled_at", "cancel_reason", "priority", "ordered_at",
			"promised_at", "notes", "created_at", "updated_at", "change_xid"),
		lines: newTable("order_lines", "id", "order_id", "line_no", "external_line_id", "product_id",
			"description", "unit_price_minor", "discount_minor", "tax_minor", "tax_rate_ppm",
			"qty_ordered", "qty_cancelled", "qty_allocated", "qty_picked", "qty_packed", "qty_shipped",
			"qty_returned", "qty_refunded", "qty_invoiced", "amount_minor", "updated_at", "change_xid"),
		reservations: newTable("reservations", "id", "order_line_id", "location_id", "product_id",
			"lot_id", "qty", "created_at"),
		movements: newTable("stock_movements", movementCols...),
		shipments: newTable("shipments", "id", "order_id", "warehouse_id", "service_id", "status",
			"cost_minor", "cost_currency", "created_at", "shipped_at", "delivered_at"),
		packages: newTable("packages", "id", "shipment_id", "order_id", "box_code", "weight_g", "length_mm",
			"width_mm", "height_mm", "tracking_number", "label_format", "created_at"),
		packageLines: newTable("package_lines", "package_id", "order_id", "order_line_id", "qty"),
		invoices: newTable("invoices", "id", "series", "year", "seq", "number", "kind", "order_id",
			"credited_invoice_id", "currency", "subtotal_minor", "tax_minor", "total_minor", "issued_at",
			"base_currency", "fx_rate", "fx_date", "subtotal_base_minor", "tax_base_minor", "total_base_minor", "notes"),
		invoiceLines: newTable("invoice_lines", "invoice_id", "line_no", "order_line_id", "description",
			"qty", "unit_price_minor", "tax_rate_ppm", "discount_minor", "tax_minor", "total_minor"),
		invoiceTaxLines: newTable("invoice_tax_lines", "invoice_id", "tax_rate_ppm", "taxable_minor",
			"tax_minor", "taxable_base_minor", "tax_base_minor"),
		rmas: newTable("rmas", "id", "number", "order_id", "status", "resolution", "reason_code",
			"notes", "created_at", "updated_at", "change_xid", "warehouse_id", "authorized_at", "closed_at", "refund_status"),
		rmaLines: newTable("rma_lines", "id", "rma_id", "order_id", "order_line_id", "qty_requested",
			"qty_received", "qty_inspected", "qty_refunded", "reason_code"),
		rmaReceipts: newTable("rma_receipts", "id", "rma_line_id", "qty", "grade", "disposition",
			"location_id", "movement_id", "received_at", "actor"),
		refunds: newTable("refunds", "id", "order_id", "rma_id", "amount_minor", "currency", "method",
			"status", "created_at", "actor"),
		events: newTable("events", "id", "at", "actor", "entity", "entity_id", "order_id", "kind",
			"message", "data", "terminal"),
		byStatus: map[string]int64{},
	}
}

func (b *batch) tables() []*table {
	// Every table is copied without row-level foreign-key checks and proved afterwards, so the
	// order only keeps parents ahead of children for whoever reads the load.
	return []*table{b.customers, b.addresses, b.orders, b.lines, b.reservations, b.rmas, b.rmaLines,
		b.movements, b.shipments, b.packages, b.packageLines, b.invoices, b.invoiceLines,
		b.invoiceTaxLines, b.rmaReceipts, b.refunds, b.events}
}

// counters are the ids and document numbers handed out so far; orders are rendered in index
// order by one goroutine, so sequential counters stay deterministic.
type counters struct {
	line, movement, event, reservation, shipment, pkg, invoice, rma, rmaLine, receipt, refund int64
	rmaSeq                                                                                    int64
	docSeq                                                                                    map[seqKey]int64 // last invoice or credit note number per series and year
}

// renderer turns order plans into rows.
type renderer struct {
	w                    *world
	plan, planCust, r, c *rng
	n                    counters
}

func newRenderer(w *world, movementsSoFar int64) *renderer {
	ids := w.ids
	return &renderer{w: w, plan: newRNG(), planCust: newRNG(), r: newRNG(), c: newRNG(),
		n: counters{line: ids.lines, movement: movementsSoFar, event: ids.events,
			reservation: ids.reservations, shipment: ids.shipments, pkg: ids.packages,
			invoice: ids.invoices, rma: ids.rmas, rmaLine: ids.rmaLines, receipt: ids.rmaReceipts,
			refund: ids.refunds, rmaSeq: w.next.rma.next - 1, docSeq: maps.Clone(w.docSeq)}}
}

// lineCtx is a rendered line: ids and money.
type lineCtx struct {
	*linePlan
	id                                 int64
	no                                 int64
	ext                                string
	unit, gross, discount, tax, ratePP int64
}

// orderCtx is an order being rendered.
type orderCtx struct {
	p                  *orderPlan
	c                  customer
	id                 int64
	number, external   string
	cur                string
	created            time.Time
	t                  timeline
	svc                *service
	pack               int64
	packCode           string
	lines              []lineCtx
	subtotal, discount int64
	tax, shipping      int64
	shipTax, shipRate  int64
	shipTo             int64
	picker, packer     string
	clerk, supervisor  string
	terminal           string
	tracking           string
	invoiceNumber      string
	invoiceID          int64
	taxNote            string // what the invoice must say of its tax (export, reverse charge), or ""
	rma                *rmaCtx
	weightG            int64
}

// renderOrder writes every row that order idx consists of into b.
func (g *renderer) renderOrder(idx int, b *batch) error {
	p, err := g.w.planOrder(g.plan, g.planCust, idx)
	if err != nil {
		return err
	}
	r := g.r.reset(g.w.opts.Seed, streamOrderRender, uint64(idx))
	o := g.newOrderCtx(r, &p)
	// A shipped order whose only shipment has arrived is delivered (model.OrderFacts.Delivered):
	// the seed writes statuses itself, so it derives this one as the database would.
	if p.status == model.StatusShipped && o.t.delivered {
		p.status = model.StatusDelivered
	}
	if err := g.price(r, o); err != nil {
		return err
	}
	g.orderRows(r, o, b)
	g.shipments(r, o, b)
	g.stockMoves(o, b)
	if err := g.invoice(o, b); err != nil {
		return err
	}
	if err := g.returns(r, o, b); err != nil {
		return err
	}
	g.events(r, o, b)
	b.byStatus[string(p.status)]++
	return nil
}

func (g *renderer) newOrderCtx(r *rng, p *orderPlan) *orderCtx {
	w := g.w
	o := &orderCtx{p: p, c: w.customerAt(g.c, p.custIdx), id: w.ids.orders + int64(p.idx) + 1,
		number: w.next.order.format(w.next.order.next + int64(p.idx)), cur: p.cust.ch.currency}
	o.shipTo = o.c.addrID
	if o.c.addr2ID != 0 && r.chance(300) {
		o.shipTo = o.c.addr2ID
	}
	o.created = p.orderedAt.Add(time.Duration(r.between(2, 40)) * time.Second)
	o.external = externalOrderID(r, p.cust.ch, p.idx, p.orderedAt)
	staff := p.wh.staff
	o.picker, o.packer = pick(r, staff["picker"]), pick(r, staff["packer"])
	o.clerk, o.supervisor = pick(r, staff["returns"]), pick(r, staff["supervisor"])
	k := r.IntN(len(p.wh.packing))
	o.pack, o.packCode = p.wh.packing[k], fmt.Sprintf("PACK-%02d", k+1)
	o.terminal = fmt.Sprintf("RF-%s-%02d", p.wh.code, r.between(1, 12))
	for i := range p.lines {
		o.weightG += p.lines[i].product.weightG * p.lines[i].q.Ordered
	}
	if p.routed {
		o.svc = w.pickService(r, p.wh, p.cust.country.code, o.weightG)
	}
	o.t = g.timeline(r, o)
	return o
}

// amazonPrefixes start Amazon order ids per marketplace.
var amazonPrefixes = map[string][]int{"amazon-uk": {202, 203, 204, 205, 206},
	"amazon-us": {111, 112, 113, 114}, "amazon-ca": {701, 702}}

// externalOrderID is the order's id in its channel's own style, unique per channel because
// the varying part is a bijection of the order index.
func externalOrderID(r *rng, ch *channel, idx int, at time.Time) string {
	n := uint64(idx)
	switch ch.code {
	case "amazon-uk", "amazon-us", "amazon-ca":
		return fmt.Sprintf("%03d-%07d-%07d", pick(r, amazonPrefixes[ch.code]), permute(n, 1e7), r.IntN(10_000_000))
	case "rakuten-jp":
		return fmt.Sprintf("387562-%s-%010d", at.Format("20060102"), permute(n, 1e10))
	case "allegro-pl":
		return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.IntN(1<<16), r.IntN(1<<12),
			0x8000|r.IntN(1<<14), permute(n, 1e14))
	case "phone":
		return fmt.Sprintf("PH-%07d", idx+1)
	}
	if ch.kind == "store" {
		return fmt.Sprintf("POS-%s-%07d", ch.warehouse.code, idx+1)
	}
	return fmt.Sprintf("#%d", 10_001+idx)
}

// pickService chooses how the order ships: mostly the cheapest domestic product, sometimes
// express; cross-border orders use services that go anywhere.
func (w *world) pickService(r *rng, wh *warehouse, dest string, weightG int64) *service {
	var cands []*service
	var weights []int
	for _, s := range wh.services {
		if s.maxWeightG < weightG || (!s.international && dest != wh.country) {
			continue
		}
		weight := 10
		switch {
		case s.express:
			weight = 3
		case !s.international:
			weight = 30
		}
		cands = append(cands, s)
		weights = append(weights, weight)
	}
	if len(cands) == 0 {
		return wh.services[0]
	}
	return cands[r.weighted(weights)]
}

// price sets unit prices, discounts and tax per line and the order's shipping charge. The tax
// is what oms itself would charge (and what oms check expects of an imported order): the
// treatment model.DecideTaxTreatment gives the demo company (the seller) for the customer (bill-
// to) and the ship-to address, the seeded tax_rates of the order's day (TaxTreatment.Rate) and
// model.ComputeDocumentTax, per line, on net prices (the seeded channels state prices without
// tax, channels.prices_include_tax false). So web-eu's sales to Germany or France carry their
// destination's VAT (the company declares them through the One Stop Shop), US orders their
// state's sales tax, and sales leaving the EU (the UK, Japan, Canada) are zero-rated exports
// whose invoices say so.
func (g *renderer) price(r *rng, o *orderCtx) error {
	w := g.w
	ci := w.curIndex[o.cur]
	ch := o.p.cust.ch
	shipTo := o.c.addr
	if o.c.addr2ID != 0 && o.shipTo == o.c.addr2ID {
		shipTo = o.c.addr2
	}
	treatment, err := model.DecideTaxTreatment(w.seller,
		model.NewTaxBuyer(o.c.country.code, o.c.addr.city.region, "", o.c.addr.company),
		model.Address{Country: o.c.country.code, Region: shipTo.city.region})
	if err != nil {
		return fmt.Errorf("seed: order %s: %w", o.number, err)
	}
	day := o.p.orderedAt.UTC()
	rate := func(category string) (int64, error) {
		tr, err := treatment.Rate(w.taxRates, category, day)
		if err != nil {
			return 0, fmt.Errorf("seed: order %s: %w", o.number, err)
		}
		return tr.PPM, nil
	}
	o.taxNote = treatment.Note
	promo := (ch.kind == "webshop" && r.chance(120)) || (ch.kind == "manual" && r.chance(50))
	taxable := make([]model.TaxableLine, 0, len(o.p.lines)+1)
	for i := range o.p.lines {
		lp := &o.p.lines[i]
		l := lineCtx{linePlan: lp, no: int64(i + 1), unit: lp.product.prices[ci]}
		g.n.line++
		l.id = g.n.line
		l.ext = externalLineID(ch, l.id, l.no)
		l.gross = l.unit * lp.q.Ordered
		if promo {
			l.discount = l.gross / 10
		}
		if l.ratePP, err = rate(lp.product.cat.taxCat); err != nil {
			return err
		}
		taxable = append(taxable, model.TaxableLine{AmountMinor: l.gross - l.discount, RatePPM: l.ratePP})
		o.subtotal += l.gross
		o.discount += l.discount
		o.lines = append(o.lines, l)
	}
	o.shipping = shippingCharge(r, ch, o.cur, o.subtotal-o.discount)
	if o.shipRate, err = rate(model.TaxCategoryStandard); err != nil {
		return err
	}
	taxable = append(taxable, model.TaxableLine{AmountMinor: o.shipping, RatePPM: o.shipRate})
	taxed, err := model.ComputeDocumentTax(taxable, model.TaxExclusive, model.RoundTaxPerLine)
	if err != nil {
		return fmt.Errorf("seed: order %s: %w", o.number, err)
	}
	for i := range o.lines {
		o.lines[i].tax = taxed.Lines[i].TaxMinor
	}
	o.shipTax = taxed.Lines[len(o.lines)].TaxMinor
	o.tax = taxed.TaxMinor
	return nil
}

func externalLineID(ch *channel, lineID, no int64) string {
	switch ch.kind {
	case "webshop":
		return fmt.Sprint(14_000_000_000_000 + permute(uint64(lineID), 1e12))
	case "marketplace":
		return fmt.Sprintf("%014d", permute(uint64(lineID), 1e14))
	}
	return fmt.Sprint(no)
}

// shippingCharge is what the customer pays for delivery, channel by channel: free over a
// threshold in the webshop, mostly free with marketplace memberships.
func shippingCharge(r *rng, ch *channel, cur string, net int64) int64 {
	switch ch.code {
	case "web-eu":
		if net >= 5000 {
			return 0
		}
		return 495
	case "amazon-uk":
		return pickCharge(r, 299)
	case "amazon-us":
		return pickCharge(r, 599)
	case "amazon-ca":
		return pickCharge(r, 799)
	case "rakuten-jp":
		if net >= 3980 {
			return 0
		}
		return 550
	case "allegro-pl":
		return pickCharge(r, 1299)
	case "phone":
		return 695
	}
	return 495
}

func pickCharge(r *rng, paid int64) int64 {
	if r.chance(700) {
		return 0
	}
	return paid
}

var orderNotes = []string{"Please leave with a neighbour if nobody is home", "Gift — no prices on the packing slip",
	"Ring twice, the bell is broken", "Deliver after 17:00 please", "Fragile: it is a present",
	"Use the side entrance"}

// orderRows writes the order and its lines.
func (g *renderer) orderRows(r *rng, o *orderCtx, b *batch) {
	p := o.p
	var whID, svcID, holdReason, cancelledAt, cancelReason any
	if p.routed {
		whID, svcID = p.wh.id, o.svc.id
	}
	if p.onHold {
		holdReason = pick(r, []string{"HOLD_PAYMENT", "HOLD_PAYMENT", "HOLD_FRAUD", "HOLD_ADDRESS", "HOLD_CUSTOMER"})
	}
	if p.cancelled {
		cancelledAt = o.t.cancel
		cancelReason = pick(r, []string{"CANCEL_CUSTOMER", "CANCEL_CUSTOMER", "CANCEL_CUSTOMER", "CANCEL_FRAUD", "CANCEL_NO_STOCK", "CANCEL_DUPLICATE"})
	}
	o.p.holdReason, o.p.cancelReason = str(holdReason), str(cancelReason)
	priority := int64(0)
	if o.svc != nil && o.svc.express {
		priority = 1
	}
	notes := ""
	if r.chance(30) {
		notes = pick(r, orderNotes)
	}
	total := o.subtotal + o.shipping + o.tax - o.discount
	promised := p.orderedAt.Add(time.Duration(p.cust.ch.slaHours) * time.Hour)
	b.orders.add(o.id, o.number, p.cust.ch.id, o.external, o.c.id, o.c.name, o.shipTo, o.c.addrID,
		whID, svcID, o.cur, o.subtotal, o.shipping, o.discount, o.tax, total, string(p.status),
		p.onHold, holdReason, cancelledAt, cancelReason, priority, p.orderedAt, promised, notes, o.created,
		g.w.txNow, g.w.xid)
	for _, l := range o.lines {
		q := l.q
		// What invoice (documents.go) will bill of the line, as the database's trigger keeps it.
		var invoiced int64
		if fullyShipped(p.status) {
			invoiced = q.Shipped
		}
		b.lines.add(l.id, o.id, l.no, l.ext, l.product.id, l.product.name, l.unit, l.discount, l.tax,
			l.ratePP, q.Ordered, q.Cancelled, q.Allocated, q.Picked, q.Packed, q.Shipped, q.Returned, q.Refunded,
			invoiced, l.unit*q.Ordered, g.w.txNow, g.w.xid)
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
