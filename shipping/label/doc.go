// Package label makes what goes on a parcel: tracking numbers in each carrier's real format with
// their check digits, GS1 serial shipping container codes (SSCC), and the 4×6 label as ZPL for
// thermal printers; and it sends a rendered label to where a packing station prints (a file,
// lp, or a raw TCP printer on port 9100). Pure apart from that last step: no database, no
// clock.
//
//   - Tracking numbers (tracking.go): Tracking makes one from a carrier's serial and the
//     account oms stores for the carrier (ParseTrackingScheme says what the account holds per
//     format: UPS 1Z, FedEx Express 12 digits, DHL Express 10 digits, UPU S10, USPS IMpb);
//     ValidTracking checks one. A number oms makes always passes; a carrier's own number that
//     fails only its check digit gives a *CheckDigitError, which input takes as a warning
//     (shipping-tax.md §1: the carriers' rules are community-derived).
//   - SSCC (sscc.go): extension digit, GS1 company prefix, serial reference, GS1 check digit
//     (model.GS1CheckDigit). Serials that do not fit are refused, never cut.
//   - The label (label.go, zpl.go): Label.Check says what is wrong before printing; ZPL draws
//     it at 203 dpi. Field data is escaped with ^FH, so no name can run a ZPL command; long
//     lines are cut by an estimate of font 0's width (charWidthPercent).
//   - Printing (printer.go): ParsePrinter reads pack_stations' settings ("file:DIR",
//     "lp:DEST", "tcp:HOST[:PORT]"); Print writes files atomically, runs lp -o raw, or sends
//     to the printer's raw port, within PrintTimeout.
package label
