// Package invoicing is the invoicing area of the data layer: issuing invoices and credit notes.
//
// A document is written in one transaction: header, lines and tax lines, with the totals and
// the base-currency amounts worked out by model.Totals. The database (migration 00006) stamps
// the issue time, checks the document as a whole and takes its number from the series of its
// year as the last step before commit, so numbers have no gaps and the series is locked only
// for the commit itself. Issued documents never change.
package invoicing
