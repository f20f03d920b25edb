// Package neworder is the form of an order entered by hand (phone and e-mail orders), opened
// from the queue with its new-order key: the channel (its currency and SLA shown), a customer
// found by name, e-mail or phone or typed as a new one, the ship-to address (filled from the
// found customer's last address), lines by SKU, name or scanned barcode at the catalogue's
// price (typed over when agreed otherwise), the promised date and notes. ctrl+s saves the
// whole order through one command (db/orders CreateManualOrder) under a key made when the form
// opened, so saving twice or retrying after a time-out makes one order; a refusal is shown
// and every field is kept. It is a desk screen: the fields stack at 40 columns and the form
// scrolls to the focused field; below 40 columns it asks for a wider terminal.
package neworder
