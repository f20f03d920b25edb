package channels

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"oms/model"
)

var wooRequired = []string{
	"order_id", "order_date", "order_currency", "order_total",
	"shipping_first_name", "shipping_address_1", "shipping_city", "shipping_country",
}

// Line columns of one-row-per-item exports, by the names the popular order export extensions
// use (SkyVerge/WooCommerce "Customer/Order CSV Export": item_*; "Advanced Order Export":
// sku, qty, line_subtotal, line_total …); the first name the header has wins.
var (
	wooLineID       = []string{"item_id", "line_id", "line_item_id", "order_item_id"}
	wooLineSKU      = []string{"item_sku", "sku", "product_sku"}
	wooLineName     = []string{"item_name", "name", "product_name", "item_title"}
	wooLineQty      = []string{"item_quantity", "quantity", "qty", "item_qty"}
	wooLineSubtotal = []string{"item_subtotal", "subtotal", "line_subtotal"}
	wooLineTotal    = []string{"item_total", "total", "line_total"}
	wooLineTax      = []string{"item_total_tax", "item_tax", "line_total_tax", "line_tax", "total_tax", "tax"}
)

type wooReader struct {
	t          *table
	g          *grouper
	file       string
	packed     []string // line_item_N columns in N order; empty: one row per item
	id, sku    string
	name, qty  string
	subtotal   string
	total, tax string
}

func openWooCommerce(r io.Reader, file string, opt Options) (Reader, error) {
	src := newCSVSource(r, file, ',', false)
	header, err := src.header()
	if err != nil {
		return nil, err
	}
	t := newTable(file, "woocommerce", header)
	w := &wooReader{t: t, file: file}
	type packedCol struct {
		n    int
		name string
	}
	var packed []packedCol
	for name := range t.idx {
		if rest, ok := strings.CutPrefix(name, "line_item_"); ok {
			if n, err := strconv.Atoi(rest); err == nil && n > 0 {
				packed = append(packed, packedCol{n, name})
			}
		}
	}
	sort.Slice(packed, func(i, j int) bool { return packed[i].n < packed[j].n })
	for _, p := range packed {
		w.packed = append(w.packed, p.name)
	}
	w.id, w.sku, w.name = t.hasAny(wooLineID...), t.hasAny(wooLineSKU...), t.hasAny(wooLineName...)
	w.qty, w.subtotal, w.total, w.tax = t.hasAny(wooLineQty...), t.hasAny(wooLineSubtotal...), t.hasAny(wooLineTotal...), t.hasAny(wooLineTax...)
	req := wooRequired
	if len(w.packed) == 0 {
		if w.sku == "" {
			req = append(req, "item_sku (or sku, or line_item_1 …)")
		}
		if w.qty == "" {
			req = append(req, "item_quantity (or quantity, qty)")
		}
		if w.subtotal == "" && w.total == "" {
			req = append(req, "item_subtotal (or subtotal, line_subtotal)")
		}
	}
	if err := t.require(req...); err != nil {
		return nil, err
	}
	w.g = &grouper{src: src, key: func(r row) string { return t.get(r, "order_id") }}
	return w, nil
}

func (w *wooReader) Next() (Parsed, error) {
	rows, err := w.g.next()
	if err != nil {
		return Parsed{}, err
	}
	t := w.t
	b := &builder{t: t, rows: rows}
	o := &b.o
	id := t.get(rows[0], "order_id")
	display := firstOf(b.order("order_number"), id)
	if id == "" {
		b.fail("order_id is empty")
		return b.finish(w.file, display), nil
	}
	o.ExternalID, o.DisplayID = id, display
	b.currency("order_currency", b.order("order_currency"))
	o.OrderedAt = b.date("order_date", b.order("order_date"), true)

	var lineTotals int64
	addLine := func(where string, l model.IncomingLine, subtotal, total string) {
		n := len(o.Lines) + 1
		if l.SKU == "" {
			b.fail("line %d: the SKU is empty", n)
		}
		if subtotal == "" && total == "" {
			b.fail("%sthe line has no subtotal or total", where)
		}
		sub := b.money(where, "subtotal", firstOf(subtotal, total), true)
		tot := b.money(where, "total", firstOf(total, subtotal), true)
		if tot > sub && b.reason == "" {
			b.fail("%sthe total %s is more than the subtotal %s", where, amount(tot, o.Currency), amount(sub, o.Currency))
		}
		l.AmountMinor, l.DiscountMinor = sub, sub-tot
		var ok bool
		if lineTotals, ok = add(lineTotals, tot); !ok {
			b.fail("the lines' amounts are too large to add up")
		}
		o.Lines = append(o.Lines, l)
	}
	for _, r := range rows {
		if len(w.packed) > 0 {
			for _, col := range w.packed {
				cell := t.get(r, col)
				if cell == "" {
					continue
				}
				f := parsePacked(cell)
				n := len(o.Lines) + 1
				where := lineWhere(n, f["sku"])
				l := model.IncomingLine{ExternalLineID: f["id"], SKU: f["sku"], Description: f["name"]}
				l.Qty = b.qty(where, f["quantity"])
				l.TaxMinor = b.money(where, "total_tax", f["total_tax"], true)
				addLine(where, l, f["subtotal"], f["total"])
			}
			continue
		}
		n := len(o.Lines) + 1
		sku := t.get(r, w.sku)
		where := lineWhere(n, sku)
		l := model.IncomingLine{SKU: sku, Description: t.get(r, w.name)}
		if w.id != "" {
			l.ExternalLineID = t.get(r, w.id)
		}
		l.Qty = b.qty(where, t.get(r, w.qty))
		if w.tax != "" {
			l.TaxMinor = b.money(where, t.label(w.tax), t.get(r, w.tax), true)
		}
		var subtotal, total string
		if w.subtotal != "" {
			subtotal = t.get(r, w.subtotal)
		}
		if w.total != "" {
			total = t.get(r, w.total)
		}
		addLine(where, l, subtotal, total)
	}
	if len(o.Lines) == 0 {
		b.fail("the order has no line items")
	}
	numberLines(o.Lines)
	if !sumLines(o) {
		b.fail("the lines' amounts are too large to add up")
	}
	c := o.Currency
	lineDiscounts := o.SubtotalMinor - lineTotals
	o.DiscountMinor = lineDiscounts
	if s := b.order("discount_total"); s != "" {
		d := b.money("", "discount_total", s, true)
		if b.reason == "" && d != lineDiscounts {
			b.fail("discount_total %s is not the lines' subtotals %s less their totals %s (%s)",
				amount(d, c), amount(o.SubtotalMinor, c), amount(lineTotals, c), amount(lineDiscounts, c))
		}
	}
	o.ShippingMinor = b.money("", "shipping_total", b.order("shipping_total"), true)
	o.TaxMinor = b.money("", "tax_total", b.order("tax_total"), true)
	if b.order("order_total") == "" {
		b.fail("order_total is empty")
	}
	o.TotalMinor = b.money("", "order_total", b.order("order_total"), true)
	if b.reason == "" {
		want, ok := add(lineTotals, o.ShippingMinor)
		if ok {
			want, ok = add(want, o.TaxMinor)
		}
		if !ok || want != o.TotalMinor {
			b.fail("order_total %s is not the lines' totals %s + shipping_total %s + tax_total %s = %s",
				amount(o.TotalMinor, c), amount(lineTotals, c), amount(o.ShippingMinor, c), amount(o.TaxMinor, c), amount(want, c))
		}
	}

	status := strings.ToLower(strings.TrimPrefix(strings.ToLower(b.order("status")), "wc-"))
	switch status {
	case "pending", "pending payment", "pending-payment", "on-hold", "on hold", "failed":
		o.AwaitingPayment = true
	case "cancelled", "canceled":
		o.Cancelled = true
	}
	o.Notes = b.order("customer_note")
	o.ShipService = firstOf(b.order("shipping_method"), b.order("shipping_method_title"))

	addr := func(p string) model.Address {
		return model.Address{
			Name:       strings.TrimSpace(b.order(p+"first_name") + " " + b.order(p+"last_name")),
			Company:    b.order(p + "company"),
			Line1:      b.order(p + "address_1"),
			Line2:      b.order(p + "address_2"),
			City:       b.order(p + "city"),
			Region:     b.order(p + "state"),
			PostalCode: b.order(p + "postcode"),
			Country:    country(b.order(p + "country")),
			Phone:      b.order(p + "phone"),
		}
	}
	bill := addr("billing_")
	o.ShipTo = addr("shipping_")
	if bill != (model.Address{}) {
		o.BillTo = &bill
		if o.ShipTo == (model.Address{}) {
			o.ShipTo = bill // WooCommerce leaves shipping empty when it ships to the billing address
		}
	}
	o.Customer = model.IncomingCustomer{
		Name:  firstOf(bill.Name, o.ShipTo.Name),
		Email: b.order("billing_email"),
		Phone: firstOf(bill.Phone, o.ShipTo.Phone),
	}
	return b.finish(w.file, display), nil
}

// parsePacked reads a line_item_N cell of the Customer/Order/Coupon CSV Import Suite format:
// "id:5|name:Hoodie|product_id:10|sku:woo-hoodie|quantity:2|subtotal:90.00|…|meta:". A piece
// without a colon belongs to the value before it (a '|' inside a name or meta).
func parsePacked(cell string) map[string]string {
	f := map[string]string{}
	last := ""
	for _, part := range strings.Split(cell, "|") {
		k, v, ok := strings.Cut(part, ":")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || k == "" || strings.ContainsAny(k, " ") {
			if last != "" {
				f[last] += "|" + part
			}
			continue
		}
		if _, dup := f[k]; dup && last != "" {
			f[last] += "|" + part
			continue
		}
		f[k], last = v, k
	}
	for k, v := range f {
		f[k] = strings.TrimSpace(v)
	}
	return f
}
