// Package packing is the packer's screen (F5), made for a handheld over SSH at 20×16 and 40×16
// as much as for the packing bench's terminal at 80×24: one prompt at a time and one field that
// waits for a scan, the picking screen's sibling.
//
// Once per session it asks for the packing station (after the warehouse, when the person has
// none; enter for none), whose printers print the labels. Then: scan a tote or an order's
// number (a tote holding several orders lists them: ↑/↓ and enter, or scan the number); the
// order opens for this packer (another packer's open order is refused with who packs it where,
// since when). Each item is verified by scan (SKU, GTIN, barcode or GS1), or a count typed
// after its first scan; a wrong or surplus item is refused with ✗ and the terminal's bell, the
// field keeping the scan. ctrl+x (or scanning a box's code) closes a parcel of the verified
// units in none yet: the box oms suggests is pre-filled, enter takes it; then the weight, in
// grams or "1.25kg" — or, at a station with a scale, read from it into the field for enter
// to take (enter on an empty field reads it again); a weight far from the items' and the box's asks "y" to confirm or a new
// weight. When every unit is verified and in a parcel, ctrl+s lists the carriers' offers for
// all parcels (price, delivery date, on time or late; the default preselected), customs data
// missing for a parcel leaving the market is shown instead and shipping refused; enter ships,
// and the labels print on the station's label printer, the slip and customs forms on its paper
// printer. A print that fails is said and ctrl+r prints again; the shipment stays shipped.
// ctrl+o voids the labels and prints new ones with new tracking numbers, after a y.
//
// Every command (open, verify, parcel, ship) is one db/shipping command with its own
// idempotency key, made when the scan or choice is submitted and reused when the same one is
// submitted again after its answer was lost, so it applies once.
package packing
