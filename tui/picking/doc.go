// Package picking is the picker's screen (F4), made for a handheld over SSH at 20×16 and 40×16
// as much as for a fixed terminal: one prompt at a time and one field that waits for a scan.
//
// Enter (or a tote's scan) claims the next batch; each task shows its bin large, then the SKU,
// name, quantity, progress and lot; the picker scans the bin, then the item (its GTIN, any
// barcode, the SKU or a GS1 element string) once per unit, or types a count after the first
// scan. A wrong scan says what is wrong and where to go, rings the terminal's bell and marks the
// line with ✗ (not colour alone); the field keeps what was scanned. ctrl+s shorts the task with
// a reason (the rest is re-tasked to another bin or backordered, by the database); ctrl+l asks
// where the next scanned bin, item or tote is. When the batch is done the screen says which tote
// goes to packing.
//
// Every confirmation is one db/picking command with its own idempotency key, made when the scan
// is submitted: a confirmation retried after a time-out applies once.
package picking
