package model

import "time"

// IncomingOrder is one order as a sales channel states it, read from the channel's own file
// (package channels) and handed to the database by `oms import`. Amounts are exactly the
// channel's, in minor units of Currency: nothing is recomputed from unit prices.
type IncomingOrder struct {
	// ExternalID is the channel's stable key of the order (Shopify Id, or Name where an export
	// has no Id; Amazon order-id). Replays match on (channel, ExternalID).
	ExternalID string
	// DisplayID is the id customers see (Shopify Name "#1001", Amazon order-id); it names the
	// order in every message about it.
	DisplayID string

	Currency   Currency
	OrderedAt  time.Time
	PromisedAt time.Time // zero: the channel's SLA from OrderedAt

	Customer IncomingCustomer
	ShipTo   Address
	BillTo   *Address // nil: none given

	Lines []IncomingLine

	// Order totals as the channel states them. Subtotal is the sum of the lines' amounts
	// before discounts; Total = Subtotal − Discount + Shipping, plus Tax unless TaxIncluded.
	SubtotalMinor int64
	ShippingMinor int64
	DiscountMinor int64
	TaxMinor      int64
	TotalMinor    int64
	// TaxIncluded says the prices (and so Subtotal and Shipping) already contain Tax.
	TaxIncluded bool

	// AwaitingPayment is an order the channel reports unpaid (Shopify financial status pending
	// or voided): it comes in on hold and is released when a later export shows it paid.
	AwaitingPayment bool
	// Cancelled is an order the channel cancelled.
	Cancelled bool
	// Store is the store (a warehouse code) a click-and-collect order is collected from, or the
	// store a point-of-sale sale was made in. Empty for orders shipped to the customer.
	Store string
	// Completed is a point-of-sale sale: the customer left with the goods, so its stock leaves
	// the store at once.
	Completed bool

	ShipService string // the service level the customer chose, as the channel names it
	Notes       string
}

// IncomingCustomer is the buyer as the channel names them. Customers are matched by e-mail within
// a channel.
type IncomingCustomer struct {
	Name  string
	Email string
	Phone string
}

// Address is a postal address exactly as given. Country is ISO 3166-1 alpha-2, upper case.
type Address struct {
	Name       string
	Company    string
	Line1      string
	Line2      string
	City       string
	Region     string
	PostalCode string
	Country    string
	Phone      string
}

// IncomingLine is one line of an incoming order.
type IncomingLine struct {
	// ExternalLineID is the channel's id of the line (Amazon order-item-id); replays match on
	// (order, ExternalLineID). Channels without one number their lines from 1.
	ExternalLineID string
	SKU            string
	Description    string
	Qty            int64
	// AmountMinor is what the channel charged for all Qty units before discounts: Amazon's
	// item-price as given (3 units for 19.99 stay 19.99), Shopify's price × quantity.
	AmountMinor   int64
	DiscountMinor int64
	TaxMinor      int64
}
