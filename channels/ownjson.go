package channels

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"oms/model"
)

type jsonCustomer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

type jsonAddress struct {
	Name       string `json:"name,omitempty"`
	Company    string `json:"company,omitempty"`
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city,omitempty"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country,omitempty"`
	Phone      string `json:"phone,omitempty"`
}

type jsonLine struct {
	LineID      string          `json:"line_id,omitempty"`
	SKU         string          `json:"sku"`
	Description string          `json:"description,omitempty"`
	Qty         json.RawMessage `json:"qty"`
	Amount      json.RawMessage `json:"amount"`
	Discount    json.RawMessage `json:"discount,omitempty"`
	Tax         json.RawMessage `json:"tax,omitempty"`
}

type jsonOrder struct {
	OrderID         string          `json:"order_id"`
	DisplayID       string          `json:"display_id,omitempty"`
	OrderedAt       string          `json:"ordered_at"`
	PromisedAt      string          `json:"promised_at,omitempty"`
	Currency        string          `json:"currency"`
	Customer        jsonCustomer    `json:"customer"`
	ShipTo          jsonAddress     `json:"ship_to"`
	BillTo          *jsonAddress    `json:"bill_to,omitempty"`
	Lines           []jsonLine      `json:"lines"`
	Subtotal        json.RawMessage `json:"subtotal,omitempty"`
	Shipping        json.RawMessage `json:"shipping,omitempty"`
	Discount        json.RawMessage `json:"discount,omitempty"`
	Tax             json.RawMessage `json:"tax,omitempty"`
	Total           json.RawMessage `json:"total"`
	TaxIncluded     *bool           `json:"tax_included,omitempty"`
	AwaitingPayment bool            `json:"awaiting_payment,omitempty"`
	Cancelled       bool            `json:"cancelled,omitempty"`
	Store           string          `json:"store,omitempty"`
	Completed       bool            `json:"completed,omitempty"`
	Service         string          `json:"service,omitempty"`
	Notes           string          `json:"notes,omitempty"`
}

type jsonReader struct {
	br   *bufio.Reader
	file string
	opt  Options
	line int
}

func openJSON(r io.Reader, file string, opt Options) Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	return &jsonReader{br: br, file: file, opt: opt}
}

func (j *jsonReader) Next() (Parsed, error) {
	for {
		text, err := j.br.ReadBytes('\n')
		if len(text) == 0 && err != nil {
			if err == io.EOF {
				return Parsed{}, io.EOF
			}
			return Parsed{}, fmt.Errorf("%s:%d: the file cannot be read further: %w", j.file, j.line+1, err)
		}
		if err != nil && err != io.EOF {
			return Parsed{}, fmt.Errorf("%s:%d: the file cannot be read further: %w", j.file, j.line+1, err)
		}
		j.line++
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			continue
		}
		return j.parse(text), nil
	}
}

var jsonIDPattern = regexp.MustCompile(`"(display_id|order_id)"\s*:\s*("(?:[^"\\\n]|\\.)*")`)

// recoverID finds the order's id in a line that is not a valid order object, preferring
// display_id; "" when there is none.
func recoverID(text []byte) string {
	id := ""
	for _, m := range jsonIDPattern.FindAllSubmatch(text, -1) {
		var s string
		if json.Unmarshal(m[2], &s) != nil {
			continue
		}
		if string(m[1]) == "display_id" && s != "" {
			return s
		}
		if id == "" {
			id = s
		}
	}
	return id
}

func (j *jsonReader) parse(text []byte) Parsed {
	b := &builder{rows: []row{{line: j.line}}}
	var in jsonOrder
	if err := json.Unmarshal(text, &in); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			b.fail("the line is not valid JSON: %s (at byte %d)", err.Error(), syntax.Offset)
		} else {
			b.fail("the line is not an order of oms's json format: %s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return b.finish(j.file, recoverID(text))
	}
	o := &b.o
	display := firstOf(in.DisplayID, in.OrderID)
	o.ExternalID, o.DisplayID = in.OrderID, display
	if in.OrderID == "" {
		b.fail("order_id is empty")
	}
	b.currency("currency", strings.TrimSpace(in.Currency))
	o.OrderedAt = b.date("ordered_at", strings.TrimSpace(in.OrderedAt), true)
	o.PromisedAt = b.date("promised_at", strings.TrimSpace(in.PromisedAt), false)
	o.Customer = model.IncomingCustomer(in.Customer)
	o.ShipTo = model.Address(in.ShipTo)
	o.ShipTo.Country = country(o.ShipTo.Country)
	if in.BillTo != nil {
		bill := model.Address(*in.BillTo)
		bill.Country = country(bill.Country)
		o.BillTo = &bill
	}
	for i, l := range in.Lines {
		where := lineWhere(i+1, l.SKU)
		if strings.TrimSpace(l.SKU) == "" {
			b.fail("line %d: sku is empty", i+1)
		}
		out := model.IncomingLine{ExternalLineID: l.LineID, SKU: l.SKU, Description: l.Description}
		out.Qty = b.qty(where, j.scalar(b, where, "qty", l.Qty))
		a := j.scalar(b, where, "amount", l.Amount)
		if a == "" {
			b.fail("%samount is missing", where)
		}
		out.AmountMinor = b.money(where, "amount", a, true)
		out.DiscountMinor = b.money(where, "discount", j.scalar(b, where, "discount", l.Discount), true)
		out.TaxMinor = b.money(where, "tax", j.scalar(b, where, "tax", l.Tax), true)
		o.Lines = append(o.Lines, out)
	}
	numberLines(o.Lines)
	if !sumLines(o) {
		b.fail("the lines' amounts are too large to add up")
	}
	if s := j.scalar(b, "", "subtotal", in.Subtotal); s != "" {
		if st := b.money("", "subtotal", s, true); b.reason == "" && st != o.SubtotalMinor {
			b.fail("subtotal %s is not the sum of the lines' amounts %s", amount(st, o.Currency), amount(o.SubtotalMinor, o.Currency))
		}
	}
	o.ShippingMinor = b.money("", "shipping", j.scalar(b, "", "shipping", in.Shipping), true)
	o.DiscountMinor = b.money("", "discount", j.scalar(b, "", "discount", in.Discount), true)
	o.TaxMinor = b.money("", "tax", j.scalar(b, "", "tax", in.Tax), true)
	total := j.scalar(b, "", "total", in.Total)
	if total == "" {
		b.fail("total is missing")
	}
	o.TotalMinor = b.money("", "total", total, true)
	o.TaxIncluded = j.opt.TaxIncluded
	if in.TaxIncluded != nil {
		o.TaxIncluded = *in.TaxIncluded
	}
	o.AwaitingPayment, o.Cancelled, o.Completed = in.AwaitingPayment, in.Cancelled, in.Completed
	o.Store, o.ShipService, o.Notes = in.Store, in.Service, in.Notes
	return b.finish(j.file, display)
}

// scalar is the text of a string or number field ("" when absent or null); amounts should be
// strings ("19.99"), but a plain number is read digit for digit, never through a float.
func (j *jsonReader) scalar(b *builder, where, name string, raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			b.fail("%s%s is not a string", where, name)
			return ""
		}
		return strings.TrimSpace(s)
	}
	if (raw[0] >= '0' && raw[0] <= '9') || raw[0] == '-' {
		return string(raw)
	}
	b.fail("%s%s %s is not a number", where, name, raw)
	return ""
}

// WriteJSON writes one order as one line of oms's own json format (the exact inverse of reading
// it: reading what it writes gives the same order).
func WriteJSON(w io.Writer, o model.IncomingOrder) error {
	m := func(minor int64) json.RawMessage {
		return json.RawMessage(strconv.Quote(model.Money{Minor: minor, Currency: o.Currency}.Format()))
	}
	ti := o.TaxIncluded
	out := jsonOrder{
		OrderID: o.ExternalID, DisplayID: o.DisplayID,
		OrderedAt: formatTime(o.OrderedAt), PromisedAt: formatTime(o.PromisedAt),
		Currency: string(o.Currency),
		Customer: jsonCustomer(o.Customer), ShipTo: jsonAddress(o.ShipTo),
		Subtotal: m(o.SubtotalMinor), Shipping: m(o.ShippingMinor), Discount: m(o.DiscountMinor),
		Tax: m(o.TaxMinor), Total: m(o.TotalMinor), TaxIncluded: &ti,
		AwaitingPayment: o.AwaitingPayment, Cancelled: o.Cancelled,
		Store: o.Store, Completed: o.Completed, Service: o.ShipService, Notes: o.Notes,
		Lines: make([]jsonLine, 0, len(o.Lines)),
	}
	if o.BillTo != nil {
		bill := jsonAddress(*o.BillTo)
		out.BillTo = &bill
	}
	for _, l := range o.Lines {
		out.Lines = append(out.Lines, jsonLine{
			LineID: l.ExternalLineID, SKU: l.SKU, Description: l.Description,
			Qty: json.RawMessage(strconv.FormatInt(l.Qty, 10)), Amount: m(l.AmountMinor),
			Discount: m(l.DiscountMinor), Tax: m(l.TaxMinor),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
