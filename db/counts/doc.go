// Package counts is stock control's counting (migration 00042, the F7 screen): planning counts
// (zone, aisle, bins, ABC class due, short-pick flags), claiming the next bin under a lease,
// recording a blind count, and a supervisor's decision on a bin whose recount is still beyond
// tolerance.
//
// The database does the arithmetic: a recorded count stores the snapshot of its transaction, and
// what the ledger said at that position is the balance less the movements the snapshot could not
// see, so a pick or put-away in flight is counted once whichever side of the count it falls.
// Every command is one transaction under an idempotency key and calls an oms_count_* function;
// the stock role writes no count row directly.
package counts
