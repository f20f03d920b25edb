// Package counts is stock control's counting screen (F7), made for a handheld over SSH at 20×16
// and 40×16 as much as for a desk at 80×24: one prompt at a time and one field that waits for a
// scan, over db/counts.
//
// A counter presses enter (or scans a bin) to claim the next bin of their warehouse (asked once
// when the login has none): the count's number, "recount" on a second round, and the bin code
// large. They scan the bin (a wrong one is refused with ✗ and the bell, the field keeping the
// scan), then each item once per unit, or "5*TEE-1" for five; a lot-tracked product asks for its
// lot. The screen shows what the counter counted, never what the books say — the count is
// blind unless the warehouse shows expected quantities. ctrl+z takes back the last scan; ctrl+s
// asks "Record the count of A-01: 37 × TEE-1? y/n" (an empty bin is a count of nothing) and
// says what became of it: posted, to be recounted by someone else, or waiting for a supervisor.
// ctrl+x gives the bin back uncounted.
//
// Between bins, ctrl+l lists the warehouse's counts with their progress and ctrl+o plans one
// (zone, aisle, bins, abc or flags and what, after a y). A supervisor's ctrl+r lists the bins
// whose recount is still beyond tolerance — both counts, the books, the variance and its value;
// enter on one approves it with a reason for all its lines, or rejects it, after a y.
//
// Every command (plan, record, decide) has its own idempotency key, made when its question is
// asked and sent again when the same answer is given after a time-out, so it applies once. A
// list whose read fails keeps its rows, marked ○ stale.
package counts
