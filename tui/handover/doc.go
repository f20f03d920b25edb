// Package handover is the store's counter: a clerk scans or types a click-and-collect order,
// sees the customer's name and the lines to confirm the person, and hands it over (every open
// unit leaves the store to the customer through the ledger; the order is collected). One field
// waits for a scan, so it works on a store's handheld at 20×16 and 40×16 as at 80×24.
package handover
