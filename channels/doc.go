// Package channels reads the order files of sales channels — Shopify's orders export, Amazon's
// seller order report, WooCommerce order exports, and oms's own csv and json formats — into
// model.IncomingOrder values for `oms import`, and writes oms's own two formats for `oms export`.
// It turns bytes into model types and back: no SQL, no database, no terminal. It imports only
// model (money, currencies) and catalog (ISO country codes).
//
// Why a top-level package: the file formats (column names, quoting, BOM, the FILE:LINE of a bad
// order, each channel's own arithmetic) are neither domain rules nor infrastructure, and the
// command line parses a file's header before it opens the database (a missing column is a usage
// mistake, exit 2).
//
// # Reading
//
// Open reads the header and returns a Reader that streams one Parsed per order. Memory is
// bounded by the largest order: the rows of one order are consecutive and only the current
// order's rows are held. An order whose rows are split by another order simply appears twice;
// the database side detects that (no map of seen ids is kept here).
//
// Every format:
//   - finds columns by header name, never by position (case-insensitive, trimmed): columns may be
//     shuffled, extra columns are ignored, older exports may lack optional columns; a missing
//     required column is a *MissingColumnsError naming it;
//   - strips a UTF-8 byte order mark, accepts CRLF, and (CSV) quoted fields with commas, quotes
//     and newlines; Parsed.Line is the physical line where the order's first row starts, as an
//     editor numbers it;
//   - keeps text exactly as given (any Unicode; cells are trimmed of surrounding spaces);
//   - takes each order all or nothing: a bad order becomes one Parsed with a Reason naming what
//     and where ("line 2 (SKU ABC): quantity \"1.5\" is not a whole number above 0") and later
//     orders are still read. Reasons: a quantity that is not a whole number above 0; an empty
//     SKU; an unknown currency; an amount with more decimals than the currency has (JPY
//     "1200.50") or otherwise unreadable; totals that do not add up by the channel's own
//     arithmetic (both figures named); an incomplete ship-to address (name, line 1, city and
//     country are needed — except for a store order, see Store below) or a country that is not
//     ISO 3166 alpha-2 (lower case is accepted and upper-cased); an unreadable date; order-level
//     fields that disagree between the rows of one order; a line id that appears twice;
//   - reads amounts exactly, in minor units, never through float. SubtotalMinor is the sum of the
//     lines' AmountMinor (before discounts); DiscountMinor the order's whole discount; and
//     TotalMinor = Subtotal − Discount + Shipping + (Tax unless TaxIncluded), checked for every
//     order of every format;
//   - reads dates as RFC 3339 / ISO 8601 ("2025-10-07T09:50:26+02:00", "…Z", with or without
//     seconds' fractions), Shopify's "2025-10-07 09:50:26 +0200", and a bare "2025-10-07"; a
//     time without a zone is taken as UTC.
//
// A Reader's Next returns a non-EOF error only when the file itself cannot be read further (an
// I/O error, or CSV quoting broken so that records lose sync); the error names FILE:LINE.
//
// # shopify
//
// Shopify's orders export: one row per line item, rows of one order share Name, order-level
// fields on the first row (later rows leave them empty; a later row that fills one with another
// value rejects the order). Required columns: Name, Lineitem quantity, Lineitem price,
// Lineitem sku, Currency, Subtotal, Total, Created at, Shipping Name, Shipping Address1,
// Shipping City, Shipping Country. Optional: Id, Email, Phone, Financial Status, Fulfillment
// Status, Shipping, Taxes, Discount Amount, Shipping Method, Cancelled at, Lineitem name,
// Lineitem discount, Shipping/Billing Company, Address2, Street, Zip, Province, Phone, Billing
// Name, Address1, City, Country, Notes, Location.
//
// ExternalID is Id (Name where the export has no Id column or the cell is empty); DisplayID is
// Name. Lines are numbered "1", "2"… in file order (Shopify exports have no line ids). A line's
// AmountMinor is Lineitem price × quantity, its DiscountMinor Lineitem discount. Shopify's
// Subtotal is after discounts: Σ(price × quantity) − Discount Amount must equal Subtotal. Total
// must be Subtotal + Shipping + Taxes (tax charged on top: TaxIncluded false) or Subtotal +
// Shipping (prices include tax: TaxIncluded true), whichever the order's own figures show; when
// Taxes is 0 both agree and Options.TaxIncluded decides; an order neither explains is rejected
// with the figures. Financial Status pending or voided: AwaitingPayment. A non-empty Cancelled
// at: Cancelled. Customer: Billing Name (else Shipping Name), Email, Phone (else Billing or
// Shipping Phone). BillTo is set when any Billing column is filled.
//
// Store: Shopify's export says nothing of click and collect, so Store stays empty — unless the
// Location column (a point-of-sale export) is filled: then Store = Location and Completed =
// (Fulfillment Status is "fulfilled"), a sale where the customer left with the goods. A store
// order needs no ship-to address.
//
// # amazon
//
// The seller order report (and the unshipped-orders report), tab-separated, one row per item.
// Amazon does not quote its reports, so each physical line is one record split at tabs and a '"'
// is an ordinary character anywhere (encoding/csv, even with LazyQuotes, would take a product
// name that starts with '"' for a quoted field and swallow the following tabs and lines).
// Required columns: order-id, order-item-id, purchase-date, sku, quantity-purchased, currency,
// item-price, recipient-name, ship-address-1, ship-city, ship-country. Optional: payments-date,
// buyer-email, buyer-name, buyer-phone-number, product-name, item-tax, shipping-price,
// shipping-tax, gift-wrap-price, gift-wrap-tax, item-promotion-discount,
// ship-promotion-discount, ship-service-level, ship-address-2, ship-address-3 (joined to line 2
// with ", "), ship-state, ship-postal-code, ship-phone-number, promise-date (PromisedAt).
//
// Amounts are totals for the quantity: 3 units for 19.99 stay AmountMinor 1999. ExternalID =
// DisplayID = order-id; line id = order-item-id. Shipping = Σ shipping-price + gift-wrap-price;
// Tax = Σ item-tax + shipping-tax + gift-wrap-tax; Discount = Σ item- and ship-promotion-discount
// (Amazon writes them negative or positive: the absolute value is taken); a line's discount is
// its item-promotion-discount. Amazon has no total column: Total is computed, with TaxIncluded =
// Options.TaxIncluded. Order-level columns are repeated on every row and must agree.
//
// # woocommerce
//
// WooCommerce has no core order CSV; export extensions write, by column name: order_id (the key,
// ExternalID), order_number (DisplayID, else order_id), order_date, status, shipping_total,
// tax_total, discount_total, order_total, order_currency, customer_note, shipping_method,
// billing_* and shipping_* (first_name, last_name, company, email, phone, address_1, address_2,
// city, state, postcode, country). Required: order_id, order_date, order_currency, order_total,
// shipping_first_name, shipping_address_1, shipping_city, shipping_country, and line columns.
// Lines come either one row per item — item_id (or line_id, line_item_id, order_item_id),
// item_sku (or sku, product_sku), item_name (or name, product_name), item_quantity (or quantity,
// qty), item_subtotal (or subtotal, line_subtotal), item_total (or total, line_total),
// item_total_tax (or item_tax, line_total_tax, line_tax, total_tax, tax) — or packed into cells
// line_item_1, line_item_2, … as "id:5|name:Hoodie|product_id:10|sku:woo-hoodie|quantity:2|
// subtotal:90.00|subtotal_tax:0.00|total:80.00|total_tax:0.00|meta:" (the Customer/Order/Coupon
// CSV Import Suite format; a piece without a colon belongs to the value before it). A line's
// AmountMinor is its subtotal, DiscountMinor subtotal − total, TaxMinor its total tax. Lines
// without an id are numbered. WooCommerce stores prices without tax (TaxIncluded false):
// order_total must equal Σ line total + shipping_total + tax_total, and discount_total, when
// given, the lines' subtotal − total. status pending, on-hold or failed: AwaitingPayment;
// cancelled: Cancelled (a "wc-" prefix is ignored). An order whose shipping columns are all empty
// ships to its billing address.
//
// # csv and json (oms's own)
//
// Both carry every IncomingOrder field, so an order exported and imported again is the same
// order (times compare equal; the csv format trims cells and cannot tell a bill-to whose fields
// are all empty from none). WriteJSON writes one line of json; NewCSVWriter/Write/Flush write a
// csv file (CSVHeader once, one row per order line, order fields repeated); WriteCSV writes a
// one-order csv file.
//
// csv columns (required marked *): order_id* (ExternalID), display_id (DisplayID, else order_id),
// ordered_at* and promised_at (RFC 3339), currency* (ISO 4217), customer_name, customer_email,
// customer_phone, ship_name, ship_company, ship_line1, ship_line2, ship_city, ship_region,
// ship_postal_code, ship_country (ISO 3166 alpha-2), ship_phone, bill_* likewise (any filled
// means a bill-to address), line_id (else numbered from 1), sku*, description, qty* (a whole
// number above 0), line_amount* (what the line's units cost before discounts), line_discount,
// line_tax, shipping, discount (the order's whole discount), tax, total*, tax_included (true/
// false, yes/no, 1/0; empty: Options.TaxIncluded), awaiting_payment, cancelled, store,
// completed, service (ShipService), notes. Amounts are decimals in the currency ("19.99", JPY
// "1200"); an empty amount is 0. Order columns may be repeated on every row or given only on
// the first row of the order; rows of one order are consecutive and share order_id.
//
// json: JSON lines, one object per order, blank lines skipped, unknown fields ignored:
//
//	{"order_id": "…", "display_id": "…", "ordered_at": "RFC 3339", "promised_at": "…",
//	 "currency": "EUR", "customer": {"name", "email", "phone"},
//	 "ship_to": {"name", "company", "line1", "line2", "city", "region", "postal_code",
//	 "country", "phone"}, "bill_to": {…} or absent,
//	 "lines": [{"line_id", "sku", "description", "qty": 2, "amount": "19.99",
//	 "discount": "0.00", "tax": "0.00"}],
//	 "subtotal": "…" (checked when present), "shipping", "discount", "tax", "total",
//	 "tax_included": true/false (absent: Options.TaxIncluded), "awaiting_payment", "cancelled",
//	 "store", "completed", "service", "notes"}
//
// Amounts are decimal strings in the currency (a plain JSON number is also read, digit for
// digit). Parsed.Line is the object's line. A line that is not valid JSON, or not an order
// object, is one rejected order (its id recovered from the text when it can be), not a fatal
// error. FORMATS.md in this directory is the README section with examples and the mapping of
// each channel's columns.
package channels
