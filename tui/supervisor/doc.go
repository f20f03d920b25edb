// Package supervisor is the supervisor's live floor screen (F8), over db/floor: three panes,
// tab to go round them, the list keys to move in one.
//
//   - Now: per warehouse and channel the open orders due today, late and past the channel's SLA
//     (a held channel says HELD); per stage (picking, packing, shipping, returns, counts) the
//     work waiting, being worked and done today, and the oldest waiting item with its age;
//     orders per hour today against the same weekday a week ago as two sparklines (▁▂▃▄▅▆▇█,
//     which every UTF-8 terminal and SSH client draws).
//   - People: picks and parcels per hour over the last hour and the shift, idle time, short-pick
//     and wrong-scan rates, and who holds which batch since when.
//   - Exceptions: short picks, orders waiting for stock past their promise, expired leases,
//     tracking trouble, unexpected returns, counts and adjustments waiting for approval, RMAs to
//     authorise or refund, import rejects; enter opens what a row names (an order, the counts or
//     returns screen, intake).
//
// Acting asks first ("… ? y/n") and holds the command's idempotency key until it is answered,
// so a y after a time-out sends the same key and the database applies it once: w releases a
// wave at the person's warehouse, r gives the batch under the cursor to another picker (typed
// login), b gives it back to the queue, p sets the priority of the order under the cursor, a
// approves a count (posted as lost or found), an adjustment, an RMA's authorisation or a refund
// due (the computed amount to the original payment), h holds or releases the channel under the
// cursor.
//
// The screen is live (ARCHITECTURE.md §4): it watches orders, lines, picking, stock, RMAs,
// counts and imports, and refetches the whole board in one read-only snapshot when one of them
// changes — at most one read in flight and one queued, so a busy floor costs it no more than the
// feed's four polls a second. What the feed does not watch (parcels, holds, adjustments) is read
// again every 15 seconds. A failed read keeps the board, marked ○ stale. At 80×24 the panes
// show in full; at 40×16 a summary of each; at 20×16 a few figures.
package supervisor
