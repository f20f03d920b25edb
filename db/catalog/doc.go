// Package catalog is the master-data area of the data layer: the upserts of `oms catalog import`
// and the reads of `oms catalog export` for products, warehouses, locations, channels and
// packing boxes, by their natural keys (SKU, warehouse code, warehouse and location code,
// channel code, warehouse and box code).
//
// Each import is one transaction for the whole file, with a savepoint per row: a row the
// database refuses (an unknown tax category or warehouse, a GTIN another product has, a bin
// that still holds stock) is rolled back to its savepoint and reported as a rejection, and the
// other rows commit together. One transaction per file rather than per batch because a file is
// what a person means to load: if the connection drops halfway nothing is half-loaded, and the
// rerun is a plain replay. The upserts are idempotent by content (a row equal to what is stored
// is counted unchanged and not written), which is what makes a replay safe; no idempotency key
// is claimed, since the replay of a file must report 0 new, 0 updated rather than the first
// result, and a rerun transaction (db.InTx on 40001) starts its counts afresh.
//
// An import never deletes: a product, location or box is retired with active=false, and the
// database refuses to deactivate a location that holds stock (migration 00011).
package catalog
