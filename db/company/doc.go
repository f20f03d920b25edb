// Package company owns the business a database belongs to: its name, country and base
// currency, set once by `oms init` (an admin's work) and read by every area that needs to know
// whose books these are; the seller's postal address and tax settings that invoices state,
// which the admin keeps (`oms company set`); and the VAT numbers of business customers, which
// the back office records (`oms customers vat`).
package company
