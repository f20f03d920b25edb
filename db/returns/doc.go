// Package returns is the returns desk's data (migration 00041, the F6 screen): finding the order
// a customer sends back, opening an RMA with its return label, receiving a parcel or scanned
// units (what nobody expected goes on the unexpected list), grading and disposing of each unit,
// refunding what was inspected with its credit note, exchanges, and the returns queue.
//
// Every command is one transaction under an idempotency key, and every effect goes through the
// database's functions (oms_rma_*): the returns desk writes no RMA, line, inspection or refund
// directly, and the RMA's status and refund status are derived there. The refund's amount is
// computed here by model.QuoteRefund from the order's lines as the channel stated them and the
// channel's policy, inside the refund's own transaction with the lines locked.
package returns
