// Package invoices is the Invoices screen (issue 12): the issued invoices and credit notes,
// newest first, paged by keyset on (issue time, id), filtered by order number, series and issue
// days (any day, today, this month, or a range typed in a prompt: the dates key after this
// month), and a document's page with its parties, lines, tax summary, totals in its currency
// and the base currency, and its notes. The list is live: it watches db.Invoices, so a document
// issued in another terminal or by `oms invoice issue` appears at the next poll of the change
// feed: its window is refetched in place, the cursor following the newest document when it was
// on it and otherwise staying on its document; the refresh key refetches at once.
package invoices
