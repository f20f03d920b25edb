// Package export writes what `oms export` reads out of the database, in the files finance, a CRM
// and the sales channels take in: CSV, JSON lines, Shopify's CSV files and Amazon's tab-separated
// flat files.
//
// It is pure Go: it knows columns and cells, not tables. The rows come from db/export; the
// command line (cli/export.go) turns each into cells of the columns a format names here.
//
// Two rules hold for every file it writes:
//
//   - Rows go out as they come, through the writer given (the command line gives a
//     bufio.Writer), so an export of a million rows needs the memory of one.
//   - No cell of a CSV-like file (csv, shopify, amazon) can run as a spreadsheet formula: a cell
//     that starts with =, +, -, @, a tab or a carriage return gets a leading single quote
//     (Neutralise), except a plain number such as "-12.50", which finance needs to stay a
//     number.
package export
