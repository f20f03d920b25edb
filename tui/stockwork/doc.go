// Package stockwork is stock control's receiving and moves screen ("Receiving & moves", from
// the menu), made for a handheld over SSH at 20×16 and 40×16 as much as for a desk at 80×24: one
// prompt at a time and one field that waits for a scan, over db/inbound and db/replenish.
//
// A first menu offers four jobs, chosen with 1–4 (or the arrows and enter); esc at a job's first
// prompt comes back to it, and esc there leaves the screen. A login without a warehouse is asked
// for one once.
//
//  1. Receive against a PO: the clerk scans the PO's number (db/inbound reads it, so whatever
//     PO(number) accepts works here) and sees its supplier and lines, received of ordered and
//     damaged. They scan each item (SKU, GTIN or barcode) once per unit, "5*TEE-1" for five, or
//     type a count after a scan for that many more of the same; an item not on the PO is refused.
//     A lot-tracked item asks for its lot, and a new lot of an expiry-tracked item for its expiry
//     (YYYY-MM-DD). ctrl+r marks the last scan's units damaged (they are received into
//     quarantine), or good again; ctrl+z takes the last scan back. ctrl+s asks "Receive 12 ×
//     TEE-1, 2 × MUG-1 damaged on PO-000001? y/n" and receives line by line (Receive). A receipt
//     the database refuses — beyond the warehouse's over-receipt tolerance, say — is shown as its
//     sentence, and the lines not received stay scanned.
//     A supplier's advance shipping notice opens its PO too: its number, or its pallet's SSCC (18
//     digits or a GS1 label of (00), "]C100387…"). When the scan named a notice (ASN; not found
//     means it was the PO's own number, and nothing changes) the notice is shown under the PO's
//     header: its number, SSCC and the units it announces per SKU and lot, or who received it and
//     when. ctrl+o asks "Receive DESADV-1001 as announced: 34 units? y/n" and y receives the whole
//     notice at once (ReceiveASN), then the PO is read again; the database's refusal is shown as
//     its sentence, and ctrl+o on a notice received already is told by whom and when. The clerk
//     may scan the items one by one instead, when the delivery differs from its notice.
//  2. Put away: what waits in the receiving and staging locations is listed; the clerk scans an
//     item (and picks its lot when several wait), the suggested bin (SuggestPutaway) is shown
//     large with why, and scanning it goes on to the units (enter puts all that wait). Another bin
//     is allowed, as db/inbound allows, after "Put away in A-03, not A-01? y/n"; a place that is
//     not a bin is refused.
//  3. Move: scan the bin to move from (what it holds is shown), an item it holds (its lot when
//     it holds several), the units (enter: all) and the bin to move to (MoveStock).
//  4. Replenish: enter claims the next replenishment task of the warehouse (the clerk's own
//     claimed one first); the reserve bin is shown large, then the pick bin, each confirmed by
//     scanning its code or barcode (a wrong bin is refused locally, with the way to the right
//     one), then "Move 10 × TEE-1 R-01 → P-01? y/n" confirms it. ctrl+x cancels a task that
//     cannot be done, after a y.
//
// A wrong scan is refused with ✗ and the bell, and the field keeps it; the next key replaces
// it. Every command (receive, receive a notice, put away, move, claim, confirm, cancel) has its own idempotency
// key, made when its question is asked and sent again when the same answer is given after a
// time-out, so it applies once. The PO and the waiting list follow the ledger (they are read
// again when stock moves), and a read that fails keeps its rows, marked ○ stale.
package stockwork
