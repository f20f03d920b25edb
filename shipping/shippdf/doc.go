// Package shippdf renders the packing station's paper as PDF for office printers: the 4×6 inch
// shipping label (Label, from the label.Label the ZPL renderer also draws), the packing slip
// that goes into the parcel (PackingSlip), the customs declaration for a parcel that crosses a
// border — CN22, CN23 or commercial invoice (Customs) — and the end-of-day manifest a carrier's
// driver signs (Manifest).
//
// It is pure: a document in, PDF bytes out, no database and no clock. Each file is dated by its
// document (ship date, order date, closing time), so the same document always gives the same
// bytes. Each renderer refuses a document that would mislead or be sent back — a label whose
// SSCC fails its check digit, a slip that ships more than was ordered, a customs item without
// HS code or origin, a manifest with a tracking number twice — naming everything wrong at once,
// and returns no bytes then.
//
// Barcodes are drawn as bars, one filled rectangle per bar, so they print sharp at any
// resolution: the tracking number as Code 128, the SSCC as GS1-128 (Start C, FNC1, AI 00, the
// 18 digits), each with its human-readable text and ten-module quiet zones. The symbols come
// from github.com/boombuler/barcode's code128 encoder (which go-pdf/fpdf already depends on);
// module widths are whole dots of a 300 dpi printer, at least 0.254 mm, and the SSCC follows
// GS1's logistic-label size (0.508 mm modules, 31.75 mm high).
//
// Text uses the PDF core fonts (Helvetica), which hold the Windows-1252 character set, as
// invoicepdf does: "Zoë Ångström" and "Müllerstraße" print as written, a letter outside the
// set as its base letter ("Łódź" → "Lódz") and anything else as "?", never dropped and never
// a crash. Core fonts need no font file, so the output is the same on every machine.
// Countries print by their English names in capitals on the last address line ("POLAND").
//
// Paper: the label is 101.6 × 152.4 mm. The slip, the customs forms and the manifest are A4,
// or Letter where the seller, sender or warehouse is in a Letter country (invoicepdf.PaperFor),
// their tables running over pages with the header repeated and "page n of m" in the footer.
package shippdf
