// Package floor is the supervisor's floor (issue 17, migration 00045, the F8 screen): what is
// due and late per warehouse and channel, the work of each stage (picking, packing, shipping,
// returns, counts) released, claimed and done with the oldest item of each queue, who is doing
// what at which pace (picks and parcels per hour, idle time, short picks and wrong scans, who
// holds which batch), the exceptions that want someone (short picks, backorders past their
// promise, expired leases, tracking trouble, unexpected returns, counts and adjustments waiting
// for approval, RMAs waiting for authorisation or a refund, import rejects) and orders per hour
// today against the same weekday a week ago.
//
// Each read is one read-only snapshot (Board reads all of them in one), cheap enough for a live
// screen to repeat four times a second: every query runs on an index (00045 adds the ones the
// time windows need), lists are bounded, and the board's statements run prepared. Screens told
// of the same change share one read (SharedBoard), so a server's supervisor screens cost the
// database about one board per change notice between them.
//
// The supervisor's own commands live here too, each one transaction under an idempotency key
// calling an oms_floor_* function that checks the calling person holds oms_supervisor:
// reassigning a batch or giving it back to the queue, an order's priority, holding and releasing
// a channel (a held channel's orders are left out of every wave until released; imports,
// allocation and batches already released go on). The rest of the supervisor's actions are the
// commands of their own areas, which the screen calls as they are: db/picking's Release (a wave),
// db/counts's Decide, db/returns's Authorize and Refund, db/inbound's Approve.
package floor
