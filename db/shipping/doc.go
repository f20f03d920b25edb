// Package shipping is the packing station's work and what follows it (issue 14): a packer scans
// a tote or an order (Find) and opens its packing (Open: one packer per order, under a lease),
// verifies each item by scan (Verify), closes the verified units into parcels with a box and a
// weight (CloseParcel, with the box oms suggests and a check of the weight against what the
// items and the box weigh), rate-shops the carriers' cards (Offers) and ships (Ship: labels with
// tracking numbers and SSCCs, the ledger's ship movements, the invoice where the channel
// invoices on shipment — one transaction). Afterwards: label voids, the day's manifest per
// carrier and warehouse, and tracking events.
//
// The rules live in the database (migration 00037): the packer calls SECURITY DEFINER functions
// that lock the order's lines first, refuse wrong and surplus items, keep boxed units within
// packed ones and move stock only through the ledger. This package resolves scans, chooses
// boxes and prices with package oms/shipping, makes numbers and labels with oms/shipping/label,
// and decodes what the functions return.
package shipping
