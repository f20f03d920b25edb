package channels

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"oms/model"
)

var amazonRequired = []string{
	"order-id", "order-item-id", "purchase-date", "sku", "quantity-purchased", "currency", "item-price",
	"recipient-name", "ship-address-1", "ship-city", "ship-country",
}

// tsvSource reads Amazon's tab-separated reports: one record per physical line, fields split at
// tabs, no quoting at all. Amazon does not quote, so a '"' is an ordinary character wherever it
// stands — even first in a product name, where encoding/csv (even with LazyQuotes) would start a
// quoted field and swallow the following tabs and lines. Hence a plain line reader.
type tsvSource struct {
	br   *bufio.Reader
	file string
	line int
}

func (s *tsvSource) readLine() ([]string, error) {
	for {
		text, err := s.br.ReadString('\n')
		if text == "" && err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("%s:%d: the file cannot be read further: %w", s.file, s.line+1, err)
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s:%d: the file cannot be read further: %w", s.file, s.line+1, err)
		}
		s.line++
		text = strings.TrimRight(text, "\r\n")
		if strings.TrimSpace(text) == "" {
			continue
		}
		return strings.Split(text, "\t"), nil
	}
}

func (s *tsvSource) readRow() (row, error) {
	cells, err := s.readLine()
	if err != nil {
		return row{}, err
	}
	return row{line: s.line, cells: cells}, nil
}

type amazonReader struct {
	t    *table
	g    *grouper
	file string
	opt  Options
}

func openAmazon(r io.Reader, file string, opt Options) (Reader, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	src := &tsvSource{br: br, file: file}
	header, err := src.readLine()
	if err != nil && err != io.EOF {
		return nil, err
	}
	t := newTable(file, "amazon", header)
	if err := t.require(amazonRequired...); err != nil {
		return nil, err
	}
	return &amazonReader{t: t, file: file, opt: opt, g: &grouper{src: src, key: func(r row) string { return t.get(r, "order-id") }}}, nil
}

func (a *amazonReader) Next() (Parsed, error) {
	rows, err := a.g.next()
	if err != nil {
		return Parsed{}, err
	}
	t := a.t
	b := &builder{t: t, rows: rows}
	o := &b.o
	id := t.get(rows[0], "order-id")
	if id == "" {
		b.fail("order-id is empty")
		return b.finish(a.file, ""), nil
	}
	o.ExternalID, o.DisplayID = id, id
	b.currency("currency", b.order("currency"))
	o.OrderedAt = b.date("purchase-date", b.order("purchase-date"), true)
	o.PromisedAt = b.date("promise-date", b.order("promise-date"), false)
	o.TaxIncluded = a.opt.TaxIncluded

	var shipping, tax, discount int64
	total := func(acc *int64, v int64) {
		var ok bool
		if *acc, ok = add(*acc, v); !ok {
			b.fail("the order's amounts are too large to add up")
		}
	}
	abs := func(v int64) int64 {
		if v < 0 {
			return -v
		}
		return v
	}
	for i, r := range rows {
		sku := t.get(r, "sku")
		where := lineWhere(i+1, sku)
		if sku == "" {
			b.fail("line %d: sku is empty", i+1)
		}
		l := model.IncomingLine{ExternalLineID: t.get(r, "order-item-id"), SKU: sku, Description: t.get(r, "product-name")}
		if l.ExternalLineID == "" {
			b.fail("%sorder-item-id is empty", where)
		}
		l.Qty = b.qty(where, t.get(r, "quantity-purchased"))
		if t.get(r, "item-price") == "" {
			b.fail("%sitem-price is empty", where)
		}
		l.AmountMinor = b.money(where, "item-price", t.get(r, "item-price"), true)
		l.TaxMinor = b.money(where, "item-tax", t.get(r, "item-tax"), true)
		l.DiscountMinor = abs(b.money(where, "item-promotion-discount", t.get(r, "item-promotion-discount"), false))
		o.Lines = append(o.Lines, l)
		total(&shipping, b.money(where, "shipping-price", t.get(r, "shipping-price"), true))
		total(&shipping, b.money(where, "gift-wrap-price", t.get(r, "gift-wrap-price"), true))
		total(&tax, l.TaxMinor)
		total(&tax, b.money(where, "shipping-tax", t.get(r, "shipping-tax"), true))
		total(&tax, b.money(where, "gift-wrap-tax", t.get(r, "gift-wrap-tax"), true))
		total(&discount, l.DiscountMinor)
		total(&discount, abs(b.money(where, "ship-promotion-discount", t.get(r, "ship-promotion-discount"), false)))
	}
	if !sumLines(o) {
		b.fail("the lines' amounts are too large to add up")
	}
	o.ShippingMinor, o.TaxMinor, o.DiscountMinor = shipping, tax, discount
	if t, ok := expectedTotal(o); ok {
		o.TotalMinor = t
	} else {
		b.fail("the order's amounts are too large to add up")
	}
	if o.TotalMinor < 0 && b.reason == "" {
		b.fail("the promotion discounts %s are more than the order's items and shipping", amount(discount, o.Currency))
	}

	o.Customer = model.IncomingCustomer{
		Name:  firstOf(b.order("buyer-name"), b.order("recipient-name")),
		Email: b.order("buyer-email"),
		Phone: firstOf(b.order("buyer-phone-number"), b.order("ship-phone-number")),
	}
	line2 := b.order("ship-address-2")
	if l3 := b.order("ship-address-3"); l3 != "" {
		line2 = strings.TrimSpace(line2 + ", " + l3)
		line2 = strings.TrimPrefix(line2, ", ")
	}
	o.ShipTo = model.Address{
		Name:       b.order("recipient-name"),
		Line1:      b.order("ship-address-1"),
		Line2:      line2,
		City:       b.order("ship-city"),
		Region:     b.order("ship-state"),
		PostalCode: b.order("ship-postal-code"),
		Country:    country(b.order("ship-country")),
		Phone:      b.order("ship-phone-number"),
	}
	o.ShipService = b.order("ship-service-level")
	return b.finish(a.file, id), nil
}
