package channels

import (
	"io"
	"strings"

	"oms/model"
)

var shopifyRequired = []string{
	"Name", "Lineitem quantity", "Lineitem price", "Lineitem sku", "Currency", "Subtotal", "Total",
	"Created at", "Shipping Name", "Shipping Address1", "Shipping City", "Shipping Country",
}

type shopifyReader struct {
	t    *table
	g    *grouper
	file string
	opt  Options
}

func openShopify(r io.Reader, file string, opt Options) (Reader, error) {
	src := newCSVSource(r, file, ',', false)
	header, err := src.header()
	if err != nil {
		return nil, err
	}
	t := newTable(file, "shopify", header)
	if err := t.require(shopifyRequired...); err != nil {
		return nil, err
	}
	return &shopifyReader{t: t, file: file, opt: opt, g: &grouper{src: src, key: func(r row) string { return t.get(r, "Name") }}}, nil
}

func (s *shopifyReader) Next() (Parsed, error) {
	rows, err := s.g.next()
	if err != nil {
		return Parsed{}, err
	}
	t := s.t
	b := &builder{t: t, rows: rows}
	o := &b.o
	name := t.get(rows[0], "Name")
	if name == "" {
		b.fail("Name is empty")
		return b.finish(s.file, ""), nil
	}
	o.DisplayID = name
	o.ExternalID = b.order("Id")
	if o.ExternalID == "" {
		o.ExternalID = name
	}
	b.currency("Currency", b.order("Currency"))
	o.OrderedAt = b.date("Created at", b.order("Created at"), true)

	var linesSum int64
	for i, r := range rows {
		sku := t.get(r, "Lineitem sku")
		where := lineWhere(i+1, sku)
		l := model.IncomingLine{SKU: sku, Description: t.get(r, "Lineitem name")}
		if sku == "" {
			b.fail("line %d: Lineitem sku is empty", i+1)
		}
		l.Qty = b.qty(where, t.get(r, "Lineitem quantity"))
		price := b.money(where, "Lineitem price", t.get(r, "Lineitem price"), true)
		amt, ok := mul(price, l.Qty)
		if !ok {
			b.fail("%sLineitem price × quantity is too large", where)
		}
		l.AmountMinor = amt
		l.DiscountMinor = b.money(where, "Lineitem discount", t.get(r, "Lineitem discount"), true)
		o.Lines = append(o.Lines, l)
		if linesSum, ok = add(linesSum, amt); !ok {
			b.fail("the lines' amounts are too large to add up")
		}
	}
	numberLines(o.Lines)
	o.SubtotalMinor = linesSum

	subtotal := b.money("", "Subtotal", b.order("Subtotal"), true)
	if b.order("Subtotal") == "" {
		b.fail("Subtotal is empty")
	}
	total := b.money("", "Total", b.order("Total"), true)
	if b.order("Total") == "" {
		b.fail("Total is empty")
	}
	o.ShippingMinor = b.money("", "Shipping", b.order("Shipping"), true)
	o.TaxMinor = b.money("", "Taxes", b.order("Taxes"), true)
	o.DiscountMinor = b.money("", "Discount Amount", b.order("Discount Amount"), false)
	if o.DiscountMinor < 0 {
		o.DiscountMinor = -o.DiscountMinor // some exports write discounts negative
	}
	o.TotalMinor = total
	c := o.Currency
	if b.reason == "" {
		if after, ok := sub(linesSum, o.DiscountMinor); !ok || after != subtotal {
			b.fail("Subtotal %s is not the lines' price × quantity %s less Discount Amount %s (%s)",
				amount(subtotal, c), amount(linesSum, c), amount(o.DiscountMinor, c), amount(after, c))
		}
	}
	if b.reason == "" {
		excl, ok1 := add(subtotal, o.ShippingMinor)
		onTop, ok2 := add(excl, o.TaxMinor)
		switch {
		case !ok1 || !ok2:
			b.fail("the order's amounts are too large to add up")
		case o.TaxMinor == 0 && total == excl:
			o.TaxIncluded = s.opt.TaxIncluded
		case total == onTop:
			o.TaxIncluded = false
		case total == excl:
			o.TaxIncluded = true
		case o.TaxMinor == 0:
			b.fail("Total %s is not Subtotal %s + Shipping %s = %s",
				amount(total, c), amount(subtotal, c), amount(o.ShippingMinor, c), amount(excl, c))
		default:
			b.fail("Total %s is neither Subtotal %s + Shipping %s + Taxes %s = %s (tax on top) nor Subtotal + Shipping = %s (prices including tax)",
				amount(total, c), amount(subtotal, c), amount(o.ShippingMinor, c), amount(o.TaxMinor, c), amount(onTop, c), amount(excl, c))
		}
	}

	switch strings.ToLower(b.order("Financial Status")) {
	case "pending", "voided":
		o.AwaitingPayment = true
	}
	o.Cancelled = b.order("Cancelled at") != ""
	if loc := b.order("Location"); loc != "" {
		o.Store = loc
		o.Completed = strings.EqualFold(b.order("Fulfillment Status"), "fulfilled")
	}
	o.ShipService = b.order("Shipping Method")
	o.Notes = b.order("Notes")

	o.ShipTo = model.Address{
		Name:       b.order("Shipping Name"),
		Company:    b.order("Shipping Company"),
		Line1:      firstOf(b.order("Shipping Address1"), b.order("Shipping Street")),
		Line2:      b.order("Shipping Address2"),
		City:       b.order("Shipping City"),
		Region:     firstOf(b.order("Shipping Province"), b.order("Shipping Province Name")),
		PostalCode: b.order("Shipping Zip"),
		Country:    country(b.order("Shipping Country")),
		Phone:      b.order("Shipping Phone"),
	}
	bill := model.Address{
		Name:       b.order("Billing Name"),
		Company:    b.order("Billing Company"),
		Line1:      firstOf(b.order("Billing Address1"), b.order("Billing Street")),
		Line2:      b.order("Billing Address2"),
		City:       b.order("Billing City"),
		Region:     firstOf(b.order("Billing Province"), b.order("Billing Province Name")),
		PostalCode: b.order("Billing Zip"),
		Country:    country(b.order("Billing Country")),
		Phone:      b.order("Billing Phone"),
	}
	if bill != (model.Address{}) {
		o.BillTo = &bill
	}
	o.Customer = model.IncomingCustomer{
		Name:  firstOf(bill.Name, o.ShipTo.Name),
		Email: b.order("Email"),
		Phone: firstOf(b.order("Phone"), bill.Phone, o.ShipTo.Phone),
	}
	return b.finish(s.file, name), nil
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
