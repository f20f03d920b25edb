// Package returns is the returns desk (F6): a clerk with a scanner at a desk, one prompt at a
// time, made for the desk's terminal at 80×24 and for handhelds at 40×16 and 20×16.
//
// Its home is the returns queue: the counts of each list (arrived, to refund, expected,
// waiting for a supervisor, all open; ←/→ switch lists) and the RMAs of the chosen one (↑/↓ and
// enter opens one). Its field takes a packing slip, an RMA's label or a return parcel (which
// open that RMA), or an order number, an e-mail or part of a name (which list the orders found:
// ↑/↓ and enter; one hit opens at once).
//
// An order shows its lines (shipped, still returnable) and its RMAs (enter opens the chosen
// one). ctrl+o opens an RMA: per line the units coming back (type digits) and the reason (←/→),
// then the wish (refund, exchange, store credit; an exchange may cross-ship), whether it is
// authorised at once (within the channel's return window) or waits for a supervisor, and a y.
//
// An RMA shows its status in words, its lines (requested, received, inspected, refunded), its
// inspections, refunds and unexpected items. Its field receives: the RMA's number or its return
// tracking receives the whole parcel; an item (SKU, GTIN, barcode) receives one unit, or
// "3*TEE-1" three; a wrong item or an extra unit is put aside as unexpected (✗ and the bell).
// ctrl+x inspects received units (line, units, grade A–D, disposition; restock asks for a bin,
// empty for the product's usual one); ctrl+r shows the refund line by line and pays it after a
// y (a supervisor may type another amount); ctrl+y makes an exchange's replacement order;
// ctrl+l goes back to the queue.
//
// On an RMA waiting for a supervisor (outside the return window) a supervisor authorises it
// with ctrl+s after a y; the key is not in anyone else's footer, and pressing it says only a
// supervisor authorises. ctrl+z ends an open RMA after a note (optional) and a y: it cancels one
// nothing of which came back, and otherwise closes it (the rest is not coming), which the
// database refuses while received units are not graded or a refund is due; its sentence is
// shown. A supervisor's refund amount above the raise shows why and keeps the form.
//
// The queue's last list is the undecided unexpected items (Unexpected N): what was scanned,
// units, the RMA or order it came with, who put it aside and their note (no times). enter on
// one chooses what becomes of it (added to its RMA, only for a known product that came with
// one; sent back; kept as found stock in quarantine, only for a known product; scrapped) and a
// y decides it; a refusal (decided by someone else meanwhile) is shown and the list stays.
// ctrl+t at the find field puts something that came without an RMA aside: what (the field's
// text, or typed), units, a short note, and the warehouse when the login has none of its own.
//
// Every command (open, receive, inspect, refund, exchange, authorise, cancel, close, decide,
// put aside) is one db/returns command with its own idempotency key, made when it is submitted
// and reused when the same one is submitted again after its answer was lost (a time-out), so it
// applies once. An error never clears the
// field; a fetch that fails keeps what is shown, marked ○ stale.
package returns
