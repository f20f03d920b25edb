// Package catalog reads and writes the master-data files of `oms catalog import` and
// `oms catalog export`: products, warehouses, locations, channels and boxes as CSV. It turns bytes into
// plain row types and back, and checks each row on its own (GTIN check digits through model,
// ISO 3166 country codes, IANA time zones, positive dimensions, booleans); what needs the
// database (does the tax category, currency or warehouse exist, is the bin empty) is checked by
// db/catalog, which writes the rows. No SQL, no terminal.
//
// Why a top-level package and not model: the file format (column names, quoting, BOM, the
// FILE:LINE of a bad row) is neither domain rule nor infrastructure, and both the command line
// (parsing before the database is opened, so a missing column is a usage mistake) and db/catalog
// (the row types it upserts and exports) use it. It imports only model; cli and db/catalog
// import it.
//
// Columns are found by name in the header, never by position: they may come in any order, extra
// columns are ignored, and a missing required column is a *MissingColumnsError. Each row says
// which of its kind's columns the file had (Columns), so that an update leaves the others alone. A record that
// fails its checks becomes a Rejection naming the physical line where the record starts; the
// other rows are still returned.
package catalog
