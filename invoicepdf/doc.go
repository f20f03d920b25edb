// Package invoicepdf renders an invoice or a credit note as a PDF that a finance team and a tax
// office accept: who sells to whom (with VAT numbers), the lines, the tax per rate, the totals in
// the document's currency and, when it differs, in the seller's base currency at the stated
// rate and date, and the notes the law requires (reverse charge, export).
//
// It is pure: a Document in, PDF bytes out, no database and no clock. Amounts arrive as integer
// minor units and are printed with model.Money's formatting, so no float ever touches money;
// the renderer refuses a document whose lines, tax summary and totals do not add up rather than
// print figures that contradict each other.
//
// Text uses the PDF core fonts (Helvetica), which hold the Windows-1252 character set: Latin
// letters with their accents ("Zoë Ångström", "Müller", "€"). A character outside it is
// printed as its base letter when it has one ("Łódź" → "Lódz") and as "?" otherwise, never
// dropped silently and never a crash. Core fonts need no font file, so the output is the same
// on every machine.
//
// Paper is A4, or Letter where the seller is established in a Letter country (PaperFor).
package invoicepdf
