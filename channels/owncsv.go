package channels

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"oms/model"
)

// CSVHeader is the header of oms's own csv format, in the order WriteCSV writes it. Readers
// find columns by name, so any order works on import.
var CSVHeader = []string{
	"order_id", "display_id", "ordered_at", "promised_at", "currency",
	"customer_name", "customer_email", "customer_phone",
	"ship_name", "ship_company", "ship_line1", "ship_line2", "ship_city", "ship_region", "ship_postal_code", "ship_country", "ship_phone",
	"bill_name", "bill_company", "bill_line1", "bill_line2", "bill_city", "bill_region", "bill_postal_code", "bill_country", "bill_phone",
	"line_id", "sku", "description", "qty", "line_amount", "line_discount", "line_tax",
	"shipping", "discount", "tax", "total", "tax_included",
	"awaiting_payment", "cancelled", "store", "completed", "service", "notes",
}

var csvRequired = []string{"order_id", "ordered_at", "currency", "sku", "qty", "line_amount", "total"}

type csvReader struct {
	t    *table
	g    *grouper
	file string
	opt  Options
}

func openCSV(r io.Reader, file string, opt Options) (Reader, error) {
	src := newCSVSource(r, file, ',', false)
	header, err := src.header()
	if err != nil {
		return nil, err
	}
	t := newTable(file, "csv", header)
	if err := t.require(csvRequired...); err != nil {
		return nil, err
	}
	return &csvReader{t: t, file: file, opt: opt, g: &grouper{src: src, key: func(r row) string { return t.get(r, "order_id") }}}, nil
}

// flag reads a yes/no column: true/false, yes/no, 1/0, y/n (any case); "" is def.
func (b *builder) flag(col, s string, def bool) bool {
	switch strings.ToLower(s) {
	case "":
		return def
	case "true", "yes", "1", "y", "t":
		return true
	case "false", "no", "0", "n", "f":
		return false
	}
	b.fail("%s %q is not true or false (also yes/no, 1/0)", col, s)
	return def
}

func (c *csvReader) Next() (Parsed, error) {
	rows, err := c.g.next()
	if err != nil {
		return Parsed{}, err
	}
	t := c.t
	b := &builder{t: t, rows: rows}
	o := &b.o
	id := t.get(rows[0], "order_id")
	display := firstOf(b.order("display_id"), id)
	if id == "" {
		b.fail("order_id is empty")
		return b.finish(c.file, display), nil
	}
	o.ExternalID, o.DisplayID = id, display
	b.currency("currency", b.order("currency"))
	o.OrderedAt = b.date("ordered_at", b.order("ordered_at"), true)
	o.PromisedAt = b.date("promised_at", b.order("promised_at"), false)
	o.Customer = model.IncomingCustomer{Name: b.order("customer_name"), Email: b.order("customer_email"), Phone: b.order("customer_phone")}
	addr := func(p string) model.Address {
		return model.Address{
			Name: b.order(p + "name"), Company: b.order(p + "company"), Line1: b.order(p + "line1"), Line2: b.order(p + "line2"),
			City: b.order(p + "city"), Region: b.order(p + "region"), PostalCode: b.order(p + "postal_code"),
			Country: country(b.order(p + "country")), Phone: b.order(p + "phone"),
		}
	}
	o.ShipTo = addr("ship_")
	if bill := addr("bill_"); bill != (model.Address{}) {
		o.BillTo = &bill
	}
	for i, r := range rows {
		sku := t.get(r, "sku")
		where := lineWhere(i+1, sku)
		if sku == "" {
			b.fail("line %d: sku is empty", i+1)
		}
		l := model.IncomingLine{ExternalLineID: t.get(r, "line_id"), SKU: sku, Description: t.get(r, "description")}
		l.Qty = b.qty(where, t.get(r, "qty"))
		if t.get(r, "line_amount") == "" {
			b.fail("%sline_amount is empty", where)
		}
		l.AmountMinor = b.money(where, "line_amount", t.get(r, "line_amount"), true)
		l.DiscountMinor = b.money(where, "line_discount", t.get(r, "line_discount"), true)
		l.TaxMinor = b.money(where, "line_tax", t.get(r, "line_tax"), true)
		o.Lines = append(o.Lines, l)
	}
	numberLines(o.Lines)
	if !sumLines(o) {
		b.fail("the lines' amounts are too large to add up")
	}
	o.ShippingMinor = b.money("", "shipping", b.order("shipping"), true)
	o.DiscountMinor = b.money("", "discount", b.order("discount"), true)
	o.TaxMinor = b.money("", "tax", b.order("tax"), true)
	if b.order("total") == "" {
		b.fail("total is empty")
	}
	o.TotalMinor = b.money("", "total", b.order("total"), true)
	o.TaxIncluded = b.flag("tax_included", b.order("tax_included"), c.opt.TaxIncluded)
	o.AwaitingPayment = b.flag("awaiting_payment", b.order("awaiting_payment"), false)
	o.Cancelled = b.flag("cancelled", b.order("cancelled"), false)
	o.Store = b.order("store")
	o.Completed = b.flag("completed", b.order("completed"), false)
	o.ShipService = b.order("service")
	o.Notes = b.order("notes")
	return b.finish(c.file, display), nil
}

// CSVWriter writes orders in oms's own csv format: the header once, then one row per order line
// with the order's fields repeated on every row.
type CSVWriter struct {
	w           *csv.Writer
	wroteHeader bool
}

// NewCSVWriter returns a writer that writes CSVHeader before the first order (or at Flush, for
// a file without orders).
func NewCSVWriter(w io.Writer) *CSVWriter { return &CSVWriter{w: csv.NewWriter(w)} }

func (c *CSVWriter) header() error {
	if c.wroteHeader {
		return nil
	}
	c.wroteHeader = true
	return c.w.Write(CSVHeader)
}

// Write writes one order, one row per line.
func (c *CSVWriter) Write(o model.IncomingOrder) error {
	if err := c.header(); err != nil {
		return err
	}
	m := func(minor int64) string { return model.Money{Minor: minor, Currency: o.Currency}.Format() }
	bill := model.Address{}
	if o.BillTo != nil {
		bill = *o.BillTo
	}
	for _, l := range o.Lines {
		rec := []string{
			o.ExternalID, o.DisplayID, formatTime(o.OrderedAt), formatTime(o.PromisedAt), string(o.Currency),
			o.Customer.Name, o.Customer.Email, o.Customer.Phone,
			o.ShipTo.Name, o.ShipTo.Company, o.ShipTo.Line1, o.ShipTo.Line2, o.ShipTo.City, o.ShipTo.Region, o.ShipTo.PostalCode, o.ShipTo.Country, o.ShipTo.Phone,
			bill.Name, bill.Company, bill.Line1, bill.Line2, bill.City, bill.Region, bill.PostalCode, bill.Country, bill.Phone,
			l.ExternalLineID, l.SKU, l.Description, formatInt(l.Qty), m(l.AmountMinor), m(l.DiscountMinor), m(l.TaxMinor),
			m(o.ShippingMinor), m(o.DiscountMinor), m(o.TaxMinor), m(o.TotalMinor), formatBool(o.TaxIncluded),
			formatBool(o.AwaitingPayment), formatBool(o.Cancelled), o.Store, formatBool(o.Completed), o.ShipService, o.Notes,
		}
		if err := c.w.Write(rec); err != nil {
			return err
		}
	}
	c.w.Flush()
	return c.w.Error()
}

// Flush writes the header if no order was written and flushes.
func (c *CSVWriter) Flush() error {
	if err := c.header(); err != nil {
		return err
	}
	c.w.Flush()
	return c.w.Error()
}

// WriteCSV writes a whole csv file of one order: CSVHeader and the order's rows. Use
// NewCSVWriter for several orders.
func WriteCSV(w io.Writer, o model.IncomingOrder) error {
	cw := NewCSVWriter(w)
	if err := cw.Write(o); err != nil {
		return err
	}
	return cw.Flush()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func formatBool(v bool) string {
	if v {
		return "true"
	}
	return "false"
}

func formatInt(n int64) string { return strconv.FormatInt(n, 10) }
