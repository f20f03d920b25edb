// Package invoices is the Invoices screen (issue 12): the issued invoices and credit notes,
// newest first, paged by keyset on (issue time, id), filtered by order number, series and issue
// day, and a document's page with its parties, lines, tax summary, totals in its currency and
// the base currency, and its notes. The change feed does not watch invoices, so the list is
// refetched when shown again and by its refresh key.
package invoices
