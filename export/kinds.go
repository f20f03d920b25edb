package export

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds lists what `oms export` writes, in the order help shows them.
var Kinds = []string{"orders", "lines", "invoices", "invoice-taxes", "stock", "movements", "shipments"}

// formats is, per kind, the formats it is written in; the first is the default.
var formats = map[string][]string{
	"orders":        {"csv", "json"},
	"lines":         {"csv", "json"},
	"invoices":      {"csv", "json"},
	"invoice-taxes": {"csv", "json"},
	"stock":         {"csv", "json", "shopify", "amazon"},
	"movements":     {"csv", "json"},
	"shipments":     {"csv", "json", "shopify", "amazon"},
}

// Formats lists the formats kind is written in ("" for an unknown kind).
func Formats(kind string) []string { return formats[kind] }

// CheckKindFormat says whether kind can be written as format, in a sentence naming what can.
func CheckKindFormat(kind, format string) error {
	fs, ok := formats[kind]
	if !ok {
		return fmt.Errorf("%q is not a kind of export: the kinds are %s", kind, strings.Join(Kinds, ", "))
	}
	if !slices.Contains(fs, format) {
		return fmt.Errorf("%s are not exported as %q: the formats of %s are %s", kind, format, kind, strings.Join(fs, ", "))
	}
	return nil
}

// OrderColumns are the columns of `oms export orders --format csv`: one row per order, amounts in
// the order's currency as decimal strings.
var OrderColumns = []Column{
	{"number", Text}, {"channel", Text}, {"external_id", Text}, {"external_name", Text},
	{"status", Text}, {"ordered_at", Time}, {"promised_at", Time}, {"currency", Text},
	{"subtotal", Decimal}, {"discount", Decimal}, {"shipping", Decimal}, {"tax", Decimal},
	{"total", Decimal}, {"prices_include_tax", Bool}, {"customer_name", Text},
	{"customer_email", Text}, {"ship_city", Text}, {"ship_postcode", Text},
	{"ship_country", Text}, {"warehouse", Text}, {"updated_at", Time},
}

// OrderJSONExtras are the members `oms export orders --format json` adds to each order as
// channels.WriteJSON writes it (which `oms import json` reads back, ignoring these). None of
// them is a member WriteJSON writes.
var OrderJSONExtras = []Column{
	{"number", Text}, {"channel", Text}, {"status", Text}, {"warehouse", Text},
	{"on_hold", Bool}, {"hold_reason", Text}, {"created_at", Time}, {"updated_at", Time},
}

// LineColumns are one row per order line, with every stage's quantity.
var LineColumns = []Column{
	{"order_number", Text}, {"channel", Text}, {"external_id", Text}, {"line_no", Int},
	{"external_line_id", Text}, {"sku", Text}, {"description", Text}, {"currency", Text},
	{"unit_price", Decimal}, {"amount", Decimal}, {"discount", Decimal}, {"tax", Decimal},
	{"tax_rate_ppm", Int}, {"qty_ordered", Int}, {"qty_cancelled", Int}, {"qty_allocated", Int},
	{"qty_picked", Int}, {"qty_packed", Int}, {"qty_shipped", Int}, {"qty_returned", Int},
	{"qty_refunded", Int}, {"updated_at", Time},
}

// InvoiceColumns are one row per invoice or credit note, in the document's currency and in the
// base currency. Amounts are signed for a ledger: a credit note's are negative, so the sum of a
// column over a file is the net. fx_rate is the rate as stored: units of currency per unit of
// base_currency, or, when fx_inverse is true, units of base_currency per unit of currency (the
// base amounts are then the amounts times it). The columns after total_base came with issue 12's
// invoicing and are appended so that files read by position keep their meaning.
var InvoiceColumns = []Column{
	{"number", Text}, {"kind", Text}, {"credited_number", Text}, {"order_number", Text},
	{"channel", Text}, {"external_id", Text}, {"issued_at", Time}, {"currency", Text},
	{"subtotal", Decimal}, {"tax", Decimal}, {"total", Decimal}, {"base_currency", Text},
	{"fx_rate", Decimal}, {"fx_date", Text}, {"subtotal_base", Decimal}, {"tax_base", Decimal},
	{"total_base", Decimal}, {"fx_inverse", Bool}, {"ordered_at", Time}, {"customer_name", Text},
	{"customer_country", Text}, {"customer_vat_number", Text}, {"notes", Text},
}

// InvoiceTaxColumns are one row per invoice or credit note and tax rate (its tax lines): what a
// VAT return adds up. Amounts are signed as in InvoiceColumns; tax_rate is the percentage
// ("21", "5.5"), tax_rate_ppm the same in millionths as stored.
var InvoiceTaxColumns = []Column{
	{"number", Text}, {"kind", Text}, {"credited_number", Text}, {"order_number", Text},
	{"issued_at", Time}, {"customer_country", Text}, {"customer_vat_number", Text},
	{"currency", Text}, {"tax_rate", Decimal}, {"tax_rate_ppm", Int}, {"taxable", Decimal},
	{"tax", Decimal}, {"base_currency", Text}, {"fx_rate", Decimal}, {"fx_inverse", Bool},
	{"fx_date", Text}, {"taxable_base", Decimal}, {"tax_base", Decimal},
}

// MovementColumns are the ledger, one row per movement. A place is a warehouse and a location
// code; a virtual place (SUPPLIER, CUSTOMER, …) has no warehouse.
var MovementColumns = []Column{
	{"id", Int}, {"at", Time}, {"sku", Text}, {"lot", Text}, {"from_warehouse", Text},
	{"from_location", Text}, {"to_warehouse", Text}, {"to_location", Text}, {"qty", Int},
	{"kind", Text}, {"reason", Text}, {"order_number", Text}, {"actor", Text},
	{"terminal", Text}, {"note", Text},
}

// ShipmentColumns are one row per order line in a package of a shipment (a shipment without
// packages yet has one row without them).
var ShipmentColumns = []Column{
	{"shipment_id", Int}, {"order_number", Text}, {"channel", Text}, {"external_id", Text},
	{"external_name", Text}, {"status", Text}, {"warehouse", Text}, {"carrier", Text},
	{"carrier_name", Text}, {"service", Text}, {"shipped_at", Time}, {"delivered_at", Time},
	{"package_id", Int}, {"tracking_number", Text}, {"tracking_url", Text},
	{"external_line_id", Text}, {"sku", Text}, {"qty", Int},
}

// ShopifyTrackingColumns are one row per package of a shipped order: the order's name as
// Shopify shows it ("#1001"), and the tracking number and company. Shopify's admin has no
// tracking import of its own; these are the fields of a fulfillment's tracking in Shopify's
// Admin API (FulfillmentTrackingInput: company, number, url; OrderCreateFulfillmentInput:
// trackingCompany, trackingNumber — shopify.dev/docs/api/admin-graphql, input objects), under the
// names the bulk-fulfillment apps read (Matrixify and Excelify orders sheets key an order by
// "Name": matrixify.app/documentation/orders).
var ShopifyTrackingColumns = []Column{
	{"Name", Text}, {"Tracking Number", Text}, {"Tracking Company", Text}, {"Tracking URL", Text},
	{"Shipped At", Time},
}

// AmazonShipConfirmColumns are Amazon's shipping confirmation flat file (Seller Central,
// Orders › Upload order related files › Shipping confirmation): tab-separated, one row per
// order item shipped in a package.
var AmazonShipConfirmColumns = []Column{
	{"order-id", Text}, {"order-item-id", Text}, {"quantity", Int}, {"ship-date", Time},
	{"carrier-code", Text}, {"carrier-name", Text}, {"tracking-number", Text}, {"ship-method", Text},
}

// StockColumns are one row per SKU and warehouse: on hand and reserved in the warehouse's
// active bins, the channel's safety buffer, and what is left to sell (never below 0).
var StockColumns = []Column{
	{"sku", Text}, {"warehouse", Text}, {"on_hand", Int}, {"reserved", Int}, {"buffer", Int},
	{"available", Int},
}

// ShopifyInventoryColumns are Shopify's inventory CSV (help.shopify.com/en/manual/products/
// inventory/inventory-csv, "Inventory CSV file format"): the variant is identified by Handle,
// Title, its options and SKU, its quantity per Location. An import sets "On hand (new)"; the
// "(not editable)" columns are what an export from Shopify shows, which Shopify ignores on
// import. oms fills the handle from the SKU (lower case), the title from the product's name,
// Option1 as Shopify's default variant ("Title" / "Default Title"), the location with the
// warehouse's name, Available and On hand (new) with the units the channel may sell there.
var ShopifyInventoryColumns = []Column{
	{"Handle", Text}, {"Title", Text}, {"Option1 Name", Text}, {"Option1 Value", Text},
	{"Option2 Name", Text}, {"Option2 Value", Text}, {"Option3 Name", Text},
	{"Option3 Value", Text}, {"SKU", Text}, {"Location", Text}, {"Available (not editable)", Int},
	{"On hand (new)", Int},
}

// AmazonPriceQuantityColumns are Amazon's Price & Quantity file (Seller Central help
// G200385490, "Download: Price & Quantity file"): tab-separated sku, price, quantity, where
// price may stay empty when only quantities change, which is what oms sends.
var AmazonPriceQuantityColumns = []Column{{"sku", Text}, {"price", Decimal}, {"quantity", Int}}

// ShopifyHandle is a product handle made from a SKU: lower case, letters, digits and dashes.
func ShopifyHandle(sku string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(sku) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
