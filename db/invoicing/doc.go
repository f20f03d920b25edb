// Package invoicing is the invoicing area of the data layer: the exchange and tax rates
// documents are made with (rates.go), invoices issued for what an order shipped and credit
// notes for what came back (order.go), and issued documents read back whole or listed
// (read.go).
//
// A document is written in one transaction: header, lines and tax lines, with the totals and
// the base-currency amounts worked out by model.Totals; its tax comes from the channel as
// stated, or for an order entered by hand from model.DecideTaxTreatment with the seller's
// settings. The database (migrations 00006, 00027) stamps the issue time, checks the document
// as a whole — including that its exchange rate is the stored one of its date, as stored or
// its inverse — and takes its number from the series of its year as the last step before
// commit, so numbers have no gaps and the series is locked only for the commit itself. Issued
// documents never change.
//
// An order's own discount (orders.discount_minor beyond its lines' discounts) is shared by its
// lines pro rata, to the cent, so its invoices add up to what the customer paid, however many
// shipments bill it, and credit notes give back each returned unit's share. What an order line
// has been invoiced is order_lines.qty_invoiced, which the database keeps from the invoice
// lines (00033); ShippedUninvoiced finds the work of a run through its partial index.
package invoicing
